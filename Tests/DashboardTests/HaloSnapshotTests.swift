import Dashboard
import Foundation
import PSACore
import Testing

/// A HaloPSA tenant on the same panes: the Dashboard reads only `Vendor`'s properties, so the
/// gauge, the trend and the forecast speak of the rolling 5-minute window by themselves.
@Suite("HaloPSA snapshots", .timeLimit(.minutes(5)))
struct HaloSnapshotTests {
    static func haloState(width: Int, height: Int) -> DashboardState {
        var s = DashboardState(
            vendor: .halo, tenant: "yourmsp.halopsa.com", now: fixedNow, width: width, height: height)
        s.timeZone = TimeZone(identifier: "UTC")!
        s.quota = Quota(used: 212, limit: 300, windowSeconds: 300)
        s.quotaAt = fixedNow.addingTimeInterval(-1)
        s.tickets = TicketList(sampleTickets())
        s.total = 717
        s.next = .page(2)
        s.log = haloLog()
        s.lastUpdate = fixedNow.addingTimeInterval(-4)
        s.listCursor.index = 1
        // Four minutes of our own count rising to 212 in the 5-minute window.
        var h = QuotaHistory(windowSeconds: 300)
        let end = fixedNow.timeIntervalSinceReferenceDate
        for k in 0...48 { h.note(20 + k * 4, at: end - Double(48 - k) * 5) }
        s.history = h
        s.version = "unreleased (5eac8d6)"
        return s
    }

    static func haloLog() -> [RequestRecord] {
        [
            RequestRecord(
                id: 1, time: fixedNow.addingTimeInterval(-9), method: "GET", path: "/api/authinfo", status: 200,
                duration: 0.06),
            RequestRecord(
                id: 2, time: fixedNow.addingTimeInterval(-8), method: "POST", path: "/auth/token (client credentials)",
                status: 200, duration: 0.21, purpose: "token"),
            RequestRecord(
                id: 3, time: fixedNow.addingTimeInterval(-7), method: "GET",
                path: "/api/Tickets?pageinate=true&page_size=100&page_no=1",
                status: 200, duration: 0.38),
            RequestRecord(
                id: 4, time: fixedNow.addingTimeInterval(-5), method: "GET",
                path: "/api/Tickets?pageinate=true&page_size=100&page_no=2",
                status: 429, duration: 0.04, error: "Rate Limit Reached - 300 Requests per rolling 5 minute window"),
            RequestRecord(
                id: 5, time: fixedNow.addingTimeInterval(-1), method: "GET",
                path: "/api/Actions?ticket_id=4101&count=500",
                status: 200, duration: 0.12, purpose: "actions"),
        ]
    }

    @Test("main screen of a HaloPSA tenant", arguments: SnapshotTests.sizes)
    func main(w: Int, h: Int) {
        assertSnapshot(render(Self.haloState(width: w, height: h), theme: .fallback), "halo-main-\(w)x\(h)")
    }

    @Test("the gauge says the count is ours, in the rolling 5-minute window, against 300")
    func words() {
        let text = render(Self.haloState(width: 120, height: 40), theme: .fallback).text
        #expect(text.contains("Quota (our count, 5-minute window)"))
        #expect(text.contains("212 / 300 our requests in the rolling 5-minute window"))
        #expect(text.contains("limit 300 per 5-minute window: 88 left"))
        #expect(!text.contains("/min") && !text.contains("latency"))
    }

    @Test("the title says who the API acts as (sanitized) once the tenant names the agent")
    func actingAs() {
        var s = Self.haloState(width: 120, height: 40)
        #expect(!render(s, theme: .fallback).text.contains("acting as"))
        _ = s.reduce(.actingAs("Dana Whitfield\u{1B}[31m"))
        let title = render(s, theme: .fallback).text.split(separator: "\n").first.map(String.init) ?? ""
        #expect(title.contains("yourmsp.halopsa.com (acting as Dana Whitfield") && !title.contains("\u{1B}"))
    }

    @Test("the assign picker over an unassigned ticket says 'now unassigned', never an id")
    func unassignedPicker() {
        var s = Self.haloState(width: 120, height: 40)
        let t = try! #require(s.tickets.first { $0.assignee.isEmpty })
        s.listCursor.index = s.tickets.firstIndex { $0.id == t.id } ?? 0
        _ = s.reduce(.key(.enter))
        _ = s.reduce(.detail(t))
        _ = s.reduce(.key(.char("A")))
        _ = s.reduce(.choices(.assignee, ["Dana Whitfield", "Ravi Patel"]))
        let text = render(s, theme: .fallback).text
        #expect(text.contains("Set assignee (now unassigned)") && !text.contains("#1"))
    }
}
