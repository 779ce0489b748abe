import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    /// A note typed inline (no `$EDITOR`) is never lost: it is in its draft file as it is typed,
    /// Ctrl-C asks before quitting, an SSH drop (SIGHUP) leaves it on disk, and `c` on the ticket
    /// offers it back after a restart.
    @Suite("Drafts survive every way out", .timeLimit(.minutes(5)))
    struct TmuxDraftTests {
        /// The draft files under the state folder, with their text.
        static func drafts(_ dir: String) -> [String: String] {
            let folder = dir + "/psatop/drafts"
            var out: [String: String] = [:]
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                out[name] = try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)
            }
            return out
        }

        /// Starts the demo with no editor, opens the first ticket and starts a note; returns the session.
        static func typing(_ dir: String, _ text: String) async throws -> Tmux {
            let bin = try psatopBinary()
            let t = try await Tmux.started(width: 120, height: 40)
            try t.type("env -u EDITOR -u VISUAL XDG_STATE_HOME=\(dir) \(bin) --demo; echo EXIT=$?")
            try await t.waitFor("Tickets 1/1,234")
            try t.keys("Enter")
            try await t.waitFor("the ticket's notes") { $0.contains("Notes ") }
            try t.keys("c")
            try await t.waitFor("the inline note") { $0.contains("typed here") }
            try t.run(["send-keys", "-t", t.session, "-l", text])
            try await t.waitFor("the typed text") { $0.contains(text) }
            return t
        }

        @Test(
            "Ctrl-C while typing keeps the note and asks; a second Ctrl-C quits, the text on disk (0600 in a 0700 folder)"
        )
        func ctrlC() async throws {
            let dir = NSTemporaryDirectory() + "psatop-draft-c-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let t = try await Self.typing(dir, "Draft that survives Ctrl-C")
            defer { t.kill() }
            try t.keys("C-c")
            let asked = try await t.waitFor("the question") { $0.contains("Ctrl-C again quits") }
            #expect(!asked.contains("EXIT="))
            #expect(Self.drafts(dir).values.contains("Draft that survives Ctrl-C"), "\(Self.drafts(dir))")
            try t.keys("C-c")
            try await t.waitFor("the exit") { $0.contains("EXIT=130") }
            let files = Self.drafts(dir)
            #expect(files.count == 1 && files.values.contains("Draft that survives Ctrl-C"), "\(files)")
            var st = stat()
            let path = dir + "/psatop/drafts/" + (files.keys.first ?? "")
            #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
            #expect(stat(dir + "/psatop/drafts", &st) == 0 && st.st_mode & 0o777 == 0o700)
            try await t.expectCookedShell()
        }

        @Test("an SSH drop (SIGHUP) while typing leaves the text in the draft; `c` offers it back at the next start")
        func hangUpThenBack() async throws {
            let dir = NSTemporaryDirectory() + "psatop-draft-h-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let t = try await Self.typing(dir, "Typed before the line dropped")
            defer { t.kill() }
            let pid = try #require(try t.programPID())
            #expect(kill(pid, SIGHUP) == 0)
            try await t.waitFor("the exit") { $0.contains("EXIT=129") }
            #expect(Self.drafts(dir).values.contains("Typed before the line dropped"), "\(Self.drafts(dir))")
            // Again, the same ticket: the draft is offered back.
            let bin = try psatopBinary()
            try t.type("clear; env -u EDITOR -u VISUAL XDG_STATE_HOME=\(dir) \(bin) --demo; echo EXIT=$?")
            try await t.waitFor("Tickets 1/1,234")
            try t.keys("Enter")
            try await t.waitFor("the ticket's notes") { $0.contains("Notes ") }
            try t.keys("c")
            let back = try await t.waitFor("the draft offered back") { $0.contains("your draft is back") }
            #expect(back.contains("Typed before the line dropped"))
            try t.keys("Escape", "q")
            try await t.waitFor("the exit") { $0.contains("EXIT=0") }
        }
    }
}
