import Foundation

/// How urgent a request is, for the quota ceiling: bulk work (walking every ticket) yields to the
/// ceiling; what a person asked for just now, and quota readings, do not.
public enum RequestPriority: String, Sendable, Codable, Equatable {
    case interactive, bulk, reading

    /// The priority of requests made by the current task when the caller does not say
    /// (`allTickets` runs its walk as `.bulk`).
    @TaskLocal public static var current: RequestPriority = .interactive
}

/// Paces bulk Autotask work from the quota itself, not from errors.
///
/// It knows the tenant's threshold and count from the last `ThresholdInformation` reading, adds
/// our own requests sent since (exact, from the client's log), raises the estimate to what the
/// measured server latency says (the +0.5 s tier means at least 50%, +1 s at least 75%), and keeps
/// bulk work under `ceiling`: near it, bulk requests are spread so the headroom left would last
/// the rest of the timeframe; at it, bulk work stops until a fresh reading shows room.
///
/// All times are seconds of the client's clock; `timeScale` compresses the vendor's timeframe
/// (1 for a real tenant, the simulator's factor in the demo).
public struct QuotaGovernor: Sendable, Equatable {
    public struct Reading: Sendable, Equatable {
        public var threshold: Int
        /// The rolling timeframe in seconds of the client's clock (already scaled).
        public var window: Double
        public var count: Int
        public var at: Double
    }

    public enum Decision: Sendable, Equatable {
        case go
        /// Spread: wait this long before sending.
        case spread(seconds: Double)
        /// At the ceiling: wait this long, then look again (a fresh reading may show room).
        case hold(seconds: Double)
        /// The reading is missing or too old to decide on: read the quota first.
        case read
    }

    /// Fraction of the threshold our bulk work may bring the tenant to (0 < ceiling ≤ 1).
    public var ceiling: Double
    /// Below the ceiling by less than this fraction of the threshold, bulk work is spread out.
    public var slowBand: Double
    /// How old a reading may be near the ceiling before bulk work asks for a fresh one (seconds).
    public var recheck: Double
    public var timeScale: Double
    public private(set) var reading: Reading?
    /// The tier the response times say the server is in (see `LatencyTierDetector`).
    public var measuredTier: LatencyTier = .none

    public init(ceiling: Double = 0.75, slowBand: Double = 0.05, recheck: Double = 60, timeScale: Double = 1) {
        self.ceiling = min(1, max(0.01, ceiling))
        self.slowBand = slowBand
        self.timeScale = max(timeScale, 0.001)
        self.recheck = recheck / self.timeScale
    }

    /// Takes a reading. One whose numbers cannot be used (`Quota.problem`) is not taken: the
    /// ceiling then decides as without a reading rather than compute with them.
    public mutating func note(_ q: Quota, at now: Double) {
        guard q.problem == nil else { return }
        reading = Reading(threshold: q.limit, window: Double(q.windowSeconds) / timeScale, count: q.used, at: now)
    }

    public var ceilingCount: Int? { reading.map { Self.int((Double($0.threshold) * ceiling).rounded(.down)) } }

    /// A Double as an Int, saturating at the ends (Int(2^63) would trap).
    static func int(_ d: Double) -> Int {
        guard d.isFinite else { return d > 0 ? .max : d < 0 ? .min : 0 }
        if d >= 9.2e18 { return .max }
        if d <= -9.2e18 { return .min }
        return Int(d)
    }

    /// The tenant's count now: the reading plus our requests since, at least what the latency says.
    public func estimate(oursSinceReading: Int) -> Int? {
        guard let r = reading else { return nil }
        let floorFraction: Double =
            switch measuredTier {
            case .none: 0
            case .half: 0.5
            case .one, .suspended: 0.75
            }
        let (sum, overflow) = r.count.addingReportingOverflow(oursSinceReading)
        return max(overflow ? .max : sum, Self.int((Double(r.threshold) * floorFraction).rounded(.up)))
    }

    /// What a bulk request should do now. `lastBulkAt`: when the previous bulk request went out.
    /// `acceptOld`: decide on the reading however old it is (a fresh one cannot be had).
    public func decide(now: Double, oursSinceReading: Int, lastBulkAt: Double?, acceptOld: Bool = false) -> Decision {
        guard let r = reading, let est = estimate(oursSinceReading: oursSinceReading), let cap = ceilingCount else {
            return .read
        }
        let age = now - r.at
        let (headroom, overflow) = cap.subtractingReportingOverflow(est)
        guard !overflow else { return .hold(seconds: recheck / 10) }
        let band = Double(r.threshold) * slowBand
        // Far below the ceiling a reading stays good for longer; near it, it must be recent.
        let maxAge = Double(headroom) > 2 * band ? recheck * 5 : recheck
        // (A microsecond of slack: a caller that slept exactly until the reading goes stale must see it stale.)
        let untilStale = min(maxAge, r.window) - age
        if !acceptOld, untilStale <= 1e-6 { return .read }
        // At the ceiling: look again when the reading goes stale (or after a tenth of the recheck if it already is).
        if headroom <= 0 { return .hold(seconds: untilStale > 1e-6 ? untilStale : recheck / 10) }
        if Double(headroom) < band {
            // Spread what is left over the rest of the timeframe.
            let spacing = min(r.window / Double(headroom), recheck)
            if let last = lastBulkAt, now < last + spacing { return .spread(seconds: last + spacing - now) }
        }
        return .go
    }
}

