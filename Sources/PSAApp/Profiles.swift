import Foundation
import PSAClient
import PSACore
import Simulator

/// Which tenants a command runs against, from the config file, `--profile`/`--all`, and flags
/// (flags override the file).
public struct TenantChoice: Sendable {
    public var configPath: String?
    public var profile: String?
    public var all = false
    /// Values given on the command line; nil when not given.
    public var demo = false
    public var vendor: Vendor?
    public var baseURL: String?
    public var ceilingPercent: Double?
    public var pollBudgetPercent: Double?
    public var ateraLimit: Int?
    /// Demo-only settings (always from flags).
    public var demoTickets = 1_234
    public var demoFaults = FaultPlan()
    public init() {}

    /// Four simulated tenants for `--demo --all` without a config file: the demo Autotask tenant,
    /// a second one running hot in the +1 s tier, the Atera one and the HaloPSA one.
    public static let demoProfiles: [Profile] = {
        var a = Profile(name: "demo")
        a.vendor = .autotask
        a.demo = true
        var b = Profile(name: "contoso")
        b.vendor = .autotask
        b.demo = true
        var c = Profile(name: "fabrikam")
        c.vendor = .atera
        c.demo = true
        var d = Profile(name: "tailspin")
        d.vendor = .halo
        d.demo = true
        var e = Profile(name: "northwind")
        e.vendor = .connectwise
        e.demo = true
        return [a, b, c, d, e]
    }()

    /// The settings of each tenant to open (one unless `--all`). With `--all` a profile that
    /// cannot be used (a secret unreadable, a credential missing) does not stop the others: its
    /// settings come back with `broken` saying why, for the command to show and export as broken.
    public func resolve(environment env: [String: String] = ProcessInfo.processInfo.environment) throws
        -> [ConnectionSettings]
    {
        let config = try PSAConfig.load(path: configPath, environment: env)
        // Said before anything starts (the dashboard takes the screen after this).
        for w in config?.warnings ?? [] {
            try? FileHandle.standardError.write(contentsOf: Data("psatop: warning: \(w)\n".utf8))
        }
        var profiles: [Profile]
        if all {
            if let c = config, !c.profiles.isEmpty {
                profiles = c.profiles
            } else if demo {
                profiles = Self.demoProfiles
            } else {
                throw ConfigurationError(
                    "--all needs profiles in \(config?.path ?? PSAConfig.defaultPath(environment: env)) ([profiles.NAME] tables), or --demo for simulated ones"
                )
            }
        } else if let name = profile {
            guard let c = config else {
                throw ConfigurationError(
                    "--profile \(name): there is no config file at \(configPath ?? PSAConfig.defaultPath(environment: env))"
                )
            }
            guard let p = c.profile(name) else {
                throw ConfigurationError(
                    "--profile \(name): no such profile in \(c.path); it has \(c.profiles.map(\.name).joined(separator: ", "))"
                )
            }
            profiles = [p]
        } else if !demo, vendor == nil, let c = config, let d = c.defaultProfile.flatMap(c.profile) {
            profiles = [d]
        } else {
            profiles = []
        }
        if profiles.isEmpty {
            var s = apply(to: ConnectionSettings())
            s.notify = config?.notify ?? false
            return [s]
        }

        var primaries: Set<Vendor> = []
        return try profiles.map { p in
            var s = ConnectionSettings()
            s.name = p.name
            s.vendor = p.vendor
            s.baseURL = p.instance ?? p.effectiveBaseURL
            s.haloAuthURL = p.authURL
            s.haloTenant = p.tenant
            s.haloRateLimit = p.rateLimit
            // ConnectWise: `rate_limit = N` is N a minute (unused by the other vendors).
            s.cwBudget = p.rateBudget ?? p.rateLimit.map { RateBudget(limit: $0, windowSeconds: 60) }
            s.cwCodebase = p.codebase
            if let c = p.ceiling { s.ceiling = c / 100 }
            if let b = p.pollBudget { s.pollBudgetPercent = b }
            if let l = p.ateraLimit { s.ateraLimitPerMinute = l }
            s.theme = p.theme ?? config?.theme
            s.notify = config?.notify ?? false
            s.me = p.me
            s.readOnly = p.readOnly
            s.allowPublic = p.allowPublic
            s.demo = p.demo || demo
            s = apply(to: s)
            if s.demo {
                // The first demo profile of each vendor is the simulator's own tenant; the others get tenants of their own.
                if !primaries.insert(s.vendor).inserted { s.demoTenant = Self.demoTenant(for: p, vendor: s.vendor) }
            } else if all {
                do { s.credentials = try Self.credentials(p, vendor: s.vendor, environment: env) } catch {
                    s.broken = "\(error)"
                }
            } else {
                s.credentials = try Self.credentials(p, vendor: s.vendor, environment: env)
            }
            return s
        }
    }

