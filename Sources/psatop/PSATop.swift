import ArgumentParser
import CursesUI
import Dashboard
import Foundation
import PSAApp
import PSAClient
import PSACore
import Simulator

@main
struct PSATop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "psatop",
        abstract: "A terminal dashboard for \(Vendor.labelList) API quota, requests and tickets.",
        discussion: """
            Credentials come from the environment (or a profile of the config file), never from flags:
              Autotask: AUTOTASK_USERNAME, AUTOTASK_SECRET, AUTOTASK_INTEGRATION_CODE
              Atera:    ATERA_API_KEY
              HaloPSA:  HALO_CLIENT_ID, HALO_CLIENT_SECRET (HALO_SCOPE), with --base-url the instance
              ConnectWise: CW_COMPANY, CW_PUBLIC_KEY, CW_PRIVATE_KEY, CW_CLIENT_ID, with --base-url the site

            Try it without any: psatop --demo

            Exit codes: 0 done; 1 an error (configuration, connection, the API), said on stderr; \
            64 a bad command line (the message names the flag and what it accepts); 128+N ended by \
            signal N (129 SIGHUP, 130 Ctrl-C, 143 SIGTERM). `status` answers with the monitoring-plugin \
            codes instead (see psatop status --help).
            """,
        version: "psatop \(BuildInfo.version)",
        subcommands: [
            DashboardCommand.self, TicketsCommand.self, StatusCommand.self, ServeMetricsCommand.self,
            ConfigCommand.self, SimulateCommand.self, HistoryCommand.self,
        ],
        defaultSubcommand: DashboardCommand.self)

    /// ArgumentParser's own entry, after one step: no core dump may hold a secret read later.
    static func main() async {
        ProcessHardening.noCoreDumps()
        if let typo = CommandLine.arguments.dropFirst().first, let hint = Self.didYouMean(typo) {
            Out.err("psatop: unknown command '\(typo.sanitized)'; did you mean '\(hint)'? (psatop --help lists them)\n")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // A monitoring plugin answers UNKNOWN (3) to a command line it cannot use, not 64:
            // Nagios and Icinga read any other code as a state.
            if CommandLine.arguments.dropFirst().first == "status",
                exitCode(for: error).rawValue == ExitCode.validationFailure.rawValue
            {
                Out.err(fullMessage(for: error) + "\n")
                Out.line("psatop UNKNOWN - bad command line (see psatop status --help)")
                Foundation.exit(PluginState.unknown.rawValue)
            }
            exit(withError: error)
        }
    }
}

