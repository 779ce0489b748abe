import Foundation
import PSAApp
import Testing

@Suite("Saving an attachment to a file", .timeLimit(.minutes(10)))
struct SaveFileTests {
    func tempDir() throws -> String {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent(
            "psatop-save-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        ).path
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    @Test(
        "a new file is written whole, mode 0600; an existing one is not replaced unless asked; a symlink is replaced, never followed"
    )
    func noOverwrite() throws {
        umask(0o022)  // the 0600 below is the writer's doing, not the runner's umask
        let d = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: d) }
        let path = d + "/a.png"
        try AttachmentFile.save(Data("one".utf8), to: path, replace: false)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("one".utf8))
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        #expect(throws: AttachmentFile.Exists.exists(path)) {
            try AttachmentFile.save(Data("two".utf8), to: path, replace: false)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("one".utf8))
        try AttachmentFile.save(Data("two".utf8), to: path, replace: true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("two".utf8))
        // A symlink planted at the name: not written through, with or without replace.
        let victim = d + "/victim"
        try Data("keep".utf8).write(to: URL(fileURLWithPath: victim))
        let link = d + "/b.png"
        #expect(symlink(victim, link) == 0)
        #expect(AttachmentFile.exists(link))
        #expect(throws: AttachmentFile.Exists.exists(link)) {
            try AttachmentFile.save(Data("x".utf8), to: link, replace: false)
        }
        try AttachmentFile.save(Data("x".utf8), to: link, replace: true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: victim)) == Data("keep".utf8))
        // No temporary file left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: d).sorted() == ["a.png", "b.png", "victim"])
        // A directory, a missing folder: clear refusals.
        #expect(throws: LocalFileRefused.self) { try AttachmentFile.save(Data("x".utf8), to: d, replace: true) }
        #expect(throws: LocalFileRefused.self) {
            try AttachmentFile.save(Data("x".utf8), to: d + "/no/such/f", replace: false)
        }
    }
}
