import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    @Suite("psatop --demo under tmux", .serialized, .timeLimit(.minutes(15)))
    struct TmuxTests {
        init() throws { try Tmux.requireInstalled() }

        @Test("walk the tickets, open one, help, focus, resize, quit with q to a usable shell")
        func walkthrough() async throws {
            let bin = try psatopBinary()
            try await Tmux.session(
                width: 100, height: 30, typing: "cd \(FileManager.default.currentDirectoryPath) && \(bin) --demo"
            ) { t in

                // All three panes with live data.
                let first = try await t.waitFor("gauge, tickets and request log") {
                    $0.contains("Tickets 1/1,234") && $0.contains("/ThresholdInformation")
                        && $0.contains("/ 10,000 requests")
                }
                #expect(first.contains("Quota (ThresholdInformation)"))
                #expect(first.range(of: #"\d+\.\d%"#, options: .regularExpression) != nil)
                #expect(first.contains("updated"))
                #expect(!first.contains("\u{1B}"))

                // Move and open a ticket.
                try t.keys("j", "j")
                try await t.waitFor("Tickets 3/1,234")
                try t.keys("Enter")
                // (Not "Description": once the full ticket is in, its SLA stages and fields may push that below the fold.)
                let detail = try await t.waitFor("Last activity")
                #expect(detail.contains("Ticket T"))
                #expect(detail.contains("Status"))
                #expect(detail.contains("Last activity"))

                // Change its status: the picker, the question, y; only that field goes, and it shows.
                // (The contact comes only with the full ticket; the SLA stages may push the description below the fold.)
                try await t.waitFor("the full ticket") { !$0.contains("loading") && $0.contains("Contact ") }
                try t.keys("s")
                try await t.waitFor("the status labels") {
                    $0.contains("Set status (now") && !$0.contains("loading the labels")
                }
                try t.keys("j", "Enter")
                let question = try await t.waitFor("y send (only this field)")
                #expect(question.contains("?"))
                try t.keys("y")
                let changed = try await t.waitFor("status set to")
                let newStatus =
                    changed.components(separatedBy: "status set to ").last?.split(separator: " ").first.map(String.init)
                    ?? ""
                #expect(!newStatus.isEmpty)

                // y: the number to the clipboard by OSC 52 (tmux keeps it as a buffer); o: no web page in the demo.
                try t.run(["set-option", "-s", "set-clipboard", "on"])
                try t.keys("y")
                let copied = try await t.waitFor("copied ")
                let buffer = try t.run(["show-buffer"]).trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(buffer.hasPrefix("T") && copied.contains("Ticket \(buffer)"), "buffer '\(buffer)'")
                try t.keys("o")
                try await t.waitFor("no web page for this tenant")

                // a: attach a file through the path prompt (q and t are letters of the path, not keys); the
                // outcome shows in the ticket and the 5-minute budget on the gauge.
                let file = NSTemporaryDirectory() + "psatop-qt-\(getpid()).log"
                try Data(repeating: 0x41, count: 4_000).write(to: URL(fileURLWithPath: file))
                defer { unlink(file) }
                try t.keys("a")
                try await t.waitFor("Attach file:")
                try t.type(file)
                // One question names who will see it: internal unless p; y attaches.
                try await t.waitFor("the question names the audience") {
                    $0.contains("Attach psatop-qt-") && $0.contains("internal: your team only")
                }
                try t.keys("y")
                let attached = try await t.waitFor("attached psatop-qt-")
                #expect(attached.contains("(4.0 kB; internal: your team only)"), "\(attached)")
                try await t.waitFor("the budget on the gauge") {
                    $0.contains("attachments 4.0 kB of 10.0 MB per 5 min")
                }
                try t.keys("Escape")
                let back = try await t.waitFor("the PATCH in the request log") {
                    $0.contains("PATCH") && $0.contains("Tickets 3/1,234")
                }
                #expect(back.contains("status)"), "\(back)")

                // Lazy loading: G goes to the last loaded ticket, the next page follows.
                try t.keys("G")
                try await t.waitFor("(loaded 1,000)")

                // Filter as you type: the list narrows, the footer counts, q is text; Esc clears.
                try t.keys("g", "/")
                try t.type("status:escalated")
                let filtered = try await t.waitFor("the filtered list") {
                    $0.contains("/status:escalated") && $0.contains("/1,234")
                }
                let rows = filtered.split(separator: "\n").filter { $0.contains("│ T") || $0.contains("│●T") }
                #expect(!rows.isEmpty && rows.allSatisfy { $0.contains("Escalated") }, "\(filtered)")
                // Sorted by activity, newest first: the header shows it.
                try t.keys("s")
                try await t.waitFor("by activity")
                try t.keys("Escape")
                try await t.waitFor("the whole list, by activity") {
                    !$0.contains("/status:escalated") && $0.contains("/1,234") && $0.contains("· by activity")
                }
                // the seven other columns (DUE last), then the server's order again
                try t.keys("s", "s", "s", "s", "s", "s", "s", "s")
                try await t.waitFor("the server's order") { !$0.contains("· by ") && $0.contains("/1,234") }
                try t.keys("g")

                // F: the server filters; the list reloads under it with the server's count; empty brings all back.
                try t.keys("F")
                try await t.waitFor("Server filter:")
                try t.type("status:Escalated")
                let server = try await t.waitFor("the server-filtered list") {
                    $0.contains("server: status:Escalated") && !$0.contains("loading") && $0.contains("│ T")
                }
                let serverRows = server.split(separator: "\n").filter { $0.contains("│ T") || $0.contains("│●T") }
                #expect(!serverRows.isEmpty && serverRows.allSatisfy { $0.contains("Escalated") }, "\(server)")
                #expect(!server.contains("/1,234"))
                try t.keys("F", "C-u", "Enter")
                try await t.waitFor("every ticket again") { $0.contains("/1,234") && !$0.contains("server:") }

                // Themes, live: t steps to the next one and says which.
                try t.keys("t")
                try await t.waitFor("theme: light")
                try t.keys("t")
                try await t.waitFor("theme: high-contrast")

                // Help, focus.
                try t.keys("?")
                try await t.waitFor("first / last loaded")
                try t.keys("Escape")
                try t.keys("Tab")
                try await t.waitFor("Tab tickets")
                try t.keys("Tab")
                try await t.waitFor("Tab log")

                // Too small, then back.
                try t.resize(60, 20)
                try await t.waitFor("Terminal too small")
                try t.resize(100, 30)
                try await t.waitFor("Quota (ThresholdInformation)")

                // q: back to a shell in cooked mode.
                try t.keys("q")
                try await t.expectCookedShell()
            }
        }

        @Test("Ctrl-C leaves the terminal restored too")
        func ctrlC() async throws {
            let bin = try psatopBinary()
            try await Tmux.session(width: 80, height: 24, typing: "\(bin) --demo --vendor atera; echo EXIT=$?") { t in
                try await t.waitFor("Quota (per-key limit)")
                try await t.waitFor("Tickets 1/1,234")
                try t.keys("C-c")
                try await t.waitFor("EXIT=130")
                try await t.expectCookedShell()
            }
        }

        /// SIGABRT, SIGSEGV and SIGILL are the fatal paths (a failed precondition, a bad pointer, a
        /// Swift trap): the crash handler restores the terminal, then the signal ends the process.
        @Test(
            "SIGTERM, SIGHUP (an SSH drop) and the fatal signals restore the terminal and exit 128+signal",
            arguments: [SIGTERM, SIGHUP, SIGABRT, SIGSEGV, SIGILL])
        func signals(sig: Int32) async throws {
            let bin = try psatopBinary()
            try await Tmux.session(width: 80, height: 24, typing: "\(bin) --demo; echo EXIT=$?") { t in
                try await t.waitFor("Tickets 1/1,234")
                let pid = try #require(try t.programPID())
                #expect(kill(pid, sig) == 0)
                try await t.waitFor("EXIT=\(128 + sig)")
                try await t.expectCookedShell()
            }
        }

        @Test(
            "colour depth follows the terminal: 8 for xterm, 256 for tmux-256color, truecolour where COLORTERM says so, none with NO_COLOR",
            arguments: [
                ("TERM=xterm", "in 8 colours"), ("TERM=tmux-256color", "in 256 colours"),
                ("COLORTERM=truecolor TERM=tmux-256color", "in truecolour"),
                ("NO_COLOR=1 TERM=tmux-256color", "NO_COLOR is set"),
            ])
        func colourDepth(env: String, notice: String) async throws {
            let bin = try psatopBinary()
            try await Tmux.session(width: 100, height: 30, typing: "env \(env) \(bin) --demo; echo EXIT=$?") { t in
                try await t.waitFor("Tickets 1/1,234")
                try t.keys("t")
                try await t.waitFor(notice)
                let screen = try t.screenWithEscapes()
                func has(_ pattern: String) -> Bool { screen.range(of: pattern, options: .regularExpression) != nil }
                let ansi = has("\u{1B}\\[(1;)?[34][0-7]m"), palette = screen.contains("38;5;"),
                    rgb = screen.contains("38;2;")
                switch notice {
                case "in 8 colours": #expect(ansi && !palette && !rgb)
                case "in 256 colours": #expect(palette && !rgb)
                case "in truecolour": #expect(rgb && !palette)
                default: #expect(!ansi && !palette && !rgb, "NO_COLOR still draws colours")
                }
                try t.keys("q")
                try await t.waitFor("EXIT=0")
                try await t.expectCookedShell()
            }
        }

        @Test(
            "c: a note written in a scripted $EDITOR is asked about (internal), sent once, and comes back from the server in the ticket's notes"
        )
        func noteThroughEditor() async throws {
            let bin = try psatopBinary()
            let dir = NSTemporaryDirectory() + "psatop-editor-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            // The "editor": writes the note into the file it is given, as a person would, and logs its argument.
            let editor = dir + "/ed.sh"
            try
                "#!/bin/sh\necho \"$1\" > \(dir)/arg\nprintf 'Called the user back (tmux test).\\nToner ordered.\\n' > \"$1\"\n"
                .write(toFile: editor, atomically: true, encoding: .utf8)
            chmod(editor, 0o755)
            try await Tmux.session(
                width: 120, height: 40, typing: "env EDITOR=\(editor) XDG_STATE_HOME=\(dir) \(bin) --demo; echo EXIT=$?"
            ) { t in
                try await t.waitFor("Tickets 1/1,234")
                try t.keys("Enter")
                try await t.waitFor("the ticket's notes") { $0.contains("Notes ") }
                try t.keys("c")
                let question = try await t.waitFor("the question") { $0.contains("Note on T") }
                #expect(question.contains("2 lines") && question.contains("internal: your team only"))
                // The draft was a private file in the state folder while the editor had it.
                let draft = try String(contentsOfFile: dir + "/arg", encoding: .utf8).trimmingCharacters(
                    in: .whitespacesAndNewlines)
                var st = stat()
                #expect(
                    draft.hasPrefix(dir + "/psatop/drafts/") && stat(draft, &st) == 0 && st.st_mode & 0o777 == 0o600)
                #expect(stat(dir + "/psatop/drafts", &st) == 0 && st.st_mode & 0o777 == 0o700)
                try t.keys("y")
                try await t.waitFor("note added (internal: your team only)")
                // The ticket comes back from the server with the note among its notes (scroll to the end).
                for _ in 0..<6 { try t.keys("PageDown") }
                let shown = try await t.waitFor("the note from the server") {
                    $0.contains("Called the user back (tmux test).")
                }
                #expect(shown.contains("internal"))
                #expect(stat(draft, &st) != 0)  // the server took it: the draft is gone
                try t.keys("q")
                try await t.waitFor("EXIT=0")
            }
        }

        @Test("--notify: entering the +0.5 s tier rings through to tmux (its window bell flag), the screen unharmed")
        func notifyUnderTmux() async throws {
            let bin = try psatopBinary()
            try await Tmux.session(width: 100, height: 30, typing: "\(bin) --demo --notify; echo EXIT=$?") { t in
                try await t.waitFor("Tickets 1/1,234")
                #expect(
                    try t.run(["display-message", "-p", "-t", t.session, "#{window_bell_flag}"]).trimmingCharacters(
                        in: .whitespacesAndNewlines) == "0")
                // The demo's tenant climbs through 50% within its first minute (20x time).
                let screen = try await t.waitFor("the +0.5 s tier", seconds: 60) { $0.contains("tier: +0.5 s latency") }
                try await t.waitFor("the bell", seconds: 10) { _ in
                    (try? t.run(["display-message", "-p", "-t", t.session, "#{window_bell_flag}"]))?.hasPrefix("1")
                        == true
                }
                #expect(
                    screen.contains("Quota (ThresholdInformation)") && !screen.contains("777;")
                        && !screen.contains("]9;"))
                try t.keys("q")
                try await t.waitFor("EXIT=0")
            }
        }

        @Test(
            "when the terminal itself goes (the tmux server killed), psatop ends within seconds instead of running on unseen"
        )
        func terminalGone() async throws {
            let bin = try psatopBinary()
            try await Tmux.session(width: 80, height: 24, typing: "\(bin) --demo") { t in
                try await t.waitFor("Tickets 1/1,234")
                try t.keys("s", "s")  // sorted, as when a leftover was first seen
                let pid = try #require(try t.programPID())
                t.kill()
                let deadline = Date().addingTimeInterval(8)
                while kill(pid, 0) == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
                let alive = kill(pid, 0) == 0
                if alive { kill(pid, SIGKILL) }
                #expect(!alive, "psatop \(pid) still ran 8 s after its terminal went away")
            }
        }

        @Test(
            "w saves a ticket's attachment into the working directory (0600); again, the file is there: asked, then replaced on y"
        )
        func saveAttachment() async throws {
            let bin = try psatopBinary()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("psatop-e2e-save-\(getpid())").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try await Tmux.session(width: 120, height: 40, typing: "cd \(dir) && \(bin) --demo; echo EXIT=$?") { t in
                try await t.waitFor("Tickets 1/1,234")
                // Open tickets until one has attachments (every fourth seeded ticket has one): `w` asks
                // for them (opening a ticket does not), and the save prompt opens when they come.
                var found = false
                for _ in 0..<12 where !found {
                    try t.keys("Enter")
                    _ = try? await t.waitFor("the detail", seconds: 5) {
                        $0.contains("Description") && !$0.contains("(loading…)")
                    }
                    try t.keys("w")
                    found = (try? await t.waitFor("the save prompt", seconds: 5) { $0.contains(" Save ") }) != nil
                    if !found { try t.keys("Escape", "j") }
                }
                #expect(found)
                try t.keys("Enter")
                let saved = try await t.waitFor("saved ", seconds: 20)
                let files = try FileManager.default.contentsOfDirectory(atPath: dir)
                #expect(files.count == 1 && saved.contains("saved \(files.first ?? "?")"))
                let mode =
                    (try FileManager.default.attributesOfItem(atPath: dir + "/" + (files.first ?? ""))[
                        .posixPermissions]
                        as? Int)
                #expect(mode == 0o600)
                try t.keys("w")
                try await t.waitFor(" Save ")
                try t.keys("Enter")
                try await t.waitFor("y replace it")
                try t.keys("y")
                try await t.waitFor("saved ", seconds: 20)
                #expect(try FileManager.default.contentsOfDirectory(atPath: dir).count == 1)
                try t.keys("q")
                try await t.waitFor("EXIT=0")
            }
        }

        @Test(
            "tickets --all: a progress line on a terminal, rewritten in place and cleared, then one summary; piped, no control character"
        )
        func walkProgress() async throws {
            let bin = try psatopBinary()
            try await Tmux.session(
                width: 100, height: 12,
                typing: "\(bin) tickets --demo --demo-tickets 20000 --ceiling 100 --all > /dev/null; echo WALK-EXIT=$?"
            ) { t in
                let during = try await t.waitFor("the progress line", seconds: 60) {
                    $0.contains(" / 20,000 tickets (")
                }
                #expect(during.contains(" request"))
                // Polled, not captured once: the pane is read until the walk's status is in, and the
                // progress line must be gone from that settled screen (a line left behind never settles).
                let after = try await t.waitFor("WALK-EXIT=0 and the progress line cleared", seconds: 120) {
                    $0.contains("WALK-EXIT=0") && !$0.contains(" / 20,000 tickets (")
                }
                let lines = after.split(separator: "\n").map(String.init)
                let summary = try #require(lines.first { $0.hasPrefix("psatop: 20,000 tickets in ") }, "\(after)")
                #expect(summary.contains(" requests, ") && summary.contains("tenant at "))
                // Piped (not a terminal, as under cron): no progress, no summary, no control character —
                // only a wait that matters would get a plain line.
                let piped = try spawn([bin, "tickets", "--demo", "--all", "--csv"])
                #expect(piped.status == 0)
                #expect(!piped.output.contains("psatop:"), "\(piped.output.prefix(300))")
                #expect(!piped.output.unicodeScalars.contains { $0.value == 0x1B })
                // --quiet on a terminal: no summary either.
                // Its own marker: the walk's WALK-EXIT=0 may still be on the screen until `clear` has run.
                try t.type("clear; \(bin) tickets --demo --all --quiet > /dev/null; echo QUIET-EXIT=$?")
                let quiet = try await t.waitFor("QUIET-EXIT=0", seconds: 60)
                #expect(!quiet.contains("psatop:"), "\(quiet)")
            }
        }

        @Test("headless: tickets --all --json through the same client")
        func headless() async throws {
            let bin = try psatopBinary()
            let r = try spawn([bin, "tickets", "--demo", "--all", "--json"])
            #expect(r.status == 0)
            let data = Data(r.output.utf8)
            let array = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
            #expect(array?.count == 1_234)
            let ids = array?.compactMap { ($0["id"] as? NSNumber)?.int64Value } ?? []
            #expect(Set(ids).count == 1_234)
        }

        @Test(
            "headless: --status, --queue and --company filter on the server; the result is what the whole list holds of them"
        )
        func headlessFilters() async throws {
            let bin = try psatopBinary()
            func tickets(_ extra: [String]) throws -> [[String: Any]] {
                let r = try spawn([bin, "tickets", "--demo", "--all", "--json"] + extra)
                #expect(r.status == 0, "\(extra): \(r.output.prefix(300))")
                return (try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [[String: Any]]) ?? []
            }
            let all = try tickets([])
            let sample = try #require(all.first { ($0["status"] as? String) == "New" })
            let company = try #require(sample["company"] as? String)
            func matching(_ t: [String: Any]) -> Bool {
                (t["status"] as? String) == "New" && (t["company"] as? String) == company
            }
            let some = try tickets(["--status", "New", "--company", company.lowercased()])
            #expect(!some.isEmpty && some.count == all.filter(matching).count && some.allSatisfy(matching))
            // A queue (Autotask) narrows further; Atera has none and says so, exit 1.
            let queued = try tickets(["--status", "New", "--queue", "Level I Support", "--company", company])
            #expect(queued.count <= some.count && queued.allSatisfy(matching))
            let atera = try spawn([bin, "tickets", "--demo", "--vendor", "atera", "--queue", "x"])
            #expect(atera.status == 1 && atera.output.contains("Atera has no queues"))
        }

        @Test("plain http to a non-loopback host is refused with a clear message")
        func refusesPlainHTTP() async throws {
            let bin = try psatopBinary()
            let r = try spawn([bin, "tickets", "--vendor", "atera", "--base-url", "http://example.com/api/v3"])
            let text = r.output
            #expect(r.status != 0)
            #expect(text.contains("plain http:// is refused"))
        }

        @Test("several tenants: the overview lists all five, 2 and : switch the main panes, q restores the shell")
        func tenants() async throws {
            let bin = try psatopBinary()
            try await Tmux.session(width: 100, height: 34, typing: "\(bin) --demo --all") { t in
                let first = try await t.waitFor("the overview with five gauges") {
                    // The overview shows four rows at most (DashboardState.overviewMax): northwind is fifth.
                    $0.contains("Tenants (5)") && $0.contains("contoso") && $0.contains("fabrikam")
                        && $0.contains("tailspin")
                        && $0.contains("+1 s latency") && $0.contains("Tickets 1/1,234")
                }
                #expect(first.contains("psatop · Autotask · demo"))
                try t.keys("2")
                let contoso = try await t.waitFor("contoso's panes") {
                    $0.contains("psatop · Autotask · contoso") && $0.contains("/ 20,000 requests")
                }
                #expect(contoso.contains(">2 contoso"))
                try await t.waitFor("Tickets 1/300")
                try t.keys(":")
                try await t.waitFor("Atera's panes") {
                    $0.contains("psatop · Atera · fabrikam") && $0.contains("Quota (per-key limit)")
                }
                try t.keys("5")
                // ConnectWise publishes no limit: the gauge says whose number it is.
                try await t.waitFor("ConnectWise's panes") {
                    $0.contains("psatop · ConnectWise PSA · northwind") && $0.contains("limit not published")
                        && $0.contains(">5 northwind")
                }
                try t.keys("q")
                try await t.expectCookedShell()
            }
        }

        @Test("status: the plugin line and exit codes; config check names the line; a closed pipe is no crash")
        func headlessStatus() async throws {
            let bin = try psatopBinary()
            let one = try spawn([bin, "status", "--demo"])
            #expect(one.status == 0, "\(one.output)")
            #expect(
                one.output.range(
                    of: #"^psatop OK - \d+/10000 \(\d+\.\d%\) \| used=\d+;5000;7500;0;10000\n$"#,
                    options: .regularExpression) != nil, "\(one.output)")
            let all = try spawn([bin, "status", "--demo", "--all"])
            #expect(all.status == 2, "\(all.output)")
            #expect(all.output.hasPrefix("psatop CRITICAL - demo OK"))

            let dir = NSTemporaryDirectory() + "psatop-e2e-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try "[profiles.x]\nvendor = \"atera\"\napi_key = \"plain-text-key-123\"\n".write(
                toFile: dir + "/c.toml", atomically: true, encoding: .utf8)
            let check = try spawn([bin, "config", "check", "--config", dir + "/c.toml"])
            #expect(check.status == 1)
            #expect(check.output.contains("c.toml:3: api_key must not be written in the file"), "\(check.output)")
            #expect(!check.output.contains("plain-text-key-123"))
            let unknown = try spawn([bin, "status", "--config", dir + "/c.toml", "--profile", "x"])
            #expect(unknown.status == 3 && unknown.output.hasPrefix("psatop UNKNOWN - "), "\(unknown.output)")

            // /bin/sh is dash here (no PIPESTATUS): psatop's own status goes to stderr, which is not the pipe.
            let piped = try spawn([
                "/bin/sh", "-c", "{ \(bin) tickets --demo --all --csv; echo PSATOP-EXIT=$? >&2; } | head -2",
            ])
            #expect(piped.status == 0, "\(piped.output)")
            // (Which of head and echo writes first is up to the scheduler.)
            // (The CSV ends its lines with CRLF, one Character in Swift: split on any line break.)
            let lines = piped.output.split(whereSeparator: \.isNewline).map(String.init)
            #expect(
                lines.filter { $0.hasPrefix("PSATOP-EXIT=") } == ["PSATOP-EXIT=0"],
                "psatop's own status: \(piped.output)")
            let csv = lines.filter { !$0.hasPrefix("PSATOP-EXIT=") }
            #expect(csv.count == 2, "\(piped.output)")
            #expect(
                csv.first?.hasPrefix("id,number,title,status,priority,company,assignee,created,last_activity,due")
                    == true,
                "\(piped.output)")
            #expect(!piped.output.contains("Fatal error") && !piped.output.contains("crashed"), "\(piped.output)")
        }
    }
}
