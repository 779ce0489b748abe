import Foundation
import PSAClient
import PSACore
import Simulator

/// How to reach a tenant: the embedded simulator, or a real one from flags and environment.
public struct ConnectionSettings: Sendable {
    public var demo = false
    public var vendor: Vendor = .autotask
    public var baseURL: String?
    public var ateraLimitPerMinute = 700
    /// Autotask: how far (fraction of the threshold) our bulk work may bring the tenant.
    public var ceiling = 0.75
    public var demoTickets = 1_234
    public var demoSeed: UInt64 = 42
    /// The demo's simulated hour passes this many times faster.
    public var demoTimeScale = 20.0
    /// Faults the demo's simulator injects (see `FaultPlan`).
    public var demoFaults = FaultPlan()
    public init() {}
}

/// A tenant ready to use, and the simulator behind it in demo mode.
public struct Connection: Sendable {
    public let api: any TenantAPI
    public let simulator: Simulator?
    public let tenantName: String
    public let timeScale: Double

    public var vendorLabel: String { api.vendor == .autotask ? "Autotask" : "Atera" }

    /// Connects as the settings say. Credentials come from the environment only, never from argv.
    public static func open(_ settings: ConnectionSettings, environment env: [String: String] = ProcessInfo.processInfo.environment,
                            clock: PSAClock = .continuous) async throws -> Connection {
        if settings.demo {
            var config = SimulatorConfig()
            config.tickets = settings.demoTickets
            config.seed = settings.demoSeed
            config.timeScale = settings.demoTimeScale
            config.background = .demo
            config.ateraLimitPerMinute = settings.ateraLimitPerMinute
            config.faults = settings.demoFaults
            let sim = try await Simulator.start(config)
            let api: any TenantAPI
            switch settings.vendor {
            case .autotask:
                let creds = AutotaskCredentials(userName: config.autotaskUser, secret: config.autotaskSecret, integrationCode: config.autotaskIntegrationCode)
                let client = RateAwareClient(transport: AHCTransport(), policy: autotaskPolicy(ceiling: settings.ceiling, timeScale: config.timeScale), clock: clock,
                                             secrets: [creds.secret, creds.integrationCode])
                api = AutotaskAPI(client: client, credentials: creds, baseURL: nil, zoneDiscoveryURL: sim.autotaskBaseURL)
            case .atera:
                let client = RateAwareClient(transport: AHCTransport(), policy: ateraPolicy(settings.ateraLimitPerMinute, timeScale: config.timeScale), clock: clock,
                                             secrets: [config.ateraKey])
                api = AteraAPI(client: client, key: config.ateraKey, baseURL: sim.ateraBaseURL, limitPerMinute: settings.ateraLimitPerMinute)
            }
            return Connection(api: api, simulator: sim, tenantName: "demo (\(Int(config.timeScale))x time)", timeScale: config.timeScale)
        }

        if let url = settings.baseURL { _ = try URLPolicy.check(url) }
        switch settings.vendor {
        case .autotask:
            func need(_ name: String) throws -> String {
                guard let v = env[name], !v.isEmpty else {
                    throw ConfigurationError("\(name) is not set: Autotask needs AUTOTASK_USERNAME, AUTOTASK_SECRET and AUTOTASK_INTEGRATION_CODE in the environment")
                }
                return v
            }
            let creds = AutotaskCredentials(userName: try need("AUTOTASK_USERNAME"), secret: try need("AUTOTASK_SECRET"),
                                            integrationCode: try need("AUTOTASK_INTEGRATION_CODE"))
            let client = RateAwareClient(transport: AHCTransport(), policy: autotaskPolicy(ceiling: settings.ceiling), clock: clock,
                                         secrets: [creds.secret, creds.integrationCode])
            let api = AutotaskAPI(client: client, credentials: creds, baseURL: settings.baseURL)
            return Connection(api: api, simulator: nil, tenantName: creds.userName, timeScale: 1)
        case .atera:
            guard let key = env["ATERA_API_KEY"], !key.isEmpty else {
                throw ConfigurationError("ATERA_API_KEY is not set: put the Atera API key in the environment")
            }
            let client = RateAwareClient(transport: AHCTransport(), policy: ateraPolicy(settings.ateraLimitPerMinute), clock: clock, secrets: [key])
            let api = AteraAPI(client: client, key: key, baseURL: settings.baseURL ?? AteraAPI.defaultBaseURL,
                               limitPerMinute: settings.ateraLimitPerMinute)
            let host = URL(string: settings.baseURL ?? AteraAPI.defaultBaseURL)?.host ?? "atera"
            return Connection(api: api, simulator: nil, tenantName: host, timeScale: 1)
        }
    }

    static func autotaskPolicy(ceiling: Double, timeScale: Double = 1) -> ClientPolicy {
        var p = ClientPolicy()
        p.threadsPerEndpoint = 3
        p.ceiling = ceiling
        p.detectLatencyTiers = true
        p.timeScale = timeScale
        return p
    }

    static func ateraPolicy(_ limit: Int, timeScale: Double = 1) -> ClientPolicy {
        var p = ClientPolicy()
        p.timeScale = timeScale
        p.perMinuteLimit = limit
        p.threadsPerEndpoint = 8
        return p
    }

    public func close() async {
        await simulator?.stop()
    }
}
