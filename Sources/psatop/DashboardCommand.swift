import ArgumentParser
import CursesUI
import Dashboard
import Foundation
import PSAApp
import PSAClient
import PSACore
import Synchronization

struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard", abstract: "The full-screen dashboard (the default).",
        discussion: """
            Needs a terminal that can move the cursor (TERM=dumb is refused); draws ASCII only when the \
            locale is not UTF-8, without colour when NO_COLOR is set.

            Exit codes: 0 quit with q; 1 could not start (no terminal, the configuration, a theme, the \
            connection) or failed; 64 a bad command line; 128+N ended by signal N (129 SIGHUP, 130 \
            Ctrl-C, 143 SIGTERM), the terminal restored.
            """)

    @OptionGroup var connection: ConnectionOptions

    @Flag(
        help:
            "Watch every profile of the config file at once (with --demo and no config file: four simulated tenants).")
    var all = false

    @Option(
        help:
            "Theme name (themes/NAME.toml) or path to a theme file (default: the profile's or config file's theme, else default)."
    )
    var theme: String?

    @Flag(
        help:
            "Send no writes at all (notes, attachments, time, assignments, status, priority, changes to many): every write key says read-only; also read_only = true per profile."
    )
    var readOnly = false

    @Flag(help: "Draw with ASCII only (automatic when the locale is not UTF-8).")
    var ascii = false

    @Flag(
        help:
            "Notify through the terminal (OSC 9 / OSC 777, then BEL) when a latency tier is entered, the API is suspended, tickets newly breach their SLA, or the quota history finds a spike of others; at most one a minute per kind (also: notify = true in the config file). In tmux: set -g allow-passthrough on."
    )
    var notify = false

    @Option(help: "Open on this saved view ([[views]] in the config file).")
    var view: String?

    @Option(
        help: ArgumentHelp(
            "Write the request log (as -v prints it for the other commands) and whatever would go to stderr while the screen is up to this file.",
            valueName: "path"))
    var stderrLog: String?

    /// Ends the process with `code` after `seconds` if it has not ended by then.
    static func exitWithin(seconds: Double, code: Int32) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { Foundation.exit(code) }
    }

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            fail("the dashboard needs a terminal; for scripts use `psatop tickets --json`")
        }
        if let problem = TerminalCheck.problem(environment: env) { fail(problem) }
        let noColor = !(env["NO_COLOR"] ?? "").isEmpty
        let list: [ConnectionSettings]
        do { list = try connection.settings(all: all) } catch { fail("\(error)") }
        var chosen: Theme
        do { chosen = try ThemeLocator.load(theme ?? list.first?.theme ?? "default") } catch { fail("\(error)") }
        if noColor { chosen = .mono }
        // The themes t steps through: every one found that loads (a broken file is left out here;
        // named with --theme it stops the start with its line).
        var cycle = noColor ? [] : ThemeLocator.available().compactMap { try? ThemeLocator.load($0) }
        if !cycle.contains(where: { $0.name == chosen.name }) { cycle.insert(chosen, at: 0) }
        if let first = FirstRun.screen(list, configPath: connection.config, environment: env) {
            Out.err(first)
            Foundation.exit(1)
        }
        // With --all a profile that cannot be used gets its line, saying why; the others are watched.
        let fleet: [FleetMember]
        do { fleet = try await Connection.openFleet(list) } catch { fail("\(error)") }
        if !all || fleet.count == 1, let bad = fleet.compactMap(\.broken).first { fail(bad.reason) }
        let connections = fleet.compactMap(\.connection)

        // The request log as it happens, as `-v` writes it, into the --stderr-log file.
        var requestLog: RequestLogWriter?
        if let stderrLog {
            do { requestLog = try RequestLogWriter.appending(to: stderrLog) } catch { fail("--stderr-log: \(error)") }
            await requestLog?.follow(RequestLogOptions.tenants(connections))
        }
        let clock = PSAClock.continuous
        let several = fleet.count > 1
        var state = DashboardState.multi(
            fleet.map { m in (m.vendor, several || m.connection == nil ? m.name : m.connection!.tenantName) },
            now: clock.wall())
        state.ascii = ascii || !Self.localeIsUTF8(env)
        state.version = BuildInfo.version
        state.setNotify(notify || list.contains { $0.notify })
        // Views, commands, the mouse and the gauge from the config file; R and SIGUSR1 read it again.
        let config: PSAConfig?
        do { config = try PSAConfig.load(path: connection.config, environment: env) } catch { fail("\(error)") }
        let profiles = list.map(\.name)
        var initial: [Command] = []
        do {
            initial = try state.customize(ConfigReload.settings(config, profiles: profiles, theme: nil), view: view)
        } catch { fail("\(error)") }
        let configPath = connection.config
        let lastConfig = Mutex(config)
        let reload: @Sendable () -> DashboardEvent = {
            lastConfig.withLock { old in
                let (event, new) = ConfigReload.reload(path: configPath, old: old, profiles: profiles, environment: env)
                old = new
                return event
            }
        }
        let policies = fleet.enumerated().map { i, m in
            let p = list.indices.contains(i) ? list[i] : nil
            return WritePolicy(
                readOnly: readOnly || (p?.readOnly ?? false), allowPublic: p?.allowPublic ?? true,
                profile: p?.name ?? m.name)
        }
        state.setWritePolicies(policies)
        let mailbox = Mailbox()
        // "history off: <reason>" goes to the screen's notice line, once.
        let history = await connection.startHistory(.dashboard, connections) { mailbox.post(.notice($0)) }
        let tapIndex = fleet.indices.map { i in fleet[..<i].filter { $0.connection != nil }.count }
        var pollers: [Poller] = []
        var route: [Int: Poller] = [:]
        for (i, m) in fleet.enumerated() {
            guard case .open(let c) = m else {
                // Its gauge and its list both say why (it is never asked anything).
                mailbox.post(.tenant(i, .quotaFailed(m.broken?.reason ?? "", at: clock.wall())))
                mailbox.post(.tenant(i, .pageFailed(m.broken?.reason ?? "")))
                continue
            }
            let p = Poller(
                api: c.api, clock: clock, timeScale: c.timeScale, budgetPercent: c.settings.pollBudgetPercent
            ) {
                let e = DashboardEvent($0)
                mailbox.post(several ? .tenant(i, e) : e)
                history?.observe(tapIndex[i], $0)
            }
            if let tap = history?.taps[tapIndex[i]] {
                await p.setHostOurs(tap.link(kind: "dashboard"))
                // The trend continues from the store (before the first reading of this run).
                if let past = await tap.pastReadings() { mailbox.post(several ? .tenant(i, past) : past) }
            }
            await p.start()
            pollers.append(p)
            route[i] = p
        }
        let routes = route
        let first = fleet.indices.first { routes[$0] != nil } ?? 0
        // One ordered queue from the screen to the pollers: commands are handled in the order
        // they were made (a task per command could let a later edit overtake an earlier one, or
        // a note run after the quit).
        let (queue, queued) = AsyncStream<Command>.makeStream(bufferingPolicy: .unbounded)
        let dispatcher = Task {
            for await cmd in queue {
                // A write the tenant's profile refuses never reaches its poller.
                let tenant: Int = if case .forTenant(let i, _) = cmd { i } else { first }
                if let kind = cmd.writeKind, policies.indices.contains(tenant),
                    policies[tenant].refusal(kind) != nil
                {
                    continue
                }
                if case .forTenant(let i, let c) = cmd {
                    await routes[i]?.handle(c)
                } else if cmd == .quit {
                    for p in routes.values { await p.handle(.quit) }
                } else {
                    await routes[first]?.handle(cmd)
                }
            }
        }
        defer {
            queued.finish()
            dispatcher.cancel()
        }
        for c in initial { queued.yield(c) }
        let exit: TerminalApp.Exit
        do {
            exit = try await TerminalApp.run(
                state: state, theme: chosen,
                options: .init(color: !noColor, stderrPath: stderrLog, themes: cycle, reload: reload),
                mailbox: mailbox, wallClock: { clock.wall() },
                onCommand: { cmd in queued.yield(cmd) })
        } catch {
            Self.exitWithin(seconds: 3, code: 1)
            await requestLog?.finish()
            for p in pollers { await p.stop() }
            for c in connections { await c.close() }
            fail("\(error)")
        }
        // The screen is restored. The rest is tidying up (pollers, connections, the demo's
        // simulator, which waits for its open connections): bounded, so psatop never lingers
        // without a terminal, busy with a demo nobody sees.
        let code: Int32 = if case .signal(let sig) = exit { 128 + sig } else { 0 }
        Self.exitWithin(seconds: 3, code: code)
        await requestLog?.finish()
        for p in pollers { await p.stop() }
        await history?.finish()
        for c in connections { await c.close() }
        if code != 0 { Foundation.exit(code) }
    }

    static func localeIsUTF8(_ env: [String: String]) -> Bool {
        let value = [env["LC_ALL"], env["LC_CTYPE"], env["LANG"]].compactMap { $0 }.first { !$0.isEmpty } ?? ""
        let v = value.lowercased()
        return v.contains("utf-8") || v.contains("utf8")
    }
}
