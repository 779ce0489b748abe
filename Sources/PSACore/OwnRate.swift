import Foundation

/// psatop's own traffic as its rate-aware client recorded it: what a gauge can honestly show
/// where the vendor publishes no count (ConnectWise): our rate over the last 1, 5 and 60
/// minutes, requests in flight, the latency of recent answers (the only early sign of
/// pressure), and the last 429 with its `Retry-After`, told apart by who sent it.
public struct OwnRate: Sendable, Equatable {
    /// Our requests sent in the last 1, 5 and 60 minutes of the vendor's clock.
    public var lastMinute: Int
    public var last5Minutes: Int
    public var lastHour: Int
    /// Requests sent and not yet answered.
    public var inFlight: Int
    /// Median and 95th percentile of the recent answers' durations in seconds (nil: none yet).
    public var p50: Double?
    public var p95: Double?
    /// 429s in the last hour of the vendor's clock.
    public var throttled: Int
    /// The last 429, while it is recent.
    public var last429: Throttle?
    /// What 429s taught the window limiter (nil: nothing learned).
    public var learned: LearnedLimit?

    /// One 429: when it came, until when its `Retry-After` asks us to wait, and whether its body
    /// was the API's own JSON or a page from the edge in front of it (Cloudflare's "Error 1015").
    public struct Throttle: Sendable, Equatable {
        public var at: Date
        public var retryUntil: Date?
        public var edge: Bool
        public init(at: Date, retryUntil: Date?, edge: Bool) {
            self.at = at
            self.retryUntil = retryUntil
            self.edge = edge
        }
    }

    public init(
        lastMinute: Int = 0, last5Minutes: Int = 0, lastHour: Int = 0, inFlight: Int = 0, p50: Double? = nil,
        p95: Double? = nil, throttled: Int = 0, last429: Throttle? = nil, learned: LearnedLimit? = nil
    ) {
        self.lastMinute = lastMinute
        self.last5Minutes = last5Minutes
        self.lastHour = lastHour
        self.inFlight = inFlight
        self.p50 = p50
        self.p95 = p95
        self.throttled = throttled
        self.last429 = last429
        self.learned = learned
    }

    /// The nearest-rank percentile (`p` in 0…1) of the values: the smallest value with at least
    /// `p` of them at or below it. Nil without values.
    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        let sorted = values.filter(\.isFinite).sorted()
        guard !sorted.isEmpty else { return nil }
        let rank = Int((min(1, max(0, p)) * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }

    /// A 429 whose body is not the API's JSON (an HTML page, plain text, nothing): the edge in
    /// front of the API throttled us, not the API itself (pyconnectwise PR #41: Cloudflare's 1015).
    public static func isEdgeThrottle(status: Int, body: Data) -> Bool {
        guard status == 429 else { return false }
        let start = body.prefix(64).first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        guard start == UInt8(ascii: "{"), (try? JSONSerialization.jsonObject(with: body)) is [String: Any] else {
            return true
        }
        return false
    }

    /// "3 in flight, p50 120 ms, p95 480 ms" (the latency once answers came).
    public var flightText: String {
        var t = "\(inFlight) in flight"
        if let p50, let p95 { t += ", p50 \(Self.ms(p50)), p95 \(Self.ms(p95))" }
        return t
    }

    /// The last 429 and its countdown at `now`: "429 (edge throttle): retry in 8 s", "429 (Manage)
    /// 2 min ago", nil without one.
    public func throttleText(now: Date, apiName: String) -> String? {
        guard let t = last429 else { return nil }
        let who = t.edge ? "edge throttle" : apiName
        let count = throttled > 1 ? " ×\(throttled)" : ""
        if let until = t.retryUntil, until > now {
            let left = Int(until.timeIntervalSince(now).rounded(.up))
            return "429\(count) (\(who)): retry in \(left) s"
        }
        let ago = max(0, Int(now.timeIntervalSince(t.at).rounded()))
        return "429\(count) (\(who)) \(ago < 60 ? "\(ago) s" : "\(ago / 60) min") ago"
    }

    /// Whether the last 429's wait is still running at `now`.
    public func waiting(now: Date) -> Bool { last429?.retryUntil.map { $0 > now } ?? false }

    /// "120 ms", "1.4 s".
    public static func ms(_ seconds: Double) -> String {
        seconds < 1 ? "\(Int((seconds * 1_000).rounded())) ms" : String(format: "%.1f s", seconds)
    }
}
