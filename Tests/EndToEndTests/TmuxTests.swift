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

    func start(width: Int, height: Int) async throws {
        try run(["-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)",
                 "env", "-i", "PATH=/usr/bin:/bin", "HOME=/tmp", "TERM=tmux-256color", "LANG=C.UTF-8", "PS1=$ ", "bash", "--norc", "--noprofile"], capture: false)
        try run(["set-option", "-t", session, "window-size", "manual"])
        // Keys typed before the shell's first prompt are lost.
        try await waitFor("the shell prompt", seconds: 10) { $0.contains("$") }
    }

    /// The program the pane's shell is running (its first child), if any.
    func programPID() throws -> Int32? {
        let shell = try run(["display-message", "-p", "-t", session, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        return try spawn(["/usr/bin/pgrep", "-P", shell]).output.split(separator: "\n").first.flatMap { Int32($0) }
    }

    func keys(_ k: String...) throws { try run(["send-keys", "-t", session] + k) }
    func type(_ text: String) throws { try run(["send-keys", "-t", session, "-l", text]); try keys("Enter") }
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
    }

    /// The shell is back in cooked mode (echo and canonical input on), off the alternate screen,
    /// with its cursor shown: the terminal was restored.
    func expectCookedShell(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try type("stty -a | tr ' ' '\\n' | grep -x -e -icanon -e -echo || echo COOKED-$((40+2))")
        try await waitFor("COOKED-42")
        let modes = try run(["display-message", "-p", "-t", session, "#{alternate_on} #{cursor_flag}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(modes == "0 1", "alternate screen, cursor shown: \(modes)", sourceLocation: sourceLocation)
    }

    struct NotSeen: Error, CustomStringConvertible {
        let what: String, screen: String
        var description: String { "never saw \(what) on the screen; last screen:\n\(screen)" }
    }

    /// Waits (up to `seconds`) until the screen satisfies `check`; returns that screen.
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 30, _ check: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if check(last) { return last }
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

struct SpawnFailed: Error { let errno: Int32 }

/// A spawned program that ran past its time: killed, with what it had printed.
struct SpawnTimedOut: Error, CustomStringConvertible {
    let argv: [String], seconds: Double, output: String
    var description: String { "\(argv.joined(separator: " ")) ran past \(seconds) s and was killed; it had printed:\n\(output.suffix(2_000))" }
}

/// File actions every spawned child starts from: stdin from /dev/null. Callers end with
/// `addclosefrom_np(3)`, after their own dup2s: no descriptor of this process above stderr
/// reaches the child. Without that close, a child started while another test held a
/// pipe open inherited that pipe's write end; a long-lived child (the tmux server, a simulator)
/// then kept the other test's read from ever seeing end-of-file, and two such tests running at
/// once waited on each other for good.
func childActions(_ actions: inout posix_spawn_file_actions_t) {
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
}

/// glibc's `posix_spawn_file_actions_addclosefrom_np` and `pipe2` (2.34+), which Swift's Glibc
/// module leaves out (they need _GNU_SOURCE): looked up by name.
func addCloseFrom(_ actions: inout posix_spawn_file_actions_t, _ low: Int32) throws {
    typealias Fn = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    guard let sym = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { throw SpawnFailed(errno: ENOSYS) }
    let rc = unsafeBitCast(sym, to: Fn.self)(&actions, low)
    guard rc == 0 else { throw SpawnFailed(errno: rc) }
}

func closeOnExecPipe(_ fds: inout [Int32]) throws {
    typealias Fn = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    guard let sym = dlsym(nil, "pipe2") else { throw SpawnFailed(errno: ENOSYS) }
    guard unsafeBitCast(sym, to: Fn.self)(&fds, O_CLOEXEC) == 0 else { throw SpawnFailed(errno: errno) }
}

/// Runs a program with posix_spawn and waits for it with waitpid. (Foundation's Process left
/// the tmux client that forks the server unreaped here, hanging the test.) With `capture`,
/// stdout and stderr are read to the end; without, they go to /dev/null — needed for commands
/// that start the tmux server, which would otherwise hold the pipe open for its whole life.
/// A program still running after `seconds` is killed and the test gets `SpawnTimedOut`.
func spawn(_ argv: [String], capture: Bool = true, seconds: Double = 120) throws -> (status: Int32, output: String) {
    var fds: [Int32] = [-1, -1]
    // Close-on-exec: no other test's child inherits this pipe (dup2 below clears the flag on the copy).
    if capture { try closeOnExecPipe(&fds) }
    var actions = posix_spawn_file_actions_t()
    childActions(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if capture {
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 2)
    } else {
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    }
    try addCloseFrom(&actions, 3)
    var cargs = argv.map { strdup($0) } + [nil]
    defer { cargs.forEach { free($0) } }
    // Its own process group, so a timeout kills what it started too.
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attr, 0)
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, argv[0], &actions, &attr, &cargs, environ)
    if capture { close(fds[1]) }
    guard rc == 0 else { if capture { close(fds[0]) }; throw SpawnFailed(errno: rc) }
    let deadline = Date().addingTimeInterval(seconds)
    var output = Data()
    var timedOut = false
    if capture {
        var buf = [UInt8](repeating: 0, count: 65_536)
        var pfd = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { timedOut = true; break }
            let ready = poll(&pfd, 1, Int32(min(left, 1) * 1_000))
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 { continue }
            let n = read(fds[0], &buf, buf.count)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            output.append(contentsOf: buf[0..<n])
        }
        close(fds[0])
    }
    var status: Int32 = 0
    while true {
        if timedOut { Glibc.kill(-pid, SIGKILL) }
        let r = waitpid(pid, &status, timedOut ? 0 : WNOHANG)
        if r == pid { break }
        if r == -1 && errno != EINTR { break }
        if r == 0 {
            if Date() >= deadline { timedOut = true } else { usleep(20_000) }
        }
    }
    if timedOut {
        throw SpawnTimedOut(argv: argv, seconds: seconds, output: String(decoding: output, as: UTF8.self))
    }
    return ((status >> 8) & 0xFF, String(decoding: output, as: UTF8.self))
}

