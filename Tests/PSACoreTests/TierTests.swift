import Foundation
import PSACore
import Testing

@Suite("Latency tiers", .timeLimit(.minutes(5)))
struct TierTests {
    @Test(
        "boundaries at 49.99 / 50 / 74.99 / 75 / 100 %",
        arguments: [
            (4_999, LatencyTier.none), (5_000, .half), (7_499, .half), (7_500, .one), (9_999, .one),
            (10_000, .suspended), (12_000, .suspended), (0, .none),
        ])
    func countBoundaries(count: Int, tier: LatencyTier) {
        #expect(LatencyTier(count: count, threshold: 10_000) == tier)
        #expect(Quota(used: count, limit: 10_000, windowSeconds: 3600).tier == tier)
    }

    @Test(
        "fractional boundaries",
        arguments: [
            (0.4999, LatencyTier.none), (0.5, .half), (0.7499, .half), (0.75, .one), (0.9999, .one), (1.0, .suspended),
        ])
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

@Suite("Autotask query rules", .timeLimit(.minutes(5)))
struct QueryRuleTests {
    func body(_ filter: String) -> Data { Data(#"{"filter":[\#(filter)]}"#.utf8) }

    @Test("OR conditions: inside or-groups, and in/notIn lists; top-level and nested and do not count")
    func counting() {
        let or3 =
            #"{"op":"or","items":[{"op":"eq","field":"id","value":1},{"op":"eq","field":"id","value":2},{"op":"eq","field":"id","value":3}]}"#
        #expect(AutotaskQueryRules.orConditions(inQuery: body(or3)) == 3)
        #expect(
            AutotaskQueryRules.orConditions(
                inQuery: body(#"{"op":"eq","field":"id","value":1},{"op":"gt","field":"id","value":0}"#)) == 0)
        #expect(AutotaskQueryRules.orConditions(inQuery: body(#"{"op":"in","field":"id","value":[1,2,3,4]}"#)) == 4)
        #expect(
            AutotaskQueryRules.orConditions(
                inQuery: body(#"{"op":"and","items":[\#(or3),{"op":"eq","field":"x","value":1}]}"#)) == 3)
        #expect(AutotaskQueryRules.orConditions(inQuery: Data("not json".utf8)) == 0)
    }

    @Test("the limit is 500", arguments: [(500, true), (501, false)])
    func limit(n: Int, ok: Bool) {
        let values = (0..<n).map(String.init).joined(separator: ",")
        #expect(AutotaskQueryRules.withinOrLimit(body(#"{"op":"in","field":"id","value":[\#(values)]}"#)) == ok)
    }
}
