import Foundation
import PSACore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A HAR file that is valid JSON after every entry: the envelope and the closing `]}}` are
/// written at once, and each entry goes in before that closing, which is written again after it.
/// A Ctrl-C, a SIGTERM, a crash or `exit` between two entries leaves a whole, valid file; the
/// descriptor is closed by the system on every exit path.
///
/// Created new (`O_EXCL`: an existing file is refused unless `force`), never through a symbolic
/// link (`O_NOFOLLOW`), mode 0600. With `force` an existing regular file is replaced (unlinked,
/// then created anew the same way: never written through a link or into a file of another owner).
public final class HARFile: Sendable {

    private struct State {
        var fd: Int32
        /// Where the closing begins (where the next entry goes).
        var end: Int
        var entries = 0
        var stopped = false
    }

    public let path: String
    /// Bytes the file may reach; an entry that would pass it stops the recording.
    public let maxBytes: Int
    private let state: Mutex<State>
    private static let closing = Array("\n]}}\n".utf8)

    /// Creates the file with the envelope (`creator` names psatop and its version).
    public init(path: String, force: Bool, maxBytes: Int, creatorVersion: String) throws {
        self.path = path
        self.maxBytes = maxBytes
        if force {
            var st = stat()
            if lstat(path, &st) == 0 {
                guard (st.st_mode & S_IFMT) == S_IFREG || (st.st_mode & S_IFMT) == S_IFLNK else {
                    throw HARFileRefused(description: "\(path) exists and is not a regular file; not replaced")
                }
                guard unlink(path) == 0 else {
                    throw HARFileRefused(description: "cannot replace \(path): \(String(cString: strerror(errno)))")
                }
            }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            let e = errno
            let why = e == EEXIST ? "it exists (give --force to replace it)" : String(cString: strerror(e))
            throw HARFileRefused(description: "cannot create \(path): \(why)")
        }
        // The mode is the file's whatever the umask.
        _ = fchmod(fd, 0o600)
        let version = JSONStrings.quoted(creatorVersion)
        let head = Array(#"{"log":{"version":"1.2","creator":{"name":"psatop","version":\#(version)},"entries":["#.utf8)
        state = Mutex(State(fd: fd, end: head.count))
        guard Self.write(fd, head + Self.closing, at: 0) else {
            // Not closed here: every stored property is set, so deinit runs and closes it (a
            // second close could hit a descriptor another thread opened meanwhile).
            throw HARFileRefused(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { state.withLock { close($0.fd) } }

    public enum Outcome: Equatable, Sendable {
        case written
        /// This entry would pass `maxBytes`: the recording stopped (said once).
        case capReached
        /// Stopped earlier, or the disk refused.
        case stopped
    }

    /// Appends one entry (a JSON object's bytes) and the closing after it.
    public func append(_ entry: [UInt8]) -> Outcome {
        state.withLock { s in
            guard !s.stopped else { return .stopped }
            let bytes = (s.entries > 0 ? Array(",\n".utf8) : Array("\n".utf8)) + entry
            guard s.end + bytes.count + Self.closing.count <= maxBytes else {
                s.stopped = true
                return .capReached
            }
            // The entry and the closing after it in one write, over the old closing.
            guard Self.write(s.fd, bytes + Self.closing, at: s.end) else {
                s.stopped = true
                return .stopped
            }
            s.end += bytes.count
            s.entries += 1
            return .written
        }
    }

    public var entryCount: Int { state.withLock { $0.entries } }

    static func write(_ fd: Int32, _ bytes: [UInt8], at offset: Int) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset + done)) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }
}

/// A recording file that could not be created or written (it exists and is no regular file, no
/// permission, a full disk).
public struct HARFileRefused: Error, CustomStringConvertible, Sendable {
    public var description: String
}
