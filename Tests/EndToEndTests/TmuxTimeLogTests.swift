import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    /// `L` logs time without a timer; `E` in the ticket lists it among its entries.
    @Suite("Time logged without a timer, then listed", .timeLimit(.minutes(5)))
    struct TmuxTimeLogTests {
        @Test(
            "L, 1:30, the summary, y: logged 1.50 h on the twin; Enter, E: the ticket's entries show it with the total")
        func logThenList() async throws {
            let dir = NSTemporaryDirectory() + "psatop-timelog-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let bin = try psatopBinary()
            let t = Tmux()
            try await t.start(width: 120, height: 40)
            defer { t.kill() }
            try t.type("XDG_STATE_HOME=\(dir) \(bin) --demo --me dana.whitfield@msp.example; echo EXIT=$?")
            try await t.waitFor("Tickets 1/1,234")
            try t.keys("L")
            try await t.waitFor("the hours prompt") { $0.contains("hours or start–end") }
            try t.run(["send-keys", "-t", t.session, "-l", "1:30"])
            try t.keys("Enter")
            try await t.waitFor("the summary prompt") { $0.contains("summary:") && $0.contains("1.50 h") }
            try t.run(["send-keys", "-t", t.session, "-l", "Patched the NAS"])
            try await t.waitFor("the typed summary") { $0.contains("Patched the NAS") }
            try t.keys("Enter")
            try await t.waitFor("the question") { $0.contains("y send") || $0.contains("y  send") }
            try t.keys("y")
            try await t.waitFor("the entry logged") { $0.contains("logged 1.50 h") }
            // No timer was involved: none is kept.
            #expect(!FileManager.default.fileExists(atPath: dir + "/psatop/timer.json"))
            try t.keys("Enter")
            try await t.waitFor("the ticket") { $0.contains("Description") }
            try t.keys("E")
            try await t.waitFor("its entries with the total and the new one") {
                $0.contains(" h in ") && $0.contains("newest first") && $0.contains("Patched the NAS")
            }
            try t.keys("q")
            try await t.waitFor("the exit") { $0.contains("EXIT=0") }
        }
    }
}
