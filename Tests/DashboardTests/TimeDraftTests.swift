import Dashboard
import Foundation
import PSACore
import Testing

@Suite("A time entry's summary kept as a draft, and written in the editor", .timeLimit(.minutes(5)))
struct TimeDraftTests {
    static let ticket = sampleTickets()[2]

    func type(_ text: String, into s: inout DashboardState) {
        for c in text { _ = s.reduce(.key(.char(c))) }
    }

    @Test("the entry asks for its draft; the summary goes to it on a tick as typed; the entry sent carries its path")
    func keptAsTyped() {
        var s = openedDetail()
        #expect(s.reduce(.key(.char("L"))) == [.openTimeDraft(ticketID: Self.ticket.id)])
        _ = s.reduce(.timeDraft(ticketID: Self.ticket.id, path: "/d/time-1.txt", text: ""))
        type("45m", into: &s)
        _ = s.reduce(.key(.enter))
        type("Swapped", into: &s)
        #expect(s.reduce(.tick(fixedNow)).contains(.keepDraft(path: "/d/time-1.txt", text: "Swapped")))
        // Nothing changed since: nothing written.
        #expect(!s.reduce(.tick(fixedNow)).contains { if case .keepDraft = $0 { true } else { false } })
        _ = s.reduce(.key(.enter))
        guard case .logTime(let d)? = s.reduce(.key(.char("y"))).first else {
            Issue.record("y sent nothing")
            return
        }
        #expect(d.draftPath == "/d/time-1.txt" && d.summary == "Swapped")
    }

    @Test("a draft kept from before (a refusal, a quit) is offered back into an empty summary")
    func offeredBack() {
        var s = sampleState(width: 120, height: 40)
        _ = s.reduce(.key(.char("T")))
        _ = s.reduce(.key(.char("T")))
        let id = s.screen.timerEntry?.draft.ticketID ?? 0
        _ = s.reduce(.timeDraft(ticketID: id, path: "/d/time-2.txt", text: "Checked the UPS"))
        #expect(s.screen.timerEntry?.draft.summary == "Checked the UPS")
        #expect(s.flash?.contains("kept from before") == true)
        // Esc keeps the timer and says the summary stays as a draft.
        _ = s.reduce(.key(.escape))
        #expect(s.flash == "timer still running; T stops it (the summary is kept as a draft)")
    }

    @Test("Ctrl-E hands the summary to the editor; its text comes back and goes to the question; a failure keeps it")
    func editor() {
        var s = openedDetail()
        _ = s.reduce(.key(.char("L")))
        #expect(s.reduce(.key(.ctrl("e"))) == [])  // (no draft yet: the hours are asked first)
        _ = s.reduce(.timeDraft(ticketID: Self.ticket.id, path: "/d/time-3.txt", text: ""))
        type("1", into: &s)
        _ = s.reduce(.key(.enter))
        type("draft", into: &s)
        #expect(s.reduce(.key(.ctrl("e"))) == [.editTimeSummary(path: "/d/time-3.txt", text: "draft")])
        _ = s.reduce(.timeSummaryEdited(path: "/d/time-3.txt", text: nil, failure: "the editor exited with 1"))
        #expect(s.mode == .timerTyping && s.screen.timerEntry?.draft.summary == "draft")
        #expect(s.flash?.contains("the editor exited with 1") == true)
        _ = s.reduce(.timeSummaryEdited(path: "/d/time-3.txt", text: "Replaced the fan\n", failure: nil))
        #expect(s.mode == .timerConfirm && s.screen.timerEntry?.draft.summary == "Replaced the fan")
    }
}
