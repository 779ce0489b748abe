import Dashboard
import Foundation
import PSACore

/// Note drafts: one 0600 file per note in a 0700 folder of the user's that survives a reboot
/// (`$XDG_STATE_HOME/psatop/drafts`, by default `~/.local/state/psatop/drafts`), created new
/// (O_EXCL), written as the note is typed and on every way out, deleted only once the server
/// took the note. `c` on a ticket that has one offers it back, also after a restart.
public enum NoteDraftFile {
    static func folder(environment env: [String: String]) -> String {
        if let state = env["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/psatop/drafts" }
        if let home = env["HOME"], home.hasPrefix("/") { return home + "/.local/state/psatop/drafts" }
        let tmp = (env["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp")
        return (tmp.hasSuffix("/") ? String(tmp.dropLast()) : tmp) + "/psatop-drafts-\(getuid())"
    }

    /// Makes `dir` and its missing parents (0700 each), then checks `dir` is a private folder of ours.
    static func makePrivateFolder(_ dir: String) throws {
        var path = ""
        for part in dir.split(separator: "/") {
            path += "/" + part
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw DraftError("cannot make \(path): \(String(cString: strerror(errno)))")
            }
        }
        // The folder must be ours and private: another user's (or a symlink) is refused.
        var st = stat()
        guard lstat(dir, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR, st.st_uid == getuid(), st.st_mode & 0o077 == 0
        else {
            throw DraftError("\(dir) is not a private folder of yours")
        }
    }

    /// The newest non-empty draft kept for a ticket (a note not sent before a quit, a crash or a
    /// dropped connection); nil when there is none.
    public static func latest(
        ticketID: Int64, kind: String = "ticket",
        environment env: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        let dir = folder(environment: env)
        var st = stat()
        guard lstat(dir, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR, st.st_uid == getuid() else { return nil }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        let mine = names.filter { $0.hasPrefix("\(kind)-\(ticketID)-") && $0.hasSuffix(".txt") }
        var best: (path: String, time: Int)?
        for name in mine {
            let path = dir + "/" + name
            var f = stat()
            guard lstat(path, &f) == 0, (f.st_mode & S_IFMT) == S_IFREG, f.st_uid == getuid(), f.st_size > 0 else {
                continue
            }
            let time = Int(f.st_mtim.tv_sec)
            if best.map({ time >= $0.time }) ?? true { best = (path, time) }
        }
        return best?.path
    }

    /// A new, empty draft for a ticket; nil when none can be made (the reason in `error`). `kind`
    /// names what it holds: "ticket" a note, "time" a time entry's summary.
    public static func create(
        ticketID: Int64, kind: String = "ticket",
        environment env: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String {
        let dir = folder(environment: env)
        try makePrivateFolder(dir)
        for n in 0..<100 {
            let stamp = Int(Date().timeIntervalSince1970)
            let path = "\(dir)/\(kind)-\(ticketID)-\(stamp)-\(getpid())-\(n).txt"
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 {
                close(fd)
                return path
            }
            if errno != EEXIST { throw DraftError("cannot make \(path): \(String(cString: strerror(errno)))") }
        }
        throw DraftError("cannot make a draft file in \(dir)")
    }

    /// The draft's text (at most 4 MB read), cleaned for sending.
    public static func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        let h = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        guard let data = try? h.read(upToCount: 4 << 20) ?? Data() else { return nil }
        return NoteText.clean(String(decoding: data, as: UTF8.self))
    }

    /// Writes a draft in place (0600), as typed.
    public static func write(_ path: String, _ text: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let h = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        try? h.write(contentsOf: Data(text.utf8))
    }

    struct DraftError: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }
}

/// `$VISUAL`, else `$EDITOR`, run as git does: through the shell, with the draft's path as its argument.
enum NoteEditor {
    static func command(environment env: [String: String]) -> String? {
        for name in ["VISUAL", "EDITOR"] {
            if let v = env[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty { return v }
        }
        return nil
    }

    /// Runs the editor on the terminal and waits; its exit status (-1: it could not start).
    static func run(_ editor: String, path: String) -> Int32 {
        let argv = ["/bin/sh", "-c", editor + " \"$1\"", "sh", path]
        // Default signals, no credential variable, no descriptor but the terminal on 0–2: the
        // editor has no business with secret files, sockets or the recording. In psatop's group:
        // it uses the terminal in the foreground.
        guard let pid = ChildProcess.spawn(argv) else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS, spelled out (the macros do not reach Swift).
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }
}
