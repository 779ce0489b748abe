import Dashboard
import Foundation
import PSACore
import Testing

/// Tickets with SLA deadlines around `fixedNow`: breached, due within the hour, met late, met, later.
func slaTickets() -> [Ticket] {
    var t = sampleTickets(8)
    let h: TimeInterval = 3_600
    t[0].sla = SLA(stages: [SLAStage(.firstResponse, due: fixedNow.addingTimeInterval(-3 * h))])  // breached 3h ago
    t[1].sla = SLA(stages: [
        SLAStage(.firstResponse, due: fixedNow.addingTimeInterval(-h), met: fixedNow.addingTimeInterval(-2 * h)),
        SLAStage(.resolved, due: fixedNow.addingTimeInterval(42 * 60)),
    ])  // due in 42m
    t[2].sla = SLA(stages: [
        // met late
        SLAStage(.firstResponse, due: fixedNow.addingTimeInterval(-h), met: fixedNow.addingTimeInterval(-0.5 * h)),
        SLAStage(.resolved, due: fixedNow.addingTimeInterval(30 * h)),
    ])
    t[3].sla = SLA(stages: [
        SLAStage(.close, due: fixedNow.addingTimeInterval(-h), met: fixedNow.addingTimeInterval(-2 * h))
    ])  // all met
    // t[4]…: no SLA at all.
    return t
}

@Suite("SLA clocks", .timeLimit(.minutes(5)))
struct SLATests {
    @Test("stage states: breached only when a deadline passed unmet; met late is not breached now")
    func states() throws {
        let t = slaTickets()
        #expect(t[0].sla!.breached(now: fixedNow) && t[0].sla!.stages[0].state(now: fixedNow) == .breached)
        #expect(!t[1].sla!.breached(now: fixedNow) && t[1].sla!.breaching(within: 3_600, now: fixedNow))
        #expect(t[2].sla!.stages[0].state(now: fixedNow) == .metLate && !t[2].sla!.breached(now: fixedNow))
        #expect(t[3].sla!.nextDeadline == nil && !t[3].sla!.breached(now: fixedNow))
        #expect(SLA(stages: []) == nil)  // no stages: no SLA, not zeros
        #expect(SLAText.relative(fixedNow.addingTimeInterval(42 * 60), now: fixedNow) == "in 42m")
        #expect(SLAText.relative(fixedNow.addingTimeInterval(-3 * 3_600), now: fixedNow) == "-3h")
    }

    @Test("the DUE column shows only where the tenant sets SLAs; due: filters; sort by it; the title counts breaches")
    func list() {
        var s = sampleState(width: 120, height: 40)
        s.tickets = TicketList(sampleTickets(8))
        s.total = 8
        _ = s.reduce(.tick(fixedNow))
        #expect(!render(s, theme: .fallback).lines[10...12].joined().contains("DUE"))
        var t = slaTickets()
        t = t.map {
            var c = $0
            c.description = ""
            c.fields = []
            return c
        }
        _ = s.reduce(.page(TicketPage(tickets: t, total: 8, next: nil), reset: true, at: fixedNow))
        #expect(s.slaSeen && s.slaBreached == 1 && s.slaBreachingSoon == 1)
        let screen = render(s, theme: .fallback)
        assertSnapshot(screen, "sla-list-120x40")
        #expect(screen.lines[0].contains("SLA 1 breached, 1 due <1h"))
        #expect(screen.lines.joined(separator: "\n").contains("DUE"))
        var small = s
        _ = small.reduce(.resize(width: 80, height: 24))
        assertSnapshot(render(small, theme: .fallback), "sla-list-80x24")

        for (text, ids) in [
            ("due:overdue", [7_000]), ("due:<1h", [7_000, 7_001]), ("due:>1d", [7_002]),
            ("due:sla", [7_000, 7_001, 7_002, 7_003]),
            ("-due:sla", [7_004, 7_005, 7_006, 7_007]), ("due:nonsense", []),
        ] as [(String, [Int64])] {
            let f = TicketFilter(text, now: fixedNow)
            #expect(t.filter(f.matches).map(\.id) == ids, "\(text)")
        }
        #expect(!TicketFilter("due:<10h", now: fixedNow).narrows(TicketFilter("due:<1", now: fixedNow)))

        // s walks to DUE: the nearest deadline first, tickets without one last.
        while s.order?.column != .due { _ = s.reduce(.key(.char("s"))) }
        #expect(s.order?.descending == false)
        let order = (0..<s.visibleCount).map { s.tickets[s.ticketIndex(row: $0)].id }
        #expect(Array(order.prefix(3)) == [7_000, 7_001, 7_002])
    }

