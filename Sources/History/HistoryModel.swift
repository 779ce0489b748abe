import Foundation

/// Which psatop command sent a request: the store sums requests per minute per kind.
public enum ProcessKind: String, Sendable, CaseIterable, Codable {
    case dashboard
    case tickets
    case status
    case serveMetrics = "serve-metrics"
}

/// Who reported a count: the server (Autotask's ThresholdInformation) or our own count (a
/// per-key window, where the server reports nothing).
public enum ReadingSource: String, Sendable, Codable {
    case server
    case ours
}

/// One quota reading, in the tenant's time.
public struct QuotaReading: Sendable, Equatable {
    public var tenant: TenantKey
    public var at: Date
    public var count: Int
    /// The limit as known (nil: unknown, e.g. self-hosted HaloPSA).
    public var limit: Int?
    /// The window the count covers, in minutes (Autotask: the rolling hour).
    public var timeframeMinutes: Int
    /// The latency tier the count is in (0: none, 1: +0.5 s, 2: +1 s, 3: suspended).
    public var tier: Int
    public var source: ReadingSource

    public init(
        tenant: TenantKey, at: Date, count: Int, limit: Int?, timeframeMinutes: Int, tier: Int, source: ReadingSource
    ) {
        self.tenant = tenant
        self.at = at
        self.count = count
        self.limit = limit
        self.timeframeMinutes = timeframeMinutes
        self.tier = tier
        self.source = source
    }
}

/// Something that happened to a tenant's quota.
public enum HistoryEventKind: String, Sendable, Codable, CaseIterable {
    case tierEntered = "tier"
    case throttled = "429"
    case suspended = "suspension"
    case recovered = "recovery"
    case limitLearned = "limit"
}

public struct HistoryEvent: Sendable, Equatable {
    public var tenant: TenantKey
    public var at: Date
    public var kind: HistoryEventKind
    public var detail: String
    public init(tenant: TenantKey, at: Date, kind: HistoryEventKind, detail: String) {
        self.tenant = tenant
        self.at = at
        self.kind = kind
        self.detail = detail
    }
}

/// Our requests in one minute, by kind, from every psatop process on the host.
public struct MinuteCount: Sendable, Equatable {
    /// Minutes since 1970 (UTC).
    public var minute: Int64
    public var byKind: [ProcessKind: Int]
    public var total: Int { byKind.values.reduce(0, +) }
    public init(minute: Int64, byKind: [ProcessKind: Int]) {
        self.minute = minute
        self.byKind = byKind
    }
}

/// A tenant the store knows.
public struct TenantInfo: Sendable, Equatable {
    public var key: TenantKey
    public var name: String
    public var vendor: String
    public init(key: TenantKey, name: String, vendor: String) {
        self.key = key
        self.name = name
        self.vendor = vendor
    }
}

extension Date {
    /// Minutes since 1970 (UTC), rounded down.
    public var epochMinute: Int64 { Int64((timeIntervalSince1970 / 60).rounded(.down)) }
}
