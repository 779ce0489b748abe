import Foundation

/// How a walk of every ticket by id (`id gt X`, lowest ids first, pages of `pageSize`) is shared
/// among a few workers so it uses the thread slots it is allowed, without fetching a ticket twice
/// and with few requests more than the serial walk.
///
/// The serial walk already asks the count and the first page. From them the plan estimates the
/// highest id (the first page's id density carried over the rest of the count — no request) and
/// splits what lies past the first page into one range per worker. The last range is open at
/// the top, so a wrong estimate costs balance, never a ticket. A worker that runs out of work
/// takes the upper half of what the busiest range has left, while the request budget allows.
///
/// Requests: a range of n tickets costs at most ⌊n / pageSize⌋ + 1 pages (a short page, a page
/// ending at the range's top, or a page past it ends the range), so the whole walk costs at most
/// the serial walk's pages + the number of ranges. `maxRanges` (3) bounds that: the serial walk's
/// request count + 3 at most.
public struct IDWalkPlan: Sendable, Equatable {
    public struct Range: Sendable, Equatable {
        /// The highest id fetched (or the range's start): the next page asks `id gt after`.
        public var after: Int64
        /// The highest id that belongs to this range; nil: no top (the last range).
        public var upTo: Int64?
        public var claimed = false
        public var done = false
    }

    public private(set) var ranges: [Range]
    public let pageSize: Int
    /// Tickets per id, from the first page.
    public let density: Double
    public let estimatedMax: Int64
    /// Ranges that may still be made by splitting a busy one.
    public private(set) var splitsLeft: Int
    /// At most this many ranges in all (each may cost one short page more than the serial walk).
    public static let maxRanges = 3

    /// nil when a parallel walk is not worth it: one worker, too little left past the first page
    /// (under `minimumPagesLeft` pages), or ids that are not ascending.
    /// - Parameters:
    ///   - firstPage: the ids of the first page, ascending (a full page).
    ///   - total: the count of the whole walk (`query/count`).
    public init?(firstPage: [Int64], total: Int, pageSize: Int, workers: Int, minimumPagesLeft: Int = 3) {
        let workers = min(workers, Self.maxRanges)
        guard workers >= 2, pageSize > 0, firstPage.count == pageSize,
            let low = firstPage.first, let high = firstPage.last, high > low, low >= 0,
            zip(firstPage, firstPage.dropFirst()).allSatisfy({ $0 < $1 })
        else { return nil }
        let left = total - firstPage.count
        guard left >= minimumPagesLeft * pageSize else { return nil }
        self.pageSize = pageSize
        density = Double(firstPage.count) / (Double(high) - Double(low) + 1)
        let span = min(Double(left) / density, Double(Int64.max / 4))
        // Saturating: ids near Int64.max (a hostile or odd server) must not overflow the plan.
        estimatedMax = high.addingClamped(Int64(span.rounded(.up)))
        let step = max(1, (estimatedMax - high) / Int64(workers))
        var ranges: [Range] = []
        var start = high
        for k in 0..<workers {
            let top: Int64? = k == workers - 1 ? nil : start.addingClamped(step)
            ranges.append(Range(after: start, upTo: top))
            if let top { start = top }
        }
        self.ranges = ranges
        splitsLeft = Self.maxRanges - workers
    }

    /// The range a free worker should walk next: one not yet taken, else the upper half of the
    /// busiest range (when it has at least two pages left by the estimate and the budget allows);
    /// nil when there is nothing to take.
    public mutating func claim() -> Int? {
        if let i = ranges.firstIndex(where: { !$0.claimed && !$0.done }) {
            ranges[i].claimed = true
            return i
        }
        guard splitsLeft > 0 else { return nil }
        let busy = ranges.indices.filter { ranges[$0].claimed && !ranges[$0].done }
        guard let victim = busy.max(by: { spanLeft(ranges[$0]) < spanLeft(ranges[$1]) }) else { return nil }
        let span = spanLeft(ranges[victim])
        guard Double(span) * density >= Double(2 * pageSize) else { return nil }
        let mid = ranges[victim].after.addingClamped(span / 2)
        let upper = Range(after: mid, upTo: ranges[victim].upTo, claimed: true)
        ranges[victim].upTo = mid
        // Appended, not inserted: the indices workers hold stay valid (the answer is put in id order at the end).
        ranges.append(upper)
        splitsLeft -= 1
        return ranges.count - 1
    }

    /// Ids a range still spans: to its top, or (the open range) to the estimated highest id, at
    /// least a page's worth.
    func spanLeft(_ r: Range) -> Int64 {
        let top =
            r.upTo
            ?? max(estimatedMax, r.after.addingClamped(Int64(min(Double(pageSize) / density, 1e15).rounded(.up))))
        return max(0, top.subtractingClamped(r.after))
    }

    /// What the next page of range `i` asks: `id gt after`, and `id lte upTo` when it has a top.
    public func query(_ i: Int) -> (after: Int64, upTo: Int64?) { (ranges[i].after, ranges[i].upTo) }

    /// Takes in a page of range `i` (its ids ascending): which of them belong to the range (those
    /// past `after` up to the top — a split may have lowered the top while the page was on its
    /// way) and whether the range is finished: a short page, the top reached or passed, or a page
    /// that does not move past the last id (a server ignoring the id filter must not make the
    /// walk loop or fetch a ticket twice).
    public mutating func record(_ i: Int, ids: [Int64]) -> (keep: Swift.Range<Int>, done: Bool) {
        let r = ranges[i]
        let from = ids.prefix { $0 <= r.after }.count
        let to = from + (r.upTo.map { top in ids[from...].prefix { $0 <= top }.count } ?? ids.count - from)
        let last = to > from ? ids[to - 1] : nil
        let done = ids.count < pageSize || to < ids.count || from > 0 || last == nil || last == r.upTo
        if let last { ranges[i].after = last }
        if done { ranges[i].done = true }
        return (from..<to, done)
    }
}

extension Int64 {
    /// `self + n`, held at Int64.max / Int64.min instead of trapping.
    func addingClamped(_ n: Int64) -> Int64 {
        let (r, o) = addingReportingOverflow(n)
        return o ? (n > 0 ? .max : .min) : r
    }

    func subtractingClamped(_ n: Int64) -> Int64 {
        let (r, o) = subtractingReportingOverflow(n)
        return o ? (n < 0 ? .max : .min) : r
    }
}
