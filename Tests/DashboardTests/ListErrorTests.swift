import Dashboard
import Foundation
import PSACore
import Testing

@Suite("The list's error is read whole")
struct ListErrorTests {
    @Test("F status:Bogus: the valid statuses wrap over the pane instead of being cut at its edge")
    func validListNotCut() {
        var s = DashboardState(
            vendor: .autotask, tenant: "t", now: Date(timeIntervalSince1970: 0), width: 80, height: 24)
        _ = s.reduce(
            .pageFailed(
                "refused before sending (no status 'Bogus' among the tenant's statuses; known: Complete, Customer Note Added, Escalated, In Progress, New, Waiting Customer, Waiting Materials, Waiting Vendor)"
            ))
        let text = render(s, theme: .fallback).text
        #expect(text.contains("Waiting Vendor)"), "\(text)")
        #expect(text.contains("could not load tickets:"))
    }
}

@Suite("Footer hints offer only what the vendor does")
struct VendorHintTests {
    @Test("a attach is offered on Autotask's ticket, not on Atera's, whose API refuses attachments")
    func attachHint() {
        let autotask = openedDetail()
        #expect(KeyMap.of(autotask.mode).hints(autotask).contains { $0.keys == "a" && $0.text == "attach" })
        var atera = DashboardState(
            vendor: .atera, tenant: "a", now: Date(timeIntervalSince1970: 0), width: 120, height: 40)
        atera.tickets = TicketList(sampleTickets())
        atera.total = atera.tickets.count
        atera.listCursor.index = 0
        _ = atera.reduce(.key(.enter))
        _ = atera.reduce(.detail(sampleTickets()[0]))
        #expect(atera.detail != nil)
        #expect(!KeyMap.of(atera.mode).hints(atera).contains { $0.keys == "a" })
    }
}

@Suite("Dates in a ticket's fields")
struct FieldDateTests {
    @Test("Atera's dates in the detail's fields show as the other dates do, not as raw ISO")
    func fieldDates() {
        var t = sampleTickets()[0]
        t.fields = [
            Ticket.Field("Resolved", "2026-11-28T10:02:00Z"),
            Ticket.Field("Last end-user comment", "2026-11-28T09:15:00Z · thanks, it works"),
            Ticket.Field("Type", "Incident"),
        ]
        var s = DashboardState(vendor: .atera, tenant: "a", now: Date(timeIntervalSince1970: 0), width: 120, height: 40)
        s.timeZone = TimeZone(identifier: "UTC")!
        s.tickets = [t]
        s.total = 1
        s.listCursor.index = 0
        _ = s.reduce(.key(.enter))
        _ = s.reduce(.detail(t))
        let text = render(s, theme: .fallback).text
        #expect(!text.contains("2026-11-28T10:02:00Z") && !text.contains("T09:15:00Z"), "\(text)")
        let created = render(s, theme: .fallback).text
        #expect(created.contains("2026-11-28 10:02"), "\(text)")
        #expect(created.contains("2026-11-28 09:15") && created.contains("thanks, it works"), "\(text)")
        #expect(created.contains("Incident"))
    }
}
