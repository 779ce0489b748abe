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
