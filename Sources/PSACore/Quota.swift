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
    /// Any count a server sends is taken without overflow (a count past Int32, near Int64.max).
    public init(count: Int, threshold: Int) {
        guard threshold > 0 else {
            self = .suspended
            return
        }
        let (c, o1) = count.multipliedReportingOverflow(by: 100)
        let (t50, o2) = threshold.multipliedReportingOverflow(by: 50)
        let (t75, o3) = threshold.multipliedReportingOverflow(by: 75)
        let (t100, o4) = threshold.multipliedReportingOverflow(by: 100)
        guard !(o1 || o2 || o3 || o4) else {
            // Numbers this large are never exact in a threshold anyway: compare as fractions.
            self = LatencyTier(usage: Double(count) / Double(threshold))
            return
        }
        if c < t50 {
            self = .none
        } else if c < t75 {
            self = .half
        } else if c < t100 {
            self = .one
        } else {
            self = .suspended
        }
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
    /// A lower limit the client learned from 429s that said nothing (Atera without `X-RateLimit-*`).
    public var learned: LearnedLimit?

    public init(used: Int, limit: Int, windowSeconds: Int, server: ServerRateLimit? = nil, learned: LearnedLimit? = nil)
    {
        self.used = used
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.server = server
        self.learned = learned
    }

    /// Used over limit; bounded (to ±1,000, i.e. 100,000%) so that a hostile count cannot
    /// overflow what is computed from it (a bar's width, a percentage).
    public var fraction: Double { limit > 0 ? min(1_000, max(-1_000, Double(used) / Double(limit))) : 1 }
    public var percent: Double { fraction * 100 }
    public var tier: LatencyTier { LatencyTier(count: used, threshold: limit) }

    /// Why this reading cannot be used, in the server's own numbers ("server sent timeframe 0"):
    /// a threshold or timeframe that is not positive, a negative count. Nil when it is usable.
    public var problem: String? {
        if limit <= 0 { return "server sent threshold \(limit)" }
        if windowSeconds <= 0 {
            return "server sent timeframe " + (windowSeconds % 60 == 0 ? "\(windowSeconds / 60)" : "\(windowSeconds) s")
        }
        if used < 0 { return "server sent count \(used)" }
        return nil
    }
}

/// A quota reading whose numbers cannot be used: the description says what the server sent.
public struct InvalidQuota: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
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
    /// What the server said that was out of any sane range and held to one ("the server's
    /// rate-limit headers said window 1000000000 s (taken as 3600 s)"); nil when all was taken as sent.
    public var clamped: String?
    public init(limit: Int?, remaining: Int?, resetAt: Date?, at: Date, fresh: Bool = true, clamped: String? = nil) {
        self.limit = limit
        self.remaining = remaining
        self.resetAt = resetAt
        self.at = at
        self.fresh = fresh
        self.clamped = clamped
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
            throw DecodingError.keyNotFound(
                CodingKeys.currentTimeframeRequestCount,
                .init(
                    codingPath: c.codingPath,
                    debugDescription: "ThresholdInformation without currentTimeframeRequestCount"))
        }
        currentTimeframeRequestCount = count
        // Numbers no tenant can have are refused here, naming what came, so no one computes
        // with them (a timeframe of 0 made every reading stale at once: an endless re-read).
        if let problem = Self.problem(
            threshold: externalRequestThreshold, timeframe: requestThresholdTimeframe, count: count)
        {
            throw InvalidQuota(problem)
        }
    }

    /// The longest timeframe taken as real: a year, in minutes.
    public static let maxTimeframeMinutes = 525_600

    /// What is wrong with these numbers, as the server sent them; nil when they are usable.
    public static func problem(threshold: Int, timeframe: Int, count: Int) -> String? {
        if threshold <= 0 { return "server sent threshold \(threshold)" }
        if timeframe <= 0 || timeframe > maxTimeframeMinutes { return "server sent timeframe \(timeframe)" }
        if count < 0 { return "server sent count \(count)" }
        return nil
    }

    public var quota: Quota {
        // (Saturating: a value built in code, not decoded, may still be anything.)
        let (seconds, overflow) = requestThresholdTimeframe.multipliedReportingOverflow(by: 60)
        return Quota(
            used: currentTimeframeRequestCount, limit: externalRequestThreshold,
            windowSeconds: overflow ? (requestThresholdTimeframe < 0 ? Int.min : Int.max) : seconds)
    }
}