/// The suites that run the real binary, one at a time: each blocks a thread of the test
/// runner's small pool while it waits on a child, and they start long-lived children (tmux
/// servers, a simulator) that must not overlap another suite's pipes.
@Suite("End to end: the real binary", .serialized)
struct EndToEnd {}

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

extension EndToEnd {
@Suite("psatop --demo under tmux", .serialized)
struct TmuxTests {
    init() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "tmux is required for the end-to-end tests (apt-get install tmux)"])
        }
    }

    @Test("walk the tickets, open one, help, focus, resize, quit with q to a usable shell")
    func walkthrough() async throws {
        let bin = try psatopBinary()
        let t = Tmux()
        defer { t.kill() }
        try await t.start(width: 100, height: 30)
        try t.type("cd \(FileManager.default.currentDirectoryPath) && \(bin) --demo")

        // All three panes with live data.
        let first = try await t.waitFor("gauge, tickets and request log") {
            $0.contains("Tickets 1/1,234") && $0.contains("/ThresholdInformation") && $0.contains("/ 10,000 requests")
        }
        #expect(first.contains("Quota (ThresholdInformation)"))
        #expect(first.range(of: #"\d+\.\d%"#, options: .regularExpression) != nil)
        #expect(first.contains("updated"))
        #expect(!first.contains("\u{1B}"))

        // Move and open a ticket.
        try t.keys("j", "j")
        try await t.waitFor("Tickets 3/1,234")
        try t.keys("Enter")
        let detail = try await t.waitFor("Description")
        #expect(detail.contains("Ticket T"))
        #expect(detail.contains("Status"))
        #expect(detail.contains("Last activity"))

        // Change its status: the picker, the question, y; only that field goes, and it shows.
        try await t.waitFor("the full ticket") { !$0.contains("loading") && $0.contains("Description") }
        try t.keys("s")
        try await t.waitFor("the status labels") { $0.contains("Set status (now") && !$0.contains("loading the labels") }
        try t.keys("j", "Enter")
        let question = try await t.waitFor("y send (only this field)")
        #expect(question.contains("?"))
        try t.keys("y")
        let changed = try await t.waitFor("status set to")
        let newStatus = changed.components(separatedBy: "status set to ").last?.split(separator: " ").first.map(String.init) ?? ""
        #expect(!newStatus.isEmpty)

        // y: the number to the clipboard by OSC 52 (tmux keeps it as a buffer); o: no web page in the demo.
        try t.run(["set-option", "-s", "set-clipboard", "on"])
        try t.keys("y")
        let copied = try await t.waitFor("copied ")
        let buffer = try t.run(["show-buffer"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(buffer.hasPrefix("T") && copied.contains("Ticket \(buffer)"), "buffer '\(buffer)'")
        try t.keys("o")
        try await t.waitFor("no web page for this tenant")

        // a: attach a file through the path prompt (q and t are letters of the path, not keys); the
        // outcome shows in the ticket and the 5-minute budget on the gauge.
        let file = NSTemporaryDirectory() + "psatop-qt-\(getpid()).log"
        try Data(repeating: 0x41, count: 4_000).write(to: URL(fileURLWithPath: file))
        defer { unlink(file) }
        try t.keys("a")
        try await t.waitFor("Attach file:")
        try t.type(file)
        let attached = try await t.waitFor("attached psatop-qt-")
        #expect(attached.contains("(4.0 kB)"), "\(attached)")
        try await t.waitFor("the budget on the gauge") { $0.contains("attachments 4.0 kB of 10.0 MB per 5 min") }
        try t.keys("Escape")
        let back = try await t.waitFor("the PATCH in the request log") { $0.contains("PATCH") && $0.contains("Tickets 3/1,234") }
        #expect(back.contains("status)"), "\(back)")

        // Lazy loading: G goes to the last loaded ticket, the next page follows.
        try t.keys("G")
        try await t.waitFor("(loaded 1,000)")

        // Filter as you type: the list narrows, the footer counts, q is text; Esc clears.
        try t.keys("g", "/")
        try t.type("status:escalated")
        let filtered = try await t.waitFor("the filtered list") { $0.contains("/status:escalated") && $0.contains("/1,234") }
        let rows = filtered.split(separator: "\n").filter { $0.contains("│ T") || $0.contains("│●T") }
        #expect(!rows.isEmpty && rows.allSatisfy { $0.contains("Escalated") }, "\(filtered)")
        // Sorted by activity, newest first: the header shows it.
        try t.keys("s")
        try await t.waitFor("by activity")
        try t.keys("Escape")
        try await t.waitFor("the whole list, by activity") { !$0.contains("/status:escalated") && $0.contains("/1,234") && $0.contains("· by activity") }
        try t.keys("s", "s", "s", "s", "s", "s", "s") // the six other columns, then the server's order again
        try await t.waitFor("the server's order") { !$0.contains("· by ") && $0.contains("/1,234") }
        try t.keys("g")

        // F: the server filters; the list reloads under it with the server's count; empty brings all back.
        try t.keys("F")
        try await t.waitFor("Server filter:")
        try t.type("status:Escalated")
        let server = try await t.waitFor("the server-filtered list") { $0.contains("server: status:Escalated") && !$0.contains("loading") && $0.contains("│ T") }
        let serverRows = server.split(separator: "\n").filter { $0.contains("│ T") || $0.contains("│●T") }
        #expect(!serverRows.isEmpty && serverRows.allSatisfy { $0.contains("Escalated") }, "\(server)")
        #expect(!server.contains("/1,234"))
        try t.keys("F", "C-u", "Enter")
        try await t.waitFor("every ticket again") { $0.contains("/1,234") && !$0.contains("server:") }

        // Themes, live: t steps to the next one and says which.
        try t.keys("t")
        try await t.waitFor("theme: light")
        try t.keys("t")
        try await t.waitFor("theme: high-contrast")

        // Help, focus.
        try t.keys("?")
        try await t.waitFor("first / last loaded")
        try t.keys("Escape")
        try t.keys("Tab")
        try await t.waitFor("Tab tickets")
        try t.keys("Tab")
        try await t.waitFor("Tab log")

        // Too small, then back.
        try t.resize(60, 20)
        try await t.waitFor("Terminal too small")
        try t.resize(100, 30)
        try await t.waitFor("Quota (ThresholdInformation)")

        // q: back to a shell in cooked mode.
        try t.keys("q")
        try await t.expectCookedShell()
    }

    @Test("Ctrl-C leaves the terminal restored too")
    func ctrlC() async throws {
        let bin = try psatopBinary()
        let t = Tmux()
        defer { t.kill() }
        try await t.start(width: 80, height: 24)
        try t.type("\(bin) --demo --vendor atera; echo EXIT=$?")
        try await t.waitFor("Quota (per-key limit)")
        try await t.waitFor("Tickets 1/1,234")
        try t.keys("C-c")
        try await t.waitFor("EXIT=130")
        try await t.expectCookedShell()
    }

    /// SIGABRT, SIGSEGV and SIGILL are the fatal paths (a failed precondition, a bad pointer, a
    /// Swift trap): the crash handler restores the terminal, then the signal ends the process.
    @Test("SIGTERM, SIGHUP (an SSH drop) and the fatal signals restore the terminal and exit 128+signal",
          arguments: [SIGTERM, SIGHUP, SIGABRT, SIGSEGV, SIGILL])
    func signals(sig: Int32) async throws {
        let bin = try psatopBinary()
        let t = Tmux()
        defer { t.kill() }
        try await t.start(width: 80, height: 24)
        try t.type("\(bin) --demo; echo EXIT=$?")
        try await t.waitFor("Tickets 1/1,234")
        let pid = try #require(try t.programPID())
        #expect(kill(pid, sig) == 0)
        try await t.waitFor("EXIT=\(128 + sig)")
        try await t.expectCookedShell()
    }

    @Test("colour depth follows the terminal: 8 for xterm, 256 for tmux-256color, truecolour where COLORTERM says so, none with NO_COLOR",
          arguments: [("TERM=xterm", "in 8 colours"), ("TERM=tmux-256color", "in 256 colours"),
                      ("COLORTERM=truecolor TERM=tmux-256color", "in truecolour"), ("NO_COLOR=1 TERM=tmux-256color", "NO_COLOR is set")])
    func colourDepth(env: String, notice: String) async throws {
        let bin = try psatopBinary()
        let t = Tmux()
        defer { t.kill() }
        try await t.start(width: 100, height: 30)
        try t.type("env \(env) \(bin) --demo; echo EXIT=$?")
        try await t.waitFor("Tickets 1/1,234")
        try t.keys("t")
        try await t.waitFor(notice)
        let screen = try t.screenWithEscapes()
        func has(_ pattern: String) -> Bool { screen.range(of: pattern, options: .regularExpression) != nil }
        let ansi = has("\u{1B}\\[(1;)?[34][0-7]m"), palette = screen.contains("38;5;"), rgb = screen.contains("38;2;")
        switch notice {
        case "in 8 colours": #expect(ansi && !palette && !rgb)
        case "in 256 colours": #expect(palette && !rgb)
        case "in truecolour": #expect(rgb && !palette)
        default: #expect(!ansi && !palette && !rgb, "NO_COLOR still draws colours")
        }
        try t.keys("q")
        try await t.waitFor("EXIT=0")
        try await t.expectCookedShell()
    }

    @Test("when the terminal itself goes (the tmux server killed), psatop ends within seconds instead of running on unseen")
    func terminalGone() async throws {
        let bin = try psatopBinary()
        let t = Tmux()
        defer { t.kill() }
        try await t.start(width: 80, height: 24)
        try t.type("\(bin) --demo")
        try await t.waitFor("Tickets 1/1,234")
        try t.keys("s", "s") // sorted, as when a leftover was first seen
        let pid = try #require(try t.programPID())
        t.kill()
        let deadline = Date().addingTimeInterval(8)
        while kill(pid, 0) == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        let alive = kill(pid, 0) == 0
        if alive { kill(pid, SIGKILL) }
        #expect(!alive, "psatop \(pid) still ran 8 s after its terminal went away")
    }

    @Test("headless: tickets --all --json through the same client")
    func headless() async throws {
        let bin = try psatopBinary()
        let r = try spawn([bin, "tickets", "--demo", "--all", "--json"])
        #expect(r.status == 0)
        let data = Data(r.output.utf8)
        let array = try JSONSerialization.jsonObject(with: data) as? [[String: Any]]
        #expect(array?.count == 1_234)
        let ids = array?.compactMap { ($0["id"] as? NSNumber)?.int64Value } ?? []
        #expect(Set(ids).count == 1_234)
    }

    @Test("headless: --status, --queue and --company filter on the server; the result is what the whole list holds of them")
    func headlessFilters() async throws {
        let bin = try psatopBinary()
        func tickets(_ extra: [String]) throws -> [[String: Any]] {
            let r = try spawn([bin, "tickets", "--demo", "--all", "--json"] + extra)
            #expect(r.status == 0, "\(extra): \(r.output.prefix(300))")
            return (try JSONSerialization.jsonObject(with: Data(r.output.utf8)) as? [[String: Any]]) ?? []
        }
        let all = try tickets([])
        let sample = try #require(all.first { ($0["status"] as? String) == "New" })
        let company = try #require(sample["company"] as? String)
        func matching(_ t: [String: Any]) -> Bool { (t["status"] as? String) == "New" && (t["company"] as? String) == company }
        let some = try tickets(["--status", "New", "--company", company.lowercased()])
        #expect(!some.isEmpty && some.count == all.filter(matching).count && some.allSatisfy(matching))
        // A queue (Autotask) narrows further; Atera has none and says so, exit 1.
        let queued = try tickets(["--status", "New", "--queue", "Level I Support", "--company", company])
        #expect(queued.count <= some.count && queued.allSatisfy(matching))
        let atera = try spawn([bin, "tickets", "--demo", "--vendor", "atera", "--queue", "x"])
        #expect(atera.status == 1 && atera.output.contains("Atera has no queues"))
    }

    @Test("plain http to a non-loopback host is refused with a clear message")
    func refusesPlainHTTP() async throws {
        let bin = try psatopBinary()
        let r = try spawn([bin, "tickets", "--vendor", "atera", "--base-url", "http://example.com/api/v3"])
        let text = r.output
        #expect(r.status != 0)
        #expect(text.contains("plain http:// is refused"))
    }

    @Test("several tenants: the overview lists all three, 2 and : switch the main panes, q restores the shell")
    func tenants() async throws {
        let bin = try psatopBinary()
        let t = Tmux()
        defer { t.kill() }
        try await t.start(width: 100, height: 34)
        try t.type("\(bin) --demo --all")
        let first = try await t.waitFor("the overview with three gauges") {
            $0.contains("Tenants (3)") && $0.contains("contoso") && $0.contains("fabrikam") && $0.contains("+1 s latency") && $0.contains("Tickets 1/1,234")
        }
        #expect(first.contains("psatop · Autotask · demo"))
        try t.keys("2")
        let contoso = try await t.waitFor("contoso's panes") { $0.contains("psatop · Autotask · contoso") && $0.contains("/ 20,000 requests") }
        #expect(contoso.contains(">2 contoso"))
        try await t.waitFor("Tickets 1/300")
        try t.keys(":")
        try await t.waitFor("Atera's panes") { $0.contains("psatop · Atera · fabrikam") && $0.contains("Quota (per-key limit)") }
        try t.keys("q")
        try await t.expectCookedShell()
    }

    @Test("status: the plugin line and exit codes; config check names the line; a closed pipe is no crash")
    func headlessStatus() async throws {
        let bin = try psatopBinary()
        let one = try spawn([bin, "status", "--demo"])
        #expect(one.status == 0, "\(one.output)")
        #expect(one.output.range(of: #"^psatop OK - \d+/10000 \(\d+\.\d%\) \| used=\d+;5000;7500;0;10000\n$"#, options: .regularExpression) != nil, "\(one.output)")
        let all = try spawn([bin, "status", "--demo", "--all"])
        #expect(all.status == 2, "\(all.output)")
        #expect(all.output.hasPrefix("psatop CRITICAL - demo OK"))

        let dir = NSTemporaryDirectory() + "psatop-e2e-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "[profiles.x]\nvendor = \"atera\"\napi_key = \"plain-text-key-123\"\n".write(toFile: dir + "/c.toml", atomically: true, encoding: .utf8)
        let check = try spawn([bin, "config", "check", "--config", dir + "/c.toml"])
        #expect(check.status == 1)
        #expect(check.output.contains("c.toml:3: api_key must not be written in the file"), "\(check.output)")
        #expect(!check.output.contains("plain-text-key-123"))
        let unknown = try spawn([bin, "status", "--config", dir + "/c.toml", "--profile", "x"])
        #expect(unknown.status == 3 && unknown.output.hasPrefix("psatop UNKNOWN - "), "\(unknown.output)")

        let piped = try spawn(["/bin/sh", "-c", "\(bin) tickets --demo --all --csv | head -2; echo PIPE=${PIPESTATUS:-done}"])
        #expect(piped.output.hasPrefix("id,number,title,status,priority,company,assignee,created,last_activity,due"), "\(piped.output)")
        #expect(!piped.output.contains("Fatal error") && !piped.output.contains("crashed"), "\(piped.output)")
    }
}
}

