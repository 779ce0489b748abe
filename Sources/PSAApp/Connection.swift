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
    /// HaloPSA: requests per 5 minutes (nil: 300 on hosted instances, unknown elsewhere) and an
    /// auth server given explicitly (nil: discovered from `/api/authinfo`).
    public var haloRateLimit: Int?
    public var haloAuthURL: String?
    /// HaloPSA: the tenant named to the auth server (nil: `/api/authinfo`'s `tenant_id`).
    public var haloTenant: String?
    /// ConnectWise: the person's budget (nil: none — the limit is not published) and a codebase
    /// given explicitly (nil: from `/login/companyinfo`).
    public var cwBudget: RateBudget?
    public var cwCodebase: String?
    /// Autotask: how far (fraction of the threshold) our bulk work may bring the tenant.
    public var ceiling = 0.75
    /// The poller's own requests per hour, as a percentage of the tenant's hourly threshold.
    public var pollBudgetPercent = 1.0
    public var demoTickets = 1_234
    public var demoSeed: UInt64 = 42
    /// The demo's simulated hour passes this many times faster.
    public var demoTimeScale = 20.0
    /// Faults the demo's simulator injects (see `FaultPlan`).
    public var demoFaults = FaultPlan()
    /// Demo: a further simulated tenant (nil: the simulator's primary tenant of the vendor).
    public var demoTenant: TenantSpec?
    /// Credentials from a profile; nil reads them from the environment.
    public var credentials: Credentials?
    /// What the tenant is called on screen (a profile's name).
    public var name: String?
    /// A profile's theme.
    public var theme: String?
    /// The config file's `notify = true` (the dashboard's `--notify`).
    public var notify = false
    /// The ticket fields pages ask for (Autotask's `IncludeFields`): the list's for the
    /// dashboard, everything the export prints for `tickets`.
    public var fieldSet: AutotaskFieldSet = .list
    /// Who "me" is: the person's e-mail (Atera writes comments as this technician).
    public var me: String?
    /// The profile's writes: `read_only`, `allow_public` (the dashboard's `--read-only` sets the first).
    public var readOnly = false
    public var allowPublic = true
    /// `--record`: where every exchange is written (shared by the tenants of one run).
    public var recorder: HARRecorder?
    /// Why this profile cannot be used (`--all`: the others go on without it); nil when it can.
    public var broken: String?
    public init() {}
}

/// A credential as loaded: refused, by where it came from and what is wrong, when it holds a
/// control character (a Windows line end…) — never sent, never shown.
enum Credential {
    static func checked(_ value: String, _ source: String) throws -> String {
        if let problem = CredentialCheck.problem(value) { throw ConfigurationError("\(source) \(problem)") }
        return value
    }
}

/// Credentials resolved from a profile's secret sources.
public enum Credentials: Sendable {
    case autotask(AutotaskCredentials)
    case atera(key: String)
    case halo(HaloCredentials)
    case connectwise(ConnectWiseCredentials)
}

/// A tenant ready to use, and the simulator behind it in demo mode.
public struct Connection: Sendable {
    public let api: any TenantAPI
    public let simulator: Simulator?
    public let tenantName: String
    public let timeScale: Double
    /// The settings it was opened with.
    public var settings = ConnectionSettings()
    /// Stops the simulator on close (false when tenants share one).
    var ownsSimulator = true

    public var vendorLabel: String { api.vendor.label }

    /// Connects as the settings say. Credentials come from the environment only, never from argv.
    public static func open(
        _ settings: ConnectionSettings, environment env: [String: String] = ProcessInfo.processInfo.environment,
        clock: PSAClock = .continuous
    ) async throws -> Connection {
        try await openAll([settings], environment: env, clock: clock)[0]
    }

    /// Opens several tenants; demo ones share one simulator (the first connection stops it).
    /// A profile that cannot be opened stops them all: see `openFleet` to go on without it.
    public static func openAll(
        _ list: [ConnectionSettings], environment env: [String: String] = ProcessInfo.processInfo.environment,
        clock: PSAClock = .continuous
    ) async throws -> [Connection] {
        let fleet = try await openFleet(list, environment: env, clock: clock)
        if let bad = fleet.compactMap(\.broken).first {
            for c in fleet.compactMap(\.connection).reversed() { await c.close() }
            throw ConfigurationError(bad.reason)
        }
        return fleet.compactMap(\.connection)
    }

