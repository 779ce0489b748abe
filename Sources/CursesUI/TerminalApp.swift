import CNcurses
import Dashboard
import Dispatch
import Foundation
import Synchronization

/// Runs the dashboard in the terminal: input, ticks and events in; canvases out.
/// The loop lives on its own thread so ncurses is only ever touched from one thread and
/// blocking input never holds a Swift concurrency thread.
public enum TerminalApp {
    public struct Options: Sendable {
        public var color: Bool
        /// Where stderr goes while the screen is up (nil: /dev/null), so stray output cannot corrupt it.
        public var stderrPath: String?
        public init(color: Bool, stderrPath: String? = nil) { self.color = color; self.stderrPath = stderrPath }
    }

    /// What ended the loop.
    public enum Exit: Sendable, Equatable { case quit, signal(Int32) }

    public static func run(state: DashboardState, theme: Theme, options: Options, mailbox: Mailbox,
                           wallClock: @escaping @Sendable () -> Date,
                           onCommand: @escaping @Sendable (Command) -> Void) async throws -> Exit {
        // Set by the signal handlers below, read by the UI loop.
        let box = StopBox()
        let sources = [SIGINT, SIGTERM, SIGHUP, SIGQUIT].map { sig -> any DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler { box.set(sig) }
            src.resume()
            return src
        }
        defer { sources.forEach { $0.cancel() } }
        return try await withCheckedThrowingContinuation { (cont: CheckedContinuation<Exit, any Error>) in
            let thread = Thread {
                do {
                    let exit = try loop(state: state, theme: theme, options: options, mailbox: mailbox,
                                        wallClock: wallClock, onCommand: onCommand, box: box)
                    cont.resume(returning: exit)
                } catch {
                    cont.resume(throwing: error)
                }
            }
            thread.stackSize = 8 << 20
            thread.name = "psatop-ui"
            thread.start()
        }
    }

    final class StopBox: Sendable {
        let flag = Atomic<Int32>(0)
        func set(_ sig: Int32) { flag.store(sig, ordering: .relaxed) }
        var value: Int32 { flag.load(ordering: .relaxed) }
    }

    private static func loop(state initial: DashboardState, theme: Theme, options: Options, mailbox: Mailbox,
                             wallClock: @Sendable () -> Date, onCommand: (Command) -> Void, box: StopBox) throws -> Exit {
        let savedStderr = dup(STDERR_FILENO)
        let sink = open(options.stderrPath ?? "/dev/null", O_WRONLY | O_CREAT | O_APPEND, 0o600)
        if sink >= 0 { dup2(sink, STDERR_FILENO); close(sink) }
        defer {
            if savedStderr >= 0 { dup2(savedStderr, STDERR_FILENO); close(savedStderr) }
        }
        let screen = try CursesScreen(color: options.color)
        psa_install_crash_restore()
        defer { screen.stop() }

        var s = initial
        let size = screen.size
        _ = s.reduce(.resize(width: size.width, height: size.height))
        _ = s.reduce(.tick(wallClock()))
        var lastTick = Date.distantPast
        var dirty = true
        while true {
            if box.value != 0 { return .signal(box.value) }
            var commands: [Command] = []
            for e in mailbox.drain() { commands += s.reduce(e); dirty = true }
            let now = wallClock()
            let interval: TimeInterval = s.loadingPage || s.detail?.loading == true ? 0.125 : 1
            if now.timeIntervalSince(lastTick) >= interval {
                commands += s.reduce(.tick(now))
                lastTick = now
                dirty = true
            }
            if dirty {
                screen.draw(render(s, theme: theme))
                dirty = false
            }
            for c in commands { onCommand(c) }
            if s.quit { return .quit }
            // Block for input up to 100 ms: no busy loop, and events still show within a tenth of a second.
            guard let k = screen.readKey(timeoutMS: 100) else { continue }
            dirty = true
            switch k {
            case .resize:
                let sz = screen.size
                for c in s.reduce(.resize(width: sz.width, height: sz.height)) { onCommand(c) }
            case .key(let key):
                for c in s.reduce(.key(key)) { onCommand(c) }
            }
            if s.quit { return .quit }
        }
    }
}
