import Foundation
import PSACore
import Testing

@Suite("Forecast and history of the timeframe", .timeLimit(.minutes(5)))
struct ForecastTests {
    @Test(
        "time to each boundary at a net rate; behind us dropped; past the timeframe or at no rise: not in this window")
    func forecast() {
        // 4,000 of 10,000 rising 100/min: 50% in 10 min, 75% in 35 min, suspension in 60 min (the horizon itself).
        let f = QuotaForecast(
            count: 4_000, limit: 10_000, perMinute: 100, horizon: 3_600, boundaries: QuotaForecast.autotask)
        #expect(f.boundaries.map(\.name) == ["+0.5 s tier", "+1 s tier", "suspension"])
        #expect(f.boundaries.map(\.seconds) == [600, 2_100, 3_600])
        #expect(f.shown.map(\.name) == ["+0.5 s tier", "suspension"])
        // Past 50% already: the next is the +1 s tier.
        let g = QuotaForecast(
            count: 6_000, limit: 10_000, perMinute: 60, horizon: 3_600, boundaries: QuotaForecast.autotask)
        #expect(g.boundaries.map(\.name) == ["+1 s tier", "suspension"] && g.boundaries[0].seconds == 1_500)
        // Suspension 66 min away at this rate: not in this window.
        #expect(g.boundaries[1].seconds == nil)
        // Falling or flat: nothing ahead in this window.
        for rate in [0.0, -25] {
            let h = QuotaForecast(
                count: 4_000, limit: 10_000, perMinute: rate, horizon: 3_600, boundaries: QuotaForecast.autotask)
            #expect(h.boundaries.allSatisfy { $0.seconds == nil } && h.boundaries.count == 3)
        }
        // At or past the limit: nothing ahead; exactly at 50% the +0.5 s tier is behind (the tier begins at 50%).
        #expect(
            QuotaForecast(
                count: 10_000, limit: 10_000, perMinute: 10, horizon: 3_600, boundaries: QuotaForecast.autotask
            ).boundaries.isEmpty)
        #expect(
            QuotaForecast(
                count: 5_000, limit: 10_000, perMinute: 10, horizon: 3_600, boundaries: QuotaForecast.autotask
            ).boundaries.first?.name == "+1 s tier")
        // Atera: one boundary, its limit.
        let a = QuotaForecast(count: 350, limit: 700, perMinute: 700, horizon: 60, boundaries: QuotaForecast.atera)
        #expect(a.shown.map(\.name) == ["the limit"] && a.boundaries[0].seconds == 30)
    }

    @Test(
        "history: a value per bucket (the last seen), sixty at most, gaps kept; the rate is the slope of the last five buckets"
    )
    func history() throws {
        var h = QuotaHistory(windowSeconds: 3_600)
        #expect(h.bucketSeconds == 60 && h.ratePerBucket == nil && h.series(last: 5).isEmpty)
        // A count rising 2 per second for 4 minutes, sampled every second.
        for t in 0..<240 { h.note(1_000 + 2 * t, at: Double(t)) }
        #expect(h.series(last: 5) == [nil, 1_118, 1_238, 1_358, 1_478])
        let rate = try #require(h.ratePerBucket)
        #expect(abs(rate - 120) < 0.001)  // 2/s = 120 per one-minute bucket
        // A gap of two minutes, then on; samples out of order are ignored.
        h.note(2_000, at: 420)
        h.note(1, at: 300)
        #expect(h.series(last: 5) == [1_478, nil, nil, nil, 2_000])
        // Sixty buckets at the most.
        for t in stride(from: 480.0, to: 480 + 100 * 60, by: 60) { h.note(7, at: t) }
        #expect(h.points.count == QuotaHistory.buckets)
        // A steady count: no rise.
        #expect(h.ratePerBucket.map { abs($0) < 0.001 } == true)
    }

    @Test("the rate needs half a bucket of samples; a single reading gives none")
    func rateNeedsSpan() {
        var h = QuotaHistory(windowSeconds: 60)  // Atera: a bucket per second
        h.note(10, at: 100)
        #expect(h.ratePerBucket == nil)
        h.note(12, at: 100.6)
        #expect(h.ratePerBucket.map { abs($0 - 20 / 6) < 0.001 } == true)
    }
}
