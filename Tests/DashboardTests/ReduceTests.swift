import Dashboard
import Foundation
import PSACore
import Testing

@Suite("Dashboard reduce", .timeLimit(.minutes(5)))
struct ReduceTests {
    func state(tickets n: Int = 40, next: PageCursor? = .afterID(7_039)) -> DashboardState {
        var s = DashboardState(vendor: .autotask, tenant: "t", now: fixedNow, width: 80, height: 24)
        _ = s.reduce(.page(TicketPage(tickets: sampleTickets(n), total: 1_234, next: next), reset: true, at: fixedNow))
        return s
    }

    @Test("j/k, arrows, g/G, PgUp/PgDn move the selection within the list")
    func navigation() {
        var s = state(next: nil)
        _ = s.reduce(.key(.char("j")))
        _ = s.reduce(.key(.down))
        #expect(s.listCursor.index == 2)
        _ = s.reduce(.key(.char("k")))
        #expect(s.listCursor.index == 1)
        _ = s.reduce(.key(.up))
        _ = s.reduce(.key(.up))
        #expect(s.listCursor.index == 0)
        _ = s.reduce(.key(.pageDown))
        #expect(s.listCursor.index == s.listRows - 1)
        _ = s.reduce(.key(.char("G")))
        #expect(s.listCursor.index == 39)
        #expect(s.listCursor.top == 40 - s.listRows)
        _ = s.reduce(.key(.pageUp))
        #expect(s.listCursor.index == 39 - (s.listRows - 1))
        _ = s.reduce(.key(.char("g")))
        #expect(s.listCursor.index == 0 && s.listCursor.top == 0)
    }

    @Test("scrolling near the end of what is loaded asks for the next page, once")
    func lazyLoading() {
        var s = state()
        var commands: [Command] = []
        for _ in 0..<35 { commands += s.reduce(.key(.char("j"))) }
        #expect(commands == [.loadPage(.afterID(7_039))])
        #expect(s.loadingPage)
        // More keys while the page is in flight: no second request.
        #expect(s.reduce(.key(.char("j"))).isEmpty)
        let more = TicketPage(tickets: sampleTickets(80).suffix(40).map { $0 }, total: 1_234, next: .afterID(7_079))
        _ = s.reduce(.page(more, reset: false, at: fixedNow))
        #expect(s.tickets.count == 80)
        #expect(!s.loadingPage)
        #expect(Set(s.tickets.map(\.id)).count == 80)
    }

    @Test("the last page ends the list: no more loads")
    func endOfList() {
        var s = state(next: nil)
        #expect(s.listComplete)
        #expect(s.reduce(.key(.char("G"))).isEmpty)
    }

    @Test("a failed page shows the error and the list stays usable; r refreshes")
    func pageFailure() {
        var s = state()
        for _ in 0..<20 { _ = s.reduce(.key(.char("j"))) }
        _ = s.reduce(.pageFailed("HTTP 500: server error"))
        #expect(!s.loadingPage && s.listError != nil)
        #expect(s.reduce(.key(.char("j"))).isEmpty)  // no hammering
        #expect(s.reduce(.key(.char("r"))) == [.refresh])
    }

    @Test("Enter opens the detail and asks for the full ticket; Esc goes back")
    func detail() {
        var s = state()
        _ = s.reduce(.key(.char("j")))
        #expect(s.reduce(.key(.enter)) == [.loadDetail(7_001)])
        #expect(s.detail?.id == 7_001 && s.detail?.loading == true)
        var full = sampleTickets()[1]
        full.description = "full text"
        _ = s.reduce(.detail(full))
        #expect(s.detail?.loading == false && s.detail?.ticket.description == "full text")
        _ = s.reduce(.key(.char("j")))
        #expect(s.detail?.scroll.index == 1)
        _ = s.reduce(.key(.escape))
        #expect(s.detail == nil)
        #expect(s.listCursor.index == 1)
    }

    @Test("Tab moves focus between tickets and the request log; log keys move in the log")
    func focus() {
        var s = state()
        for r in sampleLog() { _ = s.reduce(.client(.record(r))) }
        _ = s.reduce(.key(.tab))
        #expect(s.focus == .log)
        _ = s.reduce(.key(.char("j")))
        #expect(s.requestLog.cursor.index == 1 && s.listCursor.index == 0)
        _ = s.reduce(.key(.char("G")))
        #expect(s.requestLog.cursor.index == sampleLog().count - 1)
        _ = s.reduce(.key(.backTab))
        #expect(s.focus == .tickets)
    }

    @Test("? toggles help, which swallows other keys; q quits from anywhere")
    func helpAndQuit() {
        var s = state()
        _ = s.reduce(.key(.char("?")))
        #expect(s.showHelp)
        _ = s.reduce(.key(.char("j")))
        #expect(s.listCursor.index == 0)
        _ = s.reduce(.key(.escape))
        #expect(!s.showHelp)
        #expect(s.reduce(.key(.char("q"))) == [.quit])
        #expect(s.quit)
        var t = state()
        #expect(t.reduce(.key(.ctrl("c"))) == [.quit])
    }

