import Foundation
import Testing

extension EndToEnd {
    /// `psatop --demo --vendor halo`: the HaloPSA twin through the same panes.
    @Suite("psatop --demo --vendor halo under tmux", .serialized, .timeLimit(.minutes(15)))
    struct TmuxHaloTests {
        init() throws { try Tmux.requireInstalled() }

        @Test(
            "the 5-minute gauge, tickets past 100 with their SLA column, the log; a status change lands; q restores the shell"
        )
        func halo() async throws {
            let bin = try psatopBinary()
            try await Tmux.session(
                width: 120, height: 40,
                typing: "cd \(FileManager.default.currentDirectoryPath) && \(bin) --demo --vendor halo"
            ) { t in
                let first = try await t.waitFor("the Halo gauge, tickets and log") {
                    $0.contains("Quota (our count, 5-minute window)") && $0.contains("Tickets 1/1,234")
                        && $0.contains("/api/Tickets")
                }
                #expect(first.contains("psatop · HaloPSA"))
                #expect(first.contains("our requests in the rolling 5-minute window") && first.contains(" DUE "))
                #expect(!first.contains("\u{1B}"))

                // Past the first page of 100: the end of the list.
                try t.keys("G")
                try await t.waitFor("a row past 100") {
                    $0.range(of: #"Tickets (1\d\d|[2-9]\d\d|1,\d{3})/1,234"#, options: .regularExpression) != nil
                }
                try t.keys("g")
                try await t.waitFor("Tickets 1/1,234")

                // A ticket: its actions, then a status change sent once and read back.
                try t.keys("Enter")
                try await t.waitFor("the full ticket with its actions") {
                    $0.contains("Actions") && !$0.contains("loading")
                }
                try t.keys("s")
                try await t.waitFor("the status labels") {
                    $0.contains("Set status (now") && !$0.contains("loading the labels")
                }
                try t.keys("j", "Enter")
                try await t.waitFor("y send (only this field)")
                try t.keys("y")
                try await t.waitFor("status set to")
                try t.keys("Escape", "q")
                try await t.expectCookedShell()
            }
        }
    }
}
