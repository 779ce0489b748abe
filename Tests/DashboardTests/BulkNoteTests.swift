import Dashboard
import Foundation
import PSACore
import Testing

@Suite("A note to the marked tickets (b, c)", .timeLimit(.minutes(5)))
struct BulkNoteTests {
    @Test(
        "c types the note, Enter shows the one question with its cost (internal), y sends one command once; outcomes unmark"
    )
    func flow() {
        var s = sampleState(width: 120, height: 40)
        for _ in 0..<3 { _ = s.reduce(.key(.char("x"))) }
        _ = s.reduce(.key(.char("b")))
        let ids = s.bulk?.ids ?? []
        #expect(ids.count == 3)
        _ = s.reduce(.key(.char("c")))
        #expect(s.mode == .bulkNote)
        _ = s.reduce(.key(.enter))
        #expect(s.mode == .bulkNote && s.flash == "an empty note is not sent")
        for c in "Patched overnight" { _ = s.reduce(.key(.char(c))) }
        #expect((render(s, theme: .fallback).lines.last ?? "").contains("Internal note to 3 marked: Patched overnight"))
        _ = s.reduce(.key(.enter))
        #expect(s.mode == .bulkConfirm)
        let text = render(s, theme: .fallback).text
        #expect(text.contains("internal note on 3 tickets, each once") && text.contains("3 notes (POST) = 3 requests"))
        #expect(s.reduce(.key(.char("y"))) == [.bulkNote(ids: ids, text: "Patched overnight")])
        #expect(s.reduce(.key(.char("y"))) == [])
        _ = s.reduce(.bulkOutcome(id: ids[0], .noted))
        _ = s.reduce(.bulkOutcome(id: ids[1], .noted))
        _ = s.reduce(.bulkOutcome(id: ids[2], .failed("HTTP 500")))
        _ = s.reduce(.bulkEnded)
        #expect(s.marks == [ids[2]])
        #expect(s.flash == "note on 3 tickets: 2 sent, 1 failed (still marked)")
        let done = render(s, theme: .fallback).text
        #expect(done.contains("note added") && done.contains("failed: HTTP 500 (still marked)"))
    }

    @Test("n at the question goes back to the text; Esc there goes back to the menu; read-only refuses c")
    func backAndReadOnly() {
        var s = sampleState(width: 120, height: 40)
        _ = s.reduce(.key(.char("x")))
        _ = s.reduce(.key(.char("b")))
        _ = s.reduce(.key(.char("c")))
        for c in "hi" { _ = s.reduce(.key(.char(c))) }
        _ = s.reduce(.key(.enter))
        _ = s.reduce(.key(.char("n")))
        #expect(s.mode == .bulkNote && s.bulk?.note == "hi")
        _ = s.reduce(.key(.escape))
        #expect(s.mode == .bulkMenu && s.bulk?.note == nil)
        s.writePolicy = WritePolicy(readOnly: true, profile: "acme")
        #expect(s.reduce(.key(.char("c"))) == [])
        #expect(s.mode == .bulkMenu && s.flash == "read-only (profile acme): nothing sent")
    }
}
