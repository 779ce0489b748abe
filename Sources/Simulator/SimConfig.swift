import Foundation
import PSACore

/// Load that the tenant's *other* integrations put on the Autotask threshold.
public enum BackgroundLoad: Sendable, Equatable {
    case none
    /// A constant rate, in requests per (simulated) hour.
    case steady(perHour: Double)
    /// The rolling count swings around `mean` (a fraction of the threshold) by ±`amplitude`
    /// with a period of two timeframes; `phase` (0…1 of the period) sets where it starts.
    case wave(mean: Double, amplitude: Double, phase: Double)

    /// A steady rate plus a burst of `size` requests every `every` simulated seconds.
    case bursty(perHour: Double, every: Double, size: Int)
    /// The rolling count climbs from `from` to `to` (fractions of the threshold) over `minutes`
    /// simulated minutes (half a timeframe behind the rate, as a rolling count is), then stays.
    case ramp(from: Double, to: Double, minutes: Double)

    /// `none`, `demo`, `N` (steady, per hour), `burst:N,EVERY_S,SIZE`, `ramp:FROM%,TO%,MINUTES`.
    public init(parsing text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        func numbers(_ s: Substring) -> [Double]? {
            let n = s.split(separator: ",").map {
                Double($0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "%", with: ""))
            }
            return n.contains(nil) ? nil : n.compactMap { $0 }
        }
        if t == "none" {
            self = .none
            return
        }
        if t == "demo" {
            self = .demo
            return
        }
        if let n = Double(t), n >= 0 {
            self = .steady(perHour: n)
            return
        }
        if t.hasPrefix("burst:"), let n = numbers(t.dropFirst(6)), n.count == 3, n[0] >= 0, n[1] > 0, n[2] >= 0 {
            self = .bursty(perHour: n[0], every: n[1], size: Int(n[2]))
            return
        }
        if t.hasPrefix("ramp:"), let n = numbers(t.dropFirst(5)), n.count == 3, n[0] >= 0, n[1] >= 0, n[2] > 0 {
            self = .ramp(from: n[0] / 100, to: n[1] / 100, minutes: n[2])
            return
        }
        throw FaultPlan.Invalid(
            description:
                "background '\(text)': use none, demo, N (requests per hour), burst:N,EVERY_SECONDS,SIZE or ramp:FROM%,TO%,MINUTES"
        )
    }

    /// The demo's load: starts near 42% and swings up through both latency tiers and back.
    public static let demo = BackgroundLoad.wave(mean: 0.585, amplitude: 0.335, phase: 0.17)
}

/// Everything the simulator can be told.
public struct SimulatorConfig: Sendable {
    public var host = "127.0.0.1"
    public var port = 0
    public var tickets = 1_234
    public var seed: UInt64 = 1
    /// Compresses every window and delay: a 60-minute window lasts 60/timeScale minutes.
    public var timeScale = 1.0
    public var autotaskThreshold = 10_000
    public var autotaskTimeframeMinutes = 60
    public var threadLimit = 3
    public var background: BackgroundLoad = .none
    /// Who the background load is (shared by weight), and bursts of one of them on top of it.
    public var otherIntegrations = OtherIntegration.defaults
    public var otherBursts: [OtherBurst] = []
    /// Add the latency tiers' delay (0.5 s / 1 s, scaled) to Autotask responses.
    public var addLatency = true
    public var ateraLimitPerMinute = 700
    /// The window `ateraLimitPerMinute` counts over, in simulated seconds (60: Atera's minute;
    /// 300 with a limit of 300 is HaloPSA's rolling 5 minutes; 3 with 20 is a server whose real
    /// limit is far below what a client is configured for).
    public var ateraWindowSeconds = 60.0
    /// Autotask attachments: the largest file, and bytes per tenant per 5 minutes (then 5 minutes of refusal).
    public var attachmentFileLimit = 6_000_000
    public var attachmentWindowBytes = 10_000_000
    /// Send `X-RateLimit-*` and `Retry-After` on Atera responses (the real API may not).
    public var ateraRateHeaders = true
    public var autotaskUser = "api-user@demo.example"
    public var autotaskSecret = "demo-secret-not-real"
    public var autotaskIntegrationCode = "DEMO-INTEGRATION-CODE"
    public var ateraKey = "demo-atera-key-not-real"
    /// HaloPSA: requests per rolling 5 minutes (simulated seconds), and the API application's credentials.
    public var haloLimit = 300
    public var haloClientID = "demo-halo-client"
    public var haloClientSecret = "demo-halo-secret-not-real"
    /// ConnectWise PSA: the company id, the API member's keys and the registered clientId; the
    /// codebase `/login/companyinfo` names; what the twin takes in a simulated minute (no number
    /// is published: 429 past it) and in 10 simulated seconds before the edge answers instead.
    public var cwCompany = "demo_msp"
    public var cwPublicKey = "demoPublicKey01"
    public var cwPrivateKey = "demo-cw-private-not-real"
    public var cwClientID = "5e7a9c1d-31c0-4f00-9a31-000000000031"
    public var cwCodebase = "v2026_1/"
    public var cwLimit = 600
    public var cwEdgeLimit = 200
    /// Faults injected into API answers (not zoneInformation, not the control endpoints).
    public var faults = FaultPlan()
    /// More tenants served at the same time, each with its own credentials, data, limits and
    /// counters (an Autotask database is told apart by its user name, an Atera key by the key).
    public var extraTenants: [TenantSpec] = []
    /// Which tenant's status labels (0: the primary's; extra tenants get their own).
    public var picklistVariant = 0
    /// An Autotask workflow rule: a PATCH that sets this status is answered `{"itemId"}` but the
    /// server keeps the old status (and logs a workflow-rule note), as a real rule can.
    public var workflowRevertStatus: Int? = nil
    /// Answers from a HAR recording before the twins (`simulate --replay`).
    public var replay: ReplaySettings?

