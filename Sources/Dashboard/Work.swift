import Foundation
import PSACore

/// How much work the dashboard did, counted where it does it: tickets looked at for the SLA
/// counts, tickets a filter key was matched against. Tests pin these (a tick walks no ticket, a
/// key narrows over the previous rows), so a regression shows as a count, never as a timing.
/// Counters are not state: two states that differ only in them are equal.
public struct WorkCounters: Equatable, Sendable {
    /// Tickets whose SLA was looked at (a page's new tickets, a changed ticket; a full recount walks all).
    public var slaVisits = 0
    /// Tickets a filter was matched against.
    public var filterVisits = 0
    /// Full rebuilds of the SLA index (a refresh that replaced the list).
    public var slaRebuilds = 0
    /// Tickets a frame looked at (the list's visible rows).
    public var ticketsVisited = 0
    /// Ids held in a set to find a page's tickets already loaded (the page's own: not the list's).
    public var idsHeld = 0
    public init() {}
    public static func == (_: WorkCounters, _: WorkCounters) -> Bool { true }
}

/// Every loaded ticket's nearest open SLA deadline, sorted: the counts a tick shows (breached,
/// due within the hour) and the nearest deadline ahead are binary searches, and a page or a
/// changed ticket moves only its own entries. The same answers as a recount over every ticket
/// (`SLAIndexTests` compares both on random changes).
public struct SLAIndex: Equatable, Sendable {
    /// Deadlines as seconds since the reference date, ascending (one per ticket that has one).
    private(set) var deadlines: [Double] = []

    public init() {}

    public var count: Int { deadlines.count }

    /// Index of the first deadline for which `before` is false (`before` must be monotone).
    private func partition(_ before: (Double) -> Bool) -> Int {
        var lo = 0, hi = deadlines.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if before(deadlines[mid]) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Breached (a deadline passed, its stage not met) and due within `seconds` (not breached),
    /// judged exactly as `SLA.breached(now:)` and `SLA.breaching(within:now:)` judge one ticket.
    public func counts(now: Date, within seconds: TimeInterval) -> (breached: Int, soon: Int) {
        let n = now.timeIntervalSinceReferenceDate
        let breached = partition { $0 < n }
        let soonEnd = partition { $0 < n || Date(timeIntervalSinceReferenceDate: $0).timeIntervalSince(now) <= seconds }
        return (breached, soonEnd - breached)
    }

    /// The nearest deadline not yet passed (nil: none ahead).
    public func nextDeadline(after now: Date) -> Date? {
        let n = now.timeIntervalSinceReferenceDate
        let i = partition { $0 < n }
        return i < deadlines.count ? Date(timeIntervalSinceReferenceDate: deadlines[i]) : nil
    }

    /// One ticket's deadline changed (nil: had none / has none).
    public mutating func replace(_ old: Date?, with new: Date?) {
        guard old != new else { return }
        if let old {
            let v = old.timeIntervalSinceReferenceDate
            let i = partition { $0 < v }
            if i < deadlines.count, deadlines[i] == v { deadlines.remove(at: i) }
        }
        if let new {
            let v = new.timeIntervalSinceReferenceDate
            deadlines.insert(v, at: partition { $0 <= v })
        }
    }

    /// A page's deadlines join (and, on a refresh, the replaced tickets' leave): each side sorted
    /// among itself, then one merge pass (linear in the index; no ticket walked).
    public mutating func update(removing gone: [Date] = [], adding new: [Date]) {
        guard !gone.isEmpty || !new.isEmpty else { return }
        if gone.count + new.count < 8 {
            for d in gone { replace(d, with: nil) }
            for d in new { replace(nil, with: d) }
            return
        }
        let remove = gone.map(\.timeIntervalSinceReferenceDate).sorted()
        let add = new.map(\.timeIntervalSinceReferenceDate).sorted()
        var out: [Double] = []
        out.reserveCapacity(deadlines.count + add.count)
        var r = 0, j = 0
        for v in deadlines {
            while r < remove.count && remove[r] < v { r += 1 }  // (not in the index: nothing to take out)
            if r < remove.count && remove[r] == v {
                r += 1
                continue
            }
            while j < add.count && add[j] <= v {
                out.append(add[j])
                j += 1
            }
            out.append(v)
        }
        out.append(contentsOf: add[j...])
        deadlines = out
    }

    /// From scratch (a refresh that replaced the list).
    public init(_ tickets: [Ticket]) {
        deadlines = tickets.compactMap { $0.sla?.nextDeadline?.timeIntervalSinceReferenceDate }.sorted()
    }

    /// From scratch, reading each row's deadline (no ticket made).
    public init(_ tickets: TicketList) {
        deadlines = tickets.indices.compactMap { tickets.nextDeadline(at: $0)?.timeIntervalSinceReferenceDate }.sorted()
    }
}

/// The rows of the filter texts typed before the current one, so Backspace goes back to them
/// without a scan. Any other change of the list or the order empties it. A cache, not state:
/// two states that differ only in it are equal.
struct FilterTrail: Equatable, Sendable {
    struct Step: Sendable {
        var text: String
        var rows: [Int]?
    }
    var steps: [Step] = []
    /// At most this many texts back (each holds at most the loaded list's indices).
    static let depth = 16

    mutating func push(_ s: Step) {
        steps.append(s)
        if steps.count > Self.depth { steps.removeFirst() }
    }
    static func == (_: FilterTrail, _: FilterTrail) -> Bool { true }
}
