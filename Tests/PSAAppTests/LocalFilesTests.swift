import Foundation
import PSAApp
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Files psatop opens on its own machine are judged by what they are: a log is never appended
/// through a symbolic link, a theme is never read from the working directory, never from a FIFO
/// (which would block), never past its size.
@Suite("Local files", .serialized, .timeLimit(.minutes(5)))
struct LocalFilesTests {
    static func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "psatop-files-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test("--stderr-log through a symbolic link (to another file) is refused; the file it points to is untouched")
    func logThroughLink() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "someone else's\n".write(toFile: dir + "/victim", atomically: true, encoding: .utf8)
        symlink(dir + "/victim", dir + "/log")
        #expect(throws: RequestLogWriter.LogFileError.self) { _ = try RequestLogWriter.appending(to: dir + "/log") }
        do {
            _ = try RequestLogWriter.appending(to: dir + "/log")
        } catch let e as RequestLogWriter.LogFileError {
            #expect(e.reason.contains("symbolic link"), "\(e)")
        }
        #expect(try String(contentsOfFile: dir + "/victim", encoding: .utf8) == "someone else's\n")
        // A FIFO is refused at once, not waited on; a plain new file is fine (0600).
        mkfifo(dir + "/fifo", 0o600)
        #expect(throws: RequestLogWriter.LogFileError.self) { _ = try RequestLogWriter.appending(to: dir + "/fifo") }
        _ = try RequestLogWriter.appending(to: dir + "/fresh.log")
        var st = stat()
        #expect(stat(dir + "/fresh.log", &st) == 0 && st.st_mode & 0o777 == 0o600)
    }

    @Test("a theme that is a FIFO is refused at once; one past 256 KB is refused unread")
    func themeFiles() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        mkfifo(dir + "/fifo.toml", 0o600)
        do {
            _ = try ThemeFile.load(path: dir + "/fifo.toml")
            Issue.record("a FIFO was read as a theme")
        } catch { #expect("\(error)".contains("FIFO"), "\(error)") }
        let big = String(repeating: "# padding\n", count: 30_000)
        try big.write(toFile: dir + "/big.toml", atomically: true, encoding: .utf8)
        do {
            _ = try ThemeFile.load(path: dir + "/big.toml")
            Issue.record("a 300 KB theme was read")
        } catch { #expect("\(error)".contains("larger than"), "\(error)") }
    }
}
