import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    /// The timer survives a quit: kept in the state folder, offered back at the next start, then
    /// stopped and logged on the twin.
    @Suite("The timer across a restart", .timeLimit(.minutes(5)))
    struct TmuxTimerTests {
        @Test("T starts it (0600 timer.json in a 0700 folder); after q and a restart it is offered back; T, y logs it")
        func acrossRestart() async throws {
            let dir = NSTemporaryDirectory() + "psatop-timer-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let bin = try psatopBinary()
            let run = "XDG_STATE_HOME=\(dir) \(bin) --demo --me dana.whitfield@msp.example; echo EXIT=$?"
            try await Tmux.session(width: 120, height: 40, typing: run) { t in
                try await t.waitFor("Tickets 1/1,234")
                try t.keys("T")
                try await t.waitFor("the timer in the title bar") {
                    ($0.split(separator: "\n").first ?? "").contains("timer ") && $0.contains("T stops it")
                }
                let file = dir + "/psatop/timer.json"
                var st = stat()
                #expect(stat(file, &st) == 0 && st.st_mode & 0o777 == 0o600)
                #expect(stat(dir + "/psatop", &st) == 0 && st.st_mode & 0o777 == 0o700)
                try t.keys("q")
                try await t.waitFor("the exit") { $0.contains("EXIT=0") }
                #expect(FileManager.default.fileExists(atPath: file))

                try t.type("clear; " + run)
                try await t.waitFor("the timer offered back") { $0.contains("since") && $0.contains("Esc drop") }
                try t.keys("T")
                try await t.waitFor("the summary prompt") { $0.contains("summary:") }
                try t.run(["send-keys", "-t", t.session, "-l", "Checked the backups"])
                try await t.waitFor("the typed summary") { $0.contains("Checked the backups") }
                try t.keys("Enter")
                try await t.waitFor("the question") { $0.contains("y send") || $0.contains("y  send") }
                try t.keys("y")
                try await t.waitFor("the entry logged") { $0.contains("logged 0.") }
                #expect(!FileManager.default.fileExists(atPath: file))
                try t.keys("q")
                try await t.waitFor("the exit") { $0.contains("EXIT=0") }
            }
        }
    }
}
