import Foundation

/// Time as the rest of psatop sees it: injected so pacing, backoff and polling can run on a test clock.
public struct PSAClock: Sendable {
    /// Time since this clock was made (monotonic).
    public let now: @Sendable () -> Duration
    /// Sleeps for a duration on the underlying clock; throws on cancellation.
    public let sleep: @Sendable (Duration) async throws -> Void
    private let sleepUntil: @Sendable (Duration) async throws -> Void
    /// Wall-clock time at `now() == .zero`, for display only.
    public let epoch: Date

    public init<C: Clock>(_ clock: C, epoch: Date = Date()) where C.Duration == Duration {
        let start = clock.now
        self.now = { start.duration(to: clock.now) }
        // The deadline is fixed when the call is made: a test clock moving on between here and
        // the clock registering the sleeper cannot push it later.
        self.sleep = { d in
            try await clock.sleep(until: start.advanced(by: start.duration(to: clock.now) + d), tolerance: nil)
        }
        self.sleepUntil = { t in try await clock.sleep(until: start.advanced(by: t), tolerance: nil) }
        self.epoch = epoch
    }

    /// Sleeps until `now()` reaches `deadline` (returns at once if it has).
    /// (A test clock would otherwise park a sleeper whose deadline is exactly now until it moves again.)
    public func sleep(until deadline: Duration) async throws {
        if deadline <= now() {
            try Task.checkCancellation()
            return
        }
        try await sleepUntil(deadline)
    }

    public static var continuous: PSAClock { PSAClock(ContinuousClock()) }

    /// Wall-clock time now, for display.
    public func wall() -> Date { epoch.addingTimeInterval(now().seconds) }
}

extension Duration {
    /// The duration in seconds as a Double.
    public var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }

    public static func seconds(double: Double) -> Duration {
        .nanoseconds(Int64((max(0, double) * 1e9).rounded()))
    }
}

/// SplitMix64: a small seedable generator, so jitter and simulated data are reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Exponential backoff with full jitter (Brooker): a uniform delay in 0…min(cap, base·2^attempt).
public struct Backoff: Sendable, Equatable {
    public var base: Duration
    public var cap: Duration
    public init(base: Duration = .milliseconds(500), cap: Duration = .seconds(30)) {
        self.base = base
        self.cap = cap
    }

    /// The ceiling for attempt n (0-based), before jitter.
    public func ceiling(attempt: Int) -> Duration {
        let factor = pow(2.0, Double(min(attempt, 30)))
        return .seconds(double: min(cap.seconds, base.seconds * factor))
    }

    public func delay<G: RandomNumberGenerator>(attempt: Int, using rng: inout G) -> Duration {
        .seconds(double: Double.random(in: 0...ceiling(attempt: attempt).seconds, using: &rng))
    }
}

/// `Retry-After`: delay-seconds or an HTTP-date.
public enum RetryAfter {
    public static func parse(_ value: String, now: Date) -> Duration? {
        let v = value.trimmingCharacters(in: .whitespaces)
        if let secs = Double(v), secs.isFinite, secs >= 0 { return .seconds(double: min(secs, 86_400)) }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "GMT")
            f.dateFormat = format
            if let d = f.date(from: v) {
                return .seconds(double: min(max(0, d.timeIntervalSince(now)), 86_400))
            }
        }
        return nil
    }

    /// An HTTP-date (IMF-fixdate) for a moment.
    public static func httpDate(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return f.string(from: d)
    }
}

/// A retry budget in the style of gRPC retry throttling / the AWS retry quota: every first
/// attempt deposits `ratio` tokens, every retry spends one. At 100% failure the load stays at
/// most (1 + ratio)× the offered load, plus the initial `capacity`.
public struct RetryBudget: Sendable, Equatable {
    public private(set) var tokens: Double
    public let capacity: Double
    public let ratio: Double
    public init(capacity: Double = 10, ratio: Double = 0.1) {
        self.capacity = capacity
        self.ratio = ratio
        tokens = capacity
    }
    public mutating func recordAttempt() { tokens = min(capacity, tokens + ratio) }
    /// Takes a token for a retry if one is there.
    public mutating func tryRetry() -> Bool {
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