extension PSATop {
    /// A first word that is no command but close to one (`tikets`): the command meant. Nil for
    /// a command, a flag, or a word not close to any (the dashboard's own error says the rest).
    static func didYouMean(_ word: String) -> String? {
        guard !word.hasPrefix("-"), !word.isEmpty, word.count <= 40 else { return nil }
        let names = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
        guard !names.contains(word) else { return nil }
        let best = names.map { ($0, distance(word.lowercased(), $0)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= 2, best.1 < best.0.count / 2 + 1 else { return nil }
        return best.0
    }

    /// Levenshtein distance (small words only).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var prev = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}

/// Options every command that talks to a tenant shares. Flags override the config file's profile.
struct ConnectionOptions: ParsableArguments {
    @Flag(help: "Run against the embedded simulator: no credentials, no network.")
    var demo = false

    @Option(help: "A profile of the config file (default: the file's `default`).")
    var profile: String?

    @Option(
        help: ArgumentHelp(
            "The config file (default: $XDG_CONFIG_HOME/psatop/config.toml, else ~/.config/psatop/config.toml).",
            valueName: "path"))
    var config: String?

    @Option(help: "\(Vendor.nameList).")
    var vendor: Vendor?

    @Option(
        help:
            "API base URL (Autotask: a zone's …/ATServicesRest/V1.0; Atera: …/api/v3). Autotask discovers the zone when omitted. http:// only for loopback."
    )
    var baseURL: String?

    @Option(
        help: ArgumentHelp(
            "Who you are: your e-mail as the PSA knows it (Atera writes comments as this technician).",
            valueName: "e-mail"))
    var me: String?

    @Option(help: "Atera requests per minute allowed for the key (default 700).")
    var ateraLimit: Int?

    @Option(
        help: ArgumentHelp(
            "Autotask: the tenant usage (percent of its threshold) our bulk work may bring it to (default 75: out of the +1 s tier; 50: out of any tier).",
            valueName: "percent"))
    var ceiling: Double?

    @Option(
        help: ArgumentHelp(
            "The dashboard's own background requests per hour (quota readings, ticket refreshes), as a percentage of the tenant's hourly threshold (default 1).",
            valueName: "percent"))
    var pollBudget: Double?

    @Option(help: "Demo: number of simulated tickets.")
    var demoTickets = 1_234

    @Option(help: "Demo: faults the simulator injects, e.g. \"500=0.1,503=0.02,slow=0.05,malformed=0.02,html=0.05\".")
    var demoFaults = ""

    @OptionGroup var recording: RecordOptions

    @OptionGroup var history: HistoryOptions

    /// The tenants to open: one, or every profile with `all`.
    func settings(all: Bool = false) throws -> [ConnectionSettings] {
        var c = TenantChoice()
        c.configPath = config
        c.profile = profile
        c.all = all
        c.demo = demo
        c.vendor = vendor
        c.baseURL = baseURL
        c.ceilingPercent = ceiling
        c.pollBudgetPercent = pollBudget
        c.ateraLimit = ateraLimit
        c.demoTickets = demoTickets
        c.demoFaults = (try? FaultPlan(parsing: demoFaults)) ?? FaultPlan()
        var resolved = try c.resolve()
        if let me { for i in resolved.indices { resolved[i].me = me } }
        if let recorder = try recording.recorder() { for i in resolved.indices { resolved[i].recorder = recorder } }
        return resolved
    }

    /// One tenant; a clean message and exit on a config error.
    var single: ConnectionSettings {
        do { return try settings()[0] } catch { fail("\(error)") }
    }

    func validate() throws {
        if let baseURL {
            do { _ = try URLPolicy.check(baseURL) } catch { throw ValidationError(String(describing: error)) }
        }
        if let ceiling, !(ceiling > 0 && ceiling <= 100) {
            throw ValidationError("--ceiling must be a percentage above 0 and at most 100, e.g. 75")
        }
        if let pollBudget, !(pollBudget > 0 && pollBudget <= 100) {
            throw ValidationError("--poll-budget must be a percentage above 0 and at most 100, e.g. 1")
        }
        if let ateraLimit, ateraLimit <= 0 { throw ValidationError("--atera-limit must be positive") }
        guard (0...10_000_000).contains(demoTickets) else {
            throw ValidationError("--demo-tickets must be between 0 and 10,000,000")
        }
        do { _ = try FaultPlan(parsing: demoFaults) } catch { throw ValidationError("--demo-faults: \(error)") }
    }
}

extension Vendor: ExpressibleByArgument {}

/// Prints a clean error and exits non-zero. The message often carries a server's words, so
/// each of its lines is sanitized: no escape sequence or control character reaches the terminal.
func fail(_ message: String, code: Int32 = 1) -> Never {
    Out.err("psatop: \(failureText(message))\n")
    exit(code)
}

/// `fail`'s text: every line sanitized, line breaks kept.
func failureText(_ message: String) -> String {
    message.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).sanitized }.joined(
        separator: "\n")
}

/// Standard output and error that survive a reader going away (`psatop tickets | head`): the
/// HTTP stack ignores SIGPIPE, so a write to a closed pipe fails with EPIPE — and Foundation's
/// `FileHandle.write(_:)` would trap on it. These stop writing instead.
enum Out {
    static func data(_ d: Data) { try? FileHandle.standardOutput.write(contentsOf: d) }
    static func line(_ s: String) { data(Data((s + "\n").utf8)) }
    static func err(_ s: String) { try? FileHandle.standardError.write(contentsOf: Data(s.utf8)) }
}
