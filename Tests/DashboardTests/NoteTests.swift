import Dashboard
import Foundation
import PSACore
import Testing

@Suite("Adding a note from a ticket", .timeLimit(.minutes(5)))
struct NoteTests {
    func opened() -> DashboardState { openedDetail() }

    @Test(
        "c opens the editor on a new draft; the question names who will see it (internal unless p); y sends once; the draft goes only when taken"
    )
    func editorFlow() {
        var s = opened()
        let id = s.detail!.id
        #expect(s.reduce(.key(.char("c"))) == [.writeNote(id: id, draft: nil)])
        _ = s.reduce(
            .noteDraft(id: id, text: "Called the user back.\nWaiting for the new toner.", path: "/tmp/d/1.txt"))
        let screen = render(s, theme: .fallback)
        assertSnapshot(screen, "note-confirm-120x40")
        let footer = screen.lines.last ?? ""
        #expect(footer.contains("Note on") && footer.contains("2 lines") && footer.contains("internal: your team only"))
        _ = s.reduce(.key(.char("p")))
        #expect((render(s, theme: .fallback).lines.last ?? "").contains("visible to the customer"))
        _ = s.reduce(.key(.char("p")))
        #expect(
            s.reduce(.key(.char("y"))) == [
                .addNote(
                    id: id, text: "Called the user back.\nWaiting for the new toner.", visibility: .internal,
                    draft: "/tmp/d/1.txt")
            ])
        #expect(s.detail?.saving?.contains("internal") == true)
        // A failure keeps the draft and says where; c reopens that draft, not a new one.
        _ = s.reduce(.noteFailed(id: id, error: "timed out", path: "/tmp/d/1.txt"))
        #expect(s.detail?.notice?.contains("/tmp/d/1.txt") == true && s.detail?.notice?.contains("Not retried") == true)
        #expect(s.reduce(.key(.char("c"))) == [.writeNote(id: id, draft: "/tmp/d/1.txt")])
        _ = s.reduce(.noteDraft(id: id, text: "Called the user back.", path: "/tmp/d/1.txt"))
        _ = s.reduce(.key(.char("y")))
        #expect(s.reduce(.noteAdded(id: id, visibility: .internal)) == [.loadDetail(id)])
        #expect(s.drafts[id] == nil && s.detail?.notice == "note added (internal: your team only)")
        // Esc at the question keeps the draft; e edits again.
        _ = s.reduce(.noteDraft(id: id, text: "x", path: "/tmp/d/2.txt"))
        #expect(s.reduce(.key(.char("e"))) == [.writeNote(id: id, draft: "/tmp/d/2.txt")])
        _ = s.reduce(.noteDraft(id: id, text: "x", path: "/tmp/d/2.txt"))
        _ = s.reduce(.key(.escape))
        #expect(
            s.detail?.noteConfirm == nil && s.drafts[id] == "/tmp/d/2.txt"
                && s.detail?.notice?.contains("kept at /tmp/d/2.txt") == true)
        // An editor that failed: nothing sent, the draft's path said.
        _ = s.reduce(.noteCancelled(id: id, reason: "note not sent: the editor exited with 1", path: "/tmp/d/2.txt"))
        #expect(s.detail?.notice?.contains("exited with 1") == true)
    }

    @Test(
        "no $EDITOR: typed inline (every key is text, q too); Enter is a new line, Ctrl-D done, Esc keeps it as a draft"
    )
    func inline() {
        var s = opened()
        let id = s.detail!.id
        _ = s.reduce(.noteInline(id: id, path: "/tmp/d/3.txt", text: ""))
        for c in "Reset q" { #expect(s.reduce(.key(.char(c))) == []) }
        _ = s.reduce(.key(.enter))
        for c in "done\u{1B}[2J" { _ = s.reduce(.key(.char(c))) }
        #expect(!s.quit && s.detail?.noteTyping?.text == "Reset q\ndone[2J")
        assertSnapshot(render(s, theme: .fallback), "note-inline-120x40")
        #expect(s.reduce(.key(.ctrl("d"))) == [.keepDraft(path: "/tmp/d/3.txt", text: "Reset q\ndone[2J")])
        #expect(s.detail?.noteConfirm?.text == "Reset q\ndone[2J")
        // An empty inline note sends nothing.
        var e = opened()
        _ = e.reduce(.noteInline(id: id, path: "/tmp/d/4.txt", text: ""))
        #expect(
            e.reduce(.key(.ctrl("d"))) == [] && e.detail?.noteConfirm == nil
                && e.detail?.notice == "empty note: nothing sent")
    }

    @Test("the note text is cleaned: control and format characters go, line breaks and tabs stay")
    func clean() {
        #expect(NoteText.clean("a\u{1B}[31mb\r\n\tc\u{202E}d\u{0}  \n") == "a[31mb\n\tcd")
        #expect(NoteText.title("\n\nFirst line\nsecond") == "First line")
        #expect(NoteText.title(String(repeating: "x", count: 300)).count == 250)
    }
}

@Suite("My tickets", .timeLimit(.minutes(5)))
struct MineTests {
    @Test(
        "m toggles who:me once me is known; matches by the vendor's id, else the e-mail, else the name; unknown me is said"
    )
    func mine() {
        var s = sampleState(width: 120, height: 40)
        var t = sampleTickets(6)
        // Others' tickets carry their assignee's id; mine 42 (Autotask); one only an e-mail (Atera).
        for i in t.indices where !t[i].assignee.isEmpty { t[i].assigneeID = 41 }
        t[1].assigneeID = 42
        t[3].assigneeID = 42
        t[4].assigneeID = nil
        t[4].assignee = "Dana W."
        t[4].assigneeEmail = "dana@msp.example"
        s.tickets = TicketList(t)
        s.total = 6
        _ = s.reduce(.key(.char("m")))
        #expect(s.filterText.isEmpty && s.flash?.contains("who is me?") == true)
        _ = s.reduce(.me(Person(id: 42, name: "Dana Whitfield", email: "dana@msp.example")))
        _ = s.reduce(.key(.char("m")))
        #expect(s.filterText == "who:me")
        // 7001 and 7003 by id; 7004 has no id, and its e-mail is mine.
        #expect((0..<s.visibleCount).map { s.tickets[s.ticketIndex(row: $0)].id } == [7_001, 7_003, 7_004])
        _ = s.reduce(.key(.char("m")))
        #expect(s.filterText.isEmpty && s.visibleCount == 6)
        // Atera: no ids for me, the e-mail matches.
        _ = s.reduce(.me(Person(id: nil, name: nil, email: "DANA@msp.example")))
        _ = s.reduce(.key(.char("m")))
        #expect((0..<s.visibleCount).map { s.tickets[s.ticketIndex(row: $0)].id } == [7_004])
        #expect(!TicketFilter("who:me", me: nil).matches(t[1]))
    }
}