    static func demo(_ settings: ConnectionSettings, _ sim: Simulator, clock: PSAClock) throws -> Connection {
        let config = settings.demoTenant.flatMap { sim.tenantConfig($0.name) } ?? sim.config
        let api: any TenantAPI
        switch settings.vendor {
        case .autotask:
            let creds = AutotaskCredentials(
                userName: config.autotaskUser, secret: config.autotaskSecret,
                integrationCode: config.autotaskIntegrationCode)
            let client = makeClient(
                settings, policy: autotaskPolicy(ceiling: settings.ceiling, timeScale: config.timeScale), clock: clock,
                secrets: [creds.secret, creds.integrationCode])
            api = AutotaskAPI(
                client: client, credentials: creds, baseURL: nil, zoneDiscoveryURL: sim.autotaskBaseURL,
                fieldSet: settings.fieldSet,
                me: settings.me)
        case .atera:
            let limit = config.ateraLimitPerMinute
            let client = makeClient(
                settings, policy: ateraPolicy(limit, timeScale: config.timeScale), clock: clock,
                secrets: [config.ateraKey])
            // The demo writes as the simulator's first technician unless --me names another.
            api = AteraAPI(
                client: client, key: config.ateraKey, baseURL: sim.ateraBaseURL, limitPerMinute: limit,
                technicianEmail: settings.me ?? Simulator.demoTechnicianEmail)
        case .halo:
            // The twin's instance; its limit is the simulator's (300 per 5 simulated minutes by default).
            let client = makeClient(
                settings, policy: HaloAPI.policy(limit: config.haloLimit, timeScale: config.timeScale),
                clock: clock, secrets: [config.haloClientSecret])
            let creds = HaloCredentials(clientID: config.haloClientID, clientSecret: config.haloClientSecret)
            api = HaloAPI(
                client: client, instance: sim.haloBaseURL, credentials: creds, limit: config.haloLimit,
                me: settings.me ?? Simulator.demoHaloAgentEmail)
        case .connectwise:
            // The twin's site; no budget unless one was set (the demo shows the unpublished limit).
            let creds = ConnectWiseCredentials(
                company: config.cwCompany, publicKey: config.cwPublicKey, privateKey: config.cwPrivateKey,
                clientID: config.cwClientID)
            // The demo draws a budget (half the twin's minute) as "limit not published — your budget".
            let budget = settings.cwBudget ?? RateBudget(limit: max(1, config.cwLimit / 2), windowSeconds: 60)
            let client = makeClient(
                settings, policy: ConnectWiseAPI.policy(budget: budget, timeScale: config.timeScale),
                clock: clock, secrets: creds.secrets)
            api = ConnectWiseAPI(
                client: client, site: sim.connectWiseSiteURL, credentials: creds, budget: budget,
                me: settings.me ?? Simulator.demoConnectWiseMemberEmail)
        }
        let name = settings.name ?? settings.demoTenant?.name ?? "demo"
        return Connection(
            api: api, simulator: sim, tenantName: "\(name) (demo, \(Int(config.timeScale))x time)",
            timeScale: config.timeScale)
    }

    static func real(_ settings: ConnectionSettings, environment env: [String: String], clock: PSAClock) throws
        -> Connection
    {
        if let url = settings.baseURL { _ = try URLPolicy.check(url) }
        switch settings.vendor {
        case .autotask:
            let creds: AutotaskCredentials
            if case .autotask(let c)? = settings.credentials {
                creds = c
            } else {
                func need(_ name: String) throws -> String {
                    guard let v = env[name], !v.isEmpty else {
                        throw ConfigurationError(
                            "\(name) is not set: Autotask needs \(CredentialVariable.autotaskUserName), \(CredentialVariable.autotaskSecret) and \(CredentialVariable.autotaskIntegrationCode) in the environment (or a profile in config.toml); to try psatop without any: psatop --demo"
                        )
                    }
                    return try Credential.checked(v, "environment variable \(name)")
                }
                creds = AutotaskCredentials(
                    userName: try need(CredentialVariable.autotaskUserName),
                    secret: try need(CredentialVariable.autotaskSecret),
                    integrationCode: try need(CredentialVariable.autotaskIntegrationCode))
            }
            let client = makeClient(
                settings, policy: autotaskPolicy(ceiling: settings.ceiling), clock: clock,
                secrets: [creds.secret, creds.integrationCode])
            let api = AutotaskAPI(
                client: client, credentials: creds, baseURL: settings.baseURL, fieldSet: settings.fieldSet,
                me: settings.me)
            return Connection(api: api, simulator: nil, tenantName: settings.name ?? creds.userName, timeScale: 1)
        case .atera:
            let key: String
            if case .atera(let k)? = settings.credentials {
                key = k
            } else {
                guard let k = env[CredentialVariable.ateraKey], !k.isEmpty else {
                    throw ConfigurationError(
                        "\(CredentialVariable.ateraKey) is not set: put the Atera API key in the environment (or a profile in config.toml)"
                    )
                }
                key = try Credential.checked(k, "environment variable \(CredentialVariable.ateraKey)")
            }
            let client = makeClient(
                settings, policy: ateraPolicy(settings.ateraLimitPerMinute), clock: clock, secrets: [key])
            let api = AteraAPI(
                client: client, key: key, baseURL: settings.baseURL ?? AteraAPI.defaultBaseURL,
                limitPerMinute: settings.ateraLimitPerMinute, technicianEmail: settings.me)
            let host = URL(string: settings.baseURL ?? AteraAPI.defaultBaseURL)?.host ?? "atera"
            return Connection(api: api, simulator: nil, tenantName: settings.name ?? host, timeScale: 1)
        case .halo:
            return try halo(settings, environment: env, clock: clock)
        case .connectwise:
            return try connectWise(settings, environment: env, clock: clock)
        }
    }