    @Test("a refresh keeps the selected ticket under the cursor")
    func refreshKeepsSelection() {
        var s = state()
        for _ in 0..<5 { _ = s.reduce(.key(.char("j"))) }
        let id = s.selectedTicket?.id
        var shuffled = sampleTickets()
        shuffled.insert(Ticket(id: 6_999, number: "T0", title: "new", status: "New", priority: "High"), at: 0)
        _ = s.reduce(.page(TicketPage(tickets: shuffled, total: 1_235, next: nil), reset: true, at: fixedNow))
        #expect(s.selectedTicket?.id == id)
    }

    @Test("a refresh of page 1 keeps the pages loaded after it and the reader's place")
    func refreshKeepsLoadedPages() {
        let all = sampleTickets(120)
        var s = DashboardState(vendor: .autotask, tenant: "t", now: fixedNow, width: 80, height: 24)
        _ = s.reduce(
            .page(TicketPage(tickets: Array(all[0..<40]), total: 120, next: .afterID(7_039)), reset: true, at: fixedNow)
        )
        _ = s.reduce(
            .page(
                TicketPage(tickets: Array(all[40..<80]), total: 120, next: .afterID(7_079)), reset: false, at: fixedNow)
        )
        _ = s.reduce(.key(.char("G")))
        let place = s.selectedTicket?.id
        var first = Array(all[0..<40])
        first[3].status = "Complete"  // changed on the server
        _ = s.reduce(.page(TicketPage(tickets: first, total: 120, next: .afterID(7_039)), reset: true, at: fixedNow))
        #expect(s.tickets.count == 80)
        #expect(s.tickets[3].status == "Complete")
        #expect(s.selectedTicket?.id == place)
        #expect(s.next == .afterID(7_079))  // continues after what is loaded, not after page 1
    }

    @Test("resizing keeps the selection visible")
    func resize() {
        var s = state(next: nil)
        _ = s.reduce(.resize(width: 120, height: 40))
        _ = s.reduce(.key(.char("G")))
        _ = s.reduce(.resize(width: 80, height: 24))
        #expect(s.listCursor.index >= s.listCursor.top && s.listCursor.index < s.listCursor.top + s.listRows)
    }

    @Test("the request log keeps the newest 500")
    func logCap() {
        var s = state()
        for i in 0..<600 {
            _ = s.reduce(
                .client(
                    .record(RequestRecord(id: i, time: fixedNow, method: "GET", path: "/x", status: 200, duration: 0))))
        }
        #expect(s.log.count == RequestLog.capacity)
        #expect(s.log.last?.id == 599)
    }

    @Test("a paused queue clears on resume; a Retry-After pause expires on its own")
    func pauses() {
        var s = state()
        _ = s.reduce(.client(.paused(until: fixedNow.addingTimeInterval(5), reason: .retryAfter, detail: "429")))
        #expect(s.pause != nil)
        _ = s.reduce(.tick(fixedNow.addingTimeInterval(6)))
        #expect(s.pause == nil)
        _ = s.reduce(.client(.paused(until: fixedNow.addingTimeInterval(60), reason: .suspended, detail: "threshold")))
        _ = s.reduce(.tick(fixedNow.addingTimeInterval(120)))
        #expect(s.pause != nil)  // suspension lasts until the client says it is over
        _ = s.reduce(.client(.resumed))
        #expect(s.pause == nil)
    }

    @Test(
        "several tenants: events update their own panes and overview line; 2 and : switch; commands go to the tenant shown"
    )
    func tenants() {
        var s = multiTenantState(width: 100, height: 30)
        #expect(s.tenants.map(\.name) == ["contoso", "northwind", "fabrikam"])
        #expect(s.tenants[1].pause?.reason == .suspended && s.tenants[1].tier == .suspended)
        #expect(s.tenants[2].error == "connection refused")
        #expect(s.tickets.count == 40 && s.tenant == "contoso")
        // A page for tenant 1 lands in its background panes, not on screen.
        _ = s.reduce(
            .tenant(
                1, .page(TicketPage(tickets: Array(sampleTickets(5)), total: 5, next: nil), reset: true, at: fixedNow)))
        #expect(s.tickets.count == 40)
        _ = s.reduce(.key(.char("2")))
        #expect(s.activeTenant == 1 && s.tenant == "northwind" && s.tickets.count == 5 && s.pause?.reason == .suspended)
        #expect(s.reduce(.key(.enter)) == [.forTenant(1, .loadDetail(7_000))])
        _ = s.reduce(.key(.escape))
        _ = s.reduce(.key(.char(":")))
        #expect(s.activeTenant == 2 && s.vendor == .atera)
        _ = s.reduce(.key(.char(":")))
        #expect(s.activeTenant == 0 && s.tickets.count == 40 && s.tenant == "contoso")
        #expect(s.reduce(.key(.char("r"))) == [.forTenant(0, .refresh)])
        // Digits and : typed into the server filter prompt are text, not tenant switches.
        _ = s.reduce(.key(.char("F")))
        for c in "company:#2" { _ = s.reduce(.key(.char(c))) }
        #expect(s.activeTenant == 0 && s.serverFilterText == "company:#2")
        #expect(s.reduce(.key(.enter)) == [.forTenant(0, .setServerFilter(ServerFilter(company: "#2")))])
        // One tenant: no overview, no routing.
        var one = sampleState(width: 80, height: 24)
        #expect(one.reduce(.key(.char("r"))) == [.refresh])
        #expect(one.layout.overview.height == 0)
    }

