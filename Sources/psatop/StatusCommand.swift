import ArgumentParser
import Foundation
import PSAApp
import PSACore

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract:
            "Read each tenant's quota once and report it as a monitoring plugin (Nagios / Icinga / monitoring-plugins).",
        discussion: """
            Exit codes: 0 OK (below 50%), 1 WARNING (+0.5 s tier), 2 CRITICAL (+1 s tier, suspended, or a \
            429 during the check: answered at once, never waited out), 3 UNKNOWN (no reading, a \
            configuration error, or a bad command line).
            Per tenant: Atera without X-RateLimit-* headers is judged on psatop's own count against the \
            configured limit (perfdata `ours`); HaloPSA reports no usage (OK once it answers).
            With several tenants each has its line, and the worst state wins: OK < UNKNOWN < WARNING < \
            CRITICAL, so a tenant that cannot be read (or a profile that cannot be used) never hides \
            another's WARNING.
            Output: psatop OK - 1234/10000 (12.3%) | used=1234;5000;7500;0;10000
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var requestLog: RequestLogOptions

    @Flag(help: "Every profile of the config file (with --demo and no config file: four simulated tenants).")
    var all = false

    @Flag(help: "Print JSON (an array, one object per tenant) instead of the plugin line.")
    var json = false

    @Option(help: "Seconds to wait for each tenant before UNKNOWN.")
    var timeout = 30

    func validate() throws {
        guard (1...600).contains(timeout) else { throw ValidationError("--timeout must be 1 to 600 seconds") }
    }

    func run() async throws {
        let list: [ConnectionSettings]
        do { list = try connection.settings(all: all) } catch { unknown("\(error)") }
        // With --all a profile that cannot be used is its own UNKNOWN line; the others are read.
        let fleet: [FleetMember]
        do { fleet = try await Connection.openFleet(list) } catch { unknown("\(error)") }
        if !all, let bad = fleet.first?.broken { unknown(bad.reason) }
        let conns = fleet.compactMap(\.connection)
        let verbose = await requestLog.start(conns)
        let history = await connection.startHistory(.status, conns)
        let results = await StatusReport.check(fleet: fleet, timeout: .seconds(timeout))
        await verbose?.finish()
        await history?.finish()
        for c in conns.reversed() { await c.close() }
        if json {
            Out.data((try? StatusReport.json(results)) ?? Data("[]".utf8))
            Out.data(Data("\n".utf8))
        } else {
            Out.line(StatusReport.pluginText(results))
        }
        Foundation.exit(StatusReport.state(results).rawValue)
    }

    /// A configuration problem is UNKNOWN in the plugin convention, not a generic failure.
    private func unknown(_ message: String) -> Never {
        if json {
            let obj = ["error": message.sanitized, "state": "UNKNOWN"]
            Out.data((try? JSONSerialization.data(withJSONObject: [obj], options: [.sortedKeys])) ?? Data())
            Out.data(Data("\n".utf8))
        } else {
            Out.line("psatop UNKNOWN - \(message.sanitized)")
        }
        Foundation.exit(PluginState.unknown.rawValue)
    }
}
