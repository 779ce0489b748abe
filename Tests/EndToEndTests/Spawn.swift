import Foundation
import PSACore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

struct SpawnFailed: Error { let errno: Int32 }

/// A spawned program that ran past its time: killed, with what it had printed.
struct SpawnTimedOut: Error, CustomStringConvertible {
    let argv: [String], seconds: Double, output: String
    var description: String {
        "\(argv.joined(separator: " ")) ran past \(seconds) s and was killed; it had printed:\n\(output.suffix(2_000))"
    }
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

/// Every signal at its default action and none blocked in the child, as a shell gives a
/// program. The test runner ignores or blocks some (SIGABRT was seen ignored here) and a child
/// inherits that: an aborting child then went on and exited 0.
func defaultSignals(_ attr: inout posix_spawnattr_t, flags: Int32 = 0) {
    var all = sigset_t()
    sigfillset(&all)
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigdefault(&attr, &all)
    posix_spawnattr_setsigmask(&attr, &none)
    posix_spawnattr_setflags(&attr, Int16(flags | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
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
    posix_spawnattr_setpgroup(&attr, 0)
    defaultSignals(&attr, flags: POSIX_SPAWN_SETPGROUP)
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, argv[0], &actions, &attr, &cargs, environ)
    if capture { close(fds[1]) }
    guard rc == 0 else {
        if capture { close(fds[0]) }
        throw SpawnFailed(errno: rc)
    }
    let deadline = Date().addingTimeInterval(seconds)
    var output = Data()
    var timedOut = false
    if capture {
        var buf = [UInt8](repeating: 0, count: 65_536)
        var pfd = pollfd(fd: fds[0], events: Int16(POLLIN), revents: 0)
        while true {
            let left = deadline.timeIntervalSinceNow
            if left <= 0 {
                timedOut = true
                break
            }
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
    return (exitCode(waitStatus: status), String(decoding: output, as: UTF8.self))
}

/// A shell's `$?` for a wait status: the exit code of a child that exited, 128 + the signal of
/// one that a signal ended (a Swift trap, SIGSEGV, SIGABRT). Reading only the exit byte, as this
/// helper once did, made a crashed psatop read as exit 0 and pass every `status == 0` check.
func exitCode(waitStatus status: Int32) -> Int32 {
    let signal = status & 0x7F
    if signal == 0 { return (status >> 8) & 0xFF }  // WIFEXITED
    if signal != 0x7F { return 128 + signal }  // WIFSIGNALED (0x7F is stopped, never asked for here)
    return 128 + ((status >> 8) & 0xFF)
}

/// The suites that run the real binary, one at a time: they start long-lived children (tmux
/// servers, a simulator) that must not overlap another suite's pipes, and a spawn still blocks
/// a thread of the test runner's small pool while its child runs (their waits are awaited).
@Suite("End to end: the real binary", .serialized, .timeLimit(.minutes(15)))
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
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        defaultSignals(&attr)
        guard posix_spawn(&p, bin, &actions, &attr, &cargs, environ) == 0 else { throw SpawnFailed(errno: errno) }
        pid = p
        var found: Int? = nil
        let deadline = Date().addingTimeInterval(20)
        while found == nil, Date() < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let r = text.range(of: #"http://127\.0\.0\.1:(\d+)/ATServicesRest"#, options: .regularExpression) {
                found = Int(text[r].dropFirst("http://127.0.0.1:".count).prefix { $0.isNumber })
            } else {
                usleep(50_000)
            }
        }
        guard let found else {
            kill(p, SIGKILL)
            throw CocoaError(.fileReadUnknown)
        }
        port = found
    }

    var autotaskURL: String { "http://127.0.0.1:\(port)/ATServicesRest/V1.0" }
    var ateraURL: String { "http://127.0.0.1:\(port)/api/v3" }
    var haloURL: String { "http://127.0.0.1:\(port)/halo" }
    var connectWiseURL: String { "http://127.0.0.1:\(port)/connectwise" }
    /// The vendor's API on this simulator (a new vendor is a compile error here until it has one).
    func url(for vendor: Vendor) -> String {
        switch vendor {
        case .autotask: autotaskURL
        case .atera: ateraURL
        case .halo: haloURL
        case .connectwise: connectWiseURL
        }
    }

    /// SIGTERM, then SIGKILL if it has not ended within 10 s: a test never waits on it for good.
    func stop() {
        kill(pid, SIGTERM)
        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(10)
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid || (r == -1 && errno != EINTR) { break }
            if Date() >= deadline {
                kill(pid, SIGKILL)
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                break
            }
            usleep(20_000)
        }
        unlink(log)
    }
}