    @Test(
        "the DUE cell is coloured by urgency through the theme: breached in the overdue style, within the hour in the warning style"
    )
    func dueColours() throws {
        var s = sampleState(width: 120, height: 40)
        _ = s.reduce(.page(TicketPage(tickets: slaTickets(), total: 8, next: nil), reset: true, at: fixedNow))
        s.focus = .log  // no row drawn in the selection's colours
        let theme = Theme.fallback
        let canvas = render(s, theme: theme)
        // The style of the cell where `text` starts (cells, not characters: wide ones take two).
        func style(ofCellContaining text: String) throws -> Style {
            let y = try #require(canvas.lines.firstIndex { $0.contains(text) })
            let cells = (0..<canvas.width).filter { !canvas[$0, y].continuation }
            let chars = cells.map { canvas[$0, y].char }
            let first = Array(text)
            let at = try #require(
                chars.indices.first { i in
                    i + first.count <= chars.count && Array(chars[i..<(i + first.count)]) == first
                })
            return canvas[cells[at], y].style
        }
        #expect(try style(ofCellContaining: "-3h") == theme[.overdue])
        #expect(try style(ofCellContaining: "in 42m") == theme[.warning])
        #expect(try style(ofCellContaining: "in 1d") == theme[.muted])
    }

    @Test("the detail lists each stage: breached, due in, met, met late")
    func detail() {
        var s = sampleState(width: 120, height: 40)
        s.tickets = TicketList(slaTickets())
        s.listCursor.index = 1
        _ = s.reduce(.key(.enter))
        _ = s.reduce(.detail(slaTickets()[1]))
        let text = render(s, theme: .fallback).lines.joined(separator: "\n")
        #expect(
            text.contains("SLA first response") && text.contains("met 2026-11-23 10:00")
                && text.contains("(due 2026-11-23 11:00"))
        #expect(text.contains("SLA resolved") && text.contains("(in 42m)"))
        assertSnapshot(render(s, theme: .fallback), "sla-detail-120x40")
        s.detail = nil
        s.listCursor.index = 0
        _ = s.reduce(.key(.enter))
        _ = s.reduce(.detail(slaTickets()[0]))
        let breached = render(s, theme: .fallback).lines.joined()
        #expect(breached.contains("BREACHED: due 2026-11-23 09:00") && breached.contains("(3h ago)"))
    }
}

@Suite("Alerts pane", .timeLimit(.minutes(5)))
struct AlertsPaneTests {
    static let alerts = [
        Alert(
            id: 7003, title: "Backup failed \u{1B}[31m(3 times)\u{202E}", severity: .critical,
            created: fixedNow.addingTimeInterval(-600),
            device: "FAB-NAS", customer: "Fabrikam Manufacturing"),
        Alert(
            id: 7001, title: "Machine offline for 15 minutes", severity: .critical,
            created: fixedNow.addingTimeInterval(-3_600),
            device: "ACME-DC01", customer: "Acme Dental Group", ticketID: 7_002, message: "No heartbeat since 11:00."),
        Alert(
            id: 7000, title: "Disk C: below 10% free", severity: .warning, created: fixedNow.addingTimeInterval(-7_200),
            device: "FAB-FS01", customer: "Fabrikam"),
    ]

