import Foundation
import PSACore

/// A file the user typed the path of, read for attaching: `~` expanded, relative paths from the
/// working directory, and checked before its bytes are read (a directory, a device, a file over
/// the vendor's per-file limit, an empty file are refused with a clear reason).
public struct AttachmentFile: Sendable, Equatable {
    public var name: String
    public var data: Data

    public init(name: String, data: Data) {
        self.name = name
        self.data = data
    }

    /// The path with `~` / `~/…` expanded and made absolute.
    public static func resolve(
        _ typed: String, home: String = NSHomeDirectory(), cwd: String = FileManager.default.currentDirectoryPath
    ) -> String {
        var p = typed
        if p == "~" { p = home } else if p.hasPrefix("~/") { p = home + p.dropFirst(1) }
        if !p.hasPrefix("/") { p = cwd + "/" + p }
        return (p as NSString).standardizingPath
    }

    public static func name(of typed: String) -> String {
        (resolve(typed) as NSString).lastPathComponent
    }

    public static func read(
        _ typed: String, fileLimit: Int, home: String = NSHomeDirectory(),
        cwd: String = FileManager.default.currentDirectoryPath
    ) throws -> AttachmentFile {
        let path = resolve(typed, home: home, cwd: cwd)
        // Opened once without blocking (a FIFO or a device cannot hold the screen), judged by
        // `fstat` of what was opened, read from that same descriptor.
        let file: OpenedFile
        do { file = try OpenedFile.openForReading(path) } catch {
            let code = if case OpenedFile.Failure.open(let e) = error { e } else { EIO }
            let why = code == ENOENT ? "no such file" : String(cString: strerror(code))
            throw LocalFileRefused(description: "\(why): \(path)")
        }
        defer { file.release() }
        switch file.kind {
        case S_IFREG: break
        case S_IFDIR: throw LocalFileRefused(description: "\(path) is a directory; give a file")
        default:
            throw LocalFileRefused(
                description: "\(path) is not a regular file (it is \(OpenedFile.describe(file.kind)))")
        }
        let size = Int(file.info.st_size)
        guard size > 0 else { throw LocalFileRefused(description: "\(path) is empty") }
        guard size <= fileLimit else {
            throw LocalFileRefused(
                description:
                    "the file is \(ByteSize.text(size)); Autotask takes at most \(ByteSize.text(fileLimit)) per attachment"
            )
        }
        // At most one byte past the limit: a file that grew since fstat is still refused.
        guard let data = file.readAll(upTo: fileLimit + 1) else {
            throw LocalFileRefused(description: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard data.count <= fileLimit else {
            throw LocalFileRefused(
                description: "the file is over \(ByteSize.text(fileLimit)); Autotask takes at most that per attachment")
        }
        return AttachmentFile(name: (path as NSString).lastPathComponent, data: data)
    }
}

/// Saving an attachment: never through a symlink, never over a file unless asked, 0600 (a
/// ticket's files can be private), written whole or not at all.
extension AttachmentFile {
    public enum Exists: Error, Equatable { case exists(String) }

    /// Something is at the path (a file, a directory, a dangling symlink).
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    /// The folder is there and the path is not a directory.
    public static func checkWritable(_ path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        var st = stat()
        guard stat(dir, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
            throw LocalFileRefused(description: "no such folder: \(dir)")
        }
        guard access(dir, W_OK) == 0 else { throw LocalFileRefused(description: "cannot write in \(dir)") }
        if lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFDIR {
            throw LocalFileRefused(description: "\(path) is a directory; give a file name")
        }
    }

    /// Writes `data` to a new file beside `path` and renames it into place: with `replace` an
    /// existing file (or symlink: the link itself, not what it points to) is replaced; without,
    /// one that appeared meanwhile is not (`Exists`).
    public static func save(_ data: Data, to path: String, replace: Bool) throws {
        try checkWritable(path)
        let dir = (path as NSString).deletingLastPathComponent
        let temp = dir + "/.psatop-save-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LocalFileRefused(description: "cannot create a file in \(dir): \(String(cString: strerror(errno)))")
        }
        var ok = true
        data.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n <= 0 {
                    if errno == EINTR { continue }
                    ok = false
                    break
                }
                off += n
            }
        }
        if fsync(fd) != 0 { ok = false }
        close(fd)
        guard ok else {
            unlink(temp)
            throw LocalFileRefused(description: "could not write \(path): \(String(cString: strerror(errno)))")
        }
        if replace {
            guard rename(temp, path) == 0 else {
                let e = errno
                unlink(temp)
                throw LocalFileRefused(description: "could not save \(path): \(String(cString: strerror(e)))")
            }
        } else {
            // link() fails if the name exists: no window where another file could be replaced.
            guard link(temp, path) == 0 else {
                let e = errno
                unlink(temp)
                if e == EEXIST { throw Exists.exists(path) }
                throw LocalFileRefused(description: "could not save \(path): \(String(cString: strerror(e)))")
            }
            unlink(temp)
        }
    }
}

/// A local file that cannot be attached or saved to (missing, a directory, too large, no
/// permission): said before anything is sent or written.
public struct LocalFileRefused: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
}