    /// This configuration as one extra tenant sees it: its credentials, limits, data and load.
    public func config(for t: TenantSpec) -> SimulatorConfig {
        var c = self
        c.extraTenants = []
        c.picklistVariant = (extraTenants.firstIndex(of: t) ?? 0) + 1
        c.autotaskUser = "api-user@\(t.name).example"
        c.autotaskSecret = "\(t.name)-secret-not-real"
        c.autotaskIntegrationCode = "\(t.name.uppercased())-INTEGRATION-CODE"
        c.ateraKey = "\(t.name)-atera-key-not-real"
        c.haloClientID = "\(t.name)-halo-client"
        c.haloClientSecret = "\(t.name)-halo-secret-not-real"
        c.cwCompany = t.name.replacingOccurrences(of: "-", with: "_")
        c.cwPublicKey = "\(t.name)PublicKey"
        c.cwPrivateKey = "\(t.name)-cw-private-not-real"
        if let v = t.threshold { c.autotaskThreshold = v }
        if let v = t.ateraLimit { c.ateraLimitPerMinute = v }
        if let v = t.haloLimit { c.haloLimit = v }
        if let v = t.cwLimit { c.cwLimit = v }
        if let v = t.tickets { c.tickets = v }
        if let v = t.background { c.background = v }
        c.seed = t.seed ?? (seed &+ UInt64(t.name.unicodeScalars.reduce(0) { $0 &* 31 &+ UInt32($1.value) }))
        return c
    }

    public init() {}
}

/// One more tenant for the simulator to serve: `autotask:NAME[:THRESHOLD[:TICKETS]]` or
/// `atera:NAME[:LIMIT[:TICKETS]]`.
public struct TenantSpec: Sendable, Equatable {
    public var name: String
    public var vendor: Vendor
    public var threshold: Int?
    public var ateraLimit: Int?
    /// HaloPSA: requests per rolling 5 minutes.
    public var haloLimit: Int?
    /// ConnectWise: requests a simulated minute before the twin's 429.
    public var cwLimit: Int?
    public var tickets: Int?
    public var seed: UInt64?
    public var background: BackgroundLoad?

    public init(
        name: String, vendor: Vendor, threshold: Int? = nil, ateraLimit: Int? = nil, tickets: Int? = nil,
        seed: UInt64? = nil, background: BackgroundLoad? = nil
    ) {
        self.name = name
        self.vendor = vendor
        self.threshold = threshold
        self.ateraLimit = ateraLimit
        self.tickets = tickets
        self.seed = seed
        self.background = background
    }

    public init(parsing text: String) throws {
        let p = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let usage =
            "tenant '\(text)': use autotask:NAME[:THRESHOLD[:TICKETS]], atera:NAME[:LIMIT[:TICKETS]] "
            + "halo:NAME[:LIMIT[:TICKETS]] or connectwise:NAME[:LIMIT[:TICKETS]] (NAME: letters, digits, -)"
        guard (2...4).contains(p.count), let vendor = Vendor(rawValue: p[0].lowercased()), !p[1].isEmpty,
            p[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
        else { throw FaultPlan.Invalid(description: usage) }
        self.vendor = vendor
        name = p[1].lowercased()
        if p.count > 2 {
            guard let n = Int(p[2]), n > 0 else { throw FaultPlan.Invalid(description: usage) }
            switch vendor {
            case .autotask: threshold = n
            case .atera: ateraLimit = n
            case .halo: haloLimit = n
            case .connectwise: cwLimit = n
            }
        }
        if p.count > 3 {
            guard let n = Int(p[3]), (0...10_000_000).contains(n) else { throw FaultPlan.Invalid(description: usage) }
            tickets = n
        }
    }
}

extension SimulatorConfig {
    /// How `psatop simulate` names an extra tenant and its credentials (simulator only).
    public func credentialsLine(for t: TenantSpec) -> String {
        let c = config(for: t)
        switch t.vendor {
        case .autotask:
            return "tenant \(t.name) (autotask, threshold \(c.autotaskThreshold), \(c.tickets) tickets): "
                + "UserName=\(c.autotaskUser) Secret=\(c.autotaskSecret) ApiIntegrationCode=\(c.autotaskIntegrationCode)"
        case .atera:
            return "tenant \(t.name) (atera, \(c.ateraLimitPerMinute)/min, \(c.tickets) tickets): key \(c.ateraKey)"
        case .halo:
            return "tenant \(t.name) (halo, \(c.haloLimit) per 5 min, \(c.tickets) tickets): "
                + "client_id=\(c.haloClientID) client_secret=\(c.haloClientSecret)"
        case .connectwise:
            return "tenant \(t.name) (connectwise, \(c.cwLimit)/min, \(c.tickets) tickets): company=\(c.cwCompany) "
                + "public_key=\(c.cwPublicKey) private_key=\(c.cwPrivateKey) client_id=\(c.cwClientID)"
        }
    }
}
