import Foundation
import PSAApp
import PSAClient
import Testing

@Suite("tickets --all: progress and summary text", .timeLimit(.minutes(10)))
struct WalkReportTests {
    @Test("progress: count of the total, requests, rate and time left; the wait and why")
    func progress() {
        var r = WalkReport(started: 100)
        r.latest = WalkProgress(tickets: 12_000, total: 100_000, pages: 25)
        #expect(r.progressLine(now: 105) == "12,000 / 100,000 tickets (12%) · 25 requests · 2,400/s · about 37 s left")
        r.waiting = ("paused by the server", Date(timeIntervalSince1970: 0))
        #expect(r.progressLine(now: 105).contains("· waiting: paused by the server until "))
        // No count from the server: no share, no time left; no rate in the first half second.
        var u = WalkReport(started: 0)
        u.latest = WalkProgress(tickets: 500, total: nil, pages: 1)
        #expect(u.progressLine(now: 0.2) == "500 tickets · 1 request")
        // A count of zero or one the walk passed: never a division by zero or a share past 100%.
        u.latest = WalkProgress(tickets: 700, total: 0, pages: 2)
        #expect(u.progressLine(now: 10) == "700 tickets · 2 requests · 70/s")
        u.latest = WalkProgress(tickets: 700, total: 600, pages: 2)
        #expect(u.progressLine(now: 10).hasPrefix("700 / 600 tickets (100%)"))
    }

    @Test("summary: tickets, requests, time, and the tenant's share when a reading is known")
    func summary() {
        var r = WalkReport(started: 0)
        r.latest = WalkProgress(tickets: 60_000, total: 60_000, pages: 121)
        #expect(
            r.summary(now: 4.1, tickets: 60_000, usage: (3_800, 10_000))
                == "60,000 tickets in 121 requests, 4.1 s, tenant at 38%")
        #expect(r.summary(now: 252, tickets: 60_000, usage: nil) == "60,000 tickets in 121 requests, 4m 12s")
        #expect(r.summary(now: 3, tickets: 1, usage: (5, 0)) == "1 ticket in 121 requests, 3.0 s")
    }
}
