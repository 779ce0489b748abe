import Dashboard
import Foundation
import PSACore
import Testing

@Suite("Saving a ticket's attachment (w)", .timeLimit(.minutes(5)))
struct SaveAttachmentTests {
    static let files = [
        TicketAttachment(
            id: 90_000_001, name: "error-screenshot.png", size: 48_213, author: "Dana Whitfield",
            date: fixedNow.addingTimeInterval(-7_200), isInternal: true),
        TicketAttachment(
            id: 90_000_002, name: "../../.bashrc\u{202E}gnp.exe", size: 21, author: "Ravi Patel",
            date: fixedNow.addingTimeInterval(-3_600), isInternal: false),
    ]

    @Test(
        "the detail lists the attachments (name cleaned, size, who, when, who sees it); w asks where, ↓ picks another, Enter saves"
    )
    func listAndSave() {
        var s = openedDetail()
        let id = s.detail!.id
        // Opening the ticket asked for no attachments: `w` asks (once), and the prompt opens when they come.
        #expect(s.detail?.attachments == nil)
        #expect(s.reduce(.key(.char("w"))) == [.loadAttachments(id)])
        #expect(s.reduce(.key(.char("w"))) == [])
        _ = s.reduce(.attachments(id: id, Self.files))
        #expect(s.detail?.attachments?[1].name == "bashrcgnp.exe")
        #expect(s.detail?.save == AttachmentSave(index: 0, path: "error-screenshot.png"))
        assertSnapshot(render(s, theme: .fallback), "detail-attachments-120x40")
        var small = s
        _ = small.reduce(.resize(width: 80, height: 24))
        small.detail?.scroll.index = 20
        assertSnapshot(render(small, theme: .fallback), "detail-attachments-80x24")
        _ = s.reduce(.key(.down))
        #expect(s.detail?.save?.path == "bashrcgnp.exe")
        // Typing keys are the path's (q, y, ? included), not commands.
        _ = s.reduce(.key(.ctrl("u")))
        for c in "~/q?y.exe" { _ = s.reduce(.key(.char(c))) }
        _ = s.reduce(.key(.up))
        #expect(s.detail?.save?.path == "~/q?y.exe" && s.detail?.save?.choice.index == 0)
        #expect(s.reduce(.key(.enter)) == [.saveAttachment(id: id, Self.files[0], path: "~/q?y.exe", replace: false)])
        _ = s.reduce(.attachmentSaved(id: id, name: "error-screenshot.png", path: "/home/u/q?y.exe", bytes: 48_213))
        #expect(s.detail?.save == nil && s.detail?.notice == "saved error-screenshot.png (48.2 kB) to /home/u/q?y.exe")
    }

    @Test("w on a ticket without attachments: asked once, then said; a failure is said and w asks again")
    func noneOrFailed() {
        var s = openedDetail()
        let id = s.detail!.id
        #expect(s.reduce(.key(.char("w"))) == [.loadAttachments(id)])
        _ = s.reduce(.attachments(id: id, []))
        #expect(s.detail?.notice == "this ticket has no attachments" && s.detail?.save == nil)
        #expect(s.reduce(.key(.char("w"))) == [])  // known now: not asked again
        var f = openedDetail()
        _ = f.reduce(.key(.char("w")))
        _ = f.reduce(.attachmentsFailed(id: id, "HTTP 500"))
        #expect(f.detail?.notice == "attachments could not be loaded: HTTP 500" && f.detail?.noticeIsError == true)
        #expect(f.reduce(.key(.char("w"))) == [.loadAttachments(id)])
    }

    @Test("a file already there is replaced only after y; n goes back to the path; Esc keeps it")
    func neverOverwritesUnasked() {
        var s = openedDetail()
        let id = s.detail!.id
        _ = s.reduce(.attachments(id: id, Self.files))
        _ = s.reduce(.key(.char("w")))
        _ = s.reduce(.key(.enter))
        _ = s.reduce(.attachmentExists(id: id, path: "/w/error-screenshot.png"))
        #expect(s.detail?.save?.replacing == true)
        let bottom = render(s, theme: .fallback).text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(bottom.contains("error-screenshot.png exists") && bottom.contains("y replace it"))
        _ = s.reduce(.key(.char("n")))
        #expect(s.detail?.save?.replacing == false)
        _ = s.reduce(.key(.enter))
        _ = s.reduce(.attachmentExists(id: id, path: "/w/error-screenshot.png"))
        #expect(
            s.reduce(.key(.char("y"))) == [
                .saveAttachment(id: id, Self.files[0], path: "error-screenshot.png", replace: true)
            ])
        _ = s.reduce(.attachmentSaveFailed(id: id, name: "error-screenshot.png", error: "cannot write in /w"))
        #expect(
            s.detail?.noticeIsError == true && s.detail?.notice == "error-screenshot.png not saved: cannot write in /w")
    }

    @Test(
        "hostile file names: the last component only, no control, bidi or leading dot, bounded; nothing left is 'attachment'"
    )
    func safeNames() {
        #expect(SafeFileName.clean("../../.bashrc\u{202E}gnp.exe") == "bashrcgnp.exe")
        #expect(SafeFileName.clean("C:\\Windows\\system32\\evil.dll") == "evil.dll")
        #expect(SafeFileName.clean("report\u{1B}[2J\u{7}.pdf") == "report[2J.pdf")
        #expect(
            SafeFileName.clean("..") == "attachment" && SafeFileName.clean("/") == "attachment"
                && SafeFileName.clean("") == "attachment")
        #expect(SafeFileName.clean("a\u{200B}b\u{0}c.txt") == "abc.txt")
        let long = SafeFileName.clean(String(repeating: "x", count: 400) + ".pdf")
        #expect(long.count == 150 && long.hasSuffix(".pdf"))
    }
}
