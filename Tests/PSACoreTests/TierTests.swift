import Foundation
import PSACore
import Testing

@Suite("Latency tiers")
struct TierTests {
    @Test("boundaries at 49.99 / 50 / 74.99 / 75 / 100 %", arguments: [
        (4_999, LatencyTier.none), (5_000, .half), (7_499, .half), (7_500, .one), (9_999, .one), (10_000, .suspended), (12_000, .suspended), (0, .none),
    ])
    func countBoundaries(count: Int, tier: LatencyTier) {
        #expect(LatencyTier(count: count, threshold: 10_000) == tier)
        #expect(Quota(used: count, limit: 10_000, windowSeconds: 3600).tier == tier)
    }

    @Test("fractional boundaries", arguments: [(0.4999, LatencyTier.none), (0.5, .half), (0.7499, .half), (0.75, .one), (0.9999, .one), (1.0, .suspended)])
    func fractions(usage: Double, tier: LatencyTier) {
        #expect(LatencyTier(usage: usage) == tier)
    }

    @Test("an odd threshold rounds the boundary the safe way")
    func oddThreshold() {
        // 50% of 20,001 is 10,000.5: 10,000 is below it, 10,001 above.
        #expect(LatencyTier(count: 10_000, threshold: 20_001) == .none)
        #expect(LatencyTier(count: 10_001, threshold: 20_001) == .half)
    }

    @Test("a zero threshold is treated as suspended, never a division by zero")
    func zeroThreshold() {
        #expect(LatencyTier(count: 0, threshold: 0) == .suspended)
        #expect(Quota(used: 5, limit: 0, windowSeconds: 60).fraction == 1)
    }

    @Test("added latency per tier")
    func latency() {
        #expect(LatencyTier.none.addedLatency == 0)
        #expect(LatencyTier.half.addedLatency == 0.5)
        #expect(LatencyTier.one.addedLatency == 1)
    }
}
