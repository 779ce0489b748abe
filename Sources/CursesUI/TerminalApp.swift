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
        /// The themes `t` steps through (the one shown among them); none or one: no stepping.
        public var themes: [Theme]
        /// Reads the config file again (`R`, SIGUSR1): what it brought, or why it could not.
        public var reload: (@Sendable () -> DashboardEvent)?
        public init(
            color: Bool, stderrPath: String? = nil, themes: [Theme] = [],
            reload: (@Sendable () -> DashboardEvent)? = nil
        ) {
            self.color = color
            self.stderrPath = stderrPath
            self.themes = themes
            self.reload = reload
        }
    }

    /// True when the terminal has hung up: poll reports a hang-up or error on stdin.
    static func terminalGone() -> Bool {
        var p = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        guard poll(&p, 1, 0) >= 0 else { return false }
        return p.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }

    /// What ended the loop.
    public enum Exit: Sendable, Equatable { case quit, signal(Int32) }

    public static func run(
        state: DashboardState, theme: Theme, options: Options, mailbox: Mailbox,
        wallClock: @escaping @Sendable () -> Date,
        onCommand: @escaping @Sendable (Command) -> Void
    ) async throws -> Exit {
        // Set by the signal handlers below, read by the UI loop.
        let box = StopBox()
        let sources = [SIGINT, SIGTERM, SIGHUP, SIGQUIT].map { sig -> any DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler { box.set(sig) }
            src.resume()
            return src
        }
        // SIGUSR1 reads the config again (SIGHUP stays "the terminal went away").
        signal(SIGUSR1, SIG_IGN)
        let usr1 = DispatchSource.makeSignalSource(signal: SIGUSR1, queue: .global())
        usr1.setEventHandler { box.reloadAsked.store(true, ordering: .relaxed) }
        usr1.resume()
        defer {
            sources.forEach { $0.cancel() }
            usr1.cancel()
        }
        return try await withCheckedThrowingContinuation { (cont: CheckedContinuation<Exit, any Error>) in
            let thread = Thread {
                do {
                    let exit = try loop(
                        state: state, theme: theme, options: options, mailbox: mailbox,
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
        let reloadAsked = Atomic<Bool>(false)
        func set(_ sig: Int32) { flag.store(sig, ordering: .relaxed) }
        var value: Int32 { flag.load(ordering: .relaxed) }
    }

    private static func loop(
        state initial: DashboardState, theme: Theme, options: Options, mailbox: Mailbox,
        wallClock: @Sendable () -> Date, onCommand: (Command) -> Void, box: StopBox
    ) throws -> Exit {
        let savedStderr = dup(STDERR_FILENO)
        // Never through a symbolic link (the command checked the file before; this open holds to it).
        let sink = open(
            options.stderrPath ?? "/dev/null",
            O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY | (options.stderrPath == nil ? 0 : O_NOFOLLOW), 0o600)
        if sink >= 0 {
            dup2(sink, STDERR_FILENO)
            close(sink)
        }
        defer {
            if savedStderr >= 0 {
                dup2(savedStderr, STDERR_FILENO)
                close(savedStderr)
            }
        }
        // A terminal that says it shows 24-bit colour gets the direct-colour entry of its family.
        let direct = options.color ? ColorDepth.directEntry(environment: ProcessInfo.processInfo.environment) : nil
        let screen = try CursesScreen(color: options.color, term: direct)
        psa_install_crash_restore()
        defer { screen.stop() }

        var s = initial
        var theme = theme
        s.screen.themeNames = options.themes.map(\.name)
        var mouseOn = s.screen.mouse
        if mouseOn { screen.mouse(true) }
        let browser = Browser.command(environment: ProcessInfo.processInfo.environment)
        /// An event the terminal brings itself (a notice, a note written, a program's end): applied,
        /// and what it asks for done like any other command (none is dropped).
        func apply(_ e: DashboardEvent) {
            for c in s.reduce(e) { perform(c) }
        }
        /// The terminal's own commands (the clipboard, the browser) are done here; the rest go out.
        func perform(_ c: Command) {
            switch c.unwrapped {
            case .copy(let text):
                Clipboard.copy(text)
            case .open(let url):
                if let browser, Browser.open(url, with: browser) { return }
                apply(.notice("no browser here; the page: \(url)"))
            case .writeNote(let id, let draft):
                writeNote(id: id, draft: draft)
            case .keepDraft(let path, let text):
                NoteDraftFile.write(path, text)
            case .openTimeDraft(let id):
                // The summary kept from before on this ticket, else a new draft.
                do {
                    let path =
                        try NoteDraftFile.latest(ticketID: id, kind: "time")
                        ?? NoteDraftFile.create(ticketID: id, kind: "time")
                    apply(.timeDraft(ticketID: id, path: path, text: NoteDraftFile.read(path) ?? ""))
                } catch { apply(.notice("no draft for the summary could be made: \(error)")) }
            case .editTimeSummary(let path, let text):
                NoteDraftFile.write(path, text)
                let (status, edited) = runEditor(path)
                apply(
                    .timeSummaryEdited(
                        path: path, text: edited,
                        failure: status == nil
                            ? "no $VISUAL or $EDITOR" : status == 0 ? nil : "the editor exited with \(status ?? 0)"))
            case .saveTimer(let timer):
                do { try TimerFile.save(timer) } catch {
                    apply(.notice("the timer could not be kept: \(error)"))
                }
            case .notify(let text):
                TerminalNotification.send(text, environment: ProcessInfo.processInfo.environment)
            case .setTheme(let name):
                guard let t = options.themes.first(where: { $0.name == name }) else {
                    apply(.notice("theme \(name): not among the themes found"))
                    return
                }
                theme = t
                apply(.notice("theme: \(theme.name)"))
            case .reload:
                guard let reload = options.reload else { return }
                apply(reload())
                if s.screen.mouse != mouseOn {
                    mouseOn = s.screen.mouse
                    screen.mouse(mouseOn)
                }
            case .runProgram(let run):
                if run.foreground {
                    screen.suspend()
                    let sinkCopy = dup(STDERR_FILENO)
                    if savedStderr >= 0 { dup2(savedStderr, STDERR_FILENO) }
                    let status = ProgramRunner.runInForeground(run)
                    // Ctrl-C or Ctrl-\ typed while it ran were meant for it (the terminal sends
                    // them to the whole foreground group): they do not quit psatop afterwards.
                    if box.value == SIGINT || box.value == SIGQUIT { box.set(0) }
                    if sinkCopy >= 0 {
                        dup2(sinkCopy, STDERR_FILENO)
                        close(sinkCopy)
                    }
                    screen.resume()
                    apply(.programDone(name: run.name, output: "", status: status))
                } else {
                    ProgramRunner.runInPane(run, mailbox: mailbox)
                }
            case .nextTheme:
                guard options.themes.count > 1 else {
                    apply(
                        .notice(options.color ? "only one theme found" : "NO_COLOR is set: no colours to change"))
                    return
                }
                let i = options.themes.firstIndex { $0.name == theme.name } ?? -1
                theme = options.themes[(i + 1) % options.themes.count]
                apply(
                    .notice(
                        "theme: \(theme.name) in \(screen.depth.label) (t: next of \(options.themes.map(\.name).joined(separator: ", ")))"
                    ))
            default:
                onCommand(c)
            }
        }
        /// `$VISUAL`/`$EDITOR` on a draft with the whole terminal: its exit status (nil: none is
        /// set; -1: it could not start) and the draft's text after.
        func runEditor(_ path: String) -> (Int32?, String) {
            guard let editor = NoteEditor.command(environment: ProcessInfo.processInfo.environment) else {
                return (nil, NoteDraftFile.read(path) ?? "")
            }
            screen.suspend()
            // The editor writes to the real stderr, not to the dashboard's sink.
            let sinkCopy = dup(STDERR_FILENO)
            if savedStderr >= 0 { dup2(savedStderr, STDERR_FILENO) }
            let status = NoteEditor.run(editor, path: path)
            if sinkCopy >= 0 {
                dup2(sinkCopy, STDERR_FILENO)
                close(sinkCopy)
            }
            screen.resume()
            return (status, NoteDraftFile.read(path) ?? "")
        }
        /// A note: a draft file (new, or the one kept), then `$VISUAL`/`$EDITOR` on the whole
        /// terminal (as `git commit` does) or, where neither is set, typed inline.
        func writeNote(id: Int64, draft: String?) {
            let path: String
            if let draft {
                path = draft
            } else if let kept = NoteDraftFile.latest(ticketID: id) {
                // A draft from before (a quit, a crash, a dropped connection) is offered back.
                path = kept
            } else {
                do { path = try NoteDraftFile.create(ticketID: id) } catch {
                    apply(.noteCancelled(id: id, reason: "no note draft could be made: \(error)", path: nil))
                    return
                }
            }
            let env = ProcessInfo.processInfo.environment
            guard let editor = NoteEditor.command(environment: env) else {
                apply(.noteInline(id: id, path: path, text: NoteDraftFile.read(path) ?? ""))
                return
            }
            let (ran, text) = runEditor(path)
            let status = ran ?? -1
            if status != 0 {
                let why = status < 0 ? "the editor (\(editor)) could not start" : "the editor exited with \(status)"
                apply(.noteCancelled(id: id, reason: "note not sent: \(why)", path: path))
            } else if text.isEmpty {
                unlink(path)
                apply(.noteCancelled(id: id, reason: "empty note: nothing sent", path: nil))
            } else {
                apply(.noteDraft(id: id, text: text, path: path))
            }
        }
        let size = screen.size
        apply(.resize(width: size.width, height: size.height))
        apply(.tick(wallClock()))
        // A timer left running (a quit, a crash) is offered back.
        if let kept = TimerFile.load() { apply(.timerRestored(kept)) }
        var lastTick = Date.distantPast
        var dirty = true
        /// The note being typed, written to its draft file: on every way out, nothing typed is lost.
        func keepTypedNote() {
            if let n = s.detail?.noteTyping, !n.text.isEmpty { NoteDraftFile.write(n.path, n.text) }
            // A time entry's summary too.
            if let e = s.screen.timerEntry, let p = e.draft.draftPath, !e.draft.summary.isEmpty {
                NoteDraftFile.write(p, e.draft.summary)
            }
        }
        while true {
            if box.value != 0 {
                let sig = box.value
                keepTypedNote()
                // Ctrl-C while typing a note asks first (the note is kept); a second one quits.
                if sig == SIGINT, let n = s.detail?.noteTyping, !n.interrupted {
                    box.set(0)
                    apply(.typingInterrupted)
                    dirty = true
                } else {
                    return .signal(sig)
                }
            }
            var commands: [Command] = []
            if box.reloadAsked.exchange(false, ordering: .relaxed) { commands.append(.reload) }
            for e in mailbox.drain() {
                commands += s.reduce(e)
                dirty = true
            }
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
            for c in commands { perform(c) }
            if s.quit {
                keepTypedNote()
                return .quit
            }
            // Block for input up to 100 ms: no busy loop, and events still show within a tenth of a second.
            guard let k = screen.readKey(timeoutMS: 100) else {
                // The terminal went away without a SIGHUP reaching us (a killed tmux server, a
                // dropped connection): leave as for SIGHUP rather than spin on a dead descriptor.
                if terminalGone() {
                    keepTypedNote()
                    return .signal(SIGHUP)
                }
                continue
            }
            dirty = true
            switch k {
            case .resize:
                let sz = screen.size
                apply(.resize(width: sz.width, height: sz.height))
            case .key(let key): apply(.key(key))
            case .mouse(let m): apply(.mouse(m))
            }
            if s.quit {
                keepTypedNote()
                return .quit
            }
        }
    }
}