/// A `psatop simulate` server in the background, for runs against a "real" (non-demo) tenant.
/// Started with posix_spawn, not Foundation's Process, whose child reaping would race the
/// waitpid of the tmux helpers.
final class SimServer {
    let pid: pid_t
    let port: Int
    let log = NSTemporaryDirectory() + "psatop-sim-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).out"

    init(_ bin: String, extra: [String] = []) throws {
        var actions = posix_spawn_file_actions_t()
        childActions(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        try addCloseFrom(&actions, 3)
        let argv = [bin, "simulate", "--port", "0"] + extra
        var cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var p: pid_t = 0
        guard posix_spawn(&p, bin, &actions, nil, &cargs, environ) == 0 else { throw SpawnFailed(errno: errno) }
        pid = p
        var found: Int? = nil
        let deadline = Date().addingTimeInterval(20)
        while found == nil, Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let r = text.range(of: #"http://127\.0\.0\.1:(\d+)/ATServicesRest"#, options: .regularExpression) {
                found = Int(text[r].dropFirst("http://127.0.0.1:".count).prefix { $0.isNumber })
            } else { usleep(50_000) }
        }
        guard let found else { kill(p, SIGKILL); throw CocoaError(.fileReadUnknown) }
        port = found
    }

    var autotaskURL: String { "http://127.0.0.1:\(port)/ATServicesRest/V1.0" }
    var ateraURL: String { "http://127.0.0.1:\(port)/api/v3" }

