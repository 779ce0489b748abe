import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    @Suite("Command-line manners: --version, exit codes, bad values, -v, unusable terminals", .serialized)
    struct CommandLineTests {
        static let subcommands = [
            ["dashboard"], ["tickets"], ["status"], ["serve-metrics"], ["config"], ["config", "check"], ["simulate"],
        ]

        @Test("--version prints the name and the build's version (git describe or the CHANGELOG's), and exits 0")
        func version() throws {
            let bin = try psatopBinary()
            let r = try spawn([bin, "--version"])
            #expect(r.status == 0)
            #expect(r.output.range(of: #"^psatop \S.*\n$"#, options: .regularExpression) != nil, "\(r.output)")
            #expect(r.output.split(separator: "\n").count == 1)
        }

        @Test("every command documents its exit codes in --help")
        func exitCodesInHelp() throws {
            let bin = try psatopBinary()
            for args in [[]] + Self.subcommands {
                let r = try spawn([bin] + args + ["--help"])
                #expect(r.status == 0, "\(args)")
                #expect(
                    r.output.contains("Exit codes:"),
                    "psatop \(args.joined(separator: " ")) --help says nothing of its exit codes")
            }
        }

        static let badValueCases: [([String], Int32, [String])] = [
            (["tickets", "--demo", "--vendor", "connectwise"], 64, ["--vendor", "autotask", "atera", "halo"]),
            (["tickets", "--demo", "--limit", "many"], 64, ["--limit"]),
            (["tickets", "--demo", "--ceiling", "120"], 64, ["--ceiling", "at most 100"]),
            (["serve-metrics", "--demo", "--listen", "everywhere"], 64, ["--listen", "host:port"]),
            (["status", "--demo", "--timeout", "0"], 3, ["--timeout", "1 to 600", "psatop UNKNOWN"]),
            (
                ["status", "--demo", "--vendor", "connectwise"], 3,
                ["--vendor", "autotask", "atera", "halo", "psatop UNKNOWN"]
            ),
        ]

        @Test(
            "a bad flag value names the flag and what it accepts; exit 64, and UNKNOWN (3) for status, as monitoring expects",
            arguments: badValueCases)
        func badValues(args: [String], code: Int32, mentions: [String]) throws {
            let bin = try psatopBinary()
            let r = try spawn([bin] + args)
            #expect(r.status == code, "\(args): \(r.output)")
            for m in mentions { #expect(r.output.contains(m), "\(args): '\(m)' not said in \(r.output)") }
        }

        @Test("-v: the request log on stderr as it happens, while stdout stays data; without -v, none of it")
        func verbose() throws {
            let bin = try psatopBinary()
            let dir = NSTemporaryDirectory() + "psatop-v-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let r = try spawn(["/bin/sh", "-c", "\(bin) tickets --demo --limit 3 -v 2>\(dir)/err"])
            #expect(r.status == 0)
            #expect(r.output.split(separator: "\n").count == 3, "stdout: \(r.output)")
            #expect(!r.output.contains("psatop: "), "request lines went to stdout")
            let err = try String(contentsOfFile: dir + "/err", encoding: .utf8)
            let lines = err.split(separator: "\n")
            #expect(
                lines.contains {
                    $0.range(
                        of: #"^psatop: \d\d:\d\d:\d\d\.\d{3} (GET|POST) /.+ 200 \d+ms \[tickets\]$"#,
                        options: .regularExpression) != nil
                },
                "stderr: \(err)")
            let status = try spawn(["/bin/sh", "-c", "\(bin) status --demo --verbose 2>&1 >/dev/null"])
            #expect(status.output.contains("ThresholdInformation 200"), "\(status.output)")
            let quiet = try spawn(["/bin/sh", "-c", "\(bin) tickets --demo --limit 3 2>&1 >/dev/null"])
            #expect(quiet.output.isEmpty, "without -v: \(quiet.output)")
        }

        @Test(
            "TERM=dumb and an unknown TERM get a sentence and exit 1, the shell untouched; a non-UTF-8 locale draws in ASCII"
        )
        func terminals() async throws {
            let bin = try psatopBinary()
            let t = Tmux()
            defer { t.kill() }
            try await t.start(width: 100, height: 30)
            try t.type("TERM=dumb \(bin) --demo; echo DUMB=$?")
            var s = try await t.waitFor("DUMB=1")
            #expect(s.contains("TERM=dumb cannot move the cursor"), "\(s)")
            try t.type("TERM=no-such-terminal \(bin) --demo; echo UNKNOWN=$?")
            s = try await t.waitFor("UNKNOWN=1")
            #expect(s.contains("not known to terminfo"), "\(s)")
            try t.type("LANG=C LC_ALL=C \(bin) --demo; echo EXIT=$?")
            s = try await t.waitFor("Tickets 1/1,234")
            #expect(!s.contains { "┌┐└┘─│█░▓·…●".contains($0) }, "Unicode glyphs in a C locale:\n\(s)")
            #expect(s.contains("+--"), "\(s)")
            try t.keys("q")
            try await t.waitFor("EXIT=0")
            try await t.expectCookedShell()
        }
    }
}
