import Foundation
import PSACore
import Testing

/// Numbers no tenant can have, as a hostile or broken server might send them: no crash, no
/// busy loop, and the person sees what was sent.
@Suite("Hostile quota numbers", .timeLimit(.minutes(5)))
struct HostileNumberTests {
    static func decode(_ json: String) throws -> ThresholdInformation {
        try JSONDecoder().decode(ThresholdInformation.self, from: Data(json.utf8))
    }

    @Test(
        "readings that cannot be used are refused, naming what the server sent",
        arguments: [
            (
                #"{"externalRequestThreshold":10000,"requestThresholdTimeframe":0,"currentTimeframeRequestCount":5}"#,
                "server sent timeframe 0"
            ),
            (
                #"{"externalRequestThreshold":10000,"requestThresholdTimeframe":-60,"currentTimeframeRequestCount":5}"#,
                "server sent timeframe -60"
            ),
            (
                #"{"externalRequestThreshold":0,"requestThresholdTimeframe":60,"currentTimeframeRequestCount":5}"#,
                "server sent threshold 0"
            ),
            (
                #"{"externalRequestThreshold":-10,"requestThresholdTimeframe":60,"currentTimeframeRequestCount":5}"#,
                "server sent threshold -10"
            ),
            (
                #"{"externalRequestThreshold":10000,"requestThresholdTimeframe":60,"currentTimeframeRequestCount":-1}"#,
                "server sent count -1"
            ),
            (
                #"{"externalRequestThreshold":10000,"requestThresholdTimeframe":8000000000000000000,"currentTimeframeRequestCount":5}"#,
                "server sent timeframe 8000000000000000000"
            ),
        ])
    func refused(json: String, message: String) {
        #expect(throws: InvalidQuota(message)) { _ = try Self.decode(json) }
    }

    @Test("counts past Int32 and near Int64.max: no crash, the tier is right")
    func hugeCounts() throws {
        let t = try Self.decode(
            #"{"externalRequestThreshold":10000,"requestThresholdTimeframe":60,"currentTimeframeRequestCount":3000000000}"#
        )
        #expect(t.quota.tier == .suspended)
        #expect(LatencyTier(count: Int.max, threshold: 10_000) == .suspended)
        #expect(LatencyTier(count: Int.max / 2, threshold: Int.max) == .half)
        #expect(LatencyTier(count: 1, threshold: Int.max) == .none)
        #expect(LatencyTier(count: Int.min, threshold: 10) == .none)
        let q = Quota(used: Int.max, limit: 1, windowSeconds: 3_600)
        #expect(q.fraction == 1_000 && q.percent.isFinite)
        // A value built in code (not decoded) still cannot trap.
        let built = ThresholdInformation(
            externalRequestThreshold: 10, requestThresholdTimeframe: Int.max, currentTimeframeRequestCount: 1)
        #expect(built.quota.windowSeconds == Int.max)
    }

    @Test("the governor takes no unusable reading and computes without overflow at the ends")
    func governorEdges() {
        var g = QuotaGovernor(ceiling: 1)
        g.note(Quota(used: 5, limit: 10_000, windowSeconds: 0), at: 0)
        #expect(g.reading == nil)
        g.note(Quota(used: 5, limit: 0, windowSeconds: 3_600), at: 0)
        #expect(g.reading == nil)
        g.note(Quota(used: Int.max, limit: Int.max, windowSeconds: 3_600), at: 0)
        #expect(g.ceilingCount == Int.max)
        #expect(g.estimate(oursSinceReading: 10) == Int.max)
        #expect(g.decide(now: 1, oursSinceReading: 10, lastBulkAt: nil) == .hold(seconds: 59))
        #expect(Quota(used: 1, limit: 1, windowSeconds: 0).problem == "server sent timeframe 0")
        #expect(Quota(used: 1, limit: 10, windowSeconds: 60).problem == nil)
    }
}
