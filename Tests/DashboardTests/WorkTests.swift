import Dashboard
import Foundation
import PSACore
import Testing

/// `n` list copies of tickets, ids from 1; about two thirds with an SLA whose deadlines fall
/// within a day either side of `fixedNow` (some stages met).
func workTickets(_ n: Int, _ rng: inout SeededGenerator, idBase: Int64 = 1) -> [Ticket] {
    (0..<n).map { i in
        var t = Ticket(
            id: idBase + Int64(i), number: "T\(i)", title: ["disk full", "printer jam", "vpn down"][i % 3],
            status: "New", priority: "High", company: "Acme", assignee: "", created: fixedNow, lastActivity: fixedNow,
            due: nil, description: "", fields: [])
        t.sla = randomSLA(&rng)
        return t
    }
}

func randomSLA(_ rng: inout SeededGenerator) -> SLA? {
    guard Int.random(in: 0..<3, using: &rng) > 0 else { return nil }
    let stages = (0..<Int.random(in: 1...3, using: &rng)).map { k in
        let due = fixedNow.addingTimeInterval(Double(Int.random(in: -86_400...86_400, using: &rng)))
        let met: Date? = Bool.random(using: &rng) && k == 0 ? due.addingTimeInterval(-60) : nil
        return SLAStage(SLAStage.Kind.allCases[k], due: due, met: met)
    }
    return SLA(stages: stages)
}

/// What a full recount over every loaded ticket says (the SLA's own judgement, ticket by ticket).
func recount(_ s: DashboardState) -> (breached: Int, soon: Int, next: Date?) {
    var b = 0, soon = 0
    var next: Date?
    for t in s.tickets {
        guard let sla = t.sla else { continue }
        if sla.breached(now: s.now) { b += 1 } else if sla.breaching(within: 3_600, now: s.now) { soon += 1 }
        if let d = sla.nextDeadline, d >= s.now, next.map({ d < $0 }) ?? true { next = d }
    }
    return (b, soon, next)
}

/// Loads `count` tickets page by page, as the poller delivers them.
func loadedState(_ count: Int, page: Int = 500, seed: UInt64 = 7) -> DashboardState {
    var rng = SeededGenerator(seed: seed)
    var s = DashboardState(vendor: .autotask, tenant: "work", now: fixedNow, width: 200, height: 60)
    let all = workTickets(count, &rng)
    for start in stride(from: 0, to: count, by: page) {
        let slice = Array(all[start..<min(count, start + page)])
        let more = start + page < count
        _ = s.reduce(
            .page(
                TicketPage(tickets: slice, total: count, next: more ? .afterID(slice.last!.id) : nil),
                reset: false, at: fixedNow))
    }
    return s
}

@Suite("Work per frame, tick and key (counted, not timed)")
struct WorkTests {
    @Test("a page looks at its own tickets' SLA only; a tick looks at none, and counts what a full recount counts")
    func tickWalksNothing() {
        var s = DashboardState(vendor: .autotask, tenant: "work", now: fixedNow, width: 200, height: 60)
        var rng = SeededGenerator(seed: 1)
        for p in 0..<20 {
            let before = s.work.slaVisits
            let page = workTickets(500, &rng, idBase: Int64(p * 500 + 1))
            _ = s.reduce(
                .page(TicketPage(tickets: page, total: 10_000, next: .afterID(page.last!.id)), reset: false, at: s.now))
            #expect(s.work.slaVisits - before == 500)
        }
        #expect(s.tickets.count == 10_000 && s.slaSeen)
        let before = s.work.slaVisits
        for second in 1...300 {
            _ = s.reduce(.tick(fixedNow.addingTimeInterval(Double(second * 37))))
            let full = recount(s)
            #expect(s.slaBreached == full.breached && s.slaBreachingSoon == full.soon)
        }
        // 300 ticks over 10,000 tickets: not one ticket looked at.
        #expect(s.work.slaVisits == before)
    }

