import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    @Suite("A fleet and a too-small screen under tmux", .serialized)
    struct TmuxFleetTests {
        init() throws {
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
                throw CocoaError(
                    .fileNoSuchFile,
                    userInfo: [
                        NSLocalizedDescriptionKey: "tmux is required for the end-to-end tests (apt-get install tmux)"
                    ])
            }
        }

        @Test("at 60x20 behind \"Terminal too small\", s j Enter y changes nothing; only help and quit act")
        func keysInertWhenTooSmall() async throws {
            let bin = try psatopBinary()
            try await Tmux.session(
                width: 100, height: 30, typing: "cd \(FileManager.default.currentDirectoryPath) && \(bin) --demo"
            ) { t in
                try await t.waitFor("the list") { $0.contains("Tickets 1/1,234") }
                try t.keys("Enter")
                try await t.waitFor("the full ticket") { !$0.contains("loading") && $0.contains("Contact ") }
                try t.resize(60, 20)
                try await t.waitFor("Terminal too small")
                // ? last: it acts, so once help shows every key before it has been read.
                try t.keys("s", "j", "Enter", "y", "?")
                try t.resize(100, 30)
                let help = try await t.waitFor("the help, opened behind the small screen") { $0.contains("Ctrl-C") }
                #expect(!help.contains("Set status") && !help.contains("y send"))
                try t.keys("?")
                let after = try await t.waitFor("the ticket again") {
                    $0.contains("Contact ") && !$0.contains("Ctrl-C")
                }
                #expect(!after.contains("status set to"), "\(after)")
                #expect(!after.contains("PATCH"), "a change went to the server: \(after)")
                #expect(!after.contains("Set status"), "\(after)")
                try t.keys("q")
                try await t.expectCookedShell()
            }
        }

        @Test("psatop --all with one unusable profile: the others are watched, the broken one has its line")
        func brokenProfileHasItsLine() async throws {
            let bin = try psatopBinary()
            let dir = try brokenFleetConfig("tmux-fleet")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try await Tmux.session(
                width: 140, height: 40,
                typing: "cd \(FileManager.default.currentDirectoryPath) && \(bin) --all --config \(dir)/config.toml"
            ) { t in
                let screen = try await t.waitFor("both tenants, the demo one read") {
                    $0.contains("broken") && $0.contains("quota unavailable: profile 'broken'")
                        && $0.contains("Tickets 1/1,234")
                }
                #expect(!screen.contains("atera-key-value-123"))
                try t.keys("q")
                try await t.expectCookedShell()
            }
        }
    }
}
