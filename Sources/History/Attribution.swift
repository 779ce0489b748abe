import Foundation

/// The others' requests per minute, worked out from the server's rolling counts and our exact
/// per-minute counts.
///
/// Autotask's count C(t) is every integration's requests in the rolling window (t − W, t], W
/// the timeframe (60 minutes). So the difference of two readings is not the requests between
/// them: C(k) − C(j) = (requests in (j, k]) − (requests in (j − W, k − W]). The requests that
/// left the window are known — ours exactly, the others' from the estimate one window earlier —
/// so the others' requests in (j, k] are
///
///     X(j, k] = C(k) − C(j) − O(j, k] + O(j − W, k − W] + X(j − W, k − W]
///
/// spread evenly over the minutes of the gap. The first reading of a run (or the first after a
/// gap longer than W) seeds the window before it: X(k − W, k] = C(k) − O(k − W, k], spread evenly.
/// Any W consecutive minutes then add up to C − O at the window's end, exactly up to the
/// reading's own timing: an hour's "others" is right even when its minutes are only estimates.
public enum Attribution {
    /// Others per minute (minutes since 1970 → requests; may be slightly negative where a
    /// reading's timing spread a minute's share unevenly — sum before rounding).
    public static func othersPerMinute(readings: [QuotaReading], ours: [MinuteCount]) -> [Int64: Double] {
        let server = readings.filter { $0.source == .server }
        guard !server.isEmpty else { return [:] }
        // A reading stands for the count at the nearest minute's end: one at 14:05:00 is the
        // end of 14:04, one at 14:05:40 the end of 14:05. The last in each minute counts.
        var last: [(minute: Int64, count: Double, w: Int64)] = []
        for r in server {
            let m = Int64(((r.at.timeIntervalSince1970 + 30) / 60).rounded(.down)) - 1
            let entry = (m, Double(r.count), Int64(max(1, r.timeframeMinutes)))
            if last.last?.minute == m { last[last.count - 1] = entry } else { last.append(entry) }
        }
        // Dense arrays from the first window's start to the last reading (a dictionary per
        // minute costs more than the arithmetic: 35 days are 50,400 minutes).
        let maxW = last.map(\.w).max() ?? 60
        let base = last[0].minute - maxW + 1
        let n = Int(last[last.count - 1].minute - base + 1)
        var o = [Double](repeating: 0, count: n)
        for m in ours {
            let i = Int(m.minute - base)
            if i >= 0 && i < n { o[i] += Double(m.total) }
        }
        var x = [Double](repeating: 0, count: n)
        var known = [Bool](repeating: false, count: n)
        var prev: (minute: Int64, count: Double, w: Int64)? = nil
        var session: (start: Int, w: Int)? = nil
        for r in last {
            let w = Int(r.w), end = Int(r.minute - base)
            if let p = prev, r.minute - p.minute <= r.w, p.w == r.w {
                let from = Int(p.minute - base) + 1
                var left = 0.0
                var oursIn = 0.0
                for i in from...end {
                    oursIn += o[i]
                    if i - w >= 0 { left += o[i - w] + (known[i - w] ? x[i - w] : 0) }
                }
                let share = (r.count - p.count - oursIn + left) / Double(end - from + 1)
                for i in from...end {
                    x[i] = share
                    known[i] = true
                }
            } else {
                if let run = session, let p = prev {
                    smooth(&x, known, from: run.start, to: Int(p.minute - base), w: run.w)
                }
                let from = end - w + 1
                session = (from, w)
                let oursIn = (from...end).reduce(0.0) { $0 + o[$1] }
                let share = (r.count - oursIn) / Double(w)
                for i in from...end {
                    x[i] = share
                    known[i] = true
                }
            }
            prev = r
        }
        if let run = session, let p = prev { smooth(&x, known, from: run.start, to: Int(p.minute - base), w: run.w) }
        var out: [Int64: Double] = [:]
        out.reserveCapacity(n)
        for i in 0..<n where known[i] { out[base + Int64(i)] = x[i] }
        return out
    }