    @Test(
        "the gauge's trend: history from the poller's projections in tenant time; the rate per tenant minute; waits in wall time"
    )
    func trend() throws {
        var s = DashboardState(vendor: .autotask, tenant: "t", now: fixedNow, width: 120, height: 40)
        s.timeZone = TimeZone(identifier: "UTC")!
        #expect(!render(s, theme: .fallback).text.contains("trend"))
        // Two wall minutes of the demo (20× time: 40 tenant minutes), the count rising 10 a wall second.
        for i in 0..<120 {
            _ = s.reduce(.tick(fixedNow.addingTimeInterval(Double(i))))
            var p = PollStatus(
                projected: Quota(used: 3_000 + i * 10, limit: 10_000, windowSeconds: 3_600), budgetPerHour: 100)
            p.timeScale = 20
            _ = s.reduce(.poll(p))
            if i == 0 { #expect(render(s, theme: .fallback).text.contains("forecast: measuring the rate")) }
        }
        // 10 a wall second is 30 a tenant minute; 810 to the +0.5 s tier is 27 tenant minutes, 81 wall seconds.
        let f = try #require(s.forecast)
        #expect(abs(f.perMinute - 30) < 0.001)
        let text = render(s, theme: .fallback).text
        #expect(text.contains("+30/min  ·  +0.5 s tier in ~1m20s  ·  suspension not in this window"), "\(text)")
        // A bar per tenant minute: forty of them, from 30% (▃) to 41.9% (▄).
        let line = try #require(text.split(separator: "\n").first { $0.contains("trend ") })
        #expect(line.contains("▃▃▃") && line.contains("▄▄▄") && !line.contains("▅"))
        #expect(s.history?.points.count == 40)
    }

    @Test("several tenants: each overview line says when that tenant's next boundary comes, from its own history")
    func overviewForecast() {
        var s = multiTenantState(width: 120, height: 40)
        // Tenant 3 (Atera, in the background) counts 10 more each second for 40 s: 100 → 490 of 700.
        for i in 0..<40 {
            let at = fixedNow.addingTimeInterval(Double(i))
            _ = s.reduce(.tick(at))
            _ = s.reduce(.tenant(2, .quota(Quota(used: 100 + i * 10, limit: 700, windowSeconds: 60), at: at)))
        }
        // 600 a minute: 210 to the limit is 21 s, shown rounded to 5 s.
        #expect(s.tenants[2].next == "the limit in ~20s", "\(String(describing: s.tenants[2].next))")
        #expect(render(s, theme: .fallback).text.contains("the limit in ~20s"))
        #expect(s.tenants[0].next == nil && s.tenants[1].next == nil)  // one reading each: no rate yet
    }

    @Test(
        "Autotask's forecast takes the poller's model once it has one: a reading that corrects the projection does not jolt it"
    )
    func forecastModel() throws {
        var s = DashboardState(vendor: .autotask, tenant: "t", now: fixedNow, width: 120, height: 40)
        // Half a minute at a projected 4,000, then a reading says 3,000: the history's slope falls.
        for i in 0..<60 {
            _ = s.reduce(.tick(fixedNow.addingTimeInterval(Double(i))))
            _ = s.reduce(
                .poll(
                    PollStatus(
                        projected: Quota(used: i < 30 ? 4_000 : 3_000, limit: 10_000, windowSeconds: 3_600),
                        budgetPerHour: 100)))
        }
        #expect(try #require(s.forecast).perMinute < 0)
        // With the model (ours 10 in the last minute, the others +6,000 an hour): 110 a minute.
        var p = PollStatus(
            projected: Quota(used: 3_000, limit: 10_000, windowSeconds: 3_600), budgetPerHour: 100, othersPerHour: 6_000
        )
        p.oursPerMinute = 10
        _ = s.reduce(.poll(p))
        let f = try #require(s.forecast)
        #expect(abs(f.perMinute - 110) < 0.001)
        #expect(
            f.boundaries.first.map { $0.name == "+0.5 s tier" && abs(($0.seconds ?? 0) - 2_000.0 / 110 * 60) < 0.001 }
                == true)
    }

    @Test(
        "'ours in the last minute' is the poller's count (the tenant's minute, as the forecast uses), not a second count from the log"
    )
    func oursLastMinuteOneSource() {
        var s = sampleState(width: 120, height: 40)
        s.poll?.others = nil
        s.poll?.oursPerMinute = nil
        // The log has six requests in the last wall-clock minute; until the poller says, nothing is claimed.
        #expect(!render(s, theme: .fallback).text.contains("in the last minute"))
        s.poll?.oursPerMinute = 42
        #expect(render(s, theme: .fallback).text.contains("ours: 42 in the last minute"))
    }
}
