import Dashboard
import Foundation
import PSACore
import Testing

@Suite("Time logged without a timer (L)", .timeLimit(.minutes(5)))
struct TimeLogTests {
    static let ticket = sampleTickets()[2]
    static let utc = TimeZone(identifier: "UTC")!

    func type(_ text: String, into s: inout DashboardState) {
        for c in text { _ = s.reduce(.key(.char(c))) }
    }

    @Test(
        "hours as typed: decimals, a comma, h and m, H:MM; start–end today; bad input says why",
        arguments: [
            ("1.5", 90), ("1,5", 90), ("1.5h", 90), ("90m", 90), ("90 min", 90), ("1h30", 90), ("1h 30m", 90),
            ("1:30", 90), ("0:05", 5), ("2", 120), ("0.25", 15),
        ])
    func hours(_ text: String, _ minutes: Int) throws {
        let span = try TimeSpan.parse(text, now: fixedNow, timeZone: Self.utc)
        #expect(span.end == fixedNow && span.start == fixedNow.addingTimeInterval(Double(-minutes * 60)))
    }

    @Test("start–end is today's times in the screen's zone; ends after it starts, not after now; a minute to a day")
    func spans() throws {
        // fixedNow is 12:00 UTC.
        let s = try TimeSpan.parse("9:00-10:30", now: fixedNow, timeZone: Self.utc)
        #expect(s.start == fixedNow.addingTimeInterval(-3 * 3600) && s.end == fixedNow.addingTimeInterval(-5400))
        let dash = try TimeSpan.parse("09:00 – 10", now: fixedNow, timeZone: Self.utc)
        #expect(dash.end == fixedNow.addingTimeInterval(-2 * 3600))
        let bad: [(String, String)] = [
            ("", "type the hours"), ("abc", "is not hours"), ("10:30-9:00", "is not after"),
            ("11:00-13:00", "later than now"), ("0", "at least a minute"), ("25", "at most 24 hours"),
            ("1:75", "is not hours"), ("9:00-", "two times of today"),
        ]
        for (text, says) in bad {
            #expect(throws: TimeSpan.Invalid.self, "\(text)") {
                try TimeSpan.parse(text, now: fixedNow, timeZone: Self.utc)
            }
            do { _ = try TimeSpan.parse(text, now: fixedNow, timeZone: Self.utc) } catch {
                #expect(error.message.contains(says), "\(text): \(error.message)")
            }
        }
    }

    @Test("L in a ticket: the hours, then the summary, then the timer's question; y sends one manual entry")
    func logFromDetail() {
        var s = openedDetail()
        #expect(s.reduce(.key(.char("L"))) == [.openTimeDraft(ticketID: Self.ticket.id)])
        #expect(s.mode == .timeSpan)
        let prompt = render(s, theme: .fallback).lines.last ?? ""
        #expect(prompt.contains("Time on \(Self.ticket.number), hours or start–end"), "\(prompt)")
        type("1:3", into: &s)
        _ = s.reduce(.key(.char("x")))
        _ = s.reduce(.key(.backspace))
        type("0", into: &s)
        _ = s.reduce(.key(.enter))
        #expect(s.mode == .timerTyping)
        type("Patched the server", into: &s)
        _ = s.reduce(.key(.enter))
        #expect(s.mode == .timerConfirm)
        let footer = render(s, theme: .fallback).lines.last ?? ""
        #expect(footer.contains("10:30–12:00 1.50 h") && footer.contains("Esc cancel"), "\(footer)")
        let draft = TimeEntryDraft(
            ticketID: Self.ticket.id, number: Self.ticket.number, start: fixedNow.addingTimeInterval(-5400),
            end: fixedNow, summary: "Patched the server", manual: true)
        #expect(s.reduce(.key(.char("y"))) == [.logTime(draft)])
        #expect(s.mode == .detail && s.screen.timer == nil)
        // No timer behind it: the kept timer file is not touched.
        #expect(s.reduce(.timeLogged(draft, caveat: nil)) == [])
        #expect(s.flash == "logged 1.50 h on \(Self.ticket.number)")
    }

    @Test("bad hours keep what was typed and say why; Esc drops the entry, nothing sent; a running timer keeps running")
    func badInputAndCancel() {
        var s = sampleState(width: 120, height: 40)
        _ = s.reduce(.key(.char("T")))
        let timer = s.screen.timer
        #expect(s.reduce(.key(.char("L"))) == [.openTimeDraft(ticketID: timer?.ticketID ?? 0)])
        type("lots", into: &s)
        #expect(s.reduce(.key(.enter)) == [])
        #expect(s.mode == .timeSpan && s.screen.timerEntry?.spanText == "lots")
        #expect(s.flash?.contains("is not hours or start–end") == true)
        #expect(s.reduce(.key(.escape)) == [])
        #expect(s.mode == .list && s.screen.timerEntry == nil && s.screen.timer == timer)
        #expect(s.flash == "time not logged: nothing sent")
        // The timer's own entry, logged, keeps a timer started meanwhile: the file holds it.
        let other = TimeEntryDraft(
            ticketID: 1, number: "T1", start: fixedNow.addingTimeInterval(-60), end: fixedNow, summary: "")
        #expect(s.reduce(.timeLogged(other, caveat: nil)) == [.saveTimer(timer)])
    }

    @Test("a refused entry comes back at its question with the server's reason; e edits the hours as typed")
    func refusedKept() {
        var s = openedDetail()
        _ = s.reduce(.key(.char("L")))
        type("9:00-10:00", into: &s)
        _ = s.reduce(.key(.enter))
        type("Backups", into: &s)
        _ = s.reduce(.key(.enter))
        guard case .logTime(let draft)? = s.reduce(.key(.char("y"))).first else {
            Issue.record("y sent nothing")
            return
        }
        #expect(draft.manual && draft.hours == 1)
        #expect(s.reduce(.timeFailed(draft, "Missing required field(s) on TimeEntry: roleID.")) == [])
        #expect(s.mode == .timerConfirm && s.screen.timerEntry?.draft == draft && s.screen.timer == nil)
        #expect(s.flash?.contains("roleID") == true && s.flash?.contains("entry kept") == true)
        // Said on the entry's line too (the footer is the question).
        let line = render(s, theme: .fallback).lines.last ?? ""
        #expect(line.contains("not logged: Missing required field(s) on TimeEntry: roleID"), "\(line)")
        _ = s.reduce(.key(.char("e")))
        #expect(s.mode == .timeSpan && s.screen.timerEntry?.spanText == "09:00-10:00")
    }

    @Test("read-only refuses L and sends nothing; Atera says it has no time writes")
    func refusals() {
        var s = sampleState(width: 120, height: 40)
        s.writePolicy = WritePolicy(readOnly: true, profile: "acme")
        #expect(s.reduce(.key(.char("L"))) == [])
        #expect(s.mode == .list && s.flash == "read-only (profile acme): nothing sent")
        var a = DashboardState(vendor: .atera, tenant: "demo", now: fixedNow, width: 120, height: 40)
        a.tickets = TicketList(sampleTickets())
        #expect(a.reduce(.key(.char("L"))) == [])
        #expect(a.screen.timerEntry == nil && a.flash?.contains("Atera's API has no time writes") == true)
    }
}
