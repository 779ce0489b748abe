import Foundation

/// A burst of requests well above the usual rate, and whose it is.
public struct Spike: Sendable, Equatable {
    /// The first minute (minutes since 1970).
    public var start: Int64
    public var minutes: Int
    /// Requests above the usual rate over the spike, of whose it is.
    public var size: Int
    /// Whose: "others" (the server's count less ours), or "ours (tickets)": the psatop commands
    /// whose own exact counts explain it.
    public var whose: String
    /// Whose requests in each of its minutes (the others' estimate, or our exact count).
    public var perMinute: [Int]

    public init(start: Int64, minutes: Int, size: Int, whose: String = Spike.others, perMinute: [Int] = []) {
        self.start = start
        self.minutes = minutes
        self.size = size
        self.whose = whose
        self.perMinute = perMinute
    }

    public static let others = "others"
    /// "ours (tickets)", "ours (tickets, dashboard)": the kinds, biggest share first.
    public static func ours(_ kinds: [ProcessKind]) -> String {
        "ours (" + kinds.map(\.rawValue).joined(separator: ", ") + ")"
    }
    public var isOthers: Bool { whose == Self.others }
    /// The spike's first minute as a date.
    public var startDate: Date { Date(timeIntervalSince1970: Double(start) * 60) }

    /// "others +2,800 in 12 min from 14:05".
    public func text(timeZone: TimeZone = .current) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let c = cal.dateComponents([.hour, .minute], from: startDate)
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
    /// Runs of minutes whose rate stands well above its usual rate around them (the mean of the
    /// hour before and after, leaving out the minutes found hot): at least 2.5 times it and at
    /// least `floor` requests a minute above it, holes of up to 3 minutes bridged. Returns the
    /// runs (first and last index), the hot minutes and the usual rate per minute.
    static func hotRuns(_ v: [Double?], floor: Double, around: Int) -> (
        runs: [ClosedRange<Int>], hot: [Bool], base: [Double]
    ) {
        let n = v.count
        var hot = [Bool](repeating: false, count: n)
        var base = [Double](repeating: 0, count: n)
        for _ in 0..<2 {
            base = usual(v, hot: hot, around: around)
            for i in 0..<n { hot[i] = v[i].map { $0 >= max(base[i] * 2.5, base[i] + floor) } ?? false }
        }
        var runs: [ClosedRange<Int>] = []
        var first: Int?, last = 0
        for i in 0..<n where hot[i] {
            if let f = first, i - last > 3 {
                runs.append(f...last)
                first = nil
            }
            if first == nil { first = i }
            last = i
        }
        if let f = first { runs.append(f...last) }
        return (runs, hot, base)
    }

