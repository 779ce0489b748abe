/// The requests a per-key limit counts (Atera's minute, HaloPSA's rolling 5 minutes): their
/// arrival times in simulated seconds, oldest first, those older than the window dropped.
struct RollingWindow: Sendable {
    private var times: [Double] = []
    private var head = 0

    /// Requests in the window now held.
    var count: Int { times.count - head }
    /// The oldest request still in the window (nil: none).
    var oldest: Double? { head < times.count ? times[head] : nil }

    /// Drops the requests at or before `now - seconds`; the count left.
    mutating func slide(to now: Double, seconds: Double) -> Int {
        while head < times.count, times[head] <= now - seconds { head += 1 }
        if head > 4096 {
            times.removeFirst(head)
            head = 0
        }
        return count
    }

    /// Counts a request arriving at `now` (times only move forward).
    mutating func add(_ now: Double) { times.append(now) }
}
