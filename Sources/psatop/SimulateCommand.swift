import ArgumentParser
import Dispatch
import Foundation
import PSACore
import Simulator

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Run the simulator of the \(Vendor.labelList) APIs on loopback.",
        discussion: """
            Prints its addresses and the simulator's own credentials, then serves until stopped.

            Exit codes: 0 stopped by SIGINT or SIGTERM; 1 could not start (the port in use); \
            64 a bad command line.
            """)

    @Option(help: "Port to listen on (0: any free port).")
    var port = 0

    @Option(help: "Number of tickets per tenant.")
    var tickets = 1_234

    @Option(help: "Seed for the generated data.")
    var seed: UInt64 = 1

    @Option(help: "Compress every window and delay by this factor (60: an hour passes in a minute).")
    var timeScale = 1.0

    @Option(
        help:
            "Other integrations' load on the Autotask tenant: none, demo, N (steady, per hour), burst:N,EVERY_SECONDS,SIZE, or ramp:FROM%,TO%,MINUTES."
    )
    var background = "none"

    @Option(
        name: .customLong("tenant"),
        help: ArgumentHelp(
            "Serve one more tenant (repeatable): autotask:NAME[:THRESHOLD[:TICKETS]], atera:NAME[:LIMIT[:TICKETS]] or halo:NAME[:LIMIT[:TICKETS]]. Its credentials are printed at start.",
            valueName: "spec"))
    var tenants: [String] = []

    @Option(help: "Autotask requests per hour.")
    var threshold = 10_000

    @Option(help: "Atera requests per minute (per --atera-window when that is given).")
    var ateraLimit = 700

    @Option(help: "HaloPSA requests per rolling 5 minutes (hosted Halo: 300).")
    var haloLimit = 300

    @Option(help: "ConnectWise requests the twin takes in a minute before its 429 (ConnectWise publishes no number).")
    var connectWiseLimit = 600

    @Option(
        help: ArgumentHelp(
            "The window --atera-limit counts over, in seconds (300 with --atera-limit 300: HaloPSA's rolling 5 minutes).",
            valueName: "seconds"))
    var ateraWindow = 60.0

    @Flag(help: "Leave out Atera's X-RateLimit-* and Retry-After headers.")
    var noRateHeaders = false

    @Option(help: "Inject faults at rates, e.g. \"500=0.05,503=0.02,slow=0.1,malformed=0.02,html=0.02\".")
    var faults = ""

    @Option(
        help: ArgumentHelp(
            "An Autotask workflow rule: a PATCH that sets this status value is answered {\"itemId\"} but the server keeps the old status (and logs a workflow-rule note), so a client's read-back can be tested.",
            valueName: "status"))
    var workflowRevert: Int?

    @OptionGroup var replay: ReplayOptions

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        guard (0...10_000_000).contains(tickets) else { throw ValidationError("--tickets must be 0–10,000,000") }
        guard timeScale > 0, timeScale <= 100_000 else { throw ValidationError("--time-scale must be in (0, 100000]") }
        guard threshold > 0, ateraLimit > 0, haloLimit > 0, connectWiseLimit > 0 else {
            throw ValidationError("limits must be positive")
        }
        guard ateraWindow >= 0.001, ateraWindow <= 86_400 else {
            throw ValidationError("--atera-window must be in [0.001, 86400] seconds")
        }
        _ = try backgroundLoad()
        var names = Set(Vendor.allCases.map(\.rawValue))
        for t in tenants {
            let spec: TenantSpec
            do { spec = try TenantSpec(parsing: t) } catch { throw ValidationError("--tenant: \(error)") }
            guard names.insert(spec.name).inserted else {
                throw ValidationError("--tenant: the name '\(spec.name)' is used twice")
            }
        }
        do { _ = try FaultPlan(parsing: faults) } catch { throw ValidationError("--faults: \(error)") }
    }

    func backgroundLoad() throws -> BackgroundLoad {
        do { return try BackgroundLoad(parsing: background) } catch { throw ValidationError("--background: \(error)") }
    }

    func run() async throws {
        var config = SimulatorConfig()
        config.port = port
        config.tickets = tickets
        config.seed = seed
        config.timeScale = timeScale
        config.background = try backgroundLoad()
        config.autotaskThreshold = threshold
        config.ateraLimitPerMinute = ateraLimit
        config.haloLimit = haloLimit
        config.cwLimit = connectWiseLimit
        config.ateraWindowSeconds = ateraWindow
        config.ateraRateHeaders = !noRateHeaders
        config.faults = try FaultPlan(parsing: faults)
        config.workflowRevertStatus = workflowRevert
        config.extraTenants = try tenants.map { try TenantSpec(parsing: $0) }
        do { config.replay = try replay.settings() } catch { fail("\(error)") }
        let sim: Simulator
        do { sim = try await Simulator.start(config) } catch { fail("\(error)") }
        // Written straight to the file descriptor so a pipe sees it at once.
        let lines = """
            autotask: \(sim.autotaskBaseURL)
            atera: \(sim.ateraBaseURL)
            control: \(sim.controlURL)/stats
            autotask credentials (simulator only): UserName=\(config.autotaskUser) Secret=\(config.autotaskSecret) ApiIntegrationCode=\(config.autotaskIntegrationCode)
            atera key (simulator only): \(config.ateraKey)
            halo: \(sim.haloBaseURL)
            halo client (simulator only): client_id=\(config.haloClientID) client_secret=\(config.haloClientSecret)
            connectwise: \(sim.connectWiseSiteURL)
            connectwise member (simulator only): company=\(config.cwCompany) public_key=\(config.cwPublicKey) private_key=\(config.cwPrivateKey) client_id=\(config.cwClientID)

            """ + config.extraTenants.map { config.credentialsLine(for: $0) + "\n" }.joined()
        Out.data(Data((lines + replayLine(config)).utf8))
        // Run until SIGINT or SIGTERM.
        let (stream, cont) = AsyncStream<Int32>.makeStream()
        let sources = [SIGINT, SIGTERM].map { sig -> any DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { cont.yield(sig) }
            s.resume()
            return s
        }
        for await _ in stream { break }
        sources.forEach { $0.cancel() }
        await sim.stop()
    }
}

extension SimulateCommand {
    /// What `--replay` serves, for the start-up lines.
    func replayLine(_ config: SimulatorConfig) -> String {
        guard let r = config.replay, let path = replay.replay else { return "" }
        let rest = r.only ? "404 (--replay-only)" : "the twins"
        return "replay: \(path) (\(r.recording.currentStats.entries) exchanges; unmatched requests go to \(rest))\n"
    }
}
