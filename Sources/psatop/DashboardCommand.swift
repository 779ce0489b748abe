import ArgumentParser
import CursesUI
import Dashboard
import Foundation
import PSAApp
import PSAClient
import PSACore

struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dashboard", abstract: "The full-screen dashboard (the default).")

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "Theme name (themes/NAME.toml) or path to a theme file.")
    var theme = "default"

    @Flag(help: "Draw with ASCII only (automatic when the locale is not UTF-8).")
    var ascii = false

    @Option(help: "Write what would go to stderr while the screen is up to this file.")
    var stderrLog: String?

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            fail("the dashboard needs a terminal; for scripts use `psatop tickets --json`")
        }
        let noColor = !(env["NO_COLOR"] ?? "").isEmpty
        var chosen: Theme
        do { chosen = try ThemeLocator.load(theme) } catch { fail("\(error)") }
        if noColor { chosen = .mono }
        let connection: Connection
        do { connection = try await Connection.open(self.connection.settings) } catch { fail("\(error)") }

        let clock = PSAClock.continuous
        var state = DashboardState(vendor: connection.vendorLabel, tenant: connection.tenantName, now: clock.wall())
        state.ascii = ascii || !Self.localeIsUTF8(env)
        let mailbox = Mailbox()
        let poller = Poller(api: connection.api, clock: clock, timeScale: connection.timeScale) { mailbox.post($0) }
        await poller.start()
        let exit: TerminalApp.Exit
        do {
            exit = try await TerminalApp.run(
                state: state, theme: chosen, options: .init(color: !noColor, stderrPath: stderrLog),
                mailbox: mailbox, wallClock: { clock.wall() },
                onCommand: { cmd in Task { await poller.handle(cmd) } })
        } catch {
            await poller.stop()
            await connection.close()
            fail("\(error)")
        }
        await poller.stop()
        await connection.close()
        if case .signal(let sig) = exit { Foundation.exit(128 + sig) }
    }

    static func localeIsUTF8(_ env: [String: String]) -> Bool {
        let value = [env["LC_ALL"], env["LC_CTYPE"], env["LANG"]].compactMap { $0 }.first { !$0.isEmpty } ?? ""
        let v = value.lowercased()
        return v.contains("utf-8") || v.contains("utf8")
    }
}
