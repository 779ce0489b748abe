import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    /// The quota history as a person meets it: the demo records, `H` shows it, `psatop history`
    /// reads it without credentials, and after a restart the trend line starts from the store.
    @Suite("Quota history across a restart", .timeLimit(.minutes(5)))
    struct TmuxHistory {
        /// The bars of the quota pane's trend line.
        static func trendBars(_ screen: String) -> Int? {
            guard let line = screen.split(separator: "\n").first(where: { $0.contains("trend ") }),
                let r = line.range(of: "trend ")
            else { return nil }
            let spark = Set("▁▂▃▄▅▆▇█")
            return line[r.upperBound...].prefix { spark.contains($0) || $0 == " " }.filter { spark.contains($0) }.count
        }

        @Test("the demo records; H shows it; history prints it; a restart's trend continues from the store")
        func restart() async throws {
            let bin = try psatopBinary()
            let dir = NSTemporaryDirectory() + "psatop-history-e2e-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try await Tmux.session(width: 120, height: 40, typing: "XDG_STATE_HOME=\(dir) \(bin) --demo; echo EXIT=$?")
            { t in
                try await t.waitFor("Tickets 1/1,234")
                // Enough of the (20× faster) demo hour for a trend of several bars.
                let first = try await t.waitFor("a trend of 6 bars", seconds: 90) { (Self.trendBars($0) ?? 0) >= 6 }
                let before = Self.trendBars(first) ?? 0
                try t.keys("H")
                try await t.waitFor("the history view with its chart", seconds: 30) {
                    $0.contains("Quota history") && $0.contains("100%")
                }
                try t.keys("Escape")
                try await t.waitFor("the list again") { !$0.contains("Quota history") }
                try t.keys("q")
                try await t.waitFor("EXIT=0")
                var st = stat()
                #expect(stat(dir + "/psatop", &st) == 0 && st.st_mode & 0o777 == 0o700)
                #expect(stat(dir + "/psatop/history.sqlite", &st) == 0 && st.st_mode & 0o777 == 0o600)

                // No credentials: the store only.
                let out = try spawnEnv(
                    [
                        "/usr/bin/env", "-i", "PATH=/usr/bin:/bin", "HOME=/tmp", "XDG_STATE_HOME=\(dir)", bin,
                        "history",
                        "--csv",
                    ])
                #expect(out.status == 0, "\(out.output)")
                let lines = out.output.split(separator: "\r\n")
                #expect(lines.first?.hasPrefix("tenant,start,peak,") == true)
                #expect(lines.dropFirst().contains { $0.hasPrefix("demo,") }, "\(out.output)")

                try t.type("clear; XDG_STATE_HOME=\(dir) \(bin) --demo; echo EXIT=$?")
                // The first trend drawn after the restart already holds the last run's bars (a fresh
                // start draws one bar with its first reading; a reading a bucket at most follows).
                let again = try await t.waitFor("the trend after the restart", seconds: 60) {
                    Self.trendBars($0) != nil
                }
                let after = Self.trendBars(again) ?? 0
                #expect(before >= 6 && after >= 3, "before: \(before) bars, after the restart: \(after)\n\(again)")
                try t.keys("q")
                try await t.waitFor("EXIT=0")
            }
        }

        func spawnEnv(_ argv: [String]) throws -> (status: Int32, output: String) { try spawn(argv) }
    }
}
