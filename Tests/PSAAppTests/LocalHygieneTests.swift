import CursesUI
import Foundation
import PSAApp
import PSAClient
import PSACore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What psatop leaves lying about on its own machine: the browser's inheritance, secret and
/// attachment files judged by what was opened, a config file others may write, core dumps.
@Suite("Local hygiene", .serialized, .timeLimit(.minutes(10)))
struct LocalHygieneTests {
    static func tempDir(_ tag: String) throws -> String {
        let dir = NSTemporaryDirectory() + "psatop-\(tag)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The browser's and the note editor's environment (`Browser.childEnvironment`) drops every
    /// variable each declared vendor reads its credentials from — a new vendor is covered by
    /// declaring its variables, not by adding them to this test.
    @Test("a child's environment holds no declared credential variable", arguments: Vendor.allCases)
    func childEnvironment(vendor: Vendor) {
        let declared = vendor.credentials.variables
        #expect(!declared.isEmpty)
        var env = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "EDITOR": "vi"]
        for name in declared { env[name] = "value-of-\(name)" }
        let child = Browser.childEnvironment(env)
        for name in declared { #expect(child[name] == nil, "\(vendor): \(name) reaches a child process") }
        #expect(child["PATH"] == "/usr/bin:/bin" && child["LANG"] == "C.UTF-8" && child["EDITOR"] == "vi")
    }

    @Test("the browser gets no credential variable, no ignored or blocked signal of ours, no descriptor of ours")
    func browserInheritsNothing() async throws {
        let dir = try Self.tempDir("browser")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/seen"
        let script = dir + "/browser"
        // The "browser" writes down what it got: its signal masks (read with builtins first: a
        // shell that forks blocks every signal for a moment, so a child reading the shell's
        // status could see that instead), its environment, its open descriptors.
        try """
        #!/bin/sh
        while read -r k v; do case $k in SigBlk:|SigIgn:) printf '%s\\t%s\\n' "$k" "$v" >> "\(out).tmp";; esac; done < /proc/$$/status
        { env; echo FDS; ls /proc/$$/fd; } >> "\(out).tmp"; mv "\(out).tmp" "\(out)"
        """.write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o700)
        // A descriptor without close-on-exec (as a terminal's is), an ignored and a blocked signal.
        // The lowest free descriptor ≥ 600, never one in use: dup2 onto a fixed number (201) once
        // replaced a socket the simulator's event loop owned in this process, and its close made
        // NIO stop the whole test run on EBADF.
        let opened = open("/dev/null", O_RDONLY)
        let planted = fcntl(opened, F_DUPFD, 600)
        close(opened)
        #expect(planted >= 600)
        defer { close(planted) }
        let env = [
            "PATH": "/usr/bin:/bin", "HOME": dir, CredentialVariable.autotaskSecret: "s3cret-value",
            CredentialVariable.ateraKey: "atera-key-value",
            CredentialVariable.autotaskIntegrationCode: "code-value", "HALO_CLIENT_SECRET": "halo-secret-value",
            "GITHUB_TOKEN": "gh", "LANG": "C.UTF-8",
        ]
        // Blocked on this thread and restored before any suspension point (an await may resume on another thread).
        let started: Bool = {
            let oldUSR1 = signal(SIGUSR1, SIG_IGN)
            var block = sigset_t(), old = sigset_t()
            sigemptyset(&block)
            sigaddset(&block, SIGUSR2)
            pthread_sigmask(SIG_BLOCK, &block, &old)
            defer {
                pthread_sigmask(SIG_SETMASK, &old, nil)
                signal(SIGUSR1, oldUSR1)
            }
            return Browser.open("https://example.invalid/ticket/1", with: script, environment: env)
        }()
        #expect(started)
        var seen = ""
        for _ in 0..<200 where seen.isEmpty {  // the browser runs in the background: wait for its note (at most 10 s)
            seen = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            if seen.isEmpty { try await Task.sleep(for: .milliseconds(50)) }  // (real time: another process's)
        }
        #expect(!seen.isEmpty)
        for secret in ["s3cret-value", "atera-key-value", "code-value", "halo-secret-value", "GITHUB_TOKEN"] {
            #expect(!seen.contains(secret), "\(secret) reached the browser")
        }
        #expect(seen.contains("PATH=/usr/bin:/bin") && seen.contains("LANG=C.UTF-8"))
        func mask(_ name: String) -> UInt64 {
            let line = seen.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
            return UInt64(line.split(separator: "\t").last.map(String.init) ?? "", radix: 16) ?? .max
        }
        #expect(
            mask("SigBlk") & (1 << (UInt64(SIGUSR2) - 1)) == 0,
            "SIGUSR2 still blocked: \(seen.split(separator: "\n").filter { $0.hasPrefix("Sig") })")
        #expect(mask("SigIgn") & (1 << (UInt64(SIGUSR1) - 1)) == 0, "SIGUSR1 still ignored")
        let fds = seen.components(separatedBy: "FDS\n").last?.split(separator: "\n").compactMap { Int($0) } ?? []
        #expect(!fds.contains(Int(planted)), "our descriptor \(planted) reached the browser: \(fds)")
    }

    @Test(
        "secret files: a link to a private file works; a FIFO, a device, a link to an open file are refused without blocking"
    )
    func secretFiles() throws {
        let dir = try Self.tempDir("secret")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "linked-secret\n".write(toFile: dir + "/real", atomically: true, encoding: .utf8)
        chmod(dir + "/real", 0o600)
        symlink(dir + "/real", dir + "/link")  // as a Vault agent or agenix leaves them (the link itself is 0777)
        #expect(try SecretSource.file(dir + "/link").resolve() == "linked-secret")
        try "open".write(toFile: dir + "/open", atomically: true, encoding: .utf8)
        chmod(dir + "/open", 0o644)
        symlink(dir + "/open", dir + "/link-open")
        mkfifo(dir + "/fifo", 0o600)
        for (path, words) in [
            (dir + "/link-open", "group or others can read it"), (dir + "/fifo", "FIFO"),
            ("/dev/zero", "character device"),
        ] {
            #expect(throws: (any Error).self) { _ = try SecretSource.file(path).resolve() }
            do { _ = try SecretSource.file(path).resolve() } catch {
                #expect(String(describing: error).contains(words), "\(error)")
            }
        }
        // (No wall-time bound: an open that blocked on the FIFO would never return, and the
        // suite's time limit would name this test.)
    }

    @Test("attachments: a FIFO or a device is refused at once; a link to a file is read")
    func attachmentFiles() throws {
        let dir = try Self.tempDir("attach")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        mkfifo(dir + "/pipe", 0o600)
        try "data".write(toFile: dir + "/f.txt", atomically: true, encoding: .utf8)
        symlink(dir + "/f.txt", dir + "/l.txt")
        for path in ["pipe", "/dev/zero", "/dev/tty"] {
            do {
                _ = try AttachmentFile.read(path, fileLimit: 100, home: dir, cwd: dir)
                Issue.record("\(path) was read")
            } catch {
                #expect(
                    String(describing: error).contains("not a regular file")
                        || String(describing: error).contains("No such device"), "\(error)")
            }
        }
        // (No wall-time bound: an open that blocked on the FIFO would never return, and the
        // suite's time limit would name this test.)
        #expect(try AttachmentFile.read("l.txt", fileLimit: 100, home: dir, cwd: dir).data == Data("data".utf8))
    }

    @Test("a config file that names secret files and others may write is warned about")
    func writableConfig() throws {
        let dir = try Self.tempDir("config")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = """
            [profiles.t]
            vendor = "autotask"
            username = "u@x"
            secret = { file = "\(dir)/s" }
            integration_code = { env = "CODE" }
            """
        try text.write(toFile: dir + "/config.toml", atomically: true, encoding: .utf8)
        chmod(dir + "/config.toml", 0o600)
        #expect(try PSAConfig.load(path: dir + "/config.toml")?.warnings == [])
        chmod(dir + "/config.toml", 0o666)
        let warnings = try PSAConfig.load(path: dir + "/config.toml")?.warnings ?? []
        #expect(warnings.count == 1 && warnings[0].contains("chmod go-w") && warnings[0].contains("0666"))
        // Without secret files there is nothing to point elsewhere: no warning.
        try text.replacingOccurrences(of: "{ file = \"\(dir)/s\" }", with: "{ env = \"S\" }").write(
            toFile: dir + "/plain.toml", atomically: true, encoding: .utf8)
        chmod(dir + "/plain.toml", 0o666)
        #expect(try PSAConfig.load(path: dir + "/plain.toml")?.warnings == [])
    }

    @Test("no core dumps: the core size limit is 0 and the process is not dumpable")
    func noCoreDumps() {
        #expect(ProcessHardening.noCoreDumps() == [])
        let state = ProcessHardening.dumpState()
        #expect(state.coreLimit == 0)
        #if os(Linux)
            #expect(state.dumpable == 0)
        #endif
    }
}
