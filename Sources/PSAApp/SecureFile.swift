import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file opened once and judged by what was actually opened: `fstat` on the descriptor, never a
/// `stat` of the path followed by a second open (the path could be swapped in between). Opening
/// never blocks: a FIFO or a device named where a file should be is refused, not waited on.
/// Symbolic links are followed (secrets managed by a Vault agent or agenix are links).
struct OpenedFile {
    let fd: Int32
    let info: stat

    enum Failure: Error { case open(Int32), notRegular(mode_t) }

    /// Opens `path` for reading without blocking and without becoming its controlling terminal;
    /// the descriptor is closed on exec (no child inherits it).
    static func openForReading(_ path: String) throws -> OpenedFile {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw Failure.open(errno) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw Failure.open(e)
        }
        return OpenedFile(fd: fd, info: st)
    }

    var kind: mode_t { info.st_mode & S_IFMT }
    var isRegular: Bool { kind == S_IFREG }

    /// Reads up to `limit` bytes from the descriptor (regular files only: never blocks).
    func readAll(upTo limit: Int) -> Data? {
        var out = Data()
        var buf = [UInt8](repeating: 0, count: 64 * 1024)
        while out.count < limit {
            let want = min(buf.count, limit - out.count)
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, want) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    func release() { _ = close(fd) }

    /// A file type in words, for refusals.
    static func describe(_ kind: mode_t) -> String {
        switch kind {
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }
}