    /// SIGTERM, then SIGKILL if it has not ended within 10 s: a test never waits on it for good.
    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(10)
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid || (r == -1 && errno != EINTR) { break }
            if Date() >= deadline { kill(pid, SIGKILL); while waitpid(pid, &status, 0) == -1 && errno == EINTR {}; break }
            usleep(20_000)
        }
        unlink(log)
    }
}

extension EndToEnd {
@Suite("Secrets never show", .serialized)
struct SecretTests {
    /// The simulator's own credentials, given to psatop the way a user would (environment, secret files).
    static let secret = "demo-secret-not-real", code = "DEMO-INTEGRATION-CODE", ateraKey = "demo-atera-key-not-real"
    static let planted = [secret, code, ateraKey]

    static func leaks(_ text: String) -> [String] { planted.filter { text.contains($0) } }

    @Test("the request log, screens, stderr log, JSON/CSV/status/metrics output, config check, errors and argv never carry a secret")
    func grepEverything() async throws {
        let bin = try psatopBinary()
        let sim = try SimServer(bin, extra: ["--faults", "500=0.2,503=0.1,malformed=0.05,html=0.05,reset=0.05", "--tickets", "300"])
        defer { sim.stop() }
        let env = "AUTOTASK_USERNAME=api-user@demo.example AUTOTASK_SECRET=\(Self.secret) AUTOTASK_INTEGRATION_CODE=\(Self.code) ATERA_API_KEY=\(Self.ateraKey)"
        var seen: [(String, String)] = []

        // Headless commands (stdout and stderr together), with faults in the way.
        for args in ["tickets --all --json", "tickets --all --csv", "status", "status --json",
                     "tickets --vendor atera --base-url \(sim.ateraURL) --all --json", "status --vendor atera --base-url \(sim.ateraURL)"] {
            let full = args.contains("--base-url") ? args : args + " --base-url \(sim.autotaskURL)"
            let r = try spawn(["/bin/sh", "-c", "env \(env) \(bin) \(full) 2>&1"])
            seen.append((full, r.output))
        }
        // Wrong credentials and an unreachable server: the error paths.
        for args in ["status --base-url \(sim.autotaskURL)", "tickets --base-url http://127.0.0.1:9/ATServicesRest/V1.0"] {
            let wrong = "AUTOTASK_USERNAME=api-user@demo.example AUTOTASK_SECRET=\(Self.secret)-but-wrong AUTOTASK_INTEGRATION_CODE=\(Self.code)"
            seen.append((args, try spawn(["/bin/sh", "-c", "env \(wrong) \(bin) \(args) 2>&1"]).output))
        }

        // A profile with secret files, config check, and the metrics endpoint.
        let dir = NSTemporaryDirectory() + "psatop-secrets-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.secret.write(toFile: dir + "/s", atomically: true, encoding: .utf8)
        try Self.code.write(toFile: dir + "/c", atomically: true, encoding: .utf8)
        chmod(dir + "/s", 0o600); chmod(dir + "/c", 0o644) // the code file is too open: refused, and said so without its content
        try """
        [profiles.t]
        vendor = "autotask"
        base_url = "\(sim.autotaskURL)"
        username = "api-user@demo.example"
        secret = { file = "\(dir)/s" }
        integration_code = { file = "\(dir)/c" }
        """.write(toFile: dir + "/config.toml", atomically: true, encoding: .utf8)
        seen.append(("config check", try spawn([bin, "config", "check", "--config", dir + "/config.toml"]).output))
        seen.append(("status --profile (refused file)", try spawn([bin, "status", "--config", dir + "/config.toml", "--profile", "t"]).output))
        chmod(dir + "/c", 0o600)
        seen.append(("status --profile", try spawn([bin, "status", "--config", dir + "/config.toml", "--profile", "t"]).output))

        // The dashboard under tmux: screens of the list, the log, a detail; argv; the stderr log.
        let t = Tmux()
        defer { t.kill() }
        try await t.start(width: 160, height: 48)
        try t.type("env \(env) \(bin) --base-url \(sim.autotaskURL) --stderr-log \(dir)/stderr.log")
        // With a fault on nearly every other answer the first page may fail five times running
        // (the simulator's faults are seeded): then r asks again, as a person would.
        for _ in 0..<5 {
            let s = try await t.waitFor("the list or its error") { $0.contains("Tickets 1/") || $0.contains("could not load tickets") }
            if s.contains("Tickets 1/") { break }
            seen.append(("screen: list error", s))
            try t.keys("r")
            try await Task.sleep(for: .milliseconds(500))
        }
        try await t.waitFor("Tickets 1/")
        seen.append(("screen: list", try t.screen()))
        if let pid = try t.programPID() {
            let argv = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            #expect(!argv.isEmpty)
            seen.append(("argv", argv.replacingOccurrences(of: "\0", with: " ")))
            seen.append(("ps", try spawn(["/bin/ps", "-o", "args=", "-p", String(pid)]).output))
        }
        try t.keys("Tab")
        try await t.waitFor("Tab tickets")
        seen.append(("screen: log", try t.screen()))
        // One request in full: its headers (the credentials redacted) and, at the end, its answer.
        try t.keys("Enter")
        let request = try await t.waitFor("Request headers")
        #expect(request.contains("Secret: [redacted]") && request.contains("ApiIntegrationCode: [redacted]"), "\(request)")
        seen.append(("screen: request", request))
        try t.keys("G")
        // (At the end: "Response …" in view, or the position "…-N/N" when the body is longer than the screen.)
        try await t.waitFor("the end of the request") { $0.contains("Response ") || $0.range(of: #"-([0-9]+)/\1 "#, options: .regularExpression) != nil }
        seen.append(("screen: request, its end", try t.screen()))
        // y: the request as curl, with the credentials as variables — and it runs, given them.
        try t.run(["set-option", "-s", "set-clipboard", "on"])
        try t.keys("y")
        try await t.waitFor("copied as curl")
        let curl = try t.run(["show-buffer"]).trimmingCharacters(in: .whitespacesAndNewlines)
        seen.append(("the request as curl", curl))
        #expect(curl.hasPrefix("curl ") && curl.contains("$AUTOTASK_SECRET"), "\(curl)")
        try (curl + " -o /dev/null -w '%{http_code}'").write(toFile: dir + "/again.sh", atomically: true, encoding: .utf8)
        var codes: [String] = []
        for _ in 0..<5 where !codes.contains("200") { // (faults are on: a few tries for one clean answer)
            codes.append(try spawn(["/bin/sh", "-c", "env \(env) sh \(dir)/again.sh"]).output)
        }
        #expect(codes.contains("200") && !codes.contains("401"), "curl answered \(codes)")
        try t.keys("Escape", "Tab", "Enter")
        try await t.waitFor("Description")
        seen.append(("screen: detail", try t.screen()))
        try t.keys("q")
        try await t.expectCookedShell()
        seen.append(("stderr log", (try? String(contentsOfFile: dir + "/stderr.log", encoding: .utf8)) ?? ""))

        #expect(seen.count >= 18)
        // The grep itself works: the simulator prints its own (test-only) credentials at start.
        #expect(Self.leaks((try? String(contentsOfFile: sim.log, encoding: .utf8)) ?? "").count == 3)
        for (what, text) in seen {
            #expect(Self.leaks(text).isEmpty, "\(what) shows a secret:\n\(text.prefix(2_000))")
        }
        // The runs did meet the faults and the errors (so the error paths were read, not skipped).
        let all = seen.map(\.1).joined(separator: "\n")
        #expect(all.contains("bad credentials") || all.contains("401"))
        #expect(all.contains("group or others can read it"))
    }
}
}

extension EndToEnd {
@Suite("Soak: every fault at a high rate, then none", .serialized)
struct SoakTests {
    /// `PSATOP_SOAK_SECONDS` sets how long the faults last (CI: the default 30; by hand: minutes).
    static var seconds: Int { Int(ProcessInfo.processInfo.environment["PSATOP_SOAK_SECONDS"] ?? "") ?? 30 }

