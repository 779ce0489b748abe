import Foundation
import PSACore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    @Suite(
        "Command-line manners: --version, exit codes, bad values, -v, unusable terminals", .serialized,
        .timeLimit(.minutes(15)))
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

        /// The codes each command's --help must name, no more and no fewer (README's "Exit codes";
        /// status: the monitoring-plugin codes; the other tests here see them returned).
        static let documentedCodes: [[String]: [String]] = [
            []: ["0", "1", "64", "128+N"], ["dashboard"]: ["0", "1", "64", "128+N"], ["tickets"]: ["0", "1", "64"],
            ["status"]: ["0", "1", "2", "3"], ["serve-metrics"]: ["0", "1", "64"], ["config"]: ["64"],
            ["config", "check"]: ["0", "1", "64"], ["simulate"]: ["0", "1", "64"],
        ]

        /// The codes an "Exit codes:" sentence names: "N what; N what, …" (asides in parentheses
        /// left out, so "(129 SIGHUP, 130 Ctrl-C)" is an example, not a code).
        static func exitCodes(inHelp help: String) -> [String]? {
            let flat = help.replacingOccurrences(of: #"\s*\n\s*"#, with: " ", options: .regularExpression)
            guard let start = flat.range(of: "Exit codes: ") else { return nil }
            var text = String(flat[start.upperBound...])
                .replacingOccurrences(of: #"\([^)]*\)"#, with: "", options: .regularExpression)
            if let end = text.range(of: #"\.( |$)"#, options: .regularExpression) {
                text = String(text[..<end.lowerBound])
            }
            let re = try! NSRegularExpression(pattern: #"(?:^|[;,] )(\d+(?:\+N)?) "#)
            return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).map {
                String(text[Range($0.range(at: 1), in: text)!])
            }
        }

        @Test("every command's --help names exactly its exit codes")
        func exitCodesInHelp() throws {
            let bin = try psatopBinary()
            // The parser reads what it should: a made-up help text.
            #expect(
                Self.exitCodes(
                    inHelp: "x\n  Exit codes: 0 ok; 1 an error (a, 9 b), said\n  there; 64 bad; 128+N signal N. 5 no")
                    == ["0", "1", "64", "128+N"])
            #expect(Self.subcommands.count + 1 == Self.documentedCodes.count)
            for args in [[]] + Self.subcommands {
                let r = try spawn([bin] + args + ["--help"])
                #expect(r.status == 0, "\(args)")
                let codes = Self.exitCodes(inHelp: r.output)
                #expect(codes != nil, "psatop \(args.joined(separator: " ")) --help says nothing of its exit codes")
                #expect(
                    codes == Self.documentedCodes[args], "psatop \(args.joined(separator: " ")) --help: \(r.output)")
            }
        }

        @Test("--help, simulate --help and a bad --vendor name every declared vendor")
        func vendorsInHelp() throws {
            let bin = try psatopBinary()
            let top = try spawn([bin, "--help"]).output
            let sim = try spawn([bin, "simulate", "--help"]).output
            let tickets = try spawn([bin, "tickets", "--help"]).output
            for v in Vendor.allCases {
                #expect(top.contains(v.label), "psatop --help leaves out \(v.label)")
                #expect(sim.contains(v.label), "psatop simulate --help leaves out \(v.label)")
                #expect(tickets.contains(v.rawValue), "psatop tickets --help leaves out \(v.rawValue)")
            }
        }

        static let badValueCases: [([String], Int32, [String])] = [
            (["tickets", "--demo", "--vendor", "kaseya"], 64, ["--vendor", "autotask", "atera", "halo"]),
            (["tickets", "--demo", "--limit", "many"], 64, ["--limit"]),
            (["tickets", "--demo", "--ceiling", "120"], 64, ["--ceiling", "at most 100"]),
            (["serve-metrics", "--demo", "--listen", "everywhere"], 64, ["--listen", "host:port"]),
            (["status", "--demo", "--timeout", "0"], 3, ["--timeout", "1 to 600", "psatop UNKNOWN"]),
            (
                ["status", "--demo", "--vendor", "kaseya"], 3,
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
            try await Tmux.session(width: 100, height: 30, typing: "TERM=dumb \(bin) --demo; echo DUMB=$?") { t in
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
}

extension EndToEnd {
    @Suite("tickets --view")
    struct TicketsViewTests {
        @Test("tickets --view prints what the view shows, in its columns; an unknown view names those there are")
        func ticketsView() throws {
            let bin = try psatopBinary()
            let dir = NSTemporaryDirectory() + "psatop-view-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let config = """
                default = "lab"
                [profiles.lab]
                demo = true
                vendor = "autotask"
                [[views]]
                name = "High"
                filter = "prio:high"
                sort = "number"
                columns = ["number", "priority"]
                """
            try config.write(toFile: dir + "/config.toml", atomically: true, encoding: .utf8)
            let r = try spawn([bin, "tickets", "--config", dir + "/config.toml", "--view", "high", "--quiet"])
            #expect(r.status == 0, "\(r.output)")
            let rows = r.output.split(separator: "\n").filter { $0.hasPrefix("T2026") }
            #expect(rows.count > 10)
            #expect(rows.allSatisfy { $0.split(separator: "\t") == [$0.split(separator: "\t")[0], "High"] })
            let numbers = rows.map { String($0.split(separator: "\t")[0].suffix(4)) }
            #expect(numbers == numbers.sorted())
            let bad = try spawn([bin, "tickets", "--config", dir + "/config.toml", "--view", "Low"])
            #expect(bad.status == 1 && bad.output.contains("--view Low: no such view; views: High"), "\(bad.output)")
        }
    }
}
