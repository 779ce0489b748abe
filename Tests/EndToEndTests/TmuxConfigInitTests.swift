import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    /// `psatop config init` typed at, as a first-time user would, against `psatop simulate`; and
    /// the dashboard's first-run screen with no config and no credentials.
    @Suite("psatop config init and the first run under tmux", .serialized)
    struct TmuxConfigInitTests {
        let dir = NSTemporaryDirectory() + "psatop-init-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

        init() throws {
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
                throw CocoaError(
                    .fileNoSuchFile,
                    userInfo: [
                        NSLocalizedDescriptionKey: "tmux is required for the end-to-end tests (apt-get install tmux)"
                    ])
            }
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }

        static let ateraKey = "demo-atera-key-not-real"  // the simulator's (SimulatorConfig.ateraKey)

        @Test(
            "a file secret readable by others is refused until chmod 600; the good key is tested and the profile written 0600"
        )
        func goodKeyFromFile() async throws {
            let bin = try psatopBinary()
            let sim = try SimServer(bin)
            defer { sim.stop() }
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let key = dir + "/atera.key"
            let config = dir + "/config.toml"
            FileManager.default.createFile(atPath: key, contents: Data((Self.ateraKey + "\n").utf8))
            chmod(key, 0o644)
            try await Tmux.session(
                width: 140, height: 40, typing: "\(bin) config init --config \(config); echo EXIT=$?"
            ) { t in
                try await t.waitFor("Vendor (autotask, atera, halo, connectwise):")
                try t.type("atera")
                try await t.waitFor("Profile name [atera]:")
                try t.type("sim")
                try await t.waitFor("API base URL")
                try t.type(sim.ateraURL)
                try await t.waitFor("Where does api_key come from?")
                try t.type("file \(key)")
                try await t.waitFor("group or others can read it")
                #expect(!FileManager.default.fileExists(atPath: config))
                chmod(key, 0o600)
                try t.type("file \(key)")
                let done = try await t.waitFor("EXIT=0")
                #expect(done.contains("Testing the connection (one page of tickets)"), "\(done)")
                #expect(done.contains("OK: the first page has"), "\(done)")
                #expect(done.contains("Wrote profile 'sim'"), "\(done)")
                #expect(!done.contains(Self.ateraKey))

                let text = try String(contentsOfFile: config, encoding: .utf8)
                #expect(text.contains("[profiles.sim]") && text.contains("api_key = { file = \"\(key)\" }"), "\(text)")
                #expect(text.contains("default = \"sim\""), "\(text)")
                #expect(!text.contains(Self.ateraKey))
                let mode = try FileManager.default.attributesOfItem(atPath: config)[.posixPermissions] as? Int
                #expect(mode == 0o600)
                // The written profile is one psatop uses as it is.
                let check = try spawn([bin, "config", "check", "--config", config])
                #expect(check.status == 0, "\(check.output)")
                let tickets = try spawn([bin, "tickets", "--config", config, "--profile", "sim", "--limit", "2"])
                #expect(tickets.status == 0, "\(tickets.output)")
            }
        }

        @Test("a wrong key from the environment: the test request fails, nothing is written when declined")
        func badKeyFromEnvironment() async throws {
            let bin = try psatopBinary()
            let sim = try SimServer(bin)
            defer { sim.stop() }
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let config = dir + "/config.toml"
            try await Tmux.session(
                width: 140, height: 40,
                typing: "ATERA_API_KEY=WrongKeyPlanted42 \(bin) config init --config \(config); echo EXIT=$?"
            ) { t in
                try await t.waitFor("Vendor (autotask, atera, halo, connectwise):")
                try t.type("atera")
                try await t.waitFor("Profile name [atera]:")
                try t.type("")
                try await t.waitFor("API base URL")
                try t.type(sim.ateraURL)
                try await t.waitFor("Where does api_key come from?")
                try t.type("")  // the suggested env ATERA_API_KEY
                let failed = try await t.waitFor("Write the profile anyway? [y/N]:")
                #expect(failed.contains("The connection failed"), "\(failed)")
                #expect(failed.contains("401"), "\(failed)")
                try t.type("n")
                let done = try await t.waitFor("EXIT=1")
                #expect(done.contains("Nothing written."), "\(done)")
                #expect(!FileManager.default.fileExists(atPath: config))
                let screenAfterCommand = done.components(separatedBy: "config init --config").last ?? ""
                #expect(!screenAfterCommand.contains("WrongKeyPlanted42"), "\(done)")
            }
        }

        @Test("no config file and no credentials: the dashboard says what to run, --demo first")
        func firstRun() async throws {
            let bin = try psatopBinary()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try await Tmux.session(width: 140, height: 40, typing: "XDG_CONFIG_HOME=\(dir) \(bin); echo EXIT=$?") { t in
                let s = try await t.waitFor("EXIT=1")
                #expect(s.contains("no tenant to show yet"), "\(s)")
                #expect(s.contains("psatop --demo") && s.contains("psatop config init"), "\(s)")
                #expect(
                    s.contains("ATERA_API_KEY") && s.contains("AUTOTASK_USERNAME") && s.contains("HALO_CLIENT_ID"),
                    "\(s)")
                try await t.expectCookedShell()
            }
        }
    }
}