    @Test(
        "Atera: Tab reaches the alerts (in the log's place), the title bar counts the critical ones, Enter shows one and then its ticket"
    )
    func pane() {
        var s = sampleState(width: 120, height: 40)
        s.vendor = .atera
        _ = s.reduce(.key(.tab))
        #expect(s.focus == .log)  // no alerts yet: tickets ↔ log
        _ = s.reduce(.key(.tab))
        _ = s.reduce(.alerts(Self.alerts, at: fixedNow))
        _ = s.reduce(.key(.tab))
        #expect(s.focus == .alerts)
        let screen = render(s, theme: .fallback)
        assertSnapshot(screen, "alerts-120x40")
        #expect(screen.lines[0].contains("2 critical alerts"))
        #expect(screen.lines.joined().contains("Alerts (3 open: 2 critical, 1 warning)"))
        var small = s
        _ = small.reduce(.resize(width: 80, height: 24))
        assertSnapshot(render(small, theme: .fallback), "alerts-80x24")
        _ = s.reduce(.key(.char("j")))
        #expect(s.reduce(.key(.enter)) == [] && s.alertsPane.open?.id == 7001)
        assertSnapshot(render(s, theme: .fallback), "alert-detail-120x40")
        #expect(s.reduce(.key(.enter)) == [.loadDetail(7_002)])
        #expect(s.alertsPane.open == nil && s.detail?.id == 7_002)
        _ = s.reduce(.key(.escape))
        _ = s.reduce(.key(.tab))
        #expect(s.focus == .log)
        _ = s.reduce(.key(.tab))
        #expect(s.focus == .tickets)
    }
}

@Suite("Notifications (--notify)", .timeLimit(.minutes(5)))
struct NotifyTests {
    @Test(
        "a tier entered, a suspension, tickets newly breaching: one notification each, at most one a minute per kind; none without --notify"
    )
    func triggers() {
        var s = sampleState(width: 120, height: 40)
        s.quota = Quota(used: 4_000, limit: 10_000, windowSeconds: 3_600)
        // not asked for
        #expect(s.reduce(.quota(Quota(used: 5_100, limit: 10_000, windowSeconds: 3_600), at: fixedNow)) == [])
        s.quota = Quota(used: 4_000, limit: 10_000, windowSeconds: 3_600)
        s.setNotify(true)
        #expect(
            s.reduce(.quota(Quota(used: 5_100, limit: 10_000, windowSeconds: 3_600), at: fixedNow))
                == [.notify("psatop api@contoso.example: quota at 51%: +0.5 s latency")])
        // The next tier within the minute: held back (one a minute per kind).
        #expect(s.reduce(.quota(Quota(used: 7_600, limit: 10_000, windowSeconds: 3_600), at: fixedNow)) == [])
        _ = s.reduce(.tick(fixedNow.addingTimeInterval(61)))
        s.quota = Quota(used: 5_100, limit: 10_000, windowSeconds: 3_600)
        #expect(s.reduce(.quota(Quota(used: 7_600, limit: 10_000, windowSeconds: 3_600), at: fixedNow)).count == 1)
        // Staying in a tier or going down: nothing.
        #expect(s.reduce(.quota(Quota(used: 7_700, limit: 10_000, windowSeconds: 3_600), at: fixedNow)) == [])
        // A suspension is its own kind.
        let paused = s.reduce(
            .client(.paused(until: fixedNow.addingTimeInterval(60), reason: .suspended, detail: "threshold exceeded")))
        #expect(
            paused.count == 1
                && paused.first.map { if case .notify(let t) = $0 { t.contains("suspended") } else { false } } == true)
        // Tickets newly breaching their SLA, counted on the second's tick.
        var t = sampleTickets(3)
        t[0].sla = SLA(stages: [SLAStage(.firstResponse, due: s.now.addingTimeInterval(30))])
        _ = s.reduce(.page(TicketPage(tickets: t, total: 3, next: nil), reset: true, at: s.now))
        #expect(s.slaBreached == 0)
        let later = s.reduce(.tick(s.now.addingTimeInterval(31)))
        #expect(
            later.count == 1
                && later.first.map {
                    if case .notify(let t) = $0 { t.contains("1 ticket newly breaching SLA") } else { false }
                } == true)
    }
}
