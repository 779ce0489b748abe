import Foundation
import PSAClient
import PSACore

/// Monitoring-plugin states (Nagios / monitoring-plugins exit codes).
public enum PluginState: Int32, Sendable, Codable, Comparable {
    case ok = 0, warning = 1, critical = 2, unknown = 3

    /// In JSON as its word ("OK", "WARNING", …); the exit code is `rawValue`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(word)
    }

    public init(from decoder: any Decoder) throws {
        let w = try decoder.singleValueContainer().decode(String.self)
        guard let s = [Self.ok, .warning, .critical, .unknown].first(where: { $0.word == w }) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "unknown state \(w)"))
        }
        self = s
    }

    public var word: String {
        switch self {
        case .ok: "OK"
        case .warning: "WARNING"
        case .critical: "CRITICAL"
        case .unknown: "UNKNOWN"
        }
    }

    /// Severity for combining several tenants: OK < UNKNOWN < WARNING < CRITICAL (monitoring-plugins'
    /// max_state_alt): a tenant that cannot be read shows over healthy ones, and never hides another
    /// tenant's real WARNING or CRITICAL.
    var severity: Int {
        switch self {
        case .ok: 0
        case .unknown: 1
        case .warning: 2
        case .critical: 3
        }
    }
    public static func < (a: Self, b: Self) -> Bool { a.severity < b.severity }

    /// 0 below 50%, 1 in the +0.5 s tier, 2 in the +1 s tier or suspended.
    public init(tier: LatencyTier) {
        switch tier {
        case .none: self = .ok
        case .half: self = .warning
        case .one, .suspended: self = .critical
        }
    }
}

/// One tenant's quota, read once, for `psatop status`.
public struct TenantStatus: Sendable, Codable, Equatable {
    public var tenant: String
    public var vendor: String
    public var used: Int?
    public var limit: Int?
    public var windowSeconds: Int?
    public var percent: Double?
    public var tier: String?
    public var suspended: Bool
    public var state: PluginState
    public var error: String?
    /// Who counted `used`: "server" (Autotask's ThresholdInformation, Atera's X-RateLimit-*) or
    /// "psatop" (our own requests only: the server reports no usage, so the state is UNKNOWN).
    public var countedBy: String?
    /// Why the state is what it is, when the numbers alone do not say.
    public var reason: String?
    /// Who the API acts as, where the vendor says (HaloPSA's `id_token` agent).
    public var actingAs: String?
    public var readAt: Date

    /// - Parameters:
    ///   - serverCount: the server said how much is used; false when `quota` is our own count
    ///     (Atera without `X-RateLimit-*`), which is never passed off as the key's usage.
    ///   - rateLimited: the server answered 429 during this check (CRITICAL, with its words).
    public init(
        tenant: String, vendor: String, quota: Quota?, serverCount: Bool = true, suspended: Bool = false,
        rateLimited: String? = nil, error: String? = nil, readAt: Date
    ) {
        self.tenant = tenant
        self.vendor = vendor
        used = quota?.used
        limit = quota?.limit
        windowSeconds = quota?.windowSeconds
        percent = quota.map { ($0.percent * 10).rounded() / 10 }
        let tier: LatencyTier? = suspended ? .suspended : quota?.tier
        self.tier = tier.map { t in
            guard let v = Vendor(rawValue: vendor), v.quotaModel == .perKeyWindow else { return t.label }
            return (t >= .suspended ? "at the " : "under the ") + v.limitName
        }
        self.suspended = suspended || tier == .suspended
        self.readAt = readAt
        countedBy = quota == nil ? nil : serverCount ? "server" : "psatop"
        // A reading with numbers no tenant can have (timeframe 0, threshold ≤ 0) is no reading:
        // UNKNOWN, saying what the server sent.
        if let problem = quota?.problem, error == nil, !suspended {
            self.error = problem
            self.tier = nil
            self.suspended = false
            countedBy = nil
            state = .unknown
            return
        }
        self.error = error
        if let rateLimited {
            state = .critical
            reason = "rate limited by the server (429): \(rateLimited)"
        } else if error != nil && !suspended {
            state = .unknown
        } else if let quota, !serverCount && !suspended, let v = Vendor(rawValue: vendor), !v.publishesLimit {
            // No limit is published: our count against the person's own budget.
            state = PluginState(tier: quota.tier)
            reason = "limit not published — \(quota.used) is psatop's own count against your budget"
        } else if quota != nil && !serverCount && !suspended, let v = Vendor(rawValue: vendor), !v.reportsUsage {
            state = .ok
            reason =
                "\(v.label) reports no usage: \(used ?? 0) is psatop's own count (other integrations may share the limit)"
        } else if let quota, !serverCount && !suspended {
            // Our own count against the configured limit is a real reading of our use: its state
            // stands (another integration on the key may add to it; the server does not say).
            state = PluginState(tier: quota.tier)
            reason =
                "the server reports no usage (no X-RateLimit-* headers): \(quota.used) is psatop's own count against the configured limit, not the key's"
        } else {
            state = tier.map(PluginState.init(tier:)) ?? .unknown
        }
    }

