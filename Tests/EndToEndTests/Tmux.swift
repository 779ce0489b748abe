import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Drives the real binary in a private tmux server, as a person would: keys in, screen out.
final class Tmux {
    let socket = "psatop-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let session = "e2e"
    /// psatop's state (quota history, timer, drafts) for this session only: with HOME=/tmp every
    /// session shared one history store, which a test run of another build (a newer schema)
    /// made unusable for the rest ("history off: … written by a newer psatop"). A test that
    /// names its own XDG_STATE_HOME on the command line still wins.
    var stateHome: String { NSTemporaryDirectory() + "/\(socket)-state" }

    /// Every tmux suite's set-up: tmux must be there (a missing tmux fails the suite, never skips it).
    static func requireInstalled() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw CocoaError(
                .fileNoSuchFile,
                userInfo: [
                    NSLocalizedDescriptionKey: "tmux is required for the end-to-end tests (apt-get install tmux)"
                ])
        }
    }

    /// Runs a tmux command and returns what it printed.
    @discardableResult
    func run(_ args: [String], capture: Bool = true) throws -> String {
        let r = try spawn(["/usr/bin/tmux", "-L", socket] + args, capture: capture)
        return r.output
    }

    /// Every tmux test's set-up: a private server with one `width`×`height` session, its shell's
    /// prompt up, then `command` typed (if any). A start that fails stops the server it made. The
    /// caller stops it (`defer { t.kill() }`); `session` does both.
    static func started(width: Int, height: Int, typing command: String? = nil) async throws -> Tmux {
        let t = Tmux()
        do {
            try await t.start(width: width, height: height)
            if let command { try t.type(command) }
        } catch {
            t.kill()
            throw error
        }
        return t
    }

    /// A session as `started` gives it, `body` run on it, the server stopped however `body` ends.
    @discardableResult
    static func session<R>(
        width: Int, height: Int, typing command: String? = nil, _ body: (Tmux) async throws -> R
    ) async throws -> R {
        let t = try await started(width: width, height: height, typing: command)
        defer { t.kill() }
        return try await body(t)
    }

    func start(width: Int, height: Int) async throws {
        // The server, its shell and psatop inherit this: a 0600 check must not pass by the
        // runner's umask (077 would make every new file 0600 whatever psatop asked for).
        umask(0o022)
        try run(
            [
                "-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)",
                "env", "-i", "PATH=/usr/bin:/bin", "HOME=/tmp", "XDG_STATE_HOME=\(stateHome)", "TERM=tmux-256color",
                "LANG=C.UTF-8", "PS1=$ ", "bash",
                "--norc", "--noprofile",
            ], capture: false)
        try run(["set-option", "-t", session, "window-size", "manual"])
        // Keys typed before the shell's first prompt are lost.
        try await waitFor("the shell prompt", seconds: 10) { $0.contains("$") }
    }

    /// The program the pane's shell is running (its first child), if any.
    func programPID() throws -> Int32? {
        let shell = try run(["display-message", "-p", "-t", session, "#{pane_pid}"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        return try spawn(["/usr/bin/pgrep", "-P", shell]).output.split(separator: "\n").first.flatMap { Int32($0) }
    }

    func keys(_ k: String...) throws { try run(["send-keys", "-t", session] + k) }
    func type(_ text: String) throws {
        try run(["send-keys", "-t", session, "-l", text])
        try keys("Enter")
    }
    func screen() throws -> String { try run(["capture-pane", "-t", session, "-p"]) }
    /// The screen with its colours and attributes as escape sequences (tmux's own spelling).
    func screenWithEscapes() throws -> String { try run(["capture-pane", "-t", session, "-p", "-e"]) }
    func resize(_ w: Int, _ h: Int) throws { try run(["resize-window", "-t", session, "-x", "\(w)", "-y", "\(h)"]) }
    /// Stops the server. `kill-server` alone was seen to leave the server running when the test
    /// runner had ignored signals that its children inherit; the server's pid is killed as well.
    func kill() {
        let pid = (try? run(["display-message", "-p", "#{pid}"]))?.trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try? run(["kill-server"])
        if let pid, let p = Int32(pid), p > 1 { Glibc.kill(p, SIGKILL) }
        try? FileManager.default.removeItem(atPath: stateHome)
    }

    /// The shell is back in cooked mode (echo and canonical input on), off the alternate screen,
    /// with its cursor shown: the terminal was restored.
    func expectCookedShell(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try type("stty -a | tr ' ' '\\n' | grep -x -e -icanon -e -echo || echo COOKED-$((40+2))")
        try await waitFor("COOKED-42")
        let modes = try run(["display-message", "-p", "-t", session, "#{alternate_on} #{cursor_flag}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(modes == "0 1", "alternate screen, cursor shown: \(modes)", sourceLocation: sourceLocation)
    }

    struct NotSeen: Error, CustomStringConvertible {
        let what: String, screen: String
        var description: String { "never saw \(what) on the screen; last screen:\n\(screen)" }
    }

    /// Waits (up to `seconds`) until the screen satisfies `check`, then until it settles: the
    /// same screen twice in a row (at most 2 s more), so a frame caught half drawn — the text
    /// looked for already there, the rest of the frame not yet — is not what the test reads.
    /// Returns that screen (or the last one that satisfied `check`, if the text went away).
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 30, _ check: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if check(last) {
                let settle = Date().addingTimeInterval(2)
                while Date() < settle {
                    try await Task.sleep(for: .milliseconds(50))
                    let next = try screen()
                    if next == last || !check(next) { return last }
                    last = next
                }
                return last
            }
            // Awaited, not usleep: a blocked thread is one of the test runner's two taken from every other test.
            try await Task.sleep(for: .milliseconds(100))
        }
        throw NotSeen(what: what, screen: last)
    }

    @discardableResult
    func waitFor(_ text: String, seconds: Double = 30) async throws -> String {
        try await waitFor("'\(text)'", seconds: seconds) { $0.contains(text) }
    }
}