    /// HaloPSA: the instance from `--base-url` (or the profile's `instance`), the application's
    /// client id and secret from `HALO_CLIENT_ID` / `HALO_CLIENT_SECRET` (or the profile).
    private static func halo(_ settings: ConnectionSettings, environment env: [String: String], clock: PSAClock) throws
        -> Connection
    {
        guard let instance = settings.baseURL else {
            throw ConfigurationError(
                "HaloPSA needs the instance: --base-url https://yourmsp.halopsa.com (or instance = … in a profile)")
        }
        if let a = settings.haloAuthURL { _ = try URLPolicy.check(a) }
        let creds: HaloCredentials
        if case .halo(let c)? = settings.credentials {
            creds = c
        } else {
            guard let id = env[CredentialVariable.haloClientID], !id.isEmpty,
                let secret = env[CredentialVariable.haloClientSecret],
                !secret.isEmpty
            else {
                throw ConfigurationError(
                    "HALO_CLIENT_ID and HALO_CLIENT_SECRET must be set: HaloPSA needs an API application's "
                        + "client id and secret in the environment (or a profile in config.toml)")
            }
            let scope = try env["HALO_SCOPE"].flatMap { $0.isEmpty ? nil : $0 }.map {
                try Credential.checked($0, "environment variable HALO_SCOPE")
            }
            creds = HaloCredentials(
                clientID: try Credential.checked(id, "environment variable \(CredentialVariable.haloClientID)"),
                clientSecret: try Credential.checked(
                    secret, "environment variable \(CredentialVariable.haloClientSecret)"),
                scope: scope ?? "all")
        }
        let hosted = HaloAPI.isHosted(instance) || settings.haloAuthURL.map(HaloAPI.isHosted) == true
        let limit = settings.haloRateLimit ?? (hosted ? HaloAPI.hostedLimit : nil)
        let client = makeClient(
            settings, policy: HaloAPI.policy(limit: limit), clock: clock, secrets: [creds.clientSecret])
        let api = HaloAPI(
            client: client, instance: instance, credentials: creds, authURL: settings.haloAuthURL,
            tenant: settings.haloTenant, limit: limit,
            me: settings.me)
        let host = URL(string: instance)?.host ?? "halo"
        return Connection(api: api, simulator: nil, tenantName: settings.name ?? host, timeScale: 1)
    }

    static func autotaskPolicy(ceiling: Double, timeScale: Double = 1) -> ClientPolicy {
        var p = ClientPolicy()
        p.threadsPerEndpoint = 3
        p.ceiling = ceiling
        p.detectLatencyTiers = true
        p.timeScale = timeScale
        return p
    }

    /// Atera's per-key limit a minute. Under the demo's time scale the simulator's minute lasts
    /// 60/scale seconds, so the window is that long (as HaloAPI.policy scales its 5 minutes).
    static func ateraPolicy(_ limit: Int, timeScale: Double = 1) -> ClientPolicy {
        var p = ClientPolicy()
        p.timeScale = timeScale
        if timeScale == 1 {
            p.perMinuteLimit = limit
        } else {
            p.windows = [WindowLimit(limit: limit, window: 60 / max(timeScale, 0.001))]
        }
        p.threadsPerEndpoint = 8
        return p
    }

    public func close() async {
        if ownsSimulator { await simulator?.stop() }
    }
}
