import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    /// Saved views, the palette, a custom command fed shell text, reload (R, SIGUSR1, a broken
    /// file) and the mouse, in the real binary under tmux.
    @Suite("Views, palette, commands, reload, mouse under tmux", .serialized, .timeLimit(.minutes(10)))
    struct TmuxCustomizeTests {
        init() throws { try Tmux.requireInstalled() }

        static let config = """
            default = "lab"
            mouse = true

            [profiles.lab]
            demo = true
            vendor = "autotask"

            [[views]]
            name = "Urgent"
            filter = "prio:high"
            columns = ["number", "priority", "title"]

            [[views]]
            name = "Nowhere"
            server_filter = "status:Nonexistent"

            [[commands]]
            name = "show args"
            key = "K"
            run = ["DIR/show.sh", "{title}", "{number}"]

            [[commands]]
            name = "in front"
            key = "J"
            run = ["sh", "-c", "echo FRONT-$((6*7)); sleep 1", "{number}"]
            output = "foreground"
            """

        /// A folder with the config and the program the command runs (each argument in brackets,
        /// then their count and how many credential-looking variables it was given).
        static func folder(_ tag: String) throws -> String {
            let dir = NSTemporaryDirectory() + "psatop-custom-\(tag)-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try config.replacingOccurrences(of: "DIR", with: dir).write(
                toFile: dir + "/config.toml", atomically: true, encoding: .utf8)
            let script = """
                #!/bin/sh
                for a in "$@"; do printf '[%s]\\n' "$a"; done
                echo "argc=$#"
                echo "secrets=$(env | grep -c -e SECRET -e INTEGRATION_CODE)"
                """
            try script.write(toFile: dir + "/show.sh", atomically: true, encoding: .utf8)
            chmod(dir + "/show.sh", 0o755)
            return dir
        }

        static func start(_ dir: String) async throws -> Tmux {
            let bin = try psatopBinary()
            let t = try await Tmux.started(width: 120, height: 40)
            // A credential in psatop's environment (the demo reads none): the command must not get it.
            try t.type(
                "cd \(dir) && AUTOTASK_SECRET=hunter2 AUTOTASK_INTEGRATION_CODE=x \(bin) --config \(dir)/config.toml; echo EXIT=$?"
            )
            try await t.waitFor("Tickets 1/1,234")
            return t
        }

        @Test(
            "v switches views (a missing status is named, nothing shown); the palette runs an entry; a command gets shell text as one argument"
        )
        func viewsPaletteCommand() async throws {
            let dir = try Self.folder("v")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let t = try await Self.start(dir)
            defer { t.kill() }
            try t.keys("v")
            // (Each screen polled until it settles: a capture can fall mid-frame.)
            try await t.waitFor("the Urgent view in its columns") {
                $0.contains("Urgent 1/") && $0.contains("/prio:high") && $0.contains("PRIORITY")
                    && !$0.contains("STATUS")
            }
            try t.keys("v")
            // A status the tenant lacks: named, and no ticket shown.
            try await t.waitFor("the missing status named, no ticket") {
                $0.contains("Nowhere 0/") && $0.contains("no ticket status 'Nonexistent'") && !$0.contains("T2026")
            }
            try t.keys("v")
            try await t.waitFor("all tickets again") {
                $0.contains("Tickets 1/1,234") && $0.contains("view: all tickets")
            }

            // The palette: typed, narrowed, Enter runs the entry (zoom: the gauge goes).
            try t.keys("C-p")
            try await t.waitFor("the palette") { $0.contains("Command palette") }
            try t.run(["send-keys", "-t", t.session, "-l", "zoom"])
            try await t.waitFor("zoom first") { $0.contains("> zoom") }
            try t.keys("Enter")
            try await t.waitFor("the list zoomed") { !$0.contains("Quota (") && !$0.contains("Requests (") }
            try t.keys("z")
            try await t.waitFor("the gauge back") { $0.contains("Quota (") }

            // The demo's ticket whose title is shell text, then the command on it.
            try t.keys("/")
            try t.run(["send-keys", "-t", t.session, "-l", "Shell text"])
            try t.keys("Enter")
            try await t.waitFor("the shell-text ticket") { $0.contains("Shell text $(touch pwned)") }
            try t.keys("K")
            let out = try await t.waitFor("the program's output") { $0.contains("show args · done") }
            #expect(out.contains("[Shell text $(touch pwned); rm -rf x `id`]"), "\(out)")
            #expect(out.contains("argc=2") && out.contains("secrets=0"), "\(out)")
            #expect(!out.contains("uid="), "no shell ran `id`")
            #expect(!FileManager.default.fileExists(atPath: dir + "/pwned"), "no shell ran $(touch pwned)")
            try t.keys("Escape", "Escape", "q")
            try await t.waitFor("EXIT=0")
        }

        @Test(
            "R reloads a changed config and says what changed; SIGUSR1 with a broken file keeps the old settings and names the line; a click selects"
        )
        func reloadAndMouse() async throws {
            let dir = try Self.folder("r")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let t = try await Self.start(dir)
            defer { t.kill() }
            let path = dir + "/config.toml"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try (text + "\n\n[[views]]\nname = \"Later\"\nfilter = \"prio:low\"\n").write(
                toFile: path, atomically: true, encoding: .utf8)
            try t.keys("R")
            try await t.waitFor("config reloaded: views +Later")
            // Broken (an unknown key at line 1): the old settings stay, the error names the line.
            try ("mousse = 1\n" + text).write(toFile: path, atomically: true, encoding: .utf8)
            let pid = try #require(try t.programPID())
            #expect(kill(pid, SIGUSR1) == 0)
            try await t.waitFor("the broken file's line") {
                $0.contains("config not reloaded (the old settings stay)")
                    && $0.contains("config.toml:1: unknown key 'mousse'")
            }
            try t.keys("v", "v", "v")
            try await t.waitFor("the view loaded before the broken file") { $0.contains("Later 1/") }
            try t.keys("v")
            try await t.waitFor("all tickets") { $0.contains("Tickets 1/1,234") }

            // The mouse (X10 reports, as tmux-256color's kmous says): a press on the list's fifth row.
            let before = try t.screenWithEscapes()
            #expect(before.contains("T2026"))
            let rows = try t.screen().split(separator: "\n", omittingEmptySubsequences: false)
            let y = try #require(rows.firstIndex { $0.contains("NUMBER") }) + 5
            let press = "\u{1B}[M " + String(UnicodeScalar(UInt8(20 + 33))) + String(UnicodeScalar(UInt8(y + 33)))
            let release = "\u{1B}[M#" + String(UnicodeScalar(UInt8(20 + 33))) + String(UnicodeScalar(UInt8(y + 33)))
            try t.run(["send-keys", "-t", t.session, "-l", press + release])
            let number = String(rows[y].split(separator: " ").dropFirst().first ?? "")
            try await t.waitFor("the clicked row selected") { _ in
                let lines = (try? t.screenWithEscapes())?.split(separator: "\n") ?? []
                return lines.contains { $0.contains(number) && $0.contains("\u{1B}[0;7m") }
            }
            // A double click opens it.
            try t.run(["send-keys", "-t", t.session, "-l", press + release + press + release])
            try await t.waitFor("the ticket opened") { $0.contains(number) && $0.contains("Esc back") }
            try t.keys("Escape")
            try await t.waitFor("the list again") { $0.contains("/1,234") && $0.contains("NUMBER") }
            // A foreground command has the terminal (the screen and the mouse handed over), then
            // psatop takes both back.
            try t.keys("J")
            try await t.waitFor("FRONT-42")
            let during = try t.run(["display-message", "-p", "-t", t.session, "#{alternate_on} #{mouse_standard_flag}"])
            #expect(during.trimmingCharacters(in: .whitespacesAndNewlines) == "0 0")
            try await t.waitFor("in front: done")
            let after = try t.run(["display-message", "-p", "-t", t.session, "#{alternate_on} #{mouse_standard_flag}"])
            #expect(after.trimmingCharacters(in: .whitespacesAndNewlines) == "1 1")
            try t.keys("q")
            try await t.waitFor("EXIT=0")
        }
    }
}
