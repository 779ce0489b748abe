import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Drives the real binary in a private tmux server, as a person would: keys in, screen out.
final class Tmux {
    let socket = "psatop-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let session = "e2e"

    /// Runs a tmux command and returns what it printed.
    @discardableResult
    func run(_ args: [String], capture: Bool = true) throws -> String {
        let r = try spawn(["/usr/bin/tmux", "-L", socket] + args, capture: capture)
        return r.output
    }

    func start(width: Int, height: Int) throws {
        try run(["-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)",
                 "env", "-i", "PATH=/usr/bin:/bin", "HOME=/tmp", "TERM=tmux-256color", "LANG=C.UTF-8", "PS1=$ ", "bash", "--norc", "--noprofile"], capture: false)
        try run(["set-option", "-t", session, "window-size", "manual"])
        // Keys typed before the shell's first prompt are lost.
        try waitFor("the shell prompt", seconds: 10) { $0.contains("$") }
    }

    func keys(_ k: String...) throws { try run(["send-keys", "-t", session] + k) }
    func type(_ text: String) throws { try run(["send-keys", "-t", session, "-l", text]); try keys("Enter") }
    func screen() throws -> String { try run(["capture-pane", "-t", session, "-p"]) }
    func resize(_ w: Int, _ h: Int) throws { try run(["resize-window", "-t", session, "-x", "\(w)", "-y", "\(h)"]) }
    func kill() { _ = try? run(["kill-server"]) }

    /// The shell is back in cooked mode (echo and canonical input on): the terminal was restored.
    func expectCookedShell() throws {
        try type("stty -a | tr ' ' '\\n' | grep -x -e -icanon -e -echo || echo COOKED-$((40+2))")
        try waitFor("COOKED-42")
    }

    struct NotSeen: Error, CustomStringConvertible {
        let what: String, screen: String
        var description: String { "never saw \(what) on the screen; last screen:\n\(screen)" }
    }

    /// Waits (up to `seconds`) until the screen satisfies `check`; returns that screen.
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 30, _ check: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if check(last) { return last }
            usleep(100_000)
        }
        throw NotSeen(what: what, screen: last)
    }

    func waitFor(_ text: String, seconds: Double = 30) throws -> String {
        try waitFor("'\(text)'", seconds: seconds) { $0.contains(text) }
    }
}

struct SpawnFailed: Error { let errno: Int32 }

/// Runs a program with posix_spawn and waits for it with waitpid. (Foundation's Process left
/// the tmux client that forks the server unreaped here, hanging the test.) With `capture`,
/// stdout and stderr are read to the end; without, they go to /dev/null — needed for commands
/// that start the tmux server, which would otherwise hold the pipe open for its whole life.
func spawn(_ argv: [String], capture: Bool = true) throws -> (status: Int32, output: String) {
    var fds: [Int32] = [-1, -1]
    if capture { guard pipe(&fds) == 0 else { throw SpawnFailed(errno: errno) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    if capture {
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
    } else {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    }
    var cargs = argv.map { strdup($0) } + [nil]
    defer { cargs.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, argv[0], &actions, nil, &cargs, environ)
    if capture { close(fds[1]) }
    guard rc == 0 else { if capture { close(fds[0]) }; throw SpawnFailed(errno: rc) }
    var output = Data()
    if capture {
        var buf = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(fds[0], &buf, buf.count)
            if n <= 0 { break }
            output.append(contentsOf: buf[0..<n])
        }
        close(fds[0])
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    return ((status >> 8) & 0xFF, String(decoding: output, as: UTF8.self))
}

/// The psatop binary SwiftPM built next to this test bundle.
func psatopBinary() throws -> String {
    let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
    let candidate = dir.appendingPathComponent("psatop").path
    guard FileManager.default.isExecutableFile(atPath: candidate) else {
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidate])
    }
    return candidate
}

