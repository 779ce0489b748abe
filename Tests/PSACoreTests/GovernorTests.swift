import Foundation
import PSACore
import Testing

@Suite("Quota ceiling, measured latency, attachment budget", .timeLimit(.minutes(5)))
struct GovernorTests {
    static func governor(count: Int, at: Double = 0, ceiling: Double = 0.75) -> QuotaGovernor {
        var g = QuotaGovernor(ceiling: ceiling)
        g.note(Quota(used: count, limit: 10_000, windowSeconds: 3_600), at: at)
        return g
    }

    @Test("no reading: read first")
    func noReading() {
        #expect(QuotaGovernor().decide(now: 0, oursSinceReading: 0, lastBulkAt: nil) == .read)
    }

    @Test("far below the ceiling bulk work goes, and a reading stays good for five rechecks")
    func farBelow() {
        let g = Self.governor(count: 2_000)
        #expect(g.decide(now: 10, oursSinceReading: 0, lastBulkAt: 9.9) == .go)
        #expect(g.decide(now: 299, oursSinceReading: 0, lastBulkAt: nil) == .go)
        #expect(g.decide(now: 301, oursSinceReading: 0, lastBulkAt: nil) == .read)
    }

    @Test("our own requests since the reading count toward the ceiling")
    func oursCount() {
        let g = Self.governor(count: 7_000)
        #expect(g.estimate(oursSinceReading: 499) == 7_499)
        #expect(g.decide(now: 1, oursSinceReading: 500, lastBulkAt: nil) == .hold(seconds: 59))
        #expect(g.decide(now: 1, oursSinceReading: 499, lastBulkAt: nil) == .go)
    }

    @Test("near the ceiling the headroom is spread over the timeframe")
    func spread() {
        // 100 left below 7,500 in a 3,600 s window: one bulk request per 36 s at most (capped at the 60 s recheck).
        let g = Self.governor(count: 7_400)
        #expect(g.decide(now: 10, oursSinceReading: 0, lastBulkAt: 0) == .spread(seconds: 26))
        #expect(g.decide(now: 36, oursSinceReading: 0, lastBulkAt: 0) == .go)
        #expect(g.decide(now: 10, oursSinceReading: 0, lastBulkAt: nil) == .go)
    }

    @Test("near the ceiling a reading older than the recheck interval is refreshed before deciding")
    func staleNearCeiling() {
        let g = Self.governor(count: 7_600)
        #expect(g.decide(now: 30, oursSinceReading: 0, lastBulkAt: nil) == .hold(seconds: 30))
        #expect(g.decide(now: 61, oursSinceReading: 0, lastBulkAt: nil) == .read)
        #expect(g.decide(now: 61, oursSinceReading: 0, lastBulkAt: nil, acceptOld: true) == .hold(seconds: 6))
    }

    @Test(
        "a measured latency tier raises the estimate to the tier's floor",
        arguments: [
            (LatencyTier.none, 3_000), (.half, 5_000), (.one, 7_500),
        ])
    func measuredFloor(tier: LatencyTier, estimate: Int) {
        var g = Self.governor(count: 3_000)
        g.measuredTier = tier
        #expect(g.estimate(oursSinceReading: 0) == estimate)
        #expect((g.decide(now: 1, oursSinceReading: 0, lastBulkAt: nil) == .go) == (tier != .one))
    }

    @Test("a 50% ceiling holds at 5,000; the time scale compresses the recheck and the window")
    func ceilingAndScale() {
        var g = QuotaGovernor(ceiling: 0.5, timeScale: 20)
        g.note(Quota(used: 5_000, limit: 10_000, windowSeconds: 3_600), at: 0)
        #expect(g.ceilingCount == 5_000)
        #expect(g.reading?.window == 180)
        #expect(g.decide(now: 1, oursSinceReading: 0, lastBulkAt: nil) == .hold(seconds: 2))
    }

    @Test("the detector reads the server-added latency from the three latest answers", arguments: [1.0, 20.0])
    func detector(scale: Double) {
        var d = LatencyTierDetector(timeScale: scale)
        let base = 0.08 / scale
        var changes: [LatencyTier] = []
        func feed(_ extra: Double, _ n: Int, endpoint: String = "Tickets query") {
            for _ in 0..<n {
                if let t = d.observe(endpoint: endpoint, duration: base + extra / scale) { changes.append(t) }
            }
        }
        feed(0, 5)
        feed(0.5, 2)
        #expect(d.tier == .none)  // two slow answers are not enough
        feed(0.5, 1)
        #expect(d.tier == .half)
        feed(1.0, 3)
        #expect(d.tier == .one)
        feed(2.5, 1)  // one very slow answer alone changes nothing
        feed(0, 3)
        #expect(d.tier == .none)
        #expect(changes == [.half, .one, .none])
    }

    @Test("the detector calibrates its baseline with the tier the quota reading showed")
    func detectorCalibration() {
        var d = LatencyTierDetector()
        d.knownTier = .half
        // Started inside the +0.5 s tier: the first answers already carry 0.5 s.
        for _ in 0..<3 { _ = d.observe(endpoint: "Tickets detail", duration: 0.6) }
        #expect(d.tier == .half)
        for _ in 0..<3 { _ = d.observe(endpoint: "Tickets detail", duration: 1.1) }
        #expect(d.tier == .one)
    }

    @Test("attachment budget: 10,000,000 bytes per 5 minutes; waits until enough leaves the window")
    func attachmentWindow() {
        var b = AttachmentBudget()
        #expect(b.wait(for: 4_000_000, at: 0) == 0)
        b.record(4_000_000, at: 0)
        b.record(4_000_000, at: 100)
        #expect(b.used(at: 100) == 8_000_000)
        #expect(b.wait(for: 2_000_000, at: 150) == 0)  // exactly 10,000,000
        #expect(b.wait(for: 2_000_001, at: 150) == 150)  // the first file leaves at 300
        b.record(2_000_000, at: 150)
        #expect(b.wait(for: 5_000_000, at: 160) == 240)  // needs the first two gone: 100 + 300
        #expect(b.used(at: 301) == 6_000_000)
        b.refused(at: 400)
        #expect(b.wait(for: 1, at: 400) == 300)
    }

    @Test(
        "byte sizes in the vendors' decimal units",
        arguments: [(999, "999 B"), (6_000_000, "6.0 MB"), (12_500, "12.5 kB")])
    func bytes(n: Int, text: String) {
        #expect(ByteSize.text(n) == text)
    }
}