    @Test("random changes, pages, refreshes and ticks: the kept counts and next deadline equal a full recount")
    func incrementalEqualsRecount() {
        var s = loadedState(3_000, page: 250, seed: 3)
        var rng = SeededGenerator(seed: 99)
        var nextID: Int64 = 10_000
        for step in 0..<400 {
            switch Int.random(in: 0..<5, using: &rng) {
            case 0:  // changed tickets (the incremental refresh), some new to the list
                let changed = (0..<Int.random(in: 1...20, using: &rng)).map { _ -> Ticket in
                    var t = s.tickets[Int.random(in: 0..<s.tickets.count, using: &rng)]
                    t.sla = randomSLA(&rng)
                    return t
                }
                let before = s.work.slaVisits
                _ = s.reduce(.changed(changed, at: s.now))
                #expect(s.work.slaVisits - before <= changed.count)
            case 1:  // one ticket read in full (the detail)
                var t = s.tickets[Int.random(in: 0..<s.tickets.count, using: &rng)]
                t.sla = randomSLA(&rng)
                _ = s.reduce(.detail(t))
            case 2:  // a refresh: the first page again, replacing what it covers
                var first = Array(s.tickets.prefix(100))
                for i in first.indices where Bool.random(using: &rng) { first[i].sla = randomSLA(&rng) }
                first = workTickets(5, &rng, idBase: nextID) + first
                nextID += 5
                _ = s.reduce(
                    .page(
                        TicketPage(tickets: first, total: nil, next: .afterID(first.last!.id)), reset: true, at: s.now))
            case 3:  // time passes
                _ = s.reduce(.tick(s.now.addingTimeInterval(Double(Int.random(in: 1...5_000, using: &rng)))))
            default:  // a status change confirmed
                let t = s.tickets[Int.random(in: 0..<s.tickets.count, using: &rng)]
                _ = s.reduce(.updated(id: t.id, .status, "Complete", .confirmed))
            }
            _ = s.reduce(.tick(s.now.addingTimeInterval(1)))
            let full = recount(s)
            #expect(s.slaBreached == full.breached && s.slaBreachingSoon == full.soon, "step \(step)")
            #expect(s.slaIndex.nextDeadline(after: s.now) == full.next, "step \(step)")
            #expect(s.slaIndex.count == s.tickets.filter { $0.sla?.nextDeadline != nil }.count, "step \(step)")
        }
    }

    @Test("a frame looks at the rows it shows, however many tickets are loaded")
    func frameVisitsVisibleRows() {
        let small = loadedState(200)
        let large = loadedState(20_000)
        let a = render(small, theme: .fallback).work.ticketsVisited
        let b = render(large, theme: .fallback).work.ticketsVisited
        #expect(a == small.listRows && b == large.listRows)
        var filtered = large
        _ = filtered.reduce(.key(.char("s")))  // sorted by activity: still the shown rows only
        _ = filtered.reduce(.key(.char("/")))
        for c in "vpn" { _ = filtered.reduce(.key(.char(c))) }
        #expect(render(filtered, theme: .fallback).work.ticketsVisited == filtered.listRows)
    }

    @Test("a filter key narrows over the rows shown; Backspace goes back to the rows it had, without a scan")
    func filterNarrows() {
        var s = loadedState(9_000)
        _ = s.reduce(.key(.char("/")))
        var before = s.work.filterVisits
        _ = s.reduce(.key(.char("p")))  // the first key: every loaded ticket
        #expect(s.work.filterVisits - before == 9_000)
        let afterP = s.view
        var shown = s.visibleCount
        #expect(shown == 6_000)  // "printer jam", "vpn down"
        for c in "rin" {
            before = s.work.filterVisits
            _ = s.reduce(.key(.char(c)))
            #expect(s.work.filterVisits - before == shown)  // only the rows the previous text left
            shown = s.visibleCount
        }
        #expect(shown == 3_000)
        for _ in 0..<3 {
            before = s.work.filterVisits
            _ = s.reduce(.key(.backspace))
            #expect(s.work.filterVisits == before)
        }
        #expect(s.filterText == "p" && s.view == afterP)
        // The rows kept are the rows a scan gives.
        var fresh = loadedState(9_000)
        _ = fresh.reduce(.key(.char("/")))
        _ = fresh.reduce(.key(.char("p")))
        #expect(fresh.view == s.view)
    }

