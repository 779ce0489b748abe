import Dashboard
import Foundation
import PSACore

/// The running timer, kept where the note drafts are (`$XDG_STATE_HOME/psatop/timer.json`, by
/// default `~/.local/state/psatop/timer.json`; 0600 in a 0700 folder): written when `T` starts
/// it, removed once the server took its entry or it was dropped, so a quit or a crash keeps it
/// and the next start offers it back.
public enum TimerFile {
    static func path(environment env: [String: String]) -> String {
        let drafts = NoteDraftFile.folder(environment: env)
        // …/psatop/drafts → …/psatop/timer.json; the /tmp fallback keeps its own name.
        if drafts.hasSuffix("/psatop/drafts") { return String(drafts.dropLast("/drafts".count)) + "/timer.json" }
        return drafts + "-timer.json"
    }

    /// The timer kept from before, if any (a file that is not a regular file of ours is ignored).
    public static func load(environment env: [String: String] = ProcessInfo.processInfo.environment) -> RunningTimer? {
        let p = path(environment: env)
        let fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_uid == getuid() else { return nil }
        let h = FileHandle(fileDescriptor: fd, closeOnDealloc: false)
        guard let data = try? h.read(upToCount: 64 << 10) else { return nil }
        let d = JSONDecoder()
        d.dateDecodingStrategy = .secondsSince1970
        return try? d.decode(RunningTimer.self, from: data)
    }

    /// Keeps the timer (nil: removes the file). Written to a new 0600 file, then renamed over.
    public static func save(
        _ timer: RunningTimer?, environment env: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let p = path(environment: env)
        guard let timer else {
            if unlink(p) != 0 && errno != ENOENT { throw NoteDraftFile.DraftError("cannot remove \(p)") }
            return
        }
        let dir = String(p[..<(p.lastIndex(of: "/") ?? p.endIndex)])
        try NoteDraftFile.makePrivateFolder(dir)
        let e = JSONEncoder()
        e.dateEncodingStrategy = .secondsSince1970
        e.outputFormatting = [.sortedKeys]
        let data = try e.encode(timer)
        let tmp = p + ".\(getpid()).tmp"
        unlink(tmp)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw NoteDraftFile.DraftError("cannot write \(tmp): \(String(cString: strerror(errno)))")
        }
        let h = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        try h.write(contentsOf: data)
        try h.close()
        guard rename(tmp, p) == 0 else {
            unlink(tmp)
            throw NoteDraftFile.DraftError("cannot write \(p): \(String(cString: strerror(errno)))")
        }
    }
}
