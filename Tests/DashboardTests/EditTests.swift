import Dashboard
import Foundation
import PSACore
import Testing

@Suite("Changing a ticket's status or priority", .timeLimit(.minutes(5)))
struct EditTests {
    /// The list with ticket 7002 open in full.
    func opened() -> DashboardState { openedDetail() }

    @Test(
        "s opens the status picker on the current label; Enter asks; y sends only that field; the list and detail follow"
    )
    func statusChange() {
        var s = opened()
        let t = sampleTickets()[2]
        // The open ticket's own choices (ConnectWise: its board's statuses).
        #expect(s.reduce(.key(.char("s"))) == [.loadChoices(.status, ticket: t.id)])
        _ = s.reduce(.choices(.status, ["New", "In Progress", "Waiting Customer", "Complete", "Escalated"]))
        #expect(s.detail?.edit?.selected == 2)  // t.status is "Waiting Customer"
        assertSnapshot(render(s, theme: .fallback), "edit-picker-120x40")
        _ = s.reduce(.key(.char("j")))
        #expect(s.reduce(.key(.enter)) == [])
        #expect(s.detail?.edit?.confirming == true)
        assertSnapshot(render(s, theme: .fallback), "edit-confirm-120x40")
        #expect(s.reduce(.key(.char("y"))) == [.change(id: t.id, .status, to: "Complete")])
        #expect(s.detail?.edit == nil && s.detail?.saving != nil)
        // Another change waits for this one.
        #expect(s.reduce(.key(.char("p"))) == [])
        // The poller read the ticket back: it sends the fresh copy, then the outcome (no second fetch).
        #expect(s.reduce(.updated(id: t.id, .status, "Complete", .confirmed)) == [])
        #expect(
            s.detail?.ticket.status == "Complete"
                && s.detail?.notice == "status set to Complete (read back from the server)")
        #expect(s.detail?.noticeIsError == false)
        #expect(s.tickets[2].status == "Complete" && s.changedIDs.contains(t.id))
    }

    @Test("A assigns: the picker starts on the current assignee; y sends the assignee only; the list and detail follow")
    func assign() {
        var s = opened()
        let t = s.detail!.ticket
        #expect(s.reduce(.key(.char("A"))) == [.loadChoices(.assignee, ticket: t.id)])
        let people = ["Dana Whitfield", "Ravi Patel", "Sofia García", t.assignee].filter { !$0.isEmpty }
        _ = s.reduce(.choices(.assignee, people))
        #expect(s.detail?.edit?.field == .assignee && s.detail?.edit?.allowsOther == false)
        #expect(s.detail?.edit?.selected == people.firstIndex(of: t.assignee) ?? 0)
        _ = s.reduce(.key(.char("g")))
        if t.assignee == "Dana Whitfield" { _ = s.reduce(.key(.char("j"))) }
        let picked = t.assignee == "Dana Whitfield" ? "Ravi Patel" : "Dana Whitfield"
        _ = s.reduce(.key(.enter))
        #expect(s.reduce(.key(.char("y"))) == [.change(id: t.id, .assignee, to: picked)])
        _ = s.reduce(.updated(id: t.id, .assignee, picked, .confirmed))
        #expect(
            s.detail?.ticket.assignee == picked
                && s.detail?.notice == "assignee set to \(picked) (read back from the server)")
        #expect(s.tickets.first { $0.id == t.id }?.assignee == picked)
    }

    @Test("Atera assigns by e-mail: another technician is typed; the label's e-mail is what the ticket holds")
    func ateraAssignLabel() {
        var t = Ticket(
            id: 1, number: "1", title: "x", status: "Open", priority: "Low", assignee: "Mei Lin",
            assigneeEmail: "mei.lin@msp.example")
        #expect(t.value(of: .assignee) == "Mei Lin <mei.lin@msp.example>")
        #expect(
            t.holds("MEI LIN <Mei.Lin@msp.example>", for: .assignee)
                && !t.holds("Tom Becker <tom.becker@msp.example>", for: .assignee))
        t.set(.assignee, to: "Tom Becker <tom.becker@msp.example>")
        #expect(t.assignee == "Tom Becker" && t.assigneeEmail == "tom.becker@msp.example")
        t.set(.assignee, to: "x@y.example")
        #expect(t.assignee == "x@y.example" && Ticket.email(inLabel: "no mail here") == nil)
        var s = opened()
        s.vendor = .atera
        _ = s.reduce(.key(.char("A")))
        _ = s.reduce(.choices(.assignee, ["Mei Lin <mei.lin@msp.example>"]))
        #expect(s.detail?.edit?.allowsOther == true)
    }

    @Test(
        "A change the server took but undid (a workflow rule) shows what it holds; a failed read-back is 'not confirmed', never 'failed'"
    )
    func readBack() {
        var s = opened()
        let t = s.detail!.ticket
        _ = s.reduce(.key(.char("s")))
        _ = s.reduce(.choices(.status, ["New", "In Progress", "Waiting Customer", "Complete"]))
        _ = s.reduce(.key(.char("j")))
        _ = s.reduce(.key(.enter))
        #expect(s.reduce(.key(.char("y"))) == [.change(id: t.id, .status, to: "Complete")])
        _ = s.reduce(.updated(id: t.id, .status, "Complete", .differs(held: "New")))
        #expect(s.detail?.ticket.status == "New" && s.detail?.noticeIsError == true)
        #expect(
            s.detail?.notice
                == "status sent as Complete, but the server holds New (a workflow rule may have changed it)")
        #expect(s.tickets.first { $0.id == t.id }?.status == "New")
        _ = s.reduce(.updated(id: t.id, .status, "Complete", .notConfirmed("HTTP 500: server error")))
        #expect(s.detail?.notice?.hasPrefix("status sent as Complete, not confirmed") == true)
        #expect(s.detail?.notice?.contains("failed to set") != true && s.detail?.ticket.status == "Complete")
    }

    @Test(
        "Atera statuses are free strings: the picker offers another, typed; the question says it was not seen on this tenant"
    )
    func ateraOtherStatus() {
        var s = opened()
        s.vendor = .atera
        let t = s.detail!.ticket
        _ = s.reduce(.key(.char("s")))
        _ = s.reduce(.choices(.status, ["Open", "Pending", "Resolved", "Closed", "Waiting customer"]))
        #expect(s.detail?.edit?.allowsOther == true)
        _ = s.reduce(.key(.char("G")))
        #expect(s.detail?.edit?.selected == 5)
        #expect(s.reduce(.key(.enter)) == [] && s.detail?.edit?.typed == "")
        // Typing takes every key: q is a letter here.
        for c in "On hold q" { #expect(s.reduce(.key(.char(c))) == []) }
        #expect(!s.quit)
        _ = s.reduce(.key(.backspace))
        _ = s.reduce(.key(.backspace))
        _ = s.reduce(.key(.enter))
        #expect(s.detail?.edit?.confirming == true && s.detail?.edit?.other == "On hold")
        let screen = render(s, theme: .fallback).lines.joined(separator: "\n")
        #expect(screen.contains("not seen on this tenant"))
        #expect(s.reduce(.key(.char("y"))) == [.change(id: t.id, .status, to: "On hold")])
        // Autotask's picklists are the tenant's: no typing there.
        var a = opened()
        _ = a.reduce(.key(.char("s")))
        _ = a.reduce(.choices(.status, ["New", "Complete"]))
        #expect(a.detail?.edit?.allowsOther == false)
    }

    @Test("n goes back to the list of labels, Esc closes; picking the current label sends nothing")
    func cancel() {
        var s = opened()
        _ = s.reduce(.key(.char("p")))
        _ = s.reduce(.choices(.priority, ["Critical", "High", "Medium", "Low"]))
        #expect(s.detail?.edit?.selected == 2)  // "Medium"
        _ = s.reduce(.key(.char("k")))
        _ = s.reduce(.key(.enter))
        _ = s.reduce(.key(.char("n")))
        #expect(s.detail?.edit?.confirming == false)
        _ = s.reduce(.key(.escape))
        #expect(s.detail?.edit == nil && s.detail != nil)
        _ = s.reduce(.key(.char("p")))
        _ = s.reduce(.choices(.priority, ["Critical", "High", "Medium", "Low"]))
        #expect(s.reduce(.key(.enter)) == [])
        #expect(s.detail?.edit == nil && s.detail?.notice?.contains("nothing sent") == true)
    }

    @Test("a failed change is shown, not retried, and the copies keep the old value")
    func failure() {
        var s = opened()
        let t = sampleTickets()[2]
        _ = s.reduce(.key(.char("s")))
        _ = s.reduce(.choices(.status, ["New", "Complete"]))
        _ = s.reduce(.key(.char("j")))
        _ = s.reduce(.key(.enter))
        _ = s.reduce(.key(.char("y")))
        #expect(s.reduce(.updateFailed(id: t.id, .status, "Complete", error: "server error (500)")) == [])
        #expect(s.detail?.noticeIsError == true && s.detail?.notice?.contains("Not retried") == true)
        #expect(s.detail?.ticket.status == t.status && s.tickets[2].status == t.status)
        s.width = 80
        s.height = 24
        s.ascii = true
        assertSnapshot(render(s, theme: .fallback), "edit-failed-ascii-80x24")
    }

    @Test("Atera comments follow the description, newest first, sanitized; a failure to load them is said")
    func comments() {
        var s = opened()
        s.vendor = .atera
        let id = s.detail!.id
        _ = s.reduce(
            .comments(id: 999, [TicketComment(date: fixedNow, author: "x", text: "other ticket", isInternal: false)]))
        #expect(s.detail?.comments == nil)
        _ = s.reduce(
            .comments(
                id: id,
                [
                    TicketComment(
                        date: fixedNow.addingTimeInterval(-7_200), author: "Ravi Patel",
                        text: "It still happens after the restart.", isInternal: false),
                    TicketComment(
                        date: fixedNow.addingTimeInterval(-3_600), author: "Dana Whitfield",
                        text: "Escalated.\u{1B}]0;pwned\u{07} \u{202E}gnp.exe", isInternal: true),
                ]))
        _ = s.reduce(.key(.char("G")))  // (no effect in the detail view)
        let screen = render(s, theme: .fallback)
        #expect(!screen.text.contains("\u{1B}") && !screen.text.contains("\u{202E}"))
        assertSnapshot(screen, "detail-comments-120x40")
        _ = s.reduce(.commentsFailed(id: id, "server error (500)"))
        func failureLine() -> String {
            render(s, theme: .fallback).text.split(separator: "\n").first {
                $0.contains("could not be loaded: server error (500)")
            }.map(String.init) ?? ""
        }
        #expect(failureLine().contains("Comments"))
        // Autotask calls them ticket notes.
        s.vendor = .autotask
        #expect(failureLine().contains("Notes") && !failureLine().contains("Comments"))
    }

    @Test(
        "a: the path prompt takes every key (q, t, r, ? are letters of a path); Enter attaches once; the outcome is shown"
    )
    func attach() {
        var s = opened()
        let id = s.detail!.id
        #expect(s.reduce(.key(.char("a"))) == [])
        #expect(s.detail?.attachPath == "")
        for c in "~/q t?r/x.log" { #expect(s.reduce(.key(.char(c))) == []) }
        #expect(!s.quit && s.detail?.attachPath == "~/q t?r/x.log")
        _ = s.reduce(.key(.char("\u{1B}")))
        _ = s.reduce(.key(.char("\u{202E}")))
        #expect(s.detail?.attachPath == "~/q t?r/x.log")
        _ = s.reduce(.key(.ctrl("w")))
        #expect(s.detail?.attachPath == "~/q t?r/")
        _ = s.reduce(.key(.backspace))
        _ = s.reduce(.key(.char("/")))
        for c in "report.pdf" { _ = s.reduce(.key(.char(c))) }
        assertSnapshot(render(s, theme: .fallback), "attach-prompt-120x40")
        // Enter asks first, naming who will see the file: internal unless p is pressed.
        #expect(s.reduce(.key(.enter)) == [])
        #expect(s.detail?.attachConfirm == "~/q t?r/report.pdf" && s.detail?.attachVisibility == .internal)
        assertSnapshot(render(s, theme: .fallback), "attach-confirm-120x40")
        var footer = render(s, theme: .fallback).lines.last ?? ""
        #expect(footer.contains("Attach report.pdf") && footer.contains("internal: your team only"))
        _ = s.reduce(.key(.char("p")))
        footer = render(s, theme: .fallback).lines.last ?? ""
        #expect(s.detail?.attachVisibility == .customers && footer.contains("visible to the customer"))
        _ = s.reduce(.key(.char("p")))
        #expect(s.reduce(.key(.char("y"))) == [.attach(id: id, path: "~/q t?r/report.pdf", visibility: .internal)])
        #expect(s.detail?.attachConfirm == nil && s.detail?.saving == "attaching report.pdf (internal: your team only)")
        // Nothing else starts while it is on its way.
        #expect(s.reduce(.key(.char("a"))) == [] && s.detail?.attachPath == nil)
        _ = s.reduce(.attached(id: id, name: "report.pdf", bytes: 1_234_567, .internal))
        #expect(
            s.detail?.saving == nil && s.detail?.notice == "attached report.pdf (1.2 MB; internal: your team only)"
                && s.detail?.noticeIsError == false)
        // Customers only when chosen: p in the question, then y.
        _ = s.reduce(.key(.char("a")))
        for c in "b.pdf" { _ = s.reduce(.key(.char(c))) }
        _ = s.reduce(.key(.enter))
        _ = s.reduce(.key(.char("p")))
        #expect(s.reduce(.key(.char("y"))) == [.attach(id: id, path: "b.pdf", visibility: .customers)])
        _ = s.reduce(.attached(id: id, name: "b.pdf", bytes: 10, .customers))
        // A failure, and Esc and an empty path.
        _ = s.reduce(.key(.char("a")))
        #expect(s.reduce(.key(.enter)) == [] && s.detail?.attachPath == "")
        _ = s.reduce(.key(.escape))
        #expect(s.detail?.attachPath == nil && s.detail != nil)
        _ = s.reduce(.attachFailed(id: id, name: "x.log", error: "no such file: /root/x.log"))
        #expect(s.detail?.noticeIsError == true && s.detail?.notice == "x.log not attached: no such file: /root/x.log")
        // Atera's API has no attachments: said, no prompt.
        s.vendor = .atera
        _ = s.reduce(.key(.char("a")))
        #expect(
            s.detail?.attachPath == nil && s.detail?.notice?.contains("Atera's API takes no ticket attachments") == true
        )
    }

    @Test("the quota pane shows the attachment budget while it is in use, and the server's refusal")
    func attachmentBudget() {
        var s = sampleState(width: 120, height: 40)
        s.poll?.attachments = AttachmentUsage(
            used: 3_200_000, limit: 10_000_000, clearsAt: fixedNow.addingTimeInterval(252))
        #expect(render(s, theme: .fallback).text.contains("attachments 3.2 MB of 10.0 MB per 5 min, clear in 252s"))
        s.poll?.attachments = AttachmentUsage(
            used: 10_000_000, limit: 10_000_000, blockedUntil: fixedNow.addingTimeInterval(90))
        #expect(render(s, theme: .fallback).text.contains("attachments refused by the server for 90s"))
        s.poll?.attachments = nil
        #expect(!render(s, theme: .fallback).text.contains("attachments"))
    }

    @Test("labels that cannot be had are said so in the picker")
    func choicesFail() {
        var s = opened()
        _ = s.reduce(.key(.char("s")))
        _ = s.reduce(.choicesFailed("network down"))
        #expect(s.detail?.edit?.error == "network down")
        #expect(s.reduce(.key(.enter)) == [])
    }
}
