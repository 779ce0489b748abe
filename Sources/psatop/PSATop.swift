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
        abstract: "A terminal dashboard for Autotask and Atera API quota, requests and tickets.",
        discussion: """
        Credentials come from the environment, never from flags:
          Autotask: AUTOTASK_USERNAME, AUTOTASK_SECRET, AUTOTASK_INTEGRATION_CODE
          Atera:    ATERA_API_KEY
        Try it without any: psatop --demo
        """,
        subcommands: [DashboardCommand.self, TicketsCommand.self, SimulateCommand.self],
        defaultSubcommand: DashboardCommand.self)
}

/// Options every command that talks to a tenant shares.
struct ConnectionOptions: ParsableArguments {
    @Flag(help: "Run against the embedded simulator: no credentials, no network.")
    var demo = false

    @Option(help: "autotask or atera.")
    var vendor: Vendor = .autotask

    @Option(help: "API base URL (Autotask: a zone's …/ATServicesRest/V1.0; Atera: …/api/v3). Autotask discovers the zone when omitted. http:// only for loopback.")
    var baseURL: String?

    @Option(help: "Atera requests per minute allowed for the key.")
    var ateraLimit = 700

    @Option(help: ArgumentHelp("Autotask: the tenant usage (percent of its threshold) our bulk work may bring it to. 75 keeps it out of the +1 s tier, 50 out of any tier.", valueName: "percent"))
    var ceiling = 75.0

    @Option(help: "Demo: number of simulated tickets.")
    var demoTickets = 1_234

    @Option(help: "Demo: faults the simulator injects, e.g. \"500=0.1,503=0.02,slow=0.05,malformed=0.02,html=0.05\".")
    var demoFaults = ""

    var settings: ConnectionSettings {
        var s = ConnectionSettings()
        s.demo = demo
        s.vendor = vendor
        s.baseURL = baseURL
        s.ateraLimitPerMinute = ateraLimit
        s.ceiling = ceiling / 100
        s.demoTickets = demoTickets
        s.demoFaults = (try? FaultPlan(parsing: demoFaults)) ?? FaultPlan()
        return s
    }

    func validate() throws {
        if let baseURL {
            do { _ = try URLPolicy.check(baseURL) } catch { throw ValidationError(String(describing: error)) }
        }
        guard ceiling > 0, ceiling <= 100 else { throw ValidationError("--ceiling must be a percentage above 0 and at most 100, e.g. 75") }
        guard ateraLimit > 0 else { throw ValidationError("--atera-limit must be positive") }
        guard (0...10_000_000).contains(demoTickets) else { throw ValidationError("--demo-tickets must be between 0 and 10,000,000") }
        do { _ = try FaultPlan(parsing: demoFaults) } catch { throw ValidationError("--demo-faults: \(error)") }
    }
}

extension Vendor: ExpressibleByArgument {}

/// Prints a clean one-line error and exits non-zero.
func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("psatop: \(message)\n".utf8))
    exit(code)
}