@Suite("psatop --demo under tmux", .serialized)
struct TmuxTests {
    init() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "tmux is required for the end-to-end tests (apt-get install tmux)"])
        }
    }

    @Test("walk the tickets, open one, help, focus, resize, quit with q to a usable shell")
    func walkthrough() throws {
        let bin = try psatopBinary()
        let t = Tmux()
        defer { t.kill() }
        try t.start(width: 100, height: 30)
        try t.type("cd \(FileManager.default.currentDirectoryPath) && \(bin) --demo")

        // All three panes with live data.
        let first = try t.waitFor("gauge, tickets and request log") {
            $0.contains("Tickets 1/1,234") && $0.contains("/ThresholdInformation") && $0.contains("/ 10,000 requests")
        }
        #expect(first.contains("Quota (ThresholdInformation)"))
        #expect(first.range(of: #"\d+\.\d%"#, options: .regularExpression) != nil)
        #expect(first.contains("updated"))
        #expect(!first.contains("\u{1B}"))

        // Move and open a ticket.
        try t.keys("j", "j")
        try t.waitFor("Tickets 3/1,234")
        try t.keys("Enter")
        let detail = try t.waitFor("Description")
        #expect(detail.contains("Ticket T"))
        #expect(detail.contains("Status"))
        #expect(detail.contains("Last activity"))
        try t.keys("Escape")
        try t.waitFor("Tickets 3/1,234")

        // Lazy loading: G goes to the last loaded ticket, the next page follows.
        try t.keys("G")
        try t.waitFor("(loaded 1,000)")

        // Help, focus.
        try t.keys("?")
        try t.waitFor("first / last loaded")
        try t.keys("Escape")
        try t.keys("Tab")
        try t.waitFor("Tab tickets")
        try t.keys("Tab")
        try t.waitFor("Tab log")

        // Too small, then back.
        try t.resize(60, 20)
        try t.waitFor("Terminal too small")
        try t.resize(100, 30)
        try t.waitFor("Quota (ThresholdInformation)")

        // q: back to a shell in cooked mode.
        try t.keys("q")
        try t.expectCookedShell()
    }

    @Test("Ctrl-C leaves the terminal restored too")
    func ctrlC() throws {
        let bin = try psatopBinary()
        let t = Tmux()
        defer { t.kill() }
        try t.start(width: 80, height: 24)
        try t.type("\(bin) --demo --vendor atera; echo EXIT=$?")
        try t.waitFor("Quota (per-key limit)")
        try t.waitFor("Tickets 1/1,234")
        try t.keys("C-c")
        try t.waitFor("EXIT=130")
        try t.expectCookedShell()
    }

    @Test("SIGTERM and SIGHUP (an SSH drop) restore the terminal and exit 128+signal", arguments: [SIGTERM, SIGHUP])
    func signals(sig: Int32) throws {
        let bin = try psatopBinary()
        let t = Tmux()
        defer { t.kill() }
        try t.start(width: 80, height: 24)
        try t.type("\(bin) --demo; echo EXIT=$?")
        try t.waitFor("Tickets 1/1,234")
        let shell = try t.run(["display-message", "-p", "-t", t.session, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let child = try spawn(["/usr/bin/pgrep", "-P", shell]).output.split(separator: "\n").first.flatMap { Int32($0) }
        let pid = try #require(child)
        #expect(kill(pid, sig) == 0)
        try t.waitFor("EXIT=\(128 + sig)")
        try t.expectCookedShell()
    }

    @Test("headless: tickets --all --json through the same client")
    func headless() throws {
        let bin = try psatopBinary()
        let r = try spawn([bin, "tickets", "--demo", "--all", "--json"])
        #expect(r.status == 0)
        let data = Data(r.output.utf8)
        let array = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        #expect(array?.count == 1_234)
        let ids = array?.compactMap { ($0["id"] as? NSNumber)?.int64Value } ?? []
        #expect(Set(ids).count == 1_234)
    }

    @Test("plain http to a non-loopback host is refused with a clear message")
    func refusesPlainHTTP() throws {
        let bin = try psatopBinary()
        let r = try spawn([bin, "tickets", "--vendor", "atera", "--base-url", "http://example.com/api/v3"])
        let text = r.output
        #expect(r.status != 0)
        #expect(text.contains("plain http:// is refused"))
    }
}
