import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    /// A time entry's summary written in `$EDITOR`, kept as a 0600 draft through a refusal and a
    /// quit, offered back at the next start, removed once the server took the entry.
    @Suite("A time entry's summary draft across a refusal and a restart", .timeLimit(.minutes(5)))
    struct TmuxTimeDraftTests {
        func drafts(_ dir: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/psatop/drafts")) ?? [])
                .filter { $0.hasPrefix("time-") }
        }

        @Test(
            "Ctrl-E writes it in the editor; refused (no me): kept 0600 and back at the question; restart: offered back, y logs it, the draft goes"
        )
        func editorRefusalRestart() async throws {
            let dir = NSTemporaryDirectory() + "psatop-timedraft-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let editor = dir + "/ed.sh"
            try "#!/bin/sh\nprintf 'Replaced the fan\\n' > \"$1\"\n".write(
                toFile: editor, atomically: true, encoding: .utf8)
            chmod(editor, 0o755)
            let bin = try psatopBinary()
            let env = "XDG_STATE_HOME=\(dir) VISUAL= EDITOR=\(editor)"
            let t = Tmux()
            try await t.start(width: 120, height: 40)
            defer { t.kill() }
            // Without --me an Autotask entry is refused before sending.
            try t.type("\(env) \(bin) --demo; echo EXIT=$?")
            try await t.waitFor("Tickets 1/1,234")
            try t.keys("L")
            try await t.waitFor("the hours prompt") { $0.contains("hours or start–end") }
            try t.run(["send-keys", "-t", t.session, "-l", "0:45"])
            try t.keys("Enter")
            try await t.waitFor("the summary prompt") { $0.contains("summary:") && $0.contains("^E editor") }
            try t.keys("C-e")
            try await t.waitFor("the editor's text at the question") {
                $0.contains("Replaced the fan") && ($0.contains("y send") || $0.contains("y  send"))
            }
            try t.keys("y")
            try await t.waitFor("the refusal on the entry's line, the entry back") {
                $0.contains("not logged: ") && $0.contains("time is logged as you") && $0.contains("Replaced the fan")
            }
            let kept = drafts(dir)
            #expect(kept.count == 1)
            let path = dir + "/psatop/drafts/" + (kept.first ?? "")
            var st = stat()
            #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
            #expect((try? String(contentsOfFile: path, encoding: .utf8))?.contains("Replaced the fan") == true)
            try t.keys("Escape")
            try t.keys("q")
            try await t.waitFor("the exit") { $0.contains("EXIT=0") }
            #expect(drafts(dir).count == 1)

            try t.type("clear; \(env) \(bin) --demo --me dana.whitfield@msp.example; echo EXIT=$?")
            try await t.waitFor("Tickets 1/1,234")
            try t.keys("L")
            try await t.waitFor("the hours prompt") { $0.contains("hours or start–end") }
            try t.run(["send-keys", "-t", t.session, "-l", "0:45"])
            try t.keys("Enter")
            try await t.waitFor("the summary offered back") {
                $0.contains("summary:") && $0.contains("Replaced the fan")
            }
            try t.keys("Enter")
            try await t.waitFor("the question") { $0.contains("y send") || $0.contains("y  send") }
            try t.keys("y")
            try await t.waitFor("the entry logged") { $0.contains("logged 0.75 h") }
            #expect(drafts(dir).isEmpty)
            try t.keys("q")
            try await t.waitFor("the exit") { $0.contains("EXIT=0") }
        }
    }
}