    @Test(
        "a text column sorts as String's case-insensitive order would (ranks of distinct texts, not a String sort of every row)"
    )
    func textSortAsStrings() {
        var s = sampleState(width: 120, height: 40)
        var rng = SeededGenerator(seed: 5)
        s.tickets = TicketList(
            sampleTickets(300).map {
                var t = $0
                t.title =
                    ["Zeta", "alpha", "Alpha", "ärger", "打印机", "🔥 fire", "beta", ""].randomElement(using: &rng)!
                    + t.title
                return t
            })
        for _ in 0..<SortColumn.allCases.count + 1 {
            _ = s.reduce(.key(.char("s")))
            for reversed in [false, true] {
                if reversed { _ = s.reduce(.key(.char("S"))) }
                guard let o = s.order, [.title, .status, .company, .assignee].contains(o.column) else { continue }
                let t = s.tickets
                func key(_ i: Int) -> String {
                    switch o.column {
                    case .title: t[i].title.lowercased()
                    case .status: t[i].status.lowercased()
                    case .company: t[i].company.lowercased()
                    default: t[i].assignee.lowercased()
                    }
                }
                let expected = t.indices.sorted { a, b in
                    key(a) != key(b) ? (o.descending ? key(a) > key(b) : key(a) < key(b)) : a < b
                }
                #expect(s.view == expected, "\(o)")
            }
        }
    }

    @Test("a long walk holds a page's ids, not the list's, and grows no buffer by copying it near the end")
    func walkPeakMemory() {
        var rng = SeededGenerator(seed: 11)
        var s = DashboardState(vendor: .autotask, tenant: "work", now: fixedNow, width: 200, height: 60)
        let words = ["disk", "full", "printer", "jam", "vpn", "down", "outlook", "password", "reset", "laptop"]
        for p in 0..<40 {
            let page = (0..<500).map { k -> Ticket in
                let i = p * 500 + k
                var t = Ticket(
                    id: Int64(i + 1), number: String(format: "T20261206.%04d", i % 10_000),
                    title: (0..<Int.random(in: 2...9, using: &rng)).map { _ in words.randomElement(using: &rng)! }
                        .joined(separator: " "),
                    status: "New", priority: "High", company: "Acme", assignee: "", created: fixedNow,
                    lastActivity: fixedNow, due: nil, description: "", fields: [])
                // The first pages (the oldest tickets) have two SLA stages; later every fifth has
                // three: more per row than the first rows say, as a real walk by id drifts.
                let stages = i >= 1_000 && i % 5 == 0 ? 3 : 2
                t.sla = SLA(
                    stages: (0..<stages).map {
                        SLAStage(SLAStage.Kind.allCases[$0], due: fixedNow.addingTimeInterval(Double(i)), met: nil)
                    })
                return t
            }
            let before = s.work.idsHeld
            _ = s.reduce(
                .page(
                    TicketPage(tickets: page, total: 20_000, next: p < 39 ? .afterID(page.last!.id) : nil),
                    reset: false, at: fixedNow))
            // The page's 500 ids (and any already loaded), however long the list is.
            #expect(s.work.idsHeld - before == 500)
        }
        #expect(s.tickets.count == 20_000)
        // Growing by doubling copies about as many elements as the buffers end with (and holds
        // both copies for a moment); the list's buffers are sized from the walk's total instead.
        #expect(s.tickets.grownCopies < 20_000, "\(s.tickets.grownCopies) elements copied to grow")
    }
}
