import Dashboard
import Foundation

/// Starts a custom command's program: an argument vector (`posix_spawnp`, the program found on
/// `$PATH`), never a shell; the environment without any credential variable; no descriptor of
/// ours but 0–2; default signals. In a pane its output comes back as an event; in the
/// foreground it has the terminal and psatop waits.
enum ProgramRunner {
    /// The most of a program's output kept for the pane.
    static let maxOutput = 1 << 20

    /// Spawns `argv`; 0–2 as given by `files` (path or descriptor to dup). The child's pid, or nil.
    static func spawn(_ argv: [String], stdin: Int32?, stdout: Int32?, ownGroup: Bool) -> pid_t? {
        ChildProcess.spawn(argv, searchPath: true, ownGroup: ownGroup) { actions in
            if let stdin { posix_spawn_file_actions_adddup2(&actions, stdin, 0) }
            if let stdout {
                posix_spawn_file_actions_adddup2(&actions, stdout, 1)
                posix_spawn_file_actions_adddup2(&actions, stdout, 2)
            }
        }
    }

    /// Waits for the child: its exit status, or 128 + the signal that ended it.
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }

    /// Runs in the background, output to a pipe; the output and status go to the mailbox.
    static func runInPane(_ run: ProgramRun, mailbox: Mailbox) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            mailbox.post(
                .programDone(name: run.name, output: "no pipe: \(String(cString: strerror(errno)))", status: -1))
            return
        }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        let devNull = open("/dev/null", O_RDONLY | O_CLOEXEC)
        let pid = spawn(run.argv, stdin: devNull, stdout: fds[1], ownGroup: true)
        close(fds[1])
        if devNull >= 0 { close(devNull) }
        guard let pid else {
            close(fds[0])
            mailbox.post(
                .programDone(
                    name: run.name, output: "\(run.argv.first ?? ""): could not start (not found, or not a program)",
                    status: -1))
            return
        }
        let reader = fds[0]
        let thread = Thread {
            var data = Data()
            var buf = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = read(reader, &buf, buf.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                if data.count < maxOutput { data.append(contentsOf: buf[0..<min(n, maxOutput - data.count)]) }
            }
            close(reader)
            let status = wait(pid)
            mailbox.post(.programDone(name: run.name, output: String(decoding: data, as: UTF8.self), status: status))
        }
        thread.name = "psatop-command"
        thread.start()
    }

    /// Runs on the terminal (the caller has suspended the screen) and waits: its status (-1: could not start).
    static func runInForeground(_ run: ProgramRun) -> Int32 {
        guard let pid = spawn(run.argv, stdin: nil, stdout: nil, ownGroup: false) else { return -1 }
        return wait(pid)
    }
}