    /// `used=1234;5000;7500;0;10000` (warning at 50%, critical at 75%, min 0, max the limit).
    /// Our own count is labelled `ours`, never `used`.
    public func perfdata(label: String = "used") -> String? {
        guard let used, let limit else { return nil }
        var label = countedBy == "psatop" ? label.replacingOccurrences(of: "used", with: "ours") : label
        label = label.withoutPipes.replacingOccurrences(of: "=", with: "")
        let warn = limit / 2 + limit % 2, crit = Int((Double(limit) * 0.75).rounded(.up))
        let l =
            label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
            ? label : "'\(label.replacingOccurrences(of: "'", with: ""))'"
        return "\(l)=\(used);\(warn);\(crit);0;\(limit)"
    }

    var summary: String {
        if let reason, countedBy == "psatop" || state == .critical {
            guard let used, let limit else { return reason }
            return "\(reason) (\(countedBy == "psatop" ? "ours " : "")\(used)/\(limit))"
        }
        if let used, let limit, let percent {
            return "\(used)/\(limit) (\(String(format: "%.1f", percent))%)" + (suspended ? " SUSPENDED" : "")
                + (error.map { " - \($0)" } ?? "")
        }
        return error ?? "no reading"
    }
}

public enum StatusReport {
    /// Reads one tenant's quota once. Autotask: one ThresholdInformation call; Atera: one small
    /// ticket page (the server's `X-RateLimit-*` when it sends them, else our own count).
    /// A suspension is reported at once (CRITICAL) rather than waited out; nothing takes longer than `timeout`.
    public static func check(_ c: Connection, name: String, timeout: Duration = .seconds(30)) async -> TenantStatus {
        let vendor = c.api.vendor.rawValue
        let api = c.api
        let events = await api.client.events()
        enum Outcome: Sendable {
            case quota(Quota), failed(String), rateLimited(String), suspended(String), unknownLimit(UnknownLimit),
                unpublished(UnpublishedLimit), timedOut
        }
        let outcome = await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                do {
                    // A per-key window reports nothing by itself: one request shows what the server says.
                    if api.vendor.quotaModel == .perKeyWindow { try await api.probe() }
                    return .quota(try await api.quota())
                } catch let e as APIError where e.kind == .rateLimited {
                    return .rateLimited(e.detail)
                } catch let e as UnknownLimit {
                    return .unknownLimit(e)
                } catch let e as UnpublishedLimit {
                    return .unpublished(e)
                } catch {
                    return .failed(ErrorPlace.text(error, vendor: api.vendor, baseURL: await api.apiBaseURL()))
                }
            }
            group.addTask {
                // A suspension or a 429 is the answer at once: no waiting out Retry-After, no retry
                // (cancelling the reading below stops the request at the pause gate, unsent).
                for await e in events {
                    switch e {
                    case .paused(_, .suspended, let detail): return .suspended(detail)
                    case .record(let r) where r.status == 429 && Self.rateLimit(r.error ?? ""):
                        return .rateLimited(r.error ?? "HTTP 429")
                    default: continue
                    }
                }
                return .timedOut
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return .timedOut
            }
            let first = await group.next() ?? .timedOut
            group.cancelAll()
            return first
        }
        let now = Date()
        switch outcome {
        case .quota(let q):
            // Atera counts nothing for us unless it sends X-RateLimit-*: then our count is ours only.
            let serverCount = api.vendor.quotaModel == .tenantThreshold || q.server?.fresh == true
            let limited = await api.client.stats.status429 > 0 ? "a 429 came during this check" : nil
            var t = TenantStatus(
                tenant: name, vendor: vendor, quota: q, serverCount: serverCount,
                suspended: await api.client.isSuspended,
                rateLimited: limited, readAt: now)
            t.actingAs = (try? await api.actingAgent())?.sanitized
            return t
        case .unknownLimit(let u):
            // The request went and was answered: OK, with no limit to measure against.
            var t = TenantStatus(tenant: name, vendor: vendor, quota: nil, readAt: now)
            t.state = await api.client.stats.status429 > 0 ? .critical : .ok
            t.used = u.own
            t.countedBy = "psatop"
            t.reason = "\(api.vendor.label) reports no usage; \(u)"
            t.actingAs = (try? await api.actingAgent())?.sanitized
            return t
        case .unpublished(let u):
            // Nothing to measure against: UNKNOWN with our own count (CRITICAL on a 429).
            var t = TenantStatus(tenant: name, vendor: vendor, quota: nil, readAt: now)
            t.state = await api.client.stats.status429 > 0 ? .critical : .unknown
            t.used = u.own
            t.countedBy = "psatop"
            t.reason = "\(api.vendor.label): \(u)"
            return t
        case .rateLimited(let detail):
            return TenantStatus(
                tenant: name, vendor: vendor, quota: nil, rateLimited: api.client.redact(detail).sanitized, readAt: now)
        case .suspended(let detail):
            return TenantStatus(
                tenant: name, vendor: vendor, quota: nil, suspended: true, error: detail.sanitized, readAt: now)
        case .failed(let message):
            return TenantStatus(
                tenant: name, vendor: vendor, quota: nil, error: api.client.redact(message).sanitized, readAt: now)
        case .timedOut:
            return TenantStatus(
                tenant: name, vendor: vendor, quota: nil, error: "no answer within \(Int(timeout.seconds)) s",
                readAt: now)
        }
    }

    /// Every tenant of a fleet at once, in its order: each open one read once, each broken one
    /// UNKNOWN with its reason (its own line; the others are read all the same).
    public static func check(fleet: [FleetMember], timeout: Duration = .seconds(30)) async -> [TenantStatus] {
        await withTaskGroup(of: (Int, TenantStatus).self) { group in
            for (i, m) in fleet.enumerated() {
                let name = m.name
                switch m {
                case .open(let c):
                    group.addTask { (i, await check(c, name: name, timeout: timeout)) }
                case .broken(let b):
                    group.addTask {
                        (
                            i,
                            TenantStatus(
                                tenant: name, vendor: b.vendor.rawValue, quota: nil, error: b.reason, readAt: Date())
                        )
                    }
                }
            }
            var byIndex: [Int: TenantStatus] = [:]
            for await (i, r) in group { byIndex[i] = r }
            return byIndex.keys.sorted().compactMap { byIndex[$0] }
        }
    }

    /// A 429 that is the rate limit (not Autotask's thread limit, not a suspension, which has its own event).
    static func rateLimit(_ detail: String) -> Bool {
        APIError.classify(status: 429, body: Data(detail.utf8)).kind == .rateLimited
    }

    /// The worst state of all tenants.
    public static func state(_ all: [TenantStatus]) -> PluginState { all.map(\.state).max() ?? .unknown }

    /// The plugin output: `psatop OK - 1234/10000 (12.3%) | used=1234;5000;7500;0;10000`; with
    /// several tenants, each named on the first line and in the perfdata labels.
    public static func pluginText(_ all: [TenantStatus]) -> String {
        let state = state(all)
        if all.count == 1, let t = all.first {
            return "psatop \(state.word) - \(t.summary.withoutPipes)" + (t.perfdata().map { " | \($0)" } ?? "")
        }
        let text = all.map { "\($0.tenant) \($0.state.word) \($0.summary)" }.joined(separator: ", ").withoutPipes
        let perf = all.compactMap { $0.perfdata(label: "\($0.tenant)_used") }.joined(separator: " ")
        return "psatop \(state.word) - \(text)" + (perf.isEmpty ? "" : " | \(perf)")
    }

    public static func json(_ all: [TenantStatus]) throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        enc.dateEncodingStrategy = .iso8601
        return try enc.encode(all)
    }
}

extension String {
    /// A plugin's text ends at its first `|` (perfdata follows): a `|` in a server's words or a
    /// tenant's name would forge perfdata, so the text carries none.
    var withoutPipes: String { replacingOccurrences(of: "|", with: "") }
}
