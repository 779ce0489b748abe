import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    /// What psatop reads and removes on its own machine: never a theme planted in the working
    /// directory, never a file outside the prefix named by a tampered install manifest, never a
    /// recording it cannot serve; never the credentials in an editor's environment.
    @Suite("Local files and children", .timeLimit(.minutes(5)))
    struct LocalFilesEndToEndTests {
        static func tempDir(_ tag: String) throws -> String {
            let dir = NSTemporaryDirectory() + "psatop-\(tag)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            return dir
        }

        @Test("a themes/default.toml planted in the working directory is not read: the dashboard starts as usual")
        func plantedTheme() async throws {
            let bin = try psatopBinary()
            let dir = try Self.tempDir("planted")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try FileManager.default.createDirectory(atPath: dir + "/themes", withIntermediateDirectories: true)
            try "this is = = not toml [[[\n".write(
                toFile: dir + "/themes/default.toml", atomically: true, encoding: .utf8)
            try await Tmux.session(width: 100, height: 30, typing: "cd \(dir) && \(bin) --demo; echo EXIT=$?") { t in
                let screen = try await t.waitFor("the list or an error") {
                    $0.contains("Tickets 1/") || $0.range(of: "EXIT=[0-9]", options: .regularExpression) != nil
                }
                #expect(screen.contains("Tickets 1/"), "\(screen)")
                try t.keys("q")
                try await t.waitFor("the exit") { $0.contains("EXIT=0") }
            }
        }

        @Test("install.sh --uninstall removes nothing a tampered manifest names outside the prefix (.. or a symlink)")
        func tamperedManifest() throws {
            let dir = try Self.tempDir("manifest")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let prefix = dir + "/prefix", outside = dir + "/outside"
            for d in [prefix + "/bin", prefix + "/share/psatop", outside] {
                try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
            }
            try "keep".write(toFile: outside + "/victim", atomically: true, encoding: .utf8)
            try "bin".write(toFile: prefix + "/bin/psatop", atomically: true, encoding: .utf8)
            symlink(outside, prefix + "/share/link")
            try """
            file \(prefix)/bin/psatop
            file \(prefix)/../outside/victim
            file \(prefix)/share/link/victim
            dir \(prefix)/share/link
            file \(prefix)/share/psatop/install-manifest

            """.write(toFile: prefix + "/share/psatop/install-manifest", atomically: true, encoding: .utf8)
            let script = FileManager.default.currentDirectoryPath + "/scripts/install.sh"
            let r = try spawn(["/bin/bash", script, "--prefix", prefix, "--uninstall"])
            #expect(r.status == 0, "\(r.output)")
            // What belonged to the install went; what lies outside stayed, and the refusals were said.
            #expect(!FileManager.default.fileExists(atPath: prefix + "/bin/psatop"), "\(r.output)")
            #expect(try String(contentsOfFile: outside + "/victim", encoding: .utf8) == "keep")
            #expect(r.output.contains("'..'") && r.output.contains("resolves outside"), "\(r.output)")
        }

        @Test("the note editor gets no credential variable of any vendor and no descriptor but the terminal")
        func editorInheritsNothing() async throws {
            let bin = try psatopBinary()
            let dir = try Self.tempDir("editor-env")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            // The "editor" writes its environment and its open descriptors, then leaves the note
            // empty. (Python, not sh: a shell keeps descriptors of its own — saved copies of
            // redirected ones, the script it reads — that would blur the picture.)
            let editor = dir + "/ed.py"
            try """
            #!/usr/bin/python3
            import os, sys
            with open("\(dir)/env.txt", "w") as f:
                f.write("".join(k + "=" + v + "\\n" for k, v in os.environ.items()))
            fds = sorted(int(n) for n in os.listdir("/proc/self/fd"))
            with open("\(dir)/fds.txt", "w") as f:
                for n in fds:
                    try:
                        f.write("%d -> %s\\n" % (n, os.readlink("/proc/self/fd/%d" % n)))
                    except OSError:
                        pass
            open(sys.argv[1], "w").close()

            """.write(toFile: editor, atomically: true, encoding: .utf8)
            chmod(editor, 0o755)
            let planted = [
                "AUTOTASK_USERNAME", "AUTOTASK_SECRET", "AUTOTASK_INTEGRATION_CODE", "ATERA_API_KEY", "HALO_CLIENT_ID",
                "HALO_CLIENT_SECRET", "CW_PRIVATE_KEY", "MY_VAULT_TOKEN",
            ]
            let env = planted.map { "\($0)=planted-\($0.lowercased())" }.joined(separator: " ")
            try await Tmux.session(
                width: 120, height: 40,
                typing: "env \(env) EDITOR=\(editor) XDG_STATE_HOME=\(dir) \(bin) --demo; echo EXIT=$?"
            ) { t in
                try await t.waitFor("Tickets 1/1,234")
                try t.keys("Enter")
                try await t.waitFor("the ticket's notes") { $0.contains("Notes ") }
                try t.keys("c")
                try await t.waitFor("the empty note said") { $0.contains("empty note") }
                try t.keys("q")
                try await t.waitFor("the exit") { $0.contains("EXIT=0") }
                let seen = try String(contentsOfFile: dir + "/env.txt", encoding: .utf8)
                #expect(seen.contains("PATH="))  // positive control: the editor's environment was written
                for name in planted { #expect(!seen.contains(name + "="), "the editor inherited \(name)") }
                #expect(!seen.contains("planted-"))
                // The editor's descriptors: "0 -> /dev/pts/3" (the listing's own is under /proc).
                let fds = try String(contentsOfFile: dir + "/fds.txt", encoding: .utf8).split(separator: "\n")
                    .compactMap {
                        line -> (Int, String)? in
                        let sides = line.components(separatedBy: " -> ")
                        guard sides.count == 2, let n = sides[0].split(separator: " ").last.flatMap({ Int($0) }) else {
                            return nil
                        }
                        return (n, sides[1])
                    }
                #expect(fds.contains { $0.0 == 0 }, "\(fds)")  // positive control: the list was read
                for (n, target) in fds where n > 2 && !target.hasPrefix("/proc/") && !target.hasSuffix("/fds.txt") {
                    Issue.record("the editor inherited descriptor \(n) → \(target)")
                }
            }
        }
    }
}
