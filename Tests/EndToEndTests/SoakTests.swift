import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    @Suite("Soak: every fault at a high rate, then none", .serialized, .timeLimit(.minutes(15)))
    struct SoakTests {
        /// `PSATOP_SOAK_SECONDS` sets how long the faults last (CI: the default 30; by hand: minutes).
        static var seconds: Int { Int(ProcessInfo.processInfo.environment["PSATOP_SOAK_SECONDS"] ?? "") ?? 30 }

        @Test(
            "under faults the UI answers every key without waiting on the network and shows the failures; when they stop it recovers by itself"
        )
        func soak() async throws {
            let bin = try psatopBinary()
            let s = Self.seconds
            let kinds = [
                "500=0.25", "503=0.1", "timeout=0.05", "reset=0.1", "truncated=0.1", "slow=0.2", "malformed=0.1",
                "html=0.1",
                // Hostile servers: a 302 to another origin (refused, never followed) and a body that stalls
                // (ended by the read-idle timeout); rare, as each stall holds a slot until then.
                "redirect=0.05", "stall=0.01",
            ]
            let faults = kinds.map { "\($0)@0-\(s)" }.joined(separator: ",")
            try await Tmux.session(width: 120, height: 40) { t in
                let started = Date()
                try t.type("\(bin) --demo --demo-faults \(faults); echo EXIT=$?")
                try await t.waitFor("Quota (ThresholdInformation)", seconds: 15)

                // While the faults last: open and close the help, again and again; every key is answered.
                // The bound per key is 10 s: far above a busy runner's delays, far below the 30 s
                // read-idle timeout a UI waiting on a stalled request would sit through. Counted are
                // the pairs answered while the faults were still on (not a rate: that would flake).
                var answered = 0, slowest = 0.0
                while Date().timeIntervalSince(started) < Double(s) - 3 {
                    let t0 = Date()
                    try t.keys("?")
                    try await t.waitFor("the help", seconds: 10) { $0.contains("first / last loaded") }
                    try t.keys("Escape")
                    try await t.waitFor("the help closed", seconds: 10) { !$0.contains("first / last loaded") }
                    slowest = max(slowest, Date().timeIntervalSince(t0))
                    if Date().timeIntervalSince(started) < Double(s) { answered += 1 }
                    try await Task.sleep(for: .milliseconds(300))
                }
                #expect(answered >= 3, "answered \(answered) key pairs in \(s) s (slowest \(slowest) s)")

                // The failures are in the request log.
                // (The title counts per status; e shows the failures only.)
                try t.keys("Tab")
                try await t.waitFor("failures in the log's totals") {
                    $0.range(of: #"Requests \([0-9,]+\)[^\n]*(ERR|5\d\d)×"#, options: .regularExpression) != nil
                }
                try t.keys("e")
                let log = try await t.waitFor("the failures only") { $0.contains("failures only") }
                #expect(log.contains("ERR") || log.range(of: #" 50[03] "#, options: .regularExpression) != nil)
                try t.keys("e", "Tab")

                // After the window: a fresh quota reading and the whole first page, with no key pressed.
                let recovered = try await t.waitFor("recovery without a key press", seconds: 90) { screen in
                    Date().timeIntervalSince(started) > Double(s) + 2 && screen.contains("/1,234")
                        && screen.contains("Tickets ")
                        && !screen.contains("could not load") && !screen.contains("next page failed")
                        && !screen.contains("quota unavailable")
                        && !screen.contains("last read failed") && !screen.contains("Paused by the server")
                }
                #expect(recovered.range(of: #"\d+\.\d%"#, options: .regularExpression) != nil)
                try t.keys("q")
                try await t.waitFor("EXIT=0")
                try await t.expectCookedShell()
            }
        }
    }
}
