import Foundation

/// The latency the Autotask server adds to every request, by tenant usage.
/// Below 50% nothing; 50–74.99% +0.5 s; 75%+ +1 s; at 100% the tenant is suspended.
public enum LatencyTier: Int, Sendable, Comparable, CaseIterable, Codable {
    case none = 0
    case half = 1
    case one = 2
    case suspended = 3

    /// The tier for a usage fraction (0…1+). Exact boundaries: 0.5 is `.half`, 0.75 is `.one`, 1.0 is `.suspended`.
    public init(usage: Double) {
        switch usage {
        case ..<0.5: self = .none
        case ..<0.75: self = .half
        case ..<1.0: self = .one
        default: self = .suspended
        }
    }

    /// The tier for an integer count against a threshold, computed without floating-point edges.
    public init(count: Int, threshold: Int) {
        guard threshold > 0 else { self = .suspended; return }
        let c = Int64(count) * 100, t = Int64(threshold)
        if c < 50 * t { self = .none }
        else if c < 75 * t { self = .half }
        else if c < 100 * t { self = .one }
        else { self = .suspended }
    }

    /// Seconds the server adds to each request in this tier.
    public var addedLatency: Double {
        switch self {
        case .none: 0
        case .half: 0.5
        case .one, .suspended: 1
        }
    }

    public var label: String {
        switch self {
        case .none: "no added latency"
        case .half: "+0.5 s latency"
        case .one: "+1 s latency"
        case .suspended: "SUSPENDED"
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One reading of a tenant's quota.
public struct Quota: Sendable, Equatable, Codable {
    /// Requests counted in the current rolling timeframe (every integration of the tenant).
    public var used: Int
    /// Requests allowed in the timeframe.
    public var limit: Int
    /// Length of the rolling timeframe in seconds (Autotask: 3,600; Atera: 60).
    public var windowSeconds: Int

    /// What the server itself said in `X-RateLimit-*` (Atera, when it sends them); nil: the count is ours.
    public var server: ServerRateLimit?

    public init(used: Int, limit: Int, windowSeconds: Int, server: ServerRateLimit? = nil) {
        self.used = used
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.server = server
    }

    public var fraction: Double { limit > 0 ? Double(used) / Double(limit) : 1 }
    public var percent: Double { fraction * 100 }
    public var tier: LatencyTier { LatencyTier(count: used, threshold: limit) }
}

/// A server's own rate-limit headers as last seen: its limit, what remains, when its window resets.
public struct ServerRateLimit: Sendable, Equatable, Codable {
    public var limit: Int?
    public var remaining: Int?
    public var resetAt: Date?
    /// When the answer carrying them came.
    public var at: Date
    /// Younger than the server's window when read: the count is the server's. An older word is
    /// only shown as such (the count is then ours).
    public var fresh: Bool
    public init(limit: Int?, remaining: Int?, resetAt: Date?, at: Date, fresh: Bool = true) {
        self.limit = limit; self.remaining = remaining; self.resetAt = resetAt; self.at = at; self.fresh = fresh
    }
}

/// Autotask `GET /V1.0/ThresholdInformation`.
public struct ThresholdInformation: Sendable, Codable, Equatable {
    public var externalRequestThreshold: Int
    public var requestThresholdTimeframe: Int
    public var currentTimeframeRequestCount: Int

    public init(externalRequestThreshold: Int, requestThresholdTimeframe: Int, currentTimeframeRequestCount: Int) {
        self.externalRequestThreshold = externalRequestThreshold
        self.requestThresholdTimeframe = requestThresholdTimeframe
        self.currentTimeframeRequestCount = currentTimeframeRequestCount
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        externalRequestThreshold = try c.lenientInt(.externalRequestThreshold) ?? 10_000
        requestThresholdTimeframe = try c.lenientInt(.requestThresholdTimeframe) ?? 60
        guard let count = try c.lenientInt(.currentTimeframeRequestCount) else {
            throw DecodingError.keyNotFound(CodingKeys.currentTimeframeRequestCount,
                .init(codingPath: c.codingPath, debugDescription: "ThresholdInformation without currentTimeframeRequestCount"))
        }
        currentTimeframeRequestCount = count
    }

    public var quota: Quota {
        Quota(used: currentTimeframeRequestCount, limit: externalRequestThreshold,
              windowSeconds: requestThresholdTimeframe * 60)
    }
}