    @Test("under faults the UI answers every key within 2 s and shows the failures; when they stop it recovers by itself")
    func soak() async throws {
        let bin = try psatopBinary()
        let s = Self.seconds
        let kinds = ["500=0.25", "503=0.1", "timeout=0.05", "reset=0.1", "truncated=0.1", "slow=0.2", "malformed=0.1", "html=0.1"]
        let faults = kinds.map { "\($0)@0-\(s)" }.joined(separator: ",")
        let t = Tmux()
        defer { t.kill() }
        try await t.start(width: 120, height: 40)
        let started = Date()
        try t.type("\(bin) --demo --demo-faults \(faults); echo EXIT=$?")
        try await t.waitFor("Quota (ThresholdInformation)", seconds: 15)

        // While the faults last: open and close the help, again and again; every key is answered.
        var answered = 0, slowest = 0.0
        while Date().timeIntervalSince(started) < Double(s) - 3 {
            let t0 = Date()
            try t.keys("?")
            try await t.waitFor("the help", seconds: 2) { $0.contains("first / last loaded") }
            try t.keys("Escape")
            try await t.waitFor("the help closed", seconds: 2) { !$0.contains("first / last loaded") }
            slowest = max(slowest, Date().timeIntervalSince(t0))
            answered += 1
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(answered >= (s - 5) / 2, "answered \(answered) key pairs in \(s) s")

        // The failures are in the request log.
        // (The title counts per status; e shows the failures only.)
        try t.keys("Tab")
        try await t.waitFor("failures in the log's totals") { $0.range(of: #"Requests \([0-9,]+\)[^\n]*(ERR|5\d\d)×"#, options: .regularExpression) != nil }
        try t.keys("e")
        let log = try await t.waitFor("the failures only") { $0.contains("failures only") }
        #expect(log.contains("ERR") || log.range(of: #" 50[03] "#, options: .regularExpression) != nil)
        try t.keys("e", "Tab")

        // After the window: a fresh quota reading and the whole first page, with no key pressed.
        let recovered = try await t.waitFor("recovery without a key press", seconds: 90) { screen in
            Date().timeIntervalSince(started) > Double(s) + 2 && screen.contains("/1,234") && screen.contains("Tickets ")
                && !screen.contains("could not load") && !screen.contains("next page failed") && !screen.contains("quota unavailable")
                && !screen.contains("last read failed") && !screen.contains("Paused by the server")
        }
        #expect(recovered.range(of: #"\d+\.\d%"#, options: .regularExpression) != nil)
        try t.keys("q")
        try await t.waitFor("EXIT=0")
        try await t.expectCookedShell()
    }
}
}

extension EndToEnd {
@Suite("The spawn helper")
struct SpawnTests {
    @Test("a child gets stdin, stdout and stderr and no other descriptor of the test process, even one another test holds open")
    func noInheritedDescriptors() async throws {
        // A descriptor without close-on-exec, as another test's pipe or a library's file might be.
        var held: [Int32] = [-1, -1]
        #expect(pipe(&held) == 0)
        defer { close(held[0]); close(held[1]) }
        let r = try spawn(["/bin/sh", "-c", "ls /proc/$$/fd"])
        let fds = Set(r.output.split(whereSeparator: \.isWhitespace).map(String.init))
        #expect(fds.isSubset(of: ["0", "1", "2", "255"]), "the child held \(fds.sorted())")
        #expect(!fds.contains(String(held[1])) || held[1] <= 2)
    }

    @Test("a child that runs too long is killed and named")
    func timesOut() async throws {
        let started = Date()
        #expect(throws: SpawnTimedOut.self) { _ = try spawn(["/bin/sh", "-c", "echo begun; sleep 30"], seconds: 1) }
        #expect(Date().timeIntervalSince(started) < 10)
    }
}
}
