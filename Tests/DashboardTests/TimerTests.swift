import Dashboard
import Foundation
import PSACore
import Testing

@Suite("The timer on a ticket (T)", .timeLimit(.minutes(5)))
struct TimerTests {
    static let ticket = sampleTickets()[2]

    func type(_ text: String, into s: inout DashboardState) {
        for c in text { _ = s.reduce(.key(.char(c))) }
    }

    @Test("T in the list starts the timer on the selected ticket, kept at once; the title bar counts on the test clock")
    func start() {
        var s = sampleState(width: 120, height: 40)
        let timer = RunningTimer(
            ticketID: Self.ticket.id, number: Self.ticket.number, start: fixedNow, tenant: "api@contoso.example")
        #expect(s.reduce(.key(.char("T"))) == [.saveTimer(timer)])
        #expect(s.screen.timer == timer)
        _ = s.reduce(.tick(fixedNow.addingTimeInterval(65 * 60 + 20)))
        let title = render(s, theme: .fallback).lines[0]
        #expect(title.contains("timer \(Self.ticket.number) 1:05"), "\(title)")
    }

    @Test("T again stops it: the summary is typed inline, Enter shows start–end and hours, y sends it once")
    func stopAndConfirm() {
        var s = openedDetail()
        _ = s.reduce(.key(.char("T")))
        _ = s.reduce(.tick(fixedNow.addingTimeInterval(90 * 60)))
        #expect(s.reduce(.key(.char("T"))) == [.openTimeDraft(ticketID: Self.ticket.id)])
        #expect(s.mode == .timerTyping)
        type("Replaced the PSU", into: &s)
        _ = s.reduce(.key(.backspace))
        _ = s.reduce(.key(.enter))
        #expect(s.mode == .timerConfirm)
        let footer = render(s, theme: .fallback).lines.last ?? ""
        #expect(footer.contains("12:00–13:30 1.50 h") && footer.contains("Replaced the PS"), "\(footer)")
        let draft = TimeEntryDraft(
            ticketID: Self.ticket.id, number: Self.ticket.number, start: fixedNow,
            end: fixedNow.addingTimeInterval(90 * 60), summary: "Replaced the PS")
        #expect(draft.hours == 1.5)
        #expect(s.reduce(.key(.char("y"))) == [.logTime(draft)])
        #expect(s.screen.timer == nil && s.screen.timerEntry == nil && s.mode == .detail)
        // The server took it: the kept timer goes.
        #expect(s.reduce(.timeLogged(draft, caveat: nil)) == [.saveTimer(nil)])
        #expect(s.flash == "logged 1.50 h on \(Self.ticket.number)")
    }

    @Test("Esc at the entry keeps the timer running; a refused entry puts the timer back (nothing lost)")
    func keepAndFail() {
        var s = sampleState(width: 120, height: 40)
        _ = s.reduce(.key(.char("T")))
        _ = s.reduce(.tick(fixedNow.addingTimeInterval(600)))
        _ = s.reduce(.key(.char("T")))
        _ = s.reduce(.key(.enter))
        #expect(s.reduce(.key(.escape)) == [])
        #expect(s.screen.timer?.start == fixedNow && s.mode == .list)
        _ = s.reduce(.key(.char("T")))
        _ = s.reduce(.key(.enter))
        guard case .logTime(let draft)? = s.reduce(.key(.char("y"))).first else {
            Issue.record("y sent nothing")
            return
        }
        #expect(s.reduce(.timeFailed(draft, "Missing required field(s) on TimeEntry: roleID.")) == [])
        #expect(s.screen.timer?.start == fixedNow)
        #expect(s.flash?.contains("roleID") == true && s.flash?.contains("timer kept") == true)
    }

    @Test("read-only: T says so and starts nothing; y at an entry open when the profile turned read-only sends nothing")
    func readOnly() {
        var s = sampleState(width: 120, height: 40)
        s.writePolicy = WritePolicy(readOnly: true, profile: "acme")
        #expect(s.reduce(.key(.char("T"))) == [])
        #expect(s.screen.timer == nil && s.flash == "read-only (profile acme): nothing sent")
        s.writePolicy = WritePolicy()
        _ = s.reduce(.key(.char("T")))
        _ = s.reduce(.key(.char("T")))
        _ = s.reduce(.key(.enter))
        s.writePolicy = WritePolicy(readOnly: true, profile: "acme")
        #expect(s.reduce(.key(.char("y"))) == [])
        #expect(s.mode == .timerConfirm && s.flash == "read-only (profile acme): nothing sent")
        #expect(s.refusal(for: .time) == "read-only (profile acme)")
    }

    @Test("on a vendor without time writes (Atera) T says so and starts nothing")
    func vendorWithoutTime() {
        var s = DashboardState(vendor: .atera, tenant: "demo", now: fixedNow, width: 120, height: 40)
        s.tickets = TicketList(sampleTickets())
        #expect(s.reduce(.key(.char("T"))) == [])
        #expect(s.screen.timer == nil && s.flash?.contains("Atera's API has no time writes") == true)
    }

    @Test("T on another tenant than the timer's stops nothing and says which tenant it runs on")
    func otherTenant() {
        var s = sampleState(width: 120, height: 40)
        _ = s.reduce(.key(.char("T")))
        #expect(s.screen.timer?.tenant == "api@contoso.example")
        s.tenant = "globex"
        #expect(s.reduce(.key(.char("T"))) == [])
        #expect(s.mode == .list && s.screen.timerEntry == nil)
        #expect(
            s.flash == "the timer runs on \(Self.ticket.number) of api@contoso.example: switch to it (:) to stop it")
    }

    @Test("a timer kept from before is offered back: T stops it, Esc drops it (the file goes)")
    func offeredBack() {
        let kept = RunningTimer(
            ticketID: 7_005, number: "T20261105.0005", start: fixedNow.addingTimeInterval(-2 * 3600))
        var s = sampleState(width: 120, height: 40)
        #expect(s.reduce(.timerRestored(kept)) == [])
        #expect(s.mode == .timerOffer)
        #expect(s.flash == "timer on T20261105.0005 since 10:00 — T to stop, Esc to drop")
        var stop = s
        _ = stop.reduce(.key(.char("T")))
        #expect(stop.mode == .timerTyping && stop.screen.timerEntry?.draft.start == kept.start)
        #expect(s.reduce(.key(.escape)) == [.saveTimer(nil)])
        #expect(s.screen.timer == nil && s.mode == .list)
    }
}
