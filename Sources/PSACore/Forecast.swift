import Foundation

/// The count of a quota's timeframe over time: one value per bucket (a sixtieth of the
/// timeframe: a minute of Autotask's hour, a second of Atera's minute), the newest last, for the
/// gauge's sparkline and the rate its forecast uses. Times are the tenant's own seconds.
public struct QuotaHistory: Sendable, Equatable {
    public static let buckets = 60
    /// Seconds per bucket.
    public private(set) var bucketSeconds: Double
    /// (bucket number, the last count seen in it), oldest first.
    public private(set) var points: [(bucket: Int, count: Int)] = []
    /// Every sample of the last few buckets, for the rate (time, count).
    private var recent: [(t: Double, count: Int)] = []

    public init(windowSeconds: Int) {
        bucketSeconds = Self.bucketSeconds(windowSeconds: windowSeconds)
    }

    /// A sixtieth of the timeframe, at least a second.
    public static func bucketSeconds(windowSeconds: Int) -> Double { max(1, Double(windowSeconds) / Double(buckets)) }

    public static func == (a: Self, b: Self) -> Bool {
        a.bucketSeconds == b.bucketSeconds
            && a.points.elementsEqual(b.points) { $0.bucket == $1.bucket && $0.count == $1.count }
            && a.recent.elementsEqual(b.recent) { $0.t == $1.t && $0.count == $1.count }
    }

    /// Notes the count at tenant time `t` (samples out of order are ignored).
    public mutating func note(_ count: Int, at t: Double) {
        if let last = recent.last, t < last.t { return }
        let b = Int((t / bucketSeconds).rounded(.down))
        if let last = points.last, last.bucket == b {
            points[points.count - 1].count = count
        } else {
            points.append((b, count))
        }
        if points.count > Self.buckets { points.removeFirst(points.count - Self.buckets) }
        recent.append((t, count))
        let horizon = t - Self.rateSpan(bucketSeconds)
        if let keep = recent.firstIndex(where: { $0.t >= horizon }), keep > 0 { recent.removeFirst(keep) }
    }

    /// The rate is measured over the last five buckets (five minutes of Autotask's hour).
    static func rateSpan(_ bucketSeconds: Double) -> Double { bucketSeconds * 5 }

    /// Net change of the count per bucket over the last five buckets (a least-squares slope);
    /// nil until the samples span at least half a bucket.
    public var ratePerBucket: Double? {
        guard let first = recent.first, let last = recent.last, last.t - first.t >= bucketSeconds / 2 else {
            return nil
        }
        let n = Double(recent.count)
        let mt = recent.reduce(0) { $0 + $1.t } / n, mc = recent.reduce(0) { $0 + Double($1.count) } / n
        var num = 0.0, den = 0.0
        for s in recent {
            num += (s.t - mt) * (Double(s.count) - mc)
            den += (s.t - mt) * (s.t - mt)
        }
        guard den > 0 else { return nil }
        return num / den * bucketSeconds
    }

    /// The counts per bucket over the last `n` buckets ending with the newest; nil where none was seen.
    public func series(last n: Int) -> [Int?] {
        guard let newest = points.last?.bucket, n > 0 else { return [] }
        var out = [Int?](repeating: nil, count: n)
        for p in points where p.bucket > newest - n { out[n - 1 - (newest - p.bucket)] = p.count }
        return out
    }
}

/// When the count reaches each boundary ahead at a net rate: the next latency tier and the
/// suspension (Autotask), the per-key limit (Atera); "not in this window" past the timeframe.
public struct QuotaForecast: Sendable, Equatable {
    public struct Boundary: Sendable, Equatable {
        public var name: String
        public var fraction: Double
        /// Tenant seconds until the count gets there; nil: not at this rate within the timeframe.
        public var seconds: Double?
    }
    public var boundaries: [Boundary]
    /// Net change of the count per minute of the tenant.
    public var perMinute: Double

    /// Autotask's boundaries; Atera has only its limit.
    public static let autotask = [("+0.5 s tier", 0.5), ("+1 s tier", 0.75), ("suspension", 1.0)]
    public static let atera = [("the limit", 1.0)]
    public static let halo = [("the 5-minute limit", 1.0)]
    /// ConnectWise: only the person's own budget (no limit is published).
    public static let connectwise = [("your budget", 1.0)]

    /// - Parameters:
    ///   - perMinute: net change of the count per tenant minute (arrivals minus what leaves the window).
    ///   - horizon: seconds past which a boundary counts as "not in this window" (the timeframe).
    public init(count: Int, limit: Int, perMinute: Double, horizon: Double, boundaries: [(String, Double)]) {
        self.perMinute = perMinute
        self.boundaries = boundaries.compactMap { name, f in
            let at = Double(limit) * f
            guard Double(count) < at else { return nil }  // behind us
            guard perMinute > 0 else { return Boundary(name: name, fraction: f, seconds: nil) }
            let s = (at - Double(count)) / perMinute * 60
            return Boundary(name: name, fraction: f, seconds: s <= horizon ? s : nil)
        }
    }

    /// The next boundary and the last one (the suspension or the limit), each once.
    public var shown: [Boundary] {
        guard let next = boundaries.first else { return [] }
        guard let last = boundaries.last, last != next else { return [next] }
        return [next, last]
    }
}
