import Dashboard
import Foundation
import PSACore
import Testing

@Suite("Marks and one change for many", .timeLimit(.minutes(5)))
struct MarksBulkTests {
    func typed(_ s: inout DashboardState, _ text: String) {
        for ch in text { _ = s.reduce(.key(.char(ch))) }
    }

    @Test(
        "x marks and moves on, x again unmarks; * marks every ticket the filter shows; X clears; counted in the title")
    func marking() {
        var s = sampleState(width: 120, height: 40)
        s.listCursor.index = 0
        _ = s.reduce(.key(.char("x")))
        _ = s.reduce(.key(.char("x")))
        #expect(s.marks == [7_000, 7_001] && s.listCursor.index == 2)
        _ = s.reduce(.key(.char("k")))
        _ = s.reduce(.key(.char("x")))
        #expect(s.marks == [7_000])
        let screen = render(s, theme: .fallback).text
        #expect(screen.contains("1 marked"))
        // A filter: * marks what it shows, no more.
        _ = s.reduce(.key(.char("/")))
        typed(&s, "status:complete")
        _ = s.reduce(.key(.enter))
        let shown = s.tickets.filter { $0.status == "Complete" }.map(\.id)
        _ = s.reduce(.key(.char("*")))
        #expect(s.marks == Set(shown + [7_000]))
        _ = s.reduce(.key(.char("X")))
        #expect(s.marks.isEmpty && !render(s, theme: .fallback).text.contains("marked"))
    }

    @Test("marks are kept across a refresh (the list made again) and across a filter set and cleared")
    func marksKept() {
        var s = sampleState(width: 120, height: 40)
        s.listCursor.index = 3
        _ = s.reduce(.key(.char("x")))
        _ = s.reduce(.key(.char("x")))
        let marked: Set<Int64> = [7_003, 7_004]
        #expect(s.marks == marked)
        // A refresh: the server's list again, in another order.
        _ = s.reduce(
            .page(TicketPage(tickets: sampleTickets().reversed(), total: 1_234, next: nil), reset: true, at: fixedNow))
        #expect(s.marks == marked)
        // Under a filter the marked rows show their mark (7004's title is an invoice; 7011's too, unmarked).
        _ = s.reduce(.key(.char("/")))
        typed(&s, "invoice")
        _ = s.reduce(.key(.enter))
        let lines = render(s, theme: .fallback).lines
        let marked4 = lines.first { $0.contains("T20261104.0004") }
        let unmarked11 = lines.first { $0.contains("T20261111.0011") }
        #expect(marked4?.contains("●T20261104.0004") == true, "\(lines)")
        #expect(unmarked11?.contains("●") == false, "\(lines)")
        #expect(lines.contains { $0.contains("2 marked") })
        _ = s.reduce(.key(.escape))
        #expect(s.marks == marked)
    }

    @Test(
        "b on 3 marked: status, a label, one question with the cost (3 PATCH + 3 read-backs = 6 requests); y sends once"
    )
    func bulkStatus() {
        var s = sampleState(width: 120, height: 40)
        s.listCursor.index = 0
        for _ in 0..<3 { _ = s.reduce(.key(.char("x"))) }
        #expect(s.reduce(.key(.char("b"))) == [])
        #expect(s.mode == .bulkMenu)
        #expect(s.reduce(.key(.char("s"))) == [.loadChoices(.status)])
        _ = s.reduce(.choices(.status, ["New", "In Progress", "Complete"]))
        #expect(s.mode == .bulkPicker)
        _ = s.reduce(.key(.char("G")))
        #expect(s.reduce(.key(.enter)) == [])
        #expect(s.mode == .bulkConfirm)
        // The cost before y: 6 of the tenant's 10,000 an hour, the tier as read (56%: +0.5 s).
        let screen = render(s, theme: .fallback).text
        #expect(screen.contains("3 PATCH + 3 read-backs = 6 requests"), "\(screen)")
        #expect(screen.contains("0.06% of the hour"), "\(screen)")
        #expect(screen.contains("+0.5 s"), "\(screen)")
        assertSnapshot(render(s, theme: .fallback), "bulk-confirm-120x40")
        let ids: [Int64] = [7_000, 7_001, 7_002]
        #expect(s.reduce(.key(.char("y"))) == [.bulkChange(ids: ids, .status, to: "Complete")])
        // Never twice: a second y finds no question.
        #expect(s.reduce(.key(.char("y"))) == [])
        #expect(s.mode == .bulkResults)
        _ = s.reduce(.bulkOutcome(id: 7_000, .changed(.confirmed)))
        _ = s.reduce(.bulkOutcome(id: 7_001, .changed(.differs(held: "In Progress"))))
        _ = s.reduce(.bulkOutcome(id: 7_002, .failed("HTTP 500: Value is not valid")))
        _ = s.reduce(.bulkEnded)
        let after = render(s, theme: .fallback).text
        #expect(after.contains("confirmed") && after.contains("the server holds In Progress"))
        #expect(after.contains("failed: HTTP 500: Value is not valid (still marked)"))
        assertSnapshot(render(s, theme: .fallback), "bulk-done-120x40")
        // The failed one stays marked for a retry; the list shows what the server holds.
        #expect(s.marks == [7_002])
        #expect(s.tickets[0].status == "Complete" && s.tickets[1].status == "In Progress")
        #expect(s.tickets[2].status == sampleTickets()[2].status)
        _ = s.reduce(.key(.escape))
        #expect(s.bulk == nil && s.mode == .list)
    }

    @Test("b with nothing marked says how to mark; n at the question sends nothing")
    func nothingSent() {
        var s = sampleState(width: 120, height: 40)
        #expect(s.reduce(.key(.char("b"))) == [] && s.bulk == nil)
        #expect(s.flash?.contains("no marked tickets") == true)
        _ = s.reduce(.key(.char("x")))
        _ = s.reduce(.key(.char("b")))
        _ = s.reduce(.key(.char("p")))
        _ = s.reduce(.choices(.priority, ["Low", "High"]))
        _ = s.reduce(.key(.enter))
        #expect(s.reduce(.key(.char("n"))) == [])
        #expect(s.mode == .bulkPicker)
        _ = s.reduce(.key(.escape))
        _ = s.reduce(.key(.escape))
        #expect(s.bulk == nil)
    }
}