    /// The usual rate around each minute: the mean of the known, not-hot minutes within `around`
    /// (prefix sums: O(n)).
    static func usual(_ v: [Double?], hot: [Bool], around: Int) -> [Double] {
        let n = v.count
        var sum = [Double](repeating: 0, count: n + 1), count = [Int](repeating: 0, count: n + 1)
        for i in 0..<n {
            let x = hot[i] ? nil : v[i]
            sum[i + 1] = sum[i] + (x ?? 0)
            count[i + 1] = count[i] + (x == nil ? 0 : 1)
        }
        var base = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let a = max(0, i - around), b = min(n, i + around + 1)
            let c = count[b] - count[a]
            base[i] = c > 0 ? max(0, (sum[b] - sum[a]) / Double(c)) : 0
        }
        return base
    }

    /// What stands above the usual rate over a run.
    static func excess(_ v: [Double?], _ base: [Double], _ run: ClosedRange<Int>) -> Double {
        run.reduce(0.0) { $0 + max(0, (v[$1] ?? base[$1]) - base[$1]) }
    }

    /// Spikes of the others' estimate alone; a spike is kept when its excess reaches `minSize`.
    public static func spikes(_ perMinute: [Int64: Double], floor: Double, minSize: Int, around: Int = 60) -> [Spike] {
        guard let lo = perMinute.keys.min(), let hi = perMinute.keys.max() else { return [] }
        var v = [Double?](repeating: nil, count: Int(hi - lo + 1))
        for (m, x) in perMinute { v[Int(m - lo)] = x }
        let (runs, _, base) = hotRuns(v, floor: floor, around: around)
        return runs.compactMap { run in
            let size = excess(v, base, run)
            guard Int(size) >= minSize else { return nil }
            return Spike(
                start: lo + Int64(run.lowerBound), minutes: run.count, size: Int(size.rounded()),
                perMinute: run.map { max(0, Int((v[$0] ?? 0).rounded())) })
        }
    }

    /// The spikes in `[from, to)` with the thresholds the readings imply: at least a quarter of
    /// the limit's average rate a minute above the usual rate, and 2% of the limit in all.
    public static func spikes(readings: [QuotaReading], others: OthersSeries, ours: OursSeries, from: Int64, to: Int64)
        -> [Spike]
    {
        let limit = readings.last(where: { $0.limit != nil })?.limit ?? 0
        let w = Double(readings.last?.timeframeMinutes ?? 60)
        return spikes(
            others: others, ours: ours, from: from, to: to, floor: max(5, Double(limit) / w * 0.25),
            minSize: max(50, limit / 50))
    }

    /// Spikes of the server's count (the others' estimate plus our exact count) in `[from, to)`,
    /// each attributed: to ours, by command, when our own counts' excess over their usual rate
    /// explains at least half of the spike's; otherwise to the others. A spike is kept when the
    /// excess of whose it is reaches `minSize`.
    public static func spikes(
        others: OthersSeries, ours: OursSeries, from: Int64, to: Int64, floor: Double, minSize: Int, around: Int = 60
    ) -> [Spike] {
        let n = Int(max(0, to - from))
        var total = [Double?](repeating: nil, count: n), theirs = [Double?](repeating: nil, count: n)
        for i in 0..<n {
            guard let x = others.value(at: from + Int64(i)) else { continue }
            theirs[i] = x
            total[i] = x + Double(ours.total(at: from + Int64(i)))
        }
        let (runs, hot, _) = hotRuns(total, floor: floor, around: around)
        guard !runs.isEmpty else { return [] }
        let theirBase = usual(theirs, hot: hot, around: around)
        let kinds = ProcessKind.allCases
        // Our kinds per minute where the count is known (elsewhere nothing is compared).
        let mine: [[Double?]] = kinds.map { k in
            (0..<n).map { i in
                let j = Int(from - ours.base) + i
                return total[i] == nil ? nil : Double(j >= 0 && j < ours.count ? ours.byKind[k.index][j] : 0)
            }
        }
        let mineBase = mine.map { usual($0, hot: hot, around: around) }
        var out: [Spike] = []
        for run in runs {
            let others = excess(theirs, theirBase, run)
            let byKind = kinds.indices.map { excess(mine[$0], mineBase[$0], run) }
            let oursAll = byKind.reduce(0, +)
            let start = from + Int64(run.lowerBound)
            if oursAll > 0, oursAll >= others {
                guard Int(oursAll) >= minSize else { continue }
                let who = kinds.indices.filter { byKind[$0] >= oursAll * 0.25 }.sorted { byKind[$0] > byKind[$1] }
                let perMinute = run.map { i in who.reduce(0) { $0 + Int(mine[$1][i] ?? 0) } }
                out.append(
                    Spike(
                        start: start, minutes: run.count, size: Int(oursAll.rounded()),
                        whose: Spike.ours(who.map { kinds[$0] }),
                        perMinute: perMinute))
            } else {
                guard Int(others) >= minSize else { continue }
                out.append(
                    Spike(
                        start: start, minutes: run.count, size: Int(others.rounded()),
                        perMinute: run.map { max(0, Int((theirs[$0] ?? 0).rounded())) }))
            }
        }
        return out
    }
}