/// Tells the server-added latency (0.5 s from 50%, 1 s from 75%) from response times.
///
/// Per endpoint it learns a baseline (the fastest answer, less the latency the quota reading said
/// the server was adding at the time); the extra of the last three answers over their baselines,
/// taken at its smallest, is the added latency — one slow answer alone does not move it.
public struct LatencyTierDetector: Sendable, Equatable {
    public var timeScale: Double
    /// The tier the last quota reading showed (its latency is part of what we measure).
    public var knownTier: LatencyTier = .none
    private var baseline: [String: Double] = [:]
    private var recent: [Double] = []
    public private(set) var tier: LatencyTier = .none
    public private(set) var samples = 0

    public init(timeScale: Double = 1) { self.timeScale = max(timeScale, 0.001) }

    /// Adds one answer's duration (seconds); returns the tier when it changed.
    public mutating func observe(endpoint: String, duration: Double) -> LatencyTier? {
        samples += 1
        let known = knownTier.addedLatency / timeScale
        baseline[endpoint] = min(baseline[endpoint] ?? .infinity, max(0, duration - known))
        recent.append(duration - baseline[endpoint]!)
        if recent.count > 3 { recent.removeFirst(recent.count - 3) }
        guard recent.count == 3, let extra = recent.min() else { return nil }
        let s = extra * timeScale
        let measured: LatencyTier = s >= 0.9 ? .one : s >= 0.45 ? .half : .none
        guard measured != tier else { return nil }
        tier = measured
        return measured
    }
}

/// Autotask's attachment limits: a per-file size, and bytes per tenant in a rolling window
/// (10,000,000 per 5 minutes; past that the server refuses attachments for 5 minutes).
public struct AttachmentBudget: Sendable {
    public var fileLimit: Int
    public var windowBytes: Int
    /// Window length in seconds of the client's clock (already scaled).
    public var window: Double
    private var sent: [(at: Double, bytes: Int, token: Int)] = []
    private var nextToken = 0
    /// Set when the server refused an attachment: none may go before this time.
    public private(set) var blockedUntil: Double?

    public init(
        fileLimit: Int = 6_000_000, windowBytes: Int = 10_000_000, windowSeconds: Double = 300, timeScale: Double = 1
    ) {
        self.fileLimit = fileLimit
        self.windowBytes = windowBytes
        self.window = windowSeconds / max(timeScale, 0.001)
    }

    /// Bytes sent in the window ending at `now`.
    public func used(at now: Double) -> Int { sent.filter { $0.at > now - window }.reduce(0) { $0 + $1.bytes } }

    /// When the last attachment in the window leaves it (nil: the window is empty).
    public func clearsAt(_ now: Double) -> Double? {
        sent.filter { $0.at > now - window }.map(\.at).max().map { $0 + window }
    }

    /// Seconds to wait before `bytes` more fit in the window (0: now).
    public func wait(for bytes: Int, at now: Double) -> Double {
        if let b = blockedUntil, b > now { return b - now }
        var inWindow = sent.filter { $0.at > now - window }
        var total = inWindow.reduce(0) { $0 + $1.bytes }
        var t = now
        while total + bytes > windowBytes, let first = inWindow.first {
            t = first.at + window
            total -= first.bytes
            inWindow.removeFirst()
        }
        return t - now
    }

    /// Counts `bytes` from `now`; returns a token for `settle`.
    @discardableResult
    public mutating func record(_ bytes: Int, at now: Double) -> Int {
        sent.removeAll { $0.at <= now - window }
        nextToken += 1
        sent.append((now, bytes, nextToken))
        return nextToken
    }

    /// The upload finished at `now`: the server counted it at some moment before, so counting it
    /// from now keeps our window at least as long as the server's, however long the upload took.
    public mutating func settle(_ token: Int, at now: Double) {
        guard let i = sent.firstIndex(where: { $0.token == token }) else { return }
        sent[i].at = max(sent[i].at, now)
        sent.sort { $0.at < $1.at }
    }

    /// The server refused: no attachment for a whole window.
    public mutating func refused(at now: Double) { blockedUntil = now + window }
}

/// What the ceiling is doing to bulk work, for the screen and for headless output.
public struct CeilingStatus: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable { case spreading, holding }
    public var state: State
    /// The tenant's estimated count, the ceiling as a count, and the threshold.
    public var estimate: Int
    public var ceiling: Int
    public var threshold: Int

    public init(state: State, estimate: Int, ceiling: Int, threshold: Int) {
        self.state = state
        self.estimate = estimate
        self.ceiling = ceiling
        self.threshold = threshold
    }

    public var ceilingPercent: Int { threshold > 0 ? Int((Double(ceiling) * 100 / Double(threshold)).rounded()) : 0 }

    public var text: String {
        switch state {
        case .holding:
            "bulk work held at the \(ceilingPercent)% ceiling (~\(estimate) of \(threshold)); it goes on when the count drops"
        case .spreading:
            "bulk work slowed near the \(ceilingPercent)% ceiling (~\(estimate) of \(ceiling))"
        }
    }
}

/// Byte counts in decimal units, as the vendors state their limits ("10,000,000 bytes" = 10 MB).
public enum ByteSize {
    public static func text(_ n: Int) -> String {
        switch n {
        case ..<1_000: "\(n) B"
        case ..<1_000_000: String(format: "%.1f kB", Double(n) / 1_000)
        default: String(format: "%.1f MB", Double(n) / 1_000_000)
        }
    }
}
