import Dashboard
import Foundation
import PSACore
import Testing

@Suite("The gauge shows a limit learned from 429s", .timeLimit(.minutes(5)))
struct LearnedLimitTests {
    @Test("Atera's gauge says what 429s without headers taught, before the count's own words")
    func learnedOnGauge() {
        var s = DashboardState(vendor: .atera, tenant: "demo", now: fixedNow, width: 120, height: 40)
        s.quota = Quota(used: 20, limit: 700, windowSeconds: 60, learned: LearnedLimit(limit: 20, windowSeconds: 3))
        let text = render(s, theme: .fallback).text
        #expect(text.contains("limit seems ≈20 per 3 s, learned from 429s"))
        s.quota = Quota(used: 20, limit: 700, windowSeconds: 60)
        #expect(!render(s, theme: .fallback).text.contains("learned from 429s"))
    }
}
