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
        atera.tickets = sampleTickets()
        atera.total = atera.tickets.count
        atera.selected = 0
        _ = atera.reduce(.key(.enter))
        _ = atera.reduce(.detail(sampleTickets()[0]))
        #expect(atera.detail != nil)
        #expect(!KeyMap.of(atera.mode).hints(atera).contains { $0.keys == "a" })
    }
}
