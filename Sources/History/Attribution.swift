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
        guard let lo = ours.map(\.minute).min(), let hi = ours.map(\.minute).max() else {
            return othersSeries(readings: readings, ours: OursSeries(base: 0, minutes: 0)).dictionary
        }
        return othersSeries(readings: readings, ours: OursSeries(ours, from: lo, to: hi + 1)).dictionary
    }

    /// The same, dense: the report's path (no dictionary per minute).
    public static func othersSeries(readings: [QuotaReading], ours: OursSeries) -> OthersSeries {
        let server = readings.filter { $0.source == .server }
        guard !server.isEmpty else { return .empty }
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
        for i in 0..<n { o[i] = Double(ours.total(at: base + Int64(i))) }
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
        return OthersSeries(base: base, values: x, known: known)
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
