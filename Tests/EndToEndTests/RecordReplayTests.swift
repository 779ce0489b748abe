import Foundation
import PSAApp
import PSACore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    /// `--record` writes valid, scrubbed HAR with no credential (also when interrupted), and
    /// `simulate --replay` of it gives `tickets` back the same tickets as recorded.
    @Suite("Record and replay", .serialized, .timeLimit(.minutes(15)))
    struct RecordReplayTests {
        static let credentials = [
            "demo-secret-not-real", "DEMO-INTEGRATION-CODE", "demo-atera-key-not-real", "api-user@demo.example",
            "demo-halo-client", "demo-halo-secret-not-real", "demo-cw-private-not-real",
            "5e7a9c1d-31c0-4f00-9a31-000000000031",
            // The Basic header's base64 of demo_msp+demoPublicKey01:demo-cw-private-not-real.
            Data("demo_msp+demoPublicKey01:demo-cw-private-not-real".utf8).base64EncodedString(),
        ]

        static func dir() throws -> String {
            let d = NSTemporaryDirectory() + "psatop-rec-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
            return d
        }

        static func tickets(_ output: String) throws -> [[String: Any]] {
            let start = try #require(output.firstIndex(of: "["))
            let data = Data(output[start...].utf8)
            return try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        }

        /// Every ticket the recording's answers hold, id → title.
        static func recordedTitles(_ har: Data) throws -> [Int: String] {
            let root = try #require(try JSONSerialization.jsonObject(with: har) as? [String: Any])
            let entries = try #require((root["log"] as? [String: Any])?["entries"] as? [[String: Any]])
            var out: [Int: String] = [:]
            for e in entries {
                guard let url = (e["request"] as? [String: Any])?["url"] as? String,
                    url.lowercased().contains("/tickets/query") || url.contains("/api/v3/tickets?")
                        || url.contains("/api/Tickets?") || url.contains("/service/tickets?"),
                    let text = ((e["response"] as? [String: Any])?["content"] as? [String: Any])?["text"] as? String,
                    let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)),
                    // Autotask and Atera list `items`; HaloPSA `tickets` (ids may come as strings);
                    // ConnectWise answers a bare array.
                    let items = (json as? [[String: Any]])
                        ?? ((json as? [String: Any]).flatMap { ($0["items"] ?? $0["tickets"]) as? [[String: Any]] })
                else { continue }
                for i in items {
                    let rawID = i["id"] ?? i["TicketID"]
                    if let id = (rawID as? Int) ?? (rawID as? String).flatMap({ Int($0) }),
                        let t = (i["title"] ?? i["TicketTitle"] ?? i["summary"]) as? String
                    {
                        out[id] = t
                    }
                }
            }
            return out
        }

        @Test(
            "tickets --demo --all --record: valid HAR 1.2, no credential or personal data; replayed, the same tickets",
            arguments: Vendor.allCases.map(\.rawValue))
        func roundTrip(_ vendor: String) throws {
            let bin = try psatopBinary()
            let d = try Self.dir()
            let har = d + "/t.har"
            umask(0o022)  // the 0600 below is psatop's doing, not the runner's umask
            let original = try spawn([
                bin, "tickets", "--demo", "--vendor", vendor, "--demo-tickets", "150", "--all", "--json",
                "--record", har,
            ])
            #expect(original.status == 0, "\(original.output.suffix(500))")
            #expect(original.output.contains("recording to \(har)"))
            let data = try Data(contentsOf: URL(fileURLWithPath: har))
            #expect(HARCheck.problems(data).isEmpty, "\(HARCheck.problems(data).prefix(5))")
            var st = stat()
            #expect(stat(har, &st) == 0 && st.st_mode & 0o777 == 0o600)
            let text = String(decoding: data, as: UTF8.self)
            for c in Self.credentials + ["@msp.example", "@example.com"] {
                #expect(!text.contains(c), "the recording holds \(c)")
            }
            let tickets = try Self.tickets(original.output)
            #expect(tickets.count == 150)
            // Titles and companies as the simulator made them appear nowhere in the file.
            var personal = Set<String>()
            for t in tickets {
                for k in ["title", "company", "contact", "assignee", "description"] {
                    if let v = t[k] as? String, v.count >= 8 { personal.insert(v) }
                }
            }
            #expect(!personal.isEmpty)
            for p in personal { #expect(!text.contains(p), "the recording holds \(p)") }
            // A second recording to the same file is refused without --force.
            let again = try spawn([bin, "tickets", "--demo", "--demo-tickets", "5", "--record", har])
            #expect(again.status != 0 && again.output.contains("--force"))

            let sim = try SimServer(bin, extra: ["--replay", har, "--replay-only"])
            defer { sim.stop() }
            let env =
                "AUTOTASK_USERNAME=someone@else.example AUTOTASK_SECRET=x1234 AUTOTASK_INTEGRATION_CODE=y1234 ATERA_API_KEY=z1234"
                + " HALO_CLIENT_ID=replay-client HALO_CLIENT_SECRET=replay-secret"
                + " CW_COMPANY=demo_msp CW_PUBLIC_KEY=replayPublic CW_PRIVATE_KEY=replay-private CW_CLIENT_ID=replay-client"
            let target: String
            switch Vendor(rawValue: vendor) {
            case .atera: target = "--vendor atera --base-url \(sim.ateraURL)"
            // The demo's Halo instance is the simulator's /halo (its token URL, from /api/authinfo, too).
            case .halo: target = "--vendor halo --base-url http://127.0.0.1:\(sim.port)/halo"
            // The demo's ConnectWise site is the simulator's /connectwise (companyinfo and the codebase under it).
            case .connectwise: target = "--vendor connectwise --base-url http://127.0.0.1:\(sim.port)/connectwise"
            case .autotask, nil: target = "--base-url \(sim.autotaskURL)"
            }
            let replayed = try spawn(["/bin/sh", "-c", "env \(env) \(bin) tickets --all --json \(target)"])
            #expect(replayed.status == 0, "\(replayed.output.suffix(800))")
            let back = try Self.tickets(replayed.output)
            #expect(back.compactMap { $0["id"] as? Int } == tickets.compactMap { $0["id"] as? Int })
            let recorded = try Self.recordedTitles(data)
            #expect(!recorded.isEmpty)
            for t in back {
                guard let id = t["id"] as? Int else { continue }
                #expect(t["title"] as? String == recorded[id], "ticket \(id)")
            }
        }

        @Test(
            "Each corpus file, served by simulate --replay --replay-only, walks to its tickets with tickets --all --json"
        )
        func corpus() throws {
            let bin = try psatopBinary()
            let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("PSAClientTests/Corpus/har")
            let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".har") }
                .sorted()
            #expect(files.count >= 2)
            for name in files {
                let path = dir.appendingPathComponent(name).path
                let sim = try SimServer(bin, extra: ["--replay", path, "--replay-only"])
                defer { sim.stop() }
                let atera = name.hasPrefix("atera-")
                let halo = name.hasPrefix("halo-")
                let cw = name.hasPrefix("connectwise-")
                var env =
                    atera
                    ? "ATERA_API_KEY=replay-key"
                    : "AUTOTASK_USERNAME=someone@else.example AUTOTASK_SECRET=x1234 AUTOTASK_INTEGRATION_CODE=y1234"
                var target = atera ? "--vendor atera --base-url \(sim.ateraURL)" : "--base-url \(sim.autotaskURL)"
                if halo {
                    // The recording's instance is the simulator's root (its paths are /api/…, /auth/token).
                    env = "HALO_CLIENT_ID=replay-client HALO_CLIENT_SECRET=replay-secret"
                    target = "--vendor halo --base-url http://127.0.0.1:\(sim.port)"
                }
                if cw {
                    // The recording's site is the simulator's root (/login/companyinfo, /{codebase}apis/3.0).
                    env =
                        "CW_COMPANY=yourmsp CW_PUBLIC_KEY=replayPublic CW_PRIVATE_KEY=replay-private CW_CLIENT_ID=replay-client"
                    target = "--vendor connectwise --base-url http://127.0.0.1:\(sim.port)"
                }
                let r = try spawn(["/bin/sh", "-c", "env \(env) \(bin) tickets --all --json \(target)"])
                #expect(r.status == 0, "\(name): \(r.output.suffix(600))")
                let tickets = try Self.tickets(r.output)
                #expect(!tickets.isEmpty, "\(name) gave no ticket")
                // Exactly the tickets the file's answers hold, each once (not a substring hunt:
                // "-1" would be found in any `"headersSize": -1`).
                let recorded = try Self.recordedTitles(try Data(contentsOf: URL(fileURLWithPath: path)))
                #expect(!recorded.isEmpty, "\(name): no ticket in the file's answers")
                let ids = try tickets.map { try #require($0["id"] as? Int, "\(name): a ticket without an id: \($0)") }
                #expect(ids.sorted() == recorded.keys.sorted(), "\(name)")
            }
        }

        /// Starts `argv` with default signal dispositions (a shell's background job would ignore
        /// SIGINT), output to /dev/null; its pid.
        static func start(_ argv: [String]) throws -> pid_t {
            var actions = posix_spawn_file_actions_t()
            childActions(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            try addCloseFrom(&actions, 3)
            var attr = posix_spawnattr_t()
            posix_spawnattr_init(&attr)
            defer { posix_spawnattr_destroy(&attr) }
            var defaults = sigset_t()
            sigemptyset(&defaults)
            sigaddset(&defaults, SIGINT)
            sigaddset(&defaults, SIGTERM)
            var none = sigset_t()
            sigemptyset(&none)
            posix_spawnattr_setsigdefault(&attr, &defaults)
            posix_spawnattr_setsigmask(&attr, &none)
            posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
            var cargs = argv.map { strdup($0) } + [nil]
            defer { cargs.forEach { free($0) } }
            var pid: pid_t = 0
            guard posix_spawn(&pid, argv[0], &actions, &attr, &cargs, environ) == 0 else {
                throw SpawnFailed(errno: errno)
            }
            return pid
        }

        @Test(
            "Ended by SIGINT or SIGTERM mid-walk, the recording is still valid HAR with no credential",
            arguments: [SIGINT, SIGTERM])
        func interrupted(_ sig: Int32) throws {
            let bin = try psatopBinary()
            let har = try Self.dir() + "/cut.har"
            let pid = try Self.start([
                bin, "tickets", "--demo", "--demo-tickets", "20000", "--all", "--json", "--record", har,
            ])
            // Until a few exchanges are in (the walk goes on for many seconds after).
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline,
                ((try? FileManager.default.attributesOfItem(atPath: har)[.size] as? Int) ?? 0) < 20_000
            {
                usleep(20_000)
            }
            kill(pid, sig)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1, errno == EINTR {}
            // Ended by the signal itself (no handler in `tickets`), not by finishing the walk.
            #expect(status & 0x7F == sig, "status \(status)")
            let data = try Data(contentsOf: URL(fileURLWithPath: har))
            #expect(HARCheck.problems(data).isEmpty, "\(HARCheck.problems(data).prefix(5))")
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.contains("\"entries\":[\n{"), "nothing was recorded before the signal")
            for c in Self.credentials { #expect(!text.contains(c)) }
        }
    }
}
