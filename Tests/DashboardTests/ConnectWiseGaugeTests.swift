import Dashboard
import Foundation
import PSACore
import Testing

/// ConnectWise's gauge, honest about what is not published: psatop's own rate from its
/// client's records, "limit not published" said once, a 429's countdown, the edge told apart.
@Suite("ConnectWise's gauge: our own rate, the limit not published", .timeLimit(.minutes(5)))
struct ConnectWiseGaugeTests {
    static let own = OwnRate(
        lastMinute: 42, last5Minutes: 180, lastHour: 1_250, inFlight: 3, p50: 0.12, p95: 0.48, throttled: 0)

    /// ConnectWise, the list loaded, our own rate from the poller; with a budget or without.
    static func state(budget: Bool, own: OwnRate = Self.own, width: Int = 120, height: Int = 40) -> DashboardState {
        var s = DashboardState(vendor: .connectwise, tenant: "northwind", now: fixedNow, width: width, height: height)
        s.timeZone = TimeZone(identifier: "UTC")!
        s.tickets = TicketList(sampleTickets())
        s.total = 1_234
        s.lastUpdate = fixedNow.addingTimeInterval(-4)
        if budget {
            s.quota = Quota(used: 42, limit: 300, windowSeconds: 60)
        } else {
            s.quotaError = "limit not published: 42 of our requests in the last minute (set rate_limit for a budget)"
        }
        s.quotaAt = fixedNow.addingTimeInterval(-1)
        var poll = PollStatus(budgetPerHour: 36, spentLastHour: 12, ours: 42)
        poll.oursPerMinute = 42
        poll.ownRate = own
        s.poll = poll
        s.refreshedAt = fixedNow.addingTimeInterval(-30)
        s.version = "unreleased (test)"
        return s
    }

    static func throttled(edge: Bool, retryIn: Double) -> OwnRate {
        var o = own
        o.throttled = 2
        o.last429 = OwnRate.Throttle(
            at: fixedNow.addingTimeInterval(-2), retryUntil: fixedNow.addingTimeInterval(retryIn), edge: edge)
        return o
    }

    @Test(
        "with a budget: the bar against it, our 1/5/60-minute rate, in flight, p50/p95",
        arguments: [(120, 40), (80, 24)])
    func budgeted(size: (Int, Int)) throws {
        let s = Self.state(budget: true, width: size.0, height: size.1)
        let pane = try #require(renderPane(.quota, s, theme: .fallback))
        assertSnapshot(pane, "panes/quota-connectwise-\(size.0)x\(size.1)")
        if size.0 == 120 {
            let text = pane.text
            #expect(text.contains("ours 42/min, 180/5 min, 1,250/h"))
            #expect(text.contains("3 in flight, p50 120 ms, p95 480 ms"))
        }
    }

    @Test("without a budget: no bar, our own figures, and how to draw one", arguments: [(120, 40), (80, 24)])
    func unbudgeted(size: (Int, Int)) throws {
        let s = Self.state(budget: false, width: size.0, height: size.1)
        let pane = try #require(renderPane(.quota, s, theme: .fallback))
        assertSnapshot(pane, "panes/quota-connectwise-nobudget-\(size.0)x\(size.1)")
        #expect(!pane.text.contains("quota unavailable"))
        #expect(pane.text.contains("ours 42/min, 180/5 min, 1,250/h"))
    }

    @Test("a 429 from the edge: labelled edge throttle, its Retry-After counting down with the clock")
    func edgeCountdown() throws {
        var s = Self.state(budget: true, own: Self.throttled(edge: true, retryIn: 8))
        let before = try #require(renderPane(.quota, s, theme: .fallback))
        assertSnapshot(before, "panes/quota-connectwise-edge429-120x40")
        #expect(before.text.contains("429 ×2 (edge throttle): retry in 8 s"))
        s.now = fixedNow.addingTimeInterval(5)
        #expect(try #require(renderPane(.quota, s, theme: .fallback)).text.contains("(edge throttle): retry in 3 s"))
        // Once the wait is over, the 429 is history: how long ago, not a countdown.
        s.now = fixedNow.addingTimeInterval(20)
        let after = try #require(renderPane(.quota, s, theme: .fallback)).text
        #expect(after.contains("429 ×2 (edge throttle) 22 s ago") && !after.contains("retry in"))
    }

    @Test("Manage's own 429 is Manage's, not the edge's; the countdown shows without a budget too")
    func manage429() throws {
        let s = Self.state(budget: false, own: Self.throttled(edge: false, retryIn: 30))
        let text = try #require(renderPane(.quota, s, theme: .fallback)).text
        #expect(text.contains("429 ×2 (ConnectWise PSA): retry in 30 s") && !text.contains("edge throttle"))
    }

    @Test("folded to one line without a budget: our own figures, not \"quota unavailable\"")
    func folded() throws {
        var s = Self.state(budget: false, own: Self.throttled(edge: true, retryIn: 8))
        _ = s.reduce(.key(.char("Z")))
        #expect(s.screen.gaugeFolded)
        let line = try #require(renderPane(.quota, s, theme: .fallback)).text
        #expect(
            line.contains("limit not published") && line.contains("429 ×2 (edge throttle): retry in 8 s"), "\(line)")
        #expect(!line.contains("quota unavailable"))
    }

    @Test("\"limit not published\" is said once on the whole screen, where the gauge is", arguments: [true, false])
    func saidOnce(budget: Bool) throws {
        let s = Self.state(budget: budget)
        let screen = render(s, theme: .fallback).text
        #expect(screen.components(separatedBy: "limit not published").count - 1 == 1, "\(screen)")
        let pane = try #require(renderPane(.quota, s, theme: .fallback)).text
        #expect(pane.contains("limit not published"))
    }
}