    /// The readings fix every W consecutive minutes' sum but not how the first window was spread:
    /// any pattern repeating every W minutes with a zero sum fits them as well. Of those, this
    /// keeps the smoothest series (least squared change from minute to minute), so the even seed
    /// leaves no ripple of its own; sums over W minutes are unchanged.
    static func smooth(_ x: inout [Double], _ known: [Bool], from start: Int, to end: Int, w: Int) {
        guard end - start > w, w > 1 else { return }
        var sum = [Double](repeating: 0, count: w), count = [Int](repeating: 0, count: w)
        for i in (start + 1)...end where known[i] && known[i - 1] {
            let r = (i - start) % w
            sum[r] += x[i] - x[i - 1]
            count[r] += 1
        }
        let means = (0..<w).map { count[$0] > 0 ? sum[$0] / Double(count[$0]) : 0 }
        let c = means.reduce(0, +) / Double(w)
        var p = [Double](repeating: 0, count: w)
        for r in 1..<w { p[r] = p[r - 1] - (means[r] - c) }
        let shift = p.reduce(0, +) / Double(w)
        for i in start...end where known[i] { x[i] += p[(i - start) % w] - shift }
    }

    /// The others' requests in each bucket of `seconds` (aligned to the epoch in the time zone's
    /// offset `offset`), where any minute of it is estimated.
    public static func sum(_ perMinute: [Int64: Double], bucketMinutes: Int64, offsetMinutes: Int64 = 0) -> [Int64:
        Double]
    {
        var out: [Int64: Double] = [:]
        for (m, v) in perMinute {
            let b = floorDiv(m + offsetMinutes, bucketMinutes) * bucketMinutes - offsetMinutes
            out[b, default: 0] += v
        }
        return out
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
}

/// A burst of the others' requests well above their usual rate.
public struct Spike: Sendable, Equatable {
    /// The first minute (minutes since 1970).
    public var start: Int64
    public var minutes: Int
    /// Requests above the usual rate over the spike.
    public var size: Int
    /// Whose: "others" (the server's count less ours).
    public var whose: String

    public init(start: Int64, minutes: Int, size: Int, whose: String = "others") {
        self.start = start
        self.minutes = minutes
        self.size = size
        self.whose = whose
    }

    /// "others +2,800 in 12 min from 14:05".
    public func text(timeZone: TimeZone = .current) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let d = Date(timeIntervalSince1970: Double(start) * 60)
        let c = cal.dateComponents([.hour, .minute], from: d)
        let hhmm = String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
        return "\(whose) +\(Spike.grouped(size)) in \(minutes) min from \(hhmm)"
    }

    static func grouped(_ n: Int) -> String {
        let s = String(abs(n))
        var out = ""
        for (i, ch) in s.reversed().enumerated() {
            if i > 0, i % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (n < 0 ? "-" : "") + String(out.reversed())
    }
}

extension Attribution {
    /// Runs of minutes whose others' rate stands well above its usual rate around them (the mean
    /// of the hour before and after, leaving out the minutes found hot): at least 2.5 times it and
    /// at least `floor` requests a minute above it, holes of up to 3 minutes bridged; a spike is
    /// kept when its excess over the usual rate reaches `minSize`.
    public static func spikes(_ perMinute: [Int64: Double], floor: Double, minSize: Int, around: Int = 60) -> [Spike] {
        guard let lo = perMinute.keys.min(), let hi = perMinute.keys.max() else { return [] }
        let n = Int(hi - lo + 1)
        var v = [Double?](repeating: nil, count: n)
        for (m, x) in perMinute { v[Int(m - lo)] = x }
        var hot = [Bool](repeating: false, count: n)
        var base = [Double](repeating: 0, count: n)
        for _ in 0..<2 {
            // Prefix sums of the known, not-hot minutes: the usual rate around each minute in O(n).
            var sum = [Double](repeating: 0, count: n + 1), count = [Int](repeating: 0, count: n + 1)
            for i in 0..<n {
                let use = v[i] != nil && !hot[i]
                sum[i + 1] = sum[i] + (use ? v[i]! : 0)
                count[i + 1] = count[i] + (use ? 1 : 0)
            }
            for i in 0..<n {
                let a = max(0, i - around), b = min(n, i + around + 1)
                let c = count[b] - count[a]
                base[i] = c > 0 ? max(0, (sum[b] - sum[a]) / Double(c)) : 0
            }
            for i in 0..<n { hot[i] = v[i].map { $0 >= max(base[i] * 2.5, base[i] + floor) } ?? false }
        }
        var out: [Spike] = []
        var first: Int?, last = 0
        func close() {
            guard let f = first else { return }
            let excess = (f...last).reduce(0.0) { $0 + max(0, (v[$1] ?? base[$1]) - base[$1]) }
            if Int(excess) >= minSize {
                out.append(Spike(start: lo + Int64(f), minutes: last - f + 1, size: Int(excess.rounded())))
            }
            first = nil
        }
        for i in 0..<n where hot[i] {
            if first != nil, i - last > 3 { close() }
            if first == nil { first = i }
            last = i
        }
        close()
        return out
    }
}