    /// Flags over whatever the profile said.
    private func apply(to settings: ConnectionSettings) -> ConnectionSettings {
        var s = settings
        if demo { s.demo = true }
        if let vendor { s.vendor = vendor }
        if let baseURL { s.baseURL = baseURL }
        if let ceilingPercent { s.ceiling = ceilingPercent / 100 }
        if let pollBudgetPercent { s.pollBudgetPercent = pollBudgetPercent }
        if let ateraLimit { s.ateraLimitPerMinute = ateraLimit }
        s.demoTickets = demoTickets
        s.demoFaults = demoFaults
        return s
    }

    static func demoTenant(for p: Profile, vendor: Vendor) -> TenantSpec {
        let name = String(p.name.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        // A tenant may not take a primary tenant's name (each vendor's primary is named after it).
        var t = TenantSpec(name: Vendor(rawValue: name) != nil ? name + "-2" : name, vendor: vendor)
        if p.name == "contoso", vendor == .autotask {
            // The built-in second tenant: a larger threshold, busy in the +1 s tier.
            t.threshold = 20_000
            t.tickets = 300
            t.background = .steady(perHour: 15_600)
        }
        return t
    }

    /// A profile's secrets, each from its source; errors name the profile and the key.
    static func credentials(_ p: Profile, vendor: Vendor, environment env: [String: String]) throws -> Credentials {
        func value(_ key: String, _ source: SecretSource?) throws -> String {
            guard let source else { throw ConfigurationError("profile '\(p.name)': \(key) is not set") }
            do { return try source.resolve(environment: env) } catch {
                throw ConfigurationError("profile '\(p.name)': \(key): \(error)")
            }
        }
        switch vendor {
        case .autotask:
            guard let user = p.userName else { throw ConfigurationError("profile '\(p.name)': username is not set") }
            _ = try Credential.checked(user, "profile '\(p.name)': username")
            return .autotask(
                AutotaskCredentials(
                    userName: user, secret: try value("secret", p.secret),
                    integrationCode: try value("integration_code", p.integrationCode)))
        case .atera:
            return .atera(key: try value("api_key", p.apiKey))
        case .halo:
            guard let id = p.clientID else { throw ConfigurationError("profile '\(p.name)': client_id is not set") }
            _ = try Credential.checked(id, "profile '\(p.name)': client_id")
            return .halo(
                HaloCredentials(
                    clientID: id, clientSecret: try value("client_secret", p.clientSecret), scope: p.scope ?? "all"))
        case .connectwise:
            func plain(_ key: String, _ v: String?) throws -> String {
                guard let v else { throw ConfigurationError("profile '\(p.name)': \(key) is not set") }
                return try Credential.checked(v, "profile '\(p.name)': \(key)")
            }
            return .connectwise(
                ConnectWiseCredentials(
                    company: try plain("company", p.company), publicKey: try plain("public_key", p.publicKey),
                    privateKey: try value("private_key", p.privateKey), clientID: try plain("client_id", p.clientID)))
        }
    }
}
