import Foundation
import PSACore
import Testing

@Suite("Poll plan, projection and budget", .timeLimit(.minutes(5)))
struct PollPlanTests {
    @Test("1% of the threshold: 100/h at 10,000, 250/h at 25,000; never below one")
    func budget() {
        #expect(PollPlan.defaultBudget(threshold: 10_000) == 100)
        #expect(PollPlan.defaultBudget(threshold: 25_000) == 250)
        #expect(PollPlan.defaultBudget(threshold: 50) == 1)
        #expect(PollPlan.defaultBudget(threshold: 10_000, percent: 0.5) == 50)
    }

    @Test("near a boundary readings come inside the 60 s staleness limit; far from all, every 10 minutes")
    func intervals() {
        let p = PollPlan(budgetPerHour: 100)
        #expect(p.nearInterval == 48)
        #expect(p.refreshInterval == 144)
        #expect(!p.budgetLimitsStaleness)
        for f in [0.46, 0.5, 0.54, 0.72, 0.79, 0.97, 1.02] {
            #expect(p.nextRead(fraction: f, ratePerSecond: 0).seconds == 48, "at \(f)")
        }
        #expect(p.nextRead(fraction: 0.2, ratePerSecond: 0).seconds == 600)
        #expect(p.nextRead(fraction: 0.62, ratePerSecond: 0).seconds == 600)
        // 1,000/h climbing from 30%: the 45% edge of the 50% band is 1,500 requests = 1.5 h away.
        #expect(p.nextRead(fraction: 0.3, ratePerSecond: 1_000.0 / 10_000 / 3_600).seconds == 600)
        // 6,000/h from 40%: 500 requests (5 minutes) to the band → read again in half of that.
        let fast = p.nextRead(fraction: 0.40, ratePerSecond: 6_000.0 / 10_000 / 3_600)
        #expect(abs(fast.seconds - 150) < 0.001 && fast.why == "50% in ~5 min")
        // Falling from 60% toward 50% as fast.
        #expect(abs(p.nextRead(fraction: 0.60, ratePerSecond: -6_000.0 / 10_000 / 3_600).seconds - 150) < 0.001)
        // 60,000/h from 44%: 100 requests (6 s) away → the near interval, no less.
        #expect(p.nextRead(fraction: 0.44, ratePerSecond: 60_000.0 / 10_000 / 3_600).seconds == 48)
        // Rising slowly at 62%, but the load has lately moved 6,000/h either way: it could be back
        // at the 55% edge of the 50% band in 7 × 36 s — read again in half of that.
        let turning = p.nextRead(
            fraction: 0.62, ratePerSecond: 100.0 / 10_000 / 3_600, speedBound: 6_000.0 / 10_000 / 3_600)
        #expect(abs(turning.seconds - 210) < 0.001 && turning.why == "50% in ~7 min")
        // A small budget stretches the near interval past the staleness limit, and says so.
        let small = PollPlan(budgetPerHour: 10)
        #expect(small.nearInterval == 480 && small.budgetLimitsStaleness)
    }

    @Test("projection: the others' count moves at their measured rate; ours is added exactly")
    func projection() {
        var p = QuotaProjector()
        #expect(p.projected(at: 0, ours: 0) == nil)
        p.note(Quota(used: 5_000, limit: 10_000, windowSeconds: 3_600), at: 0, ours: 100)
        #expect(p.projected(at: 60, ours: 130)?.used == 5_030)  // rate unknown: others held at 4,900
        p.note(Quota(used: 5_200, limit: 10_000, windowSeconds: 3_600), at: 100, ours: 100)
        #expect(p.othersRate == 2)
        #expect(p.projected(at: 150, ours: 110)?.used == 5_100 + 100 + 110)
        // Falling counts never project below zero others.
        var q = QuotaProjector()
        q.note(Quota(used: 100, limit: 10_000, windowSeconds: 3_600), at: 0, ours: 0)
        q.note(Quota(used: 0, limit: 10_000, windowSeconds: 3_600), at: 10, ours: 0)
        #expect(q.projected(at: 1_000, ours: 5)?.used == 5)
    }

    @Test("the budget log counts a sliding hour and says when the next request fits")
    func budgetLog() {
        var b = BudgetLog(budget: 3, window: 3_600)
        b.note(at: 0)
        b.note(at: 10)
        b.note(at: 20)
        #expect(b.spent(at: 30) == 3)
        #expect(b.available(at: 30) == 3_600)
        #expect(b.available(at: 3_601) == 3_601)
        #expect(b.spent(at: 3_605) == 2)
        #expect(BudgetLog(budget: 3, window: 60).available(for: 5, at: 0) == 60)
    }
}
