import Dashboard
import Foundation
import PSACore
import Testing

@Suite("Filter and sort", .timeLimit(.minutes(5)))
struct FilterSortTests {
    func state(tickets n: Int = 40, next: PageCursor? = nil, total: Int? = nil) -> DashboardState {
        var s = DashboardState(vendor: .autotask, tenant: "t", now: fixedNow, width: 120, height: 40)
        _ = s.reduce(
            .page(TicketPage(tickets: sampleTickets(n), total: total ?? n, next: next), reset: true, at: fixedNow))
        return s
    }

    func type(_ s: inout DashboardState, _ text: String) -> [Command] {
        var cmds = s.reduce(.key(.char("/")))
        for ch in text { cmds += s.reduce(.key(.char(ch))) }
        return cmds
    }

    func shown(_ s: DashboardState) -> [Ticket] { (0..<s.visibleCount).map { s.tickets[s.ticketIndex(row: $0)] } }

    @Test("the filter parses words, column:word, negation, # and quotes")
    func parsing() {
        let f = TicketFilter(#"Backup status:"in progress" -prio:low #T20261 co: "#)
        #expect(f.terms.map(\.needle) == ["backup", "in progress", "low", "t20261"])
        #expect(f.terms.map(\.column) == [nil, .status, .priority, .number])
        #expect(f.terms.map(\.negated) == [false, false, true, false])
        #expect(TicketFilter("   ").isEmpty && TicketFilter("status:").isEmpty)
    }

    @Test("matching is case-insensitive in any column, ASCII and not; every word must match; - excludes")
    func matching() {
        let t = Ticket(
            id: 1, number: "T2026.0001", title: "Backup job FAILED overnight", status: "In Progress", priority: "High",
            company: "Müller & Söhne GmbH", assignee: "Dana Whitfield")
        #expect(TicketFilter("failed").matches(t))
        #expect(TicketFilter("backup dana").matches(t))
        #expect(!TicketFilter("backup nobody").matches(t))
        #expect(TicketFilter("MÜLLER").matches(t))
        #expect(TicketFilter("söhne").matches(t))
        #expect(TicketFilter("status:progress prio:high").matches(t))
        #expect(!TicketFilter("status:high").matches(t))
        #expect(!TicketFilter("-backup").matches(t))
        #expect(TicketFilter("-status:new").matches(t))
        #expect(TicketFilter("#0001").matches(t) && !TicketFilter("#0002").matches(t))
        #expect(TicketFilter(#"title:"job failed""#).matches(t) && !TicketFilter(#"title:"failed job""#).matches(t))
    }

    @Test("typing narrows the list at each key; the counts read shown/total (loaded n); Esc clears")
    func asYouType() {
        var s = state(tickets: 40, next: .afterID(7_039), total: 1_204)
        _ = s.reduce(.key(.char("/")))
        #expect(s.filterEditing)
        _ = s.reduce(.key(.char("b")))
        let afterB = s.visibleCount
        _ = s.reduce(.key(.char("a")))
        _ = s.reduce(.key(.char("c")))
        _ = s.reduce(.key(.char("k")))
        let backups = sampleTickets(40).filter { $0.title.lowercased().contains("back") }
        #expect(s.visibleCount == backups.count && afterB >= s.visibleCount)
        #expect(shown(s).map(\.id) == backups.map(\.id))
        #expect(s.listCounts == "\(backups.count)/1,204 (loaded 40)")
        // q is text while typing, not quit.
        _ = s.reduce(.key(.char("q")))
        #expect(!s.quit && s.filterText == "backq" && s.visibleCount == 0)
        _ = s.reduce(.key(.backspace))
        #expect(s.visibleCount == backups.count)
        _ = s.reduce(.key(.enter))
        #expect(!s.filterEditing && s.filterActive)
        // Navigation and open work on the filtered rows.
        _ = s.reduce(.key(.char("j")))
        #expect(s.selectedTicket?.id == backups[1].id)
        #expect(s.reduce(.key(.enter)) == [.loadDetail(backups[1].id)])
        _ = s.reduce(.key(.escape))  // closes the detail
        _ = s.reduce(.key(.escape))  // clears the filter
        #expect(!s.filterActive && s.visibleCount == 40)
        #expect(s.selectedTicket?.id == backups[1].id)  // the selection stays on the same ticket
    }

    @Test("control and format characters never enter the filter; Ctrl-C still quits while typing")
    func hostileKeys() {
        var s = state()
        _ = type(&s, "a\u{1B}\u{202E}\u{200B}b")
        #expect(s.filterText == "ab")
        #expect(s.reduce(.key(.ctrl("c"))) == [.quit])
    }

    @Test("a filter loads a few more pages by itself when it leaves less than a screen, then waits for j")
    func boundedAutoLoad() {
        var s = state(tickets: 40, next: .afterID(7_039), total: 100_000)
        let cmds = type(&s, "zzz-no-such-ticket")
        #expect(cmds == [.loadPage(.afterID(7_039))])
        var pages = 1
        var last = 7_039
        // Each page that brings no match asks for the next, until the limit.
        while true {
            let more = sampleTickets(40).map { t -> Ticket in
                var c = t
                c.id += Int64(40 * pages)
                return c
            }
            last += 40
            let next = s.reduce(
                .page(
                    TicketPage(tickets: more, total: 100_000, next: .afterID(Int64(last))), reset: false, at: fixedNow))
            if next.isEmpty { break }
            pages += 1
            #expect(pages <= DashboardState.filterPageLimit)
        }
        #expect(pages == DashboardState.filterPageLimit && !s.loadingPage)
        // A key at the end asks again, one page per key.
        _ = s.reduce(.key(.enter))
        #expect(s.reduce(.key(.char("j"))) == [.loadPage(.afterID(Int64(last)))])
    }

    @Test(
        "s walks the columns (activity newest first, priority most urgent first, …) and back to the server's order; S reverses"
    )
    func sorting() {
        var s = state()
        _ = s.reduce(.key(.char("s")))
        #expect(s.order == ListOrder(column: .activity, descending: true))
        let activity = shown(s).map { $0.lastActivity! }
        #expect(activity == activity.sorted(by: >))
        _ = s.reduce(.key(.char("s")))
        #expect(s.order?.column == .priority)
        let ranks = shown(s).map(\.priority)
        #expect(ranks.prefix(10).allSatisfy { $0 == "Critical" } && ranks.suffix(10).allSatisfy { $0 == "Low" })
        // Equal keys keep the server's order.
        let critical = shown(s).filter { $0.priority == "Critical" }.map(\.id)
        #expect(critical == critical.sorted())
        _ = s.reduce(.key(.char("S")))
        #expect(shown(s).first?.priority == "Low")
        for _ in 0..<SortColumn.allCases.count - 1 { _ = s.reduce(.key(.char("s"))) }
        #expect(s.order == nil && s.view == nil)
        #expect(shown(s).map(\.id) == sampleTickets().map(\.id))
    }

    @Test("a sorted, filtered view stays right when pages arrive and tickets change")
    func viewFollowsData() {
        var s = state(tickets: 20, next: .afterID(7_019), total: 40)
        _ = s.reduce(.key(.char("s")))  // by activity
        _ = type(&s, "status:new")
        _ = s.reduce(.key(.enter))
        let rest = Array(sampleTickets(40)[20...])
        _ = s.reduce(.page(TicketPage(tickets: rest, total: 40, next: nil), reset: false, at: fixedNow))
        let expect = sampleTickets(40).filter { $0.status == "New" }.sorted { $0.lastActivity! > $1.lastActivity! }
        #expect(shown(s).map(\.id) == expect.map(\.id))
        // A refresh finds one of them moved on: it leaves the filtered view.
        var moved = expect[0]
        moved.status = "Complete"
        _ = s.reduce(.changed([moved], at: fixedNow))
        #expect(!shown(s).contains { $0.id == moved.id } && s.visibleCount == expect.count - 1)
    }

    @Test(
        "fuzz: 5,000 seeded filter texts (quotes, colons, dashes, CJK, emoji, controls) never crash, and typing on never widens"
    )
    func fuzz() async {
        var rng = SeededGenerator(seed: 20_261_123)
        let pieces = [
            "a", "B", "ü", "Ü", "打印", "🔥", "\"", ":", "-", "#", " ", "  ", "status:", "prio:", "co:", "who:", "title:",
            "no:",
            "\u{1B}", "\u{202E}", "\u{200B}", "\u{0}", "T2026", "new", "In Progress", "\\", "é", "e\u{301}", "zzz", "1",
        ]
        let tickets = sampleTickets(60)
        for round in 0..<5_000 {
            // (Back to the pool now and then: a long synchronous loop stalls the timed tests beside it.)
            if round % 250 == 0 { await Task.yield() }
            var text = ""
            for _ in 0..<Int.random(in: 0...8, using: &rng) { text += pieces.randomElement(using: &rng)! }
            let f = TicketFilter(text)
            let kept = tickets.filter(f.matches)
            // One more piece typed: whatever the new filter keeps, the old one kept too, when it says it narrows.
            let longer = TicketFilter(text + pieces.randomElement(using: &rng)!)
            if longer.narrows(f) {
                let keptLonger = tickets.filter(longer.matches).map(\.id)
                #expect(Set(keptLonger).isSubset(of: Set(kept.map(\.id))), "'\(text)' → longer widened")
            }
        }
        // And through the state, as keys: any text typed gives a view within the list and a selection inside it.
        var st = state(tickets: 60)
        _ = st.reduce(.key(.char("/")))
        for _ in 0..<2_000 {
            if Int.random(in: 0..<5, using: &rng) == 0 {
                _ = st.reduce(.key(.backspace))
            } else {
                for ch in pieces.randomElement(using: &rng)! { _ = st.reduce(.key(.char(ch))) }
            }
            #expect(st.visibleCount <= st.tickets.count)
            #expect(st.visibleCount == 0 || (0..<st.visibleCount).contains(st.listCursor.index))
        }
    }

    @Test("the request log: e shows failures only, f steps through the endpoints; totals per status in the title")
    func logFilters() {
        var s = sampleState(width: 120, height: 40)
        _ = s.reduce(.key(.tab))
        #expect(s.requestLog.visible.count == 6)
        #expect(s.requestLog.statusTotals.map { "\($0.0)×\($0.1)" } == ["200×4", "429×1", "ERR×1"])
        _ = s.reduce(.key(.char("e")))
        #expect(s.requestLog.visible.map(\.id) == [6, 4])  // newest first
        _ = s.reduce(.key(.char("e")))
        _ = s.reduce(.key(.char("f")))
        #expect(s.requestLog.endpoint == "ThresholdInformation" && s.requestLog.visible.map(\.id) == [2])
        _ = s.reduce(.key(.char("f")))
        #expect(s.requestLog.endpoint == "Tickets" && s.requestLog.visible.map(\.id) == [6, 5, 4, 3])
        _ = s.reduce(.key(.char("e")))
        #expect(s.requestLog.visible.map(\.id) == [6, 4])
        assertSnapshot(render(s, theme: .fallback), "log-filtered-120x40")
        _ = s.reduce(.key(.char("G")))
        #expect(s.requestLog.cursor.index == 1)
        _ = s.reduce(.key(.char("f")))
        _ = s.reduce(.key(.char("f")))
        #expect(s.requestLog.endpoint == nil)
    }

    @Test(
        "F: the server filter prompt takes every key; Enter reloads the list under it; stale pages are dropped; errors keep it open"
    )
    func serverFilter() {
        var s = sampleState(width: 120, height: 40)
        _ = s.reduce(.key(.char("F")))
        #expect(s.serverFilterEditing && s.serverFilterText.isEmpty)
        for c in "status:New" { #expect(s.reduce(.key(.char(c))) == []) }
        #expect(!s.quit)
        // A text that is not key:value says why and stays open.
        s.serverFilterText = "New"
        #expect(s.reduce(.key(.enter)) == [])
        #expect(s.serverFilterEditing && s.serverFilterError?.contains("key:value") == true)
        #expect(render(s, theme: .fallback).text.contains("a server filter is key:value"))
        _ = s.reduce(.key(.ctrl("u")))
        for c in "status:New co:Acme Dental" { _ = s.reduce(.key(.char(c))) }
        assertSnapshot(render(s, theme: .fallback), "server-filter-prompt-120x40")
        let f = ServerFilter(status: "New", company: "Acme Dental")
        #expect(s.reduce(.key(.enter)) == [.setServerFilter(f)])
        #expect(!s.serverFilterEditing && s.serverFilter == f && s.tickets.isEmpty && s.loadingPage && s.total == nil)
        // A page asked for before the change is dropped; the filtered one is taken.
        _ = s.reduce(
            .page(
                TicketPage(tickets: sampleTickets(5), total: 1_234, next: .afterID(7_004)), reset: false, at: fixedNow))
        #expect(s.tickets.isEmpty)
        var page = TicketPage(tickets: sampleTickets(40).filter { $0.status == "New" }, total: 11, next: nil)
        page.filter = f
        _ = s.reduce(.page(page, reset: true, at: fixedNow))
        #expect(s.tickets.count == page.tickets.count && s.total == 11 && !s.loadingPage)
        let title = render(s, theme: .fallback).text
        #expect(title.contains("server: status:New company:\"Acme Dental\""))
        // A refresh finding a ticket not loaded does not add it (it may not match the filter).
        s.listComplete = true
        _ = s.reduce(
            .changed(
                [Ticket(id: 99_999, number: "T1", title: "new one", status: "Complete", priority: "Low")], at: fixedNow)
        )
        #expect(!s.tickets.contains { $0.id == 99_999 })
        // F then an empty Enter: every ticket again.
        _ = s.reduce(.key(.char("F")))
        #expect(s.serverFilterText == f.text)
        _ = s.reduce(.key(.ctrl("u")))
        #expect(s.reduce(.key(.enter)) == [.setServerFilter(nil)])
        #expect(s.serverFilter == nil && s.tickets.isEmpty)
        // Esc leaves the filter as it was.
        _ = s.reduce(.key(.char("F")))
        _ = s.reduce(.key(.char("x")))
        _ = s.reduce(.key(.escape))
        #expect(!s.serverFilterEditing && s.serverFilter == nil)
    }

    @Test("the filtered list and the prompt, as drawn")
    func drawn() {
        var s = sampleState(width: 120, height: 40)
        _ = s.reduce(.key(.char("s")))
        _ = s.reduce(.key(.char("s")))  // by priority
        _ = type(&s, "dana -status:complete")
        assertSnapshot(render(s, theme: .fallback), "filter-120x40")
        _ = s.reduce(.key(.enter))
        s.width = 80
        s.height = 24
        s.ascii = true
        assertSnapshot(render(s, theme: .fallback), "filter-ascii-80x24")
    }
}
