import Dashboard
import Foundation
import PSACore
import Testing

@Suite("A ticket's time entries (E)", .timeLimit(.minutes(5)))
struct TicketTimeTests {
    static let ticket = sampleTickets()[2]

    static let entries = [
        LoggedTime(
            id: 1, ticketID: ticket.id, who: "Dana Whitfield", start: fixedNow.addingTimeInterval(-5 * 3600),
            end: fixedNow.addingTimeInterval(-3.5 * 3600), hours: 1.5, summary: "Initial triage"),
        LoggedTime(
            id: 2, ticketID: ticket.id, who: "Sam \u{1B}[31mRed", start: fixedNow.addingTimeInterval(-2 * 3600),
            end: fixedNow.addingTimeInterval(-3600 - 900), hours: 0.75, summary: ""),
    ]

    @Test(
        "opening a ticket asks for no entries; E asks once (not twice while on the way) and lists them with the total")
    func listed() {
        var s = sampleState(width: 120, height: 40)
        s.listCursor.index = 2
        let open = s.reduce(.key(.enter))
        #expect(open.contains(.loadDetail(Self.ticket.id)) && !open.contains(.loadTime(Self.ticket.id)))
        _ = s.reduce(.detail(Self.ticket))
        #expect(s.detail?.time == nil)
        #expect(s.reduce(.key(.char("E"))) == [.loadTime(Self.ticket.id)])
        #expect(s.reduce(.key(.char("E"))) == [])
        #expect(render(s, theme: .fallback).text.contains("loading…"))
        #expect(s.reduce(.timeEntries(id: Self.ticket.id, Self.entries)) == [])
        let text = render(s, theme: .fallback).text
        #expect(text.contains("2.25 h in 2 entries, newest first"), "\(text)")
        #expect(text.contains("Initial triage") && text.contains("(no summary)"))
        #expect(text.contains("0.75 h") && text.contains("–10:45"))
        #expect(!text.contains("\u{1B}"))
        // Another ticket's answer (the person moved on) is not shown here.
        #expect(s.reduce(.timeEntries(id: 1, [])) == [] && s.detail?.time == .loaded(Self.entries))
    }

    @Test("a failure is said in the ticket; an entry logged on a ticket whose entries are listed asks for them again")
    func failedAndRelisted() {
        var s = openedDetail()
        _ = s.reduce(.key(.char("E")))
        _ = s.reduce(.timeEntriesFailed(id: Self.ticket.id, "HTTP 500"))
        #expect(render(s, theme: .fallback).text.contains("could not be listed: HTTP 500"))
        let d = TimeEntryDraft(
            ticketID: Self.ticket.id, number: Self.ticket.number, start: fixedNow.addingTimeInterval(-600),
            end: fixedNow, summary: "x", manual: true)
        // Not listed (a failure): not asked again.
        #expect(s.reduce(.timeLogged(d, caveat: nil)) == [])
        _ = s.reduce(.key(.char("E")))
        _ = s.reduce(.timeEntries(id: Self.ticket.id, Self.entries))
        #expect(s.reduce(.timeLogged(d, caveat: nil)) == [.loadTime(Self.ticket.id)])
    }

    @Test("E while the ticket itself is still on its way (a slow tier) is not lost: the entries are asked at once")
    func whileLoading() {
        var s = sampleState(width: 120, height: 40)
        s.listCursor.index = 2
        _ = s.reduce(.key(.enter))
        #expect(s.detail?.loading == true)
        #expect(s.reduce(.key(.char("E"))) == [.loadTime(Self.ticket.id)])
        _ = s.reduce(.timeEntries(id: Self.ticket.id, Self.entries))
        _ = s.reduce(.detail(Self.ticket))
        #expect(s.detail?.time == .loaded(Self.entries))
        #expect(render(s, theme: .fallback).text.contains("2.25 h in 2 entries, newest first"))
    }
}
