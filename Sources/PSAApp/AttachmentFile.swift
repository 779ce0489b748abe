import Foundation
import PSACore

/// A file the user typed the path of, read for attaching: `~` expanded, relative paths from the
/// working directory, and checked before its bytes are read (a directory, a device, a file over
/// the vendor's per-file limit, an empty file are refused with a clear reason).
public struct AttachmentFile: Sendable, Equatable {
    public var name: String
    public var data: Data

    public init(name: String, data: Data) { self.name = name; self.data = data }

    public struct Refused: Error, CustomStringConvertible, Sendable, Equatable {
        public var description: String
    }

    /// The path with `~` / `~/…` expanded and made absolute.
    public static func resolve(_ typed: String, home: String = NSHomeDirectory(), cwd: String = FileManager.default.currentDirectoryPath) -> String {
        var p = typed
        if p == "~" { p = home } else if p.hasPrefix("~/") { p = home + p.dropFirst(1) }
        if !p.hasPrefix("/") { p = cwd + "/" + p }
        return (p as NSString).standardizingPath
    }

    public static func name(of typed: String) -> String {
        (resolve(typed) as NSString).lastPathComponent
    }

    public static func read(_ typed: String, fileLimit: Int, home: String = NSHomeDirectory(),
                            cwd: String = FileManager.default.currentDirectoryPath) throws -> AttachmentFile {
        let path = resolve(typed, home: home, cwd: cwd)
        // Opened once without blocking (a FIFO or a device cannot hold the screen), judged by
        // `fstat` of what was opened, read from that same descriptor.
        let file: OpenedFile
        do { file = try OpenedFile.openForReading(path) } catch {
            let code = if case OpenedFile.Failure.open(let e) = error { e } else { EIO }
            let why = code == ENOENT ? "no such file" : String(cString: strerror(code))
            throw Refused(description: "\(why): \(path)")
        }
        defer { file.release() }
        switch file.kind {
        case S_IFREG: break
        case S_IFDIR: throw Refused(description: "\(path) is a directory; give a file")
        default: throw Refused(description: "\(path) is not a regular file (it is \(OpenedFile.describe(file.kind)))")
        }
        let size = Int(file.info.st_size)
        guard size > 0 else { throw Refused(description: "\(path) is empty") }
        guard size <= fileLimit else {
            throw Refused(description: "the file is \(ByteSize.text(size)); Autotask takes at most \(ByteSize.text(fileLimit)) per attachment")
        }
        // At most one byte past the limit: a file that grew since fstat is still refused.
        guard let data = file.readAll(upTo: fileLimit + 1) else {
            throw Refused(description: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard data.count <= fileLimit else {
            throw Refused(description: "the file is over \(ByteSize.text(fileLimit)); Autotask takes at most that per attachment")
        }
        return AttachmentFile(name: (path as NSString).lastPathComponent, data: data)
    }
}
