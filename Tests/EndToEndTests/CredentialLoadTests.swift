import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    /// A `.env` file with Windows line ends gives every value a trailing carriage return. Every
    /// credential variable of every vendor set so is refused when it is loaded, by its name, and
    /// its value shows nowhere: not on stdout or stderr, not with `-v`, not in `--stderr-log`,
    /// not in `status --json`, not in a recording.
    @Suite("Credentials with a carriage return are refused by name, never printed", .timeLimit(.minutes(5)))
    struct CredentialLoadTests {
        /// Each variable with the command that reads it; the other variables of its vendor are fine.
        static let cases: [(variable: String, vendor: String, others: [String: String])] = [
            (
                "AUTOTASK_USERNAME", "autotask",
                ["AUTOTASK_SECRET": "fine-secret-1", "AUTOTASK_INTEGRATION_CODE": "FINECODE1"]
            ),
            (
                "AUTOTASK_SECRET", "autotask",
                ["AUTOTASK_USERNAME": "u@x.example", "AUTOTASK_INTEGRATION_CODE": "FINECODE1"]
            ),
            (
                "AUTOTASK_INTEGRATION_CODE", "autotask",
                ["AUTOTASK_USERNAME": "u@x.example", "AUTOTASK_SECRET": "fine-secret-1"]
            ),
            ("ATERA_API_KEY", "atera", [:]),
            ("HALO_CLIENT_ID", "halo", ["HALO_CLIENT_SECRET": "fine-secret-1"]),
            ("HALO_CLIENT_SECRET", "halo", ["HALO_CLIENT_ID": "fine-id-1"]),
        ]

        @Test("each credential variable ending in \\r: refused by name, the value in no output, nothing sent")
        func carriageReturn() throws {
            let bin = try psatopBinary()
            let sim = try SimServer(bin)
            defer { sim.stop() }
            let dir = NSTemporaryDirectory() + "psatop-cr-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            for (i, c) in Self.cases.enumerated() {
                let value = "CrValue\(i)Planted"
                let base =
                    switch c.vendor {
                    case "atera": sim.ateraURL
                    case "halo": "http://127.0.0.1:\(sim.port)/halo"
                    default: sim.autotaskURL
                    }
                let env = c.others.map { "\($0.key)=\($0.value)" } + ["\(c.variable)=\(value)\r"]
                let har = dir + "/r\(i).har"
                for args in [
                    ["status", "-v"], ["status", "--json"], ["tickets", "--all", "--json", "-v", "--record", har],
                ] {
                    let argv =
                        ["/usr/bin/env"] + env + [bin] + args + ["--vendor", c.vendor, "--base-url", base]
                    let r = try spawn(argv, seconds: 60)
                    let shown = "\(c.variable) \(args.joined(separator: " ")): \(r.output)"
                    #expect(r.status != 0, "\(shown)")
                    #expect(r.output.contains(c.variable), "\(shown)")
                    #expect(r.output.contains("carriage return"), "\(shown)")
                    #expect(!r.output.contains("CrValue\(i)"), "\(shown)")
                    // Refused on load: no request went out (no answer, no HTTP status, no retry).
                    #expect(!r.output.contains("HTTP 4"), "\(shown)")
                    #expect(!r.output.contains("header"), "\(shown)")
                }
                let text = (try? String(contentsOfFile: har, encoding: .utf8)) ?? ""
                #expect(!text.contains("CrValue\(i)"), "\(har): \(text.prefix(400))")
            }
        }

        @Test("the dashboard, with --stderr-log, refuses a secret ending in \\r by name before it takes the screen")
        func dashboard() async throws {
            let bin = try psatopBinary()
            let log = NSTemporaryDirectory() + "psatop-cr-dash-\(getpid()).log"
            defer { unlink(log) }
            try await Tmux.session(width: 120, height: 30) { t in
                try t.type(
                    "env AUTOTASK_USERNAME=u@x.example AUTOTASK_SECRET=\"$(printf 'CrDashValue\\r')\" AUTOTASK_INTEGRATION_CODE=C1 \(bin) --stderr-log \(log) --base-url http://127.0.0.1:9/ATServicesRest/V1.0; echo EXIT=$?"
                )
                let screen = try await t.waitFor("the exit status") {
                    $0.range(of: "EXIT=[0-9]", options: .regularExpression) != nil
                }
                #expect(screen.contains("AUTOTASK_SECRET") && screen.contains("carriage return"), "\(screen)")
                #expect(!screen.contains("EXIT=0"))
                // (The typed command line shows the value's name in printf; the output must not.)
                let output = screen.components(separatedBy: "EXIT=$?").last ?? screen
                #expect(!output.contains("CrDashValue"), "\(screen)")
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                #expect(!text.contains("CrDashValue"))
            }
        }

        @Test(
            "a profile's secret from an environment variable with \\r is refused naming the profile, key and variable")
        func profileEnvSource() throws {
            let bin = try psatopBinary()
            let dir = NSTemporaryDirectory() + "psatop-crp-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try """
            [profiles.acme]
            vendor = "atera"
            base_url = "http://127.0.0.1:9/api/v3"
            api_key = { env = "ACME_ATERA_KEY" }
            """.write(toFile: dir + "/config.toml", atomically: true, encoding: .utf8)
            for args in [["status", "--profile", "acme"], ["config", "check"]] {
                let r = try spawn(
                    ["/usr/bin/env", "ACME_ATERA_KEY=ProfileCrValue\r", bin] + args + [
                        "--config", dir + "/config.toml",
                    ])
                #expect(r.output.contains("ACME_ATERA_KEY"), "\(r.output)")
                #expect(r.output.contains("carriage return"), "\(r.output)")
                #expect(!r.output.contains("ProfileCrValue"), "\(r.output)")
            }
        }
    }
}
