import Foundation
import PSAApp
import PSAClient
import PSACore
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("HAR recording", .serialized, .timeLimit(.minutes(10)))
struct HARRecordTests {
    static func tempPath(_ tag: String) throws -> String {
        let dir = NSTemporaryDirectory() + "psatop-har-\(tag)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir + "/t.har"
    }

    static func entries(_ path: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require((root["log"] as? [String: Any])?["entries"] as? [[String: Any]])
    }

    @Test(
        "The file is valid HAR after every entry, created 0600, never over an existing file or through a link without --force"
    )
    func fileSafety() throws {
        umask(0o022)  // the 0600 below is the recorder's doing, not the runner's umask
        let path = try Self.tempPath("file")
        let file = try HARFile(path: path, force: false, maxBytes: 1 << 20, creatorVersion: "test")
        var st = stat()
        #expect(stat(path, &st) == 0 && st.st_mode & 0o777 == 0o600)
        let problems = HARCheck.problems(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(problems.isEmpty, "\(problems)")
        for i in 0..<3 {
            #expect(file.append(Array(#"{"n":\#(i)}"#.utf8)) == .written)
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect((try? JSONSerialization.jsonObject(with: data)) != nil, "invalid after entry \(i)")
        }
        #expect(try Self.entries(path).count == 3)
        #expect(throws: HARFileRefused.self) {
            try HARFile(path: path, force: false, maxBytes: 1 << 20, creatorVersion: "t")
        }
        let link = path + ".link"
        let target = path + ".target"
        #expect(symlink(target, link) == 0)
        #expect(throws: HARFileRefused.self) {
            try HARFile(path: link, force: false, maxBytes: 1 << 20, creatorVersion: "t")
        }
        #expect(!FileManager.default.fileExists(atPath: target))
        // --force replaces the link itself with a new file; what it pointed to is never written.
        _ = try HARFile(path: link, force: true, maxBytes: 1 << 20, creatorVersion: "t")
        #expect(!FileManager.default.fileExists(atPath: target))
        _ = try HARFile(path: path, force: true, maxBytes: 1 << 20, creatorVersion: "t")
        #expect(try Self.entries(path).isEmpty)
    }

    @Test("The size cap stops the recording with a notice; the file stays valid")
    func cap() throws {
        let path = try Self.tempPath("cap")
        let file = try HARFile(path: path, force: false, maxBytes: 400, creatorVersion: "t")
        let notices = NoticeBox()
        let rec = HARRecorder(file: file, scrubber: nil) { notices.add($0) }
        let x = RecordedExchange(
            request: HTTPRequestSpec(method: "GET", url: "https://h.example/x"),
            result: HTTPResult(status: 200, body: Data(String(repeating: "a", count: 300).utf8)),
            error: nil, started: Date(timeIntervalSince1970: 0), duration: 0.1)
        for _ in 0..<3 { rec.record(x) { $0 } }
        #expect(notices.all.count == 1 && notices.all[0].contains("stopped"))
        #expect(try Self.entries(path).isEmpty)
    }

    @Test(
        "No credential is written: secret values anywhere, credential headers, tokens in answers (and later), attachment data"
    )
    func redaction() throws {
        let path = try Self.tempPath("redact")
        let file = try HARFile(path: path, force: false, maxBytes: 1 << 20, creatorVersion: "t")
        let rec = HARRecorder(file: file, scrubber: nil) { _ in }
        // Hostile values (URL, form and JSON metacharacters), removed by the production redactor:
        // the client's own `redact`, as `Connection` hands it to the recorder.
        let secret = #"s3cr3t+b/c=d&e%f"g\"#, code = "INTEGRATION-CODE-1"
        let client = RateAwareClient(transport: AHCTransport(), seed: 1, secrets: [secret, code])
        let redact: @Sendable (String) -> String = { client.redact($0) }
        let encoded = "s3cr3t%2Bb%2Fc%3Dd%26e%25f%22g%5C"  // as HaloAPI's form encodes it (RFC 3986 unreserved kept)
        let token = #"{"access_token":"tok-abc-123","refresh_token":"ref-xyz-789","token_type":"Bearer"}"#
        rec.record(
            RecordedExchange(
                request: HTTPRequestSpec(
                    method: "POST", url: "https://h.example/auth/token",
                    headers: [("Content-Type", "application/x-www-form-urlencoded")],
                    // As HaloAPI sends it: percent-encoded in the form.
                    body: Data("client_secret=\(encoded)&grant_type=client_credentials".utf8)),
                result: HTTPResult(status: 200, headers: [("Set-Cookie", "sid=abc")], body: Data(token.utf8)),
                error: nil, started: Date(), duration: 0.2), redact: redact)
        let attachment = #"{"id":0,"title":"scan.pdf","data":"\#(String(repeating: "QUJD", count: 200))"}"#
        rec.record(
            RecordedExchange(
                request: HTTPRequestSpec(
                    method: "POST", url: "https://h.example/x?key=\(encoded)&t=tok-abc-123",
                    headers: [
                        ("Secret", secret), ("ApiIntegrationCode", code),
                        ("X-API-KEY", "k"), ("Authorization", "Bearer tok-abc-123"),
                        ("X-Note", "carries ref-xyz-789"),
                    ],
                    body: Data(attachment.utf8)),
                result: nil, error: "connection reset", started: Date(), duration: 1), redact: redact)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for leaked in [secret, code, "tok-abc-123", "ref-xyz-789", "sid=abc", "QUJDQUJD"] {
            #expect(!text.contains(leaked), "leaked \(leaked)")
        }
        // Every form of the secret starts "s3cr3t": raw, percent-encoded, JSON- or Swift-escaped
        // (the file's own escaping, HAR's decoded queryString), whole or in part.
        #expect(!text.contains("s3cr3t"), "a form of the secret is left: \(text)")
        #expect(text.contains("attachment data left out: 800 base64 characters"))
        let problems = HARCheck.problems(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(problems.isEmpty, "\(problems)")
        let entries = try Self.entries(path)
        #expect(entries.count == 2)
        let failed = try #require(entries[1]["response"] as? [String: Any])
        #expect(failed["status"] as? Int == 0 && failed["_error"] as? String == "connection reset")
    }

    @Test("Scrubbed entries: no personal data in the URL, headers or bodies; ids and dates kept")
    func scrubbed() throws {
        let path = try Self.tempPath("scrub")
        let file = try HARFile(path: path, force: false, maxBytes: 1 << 20, creatorVersion: "t")
        let rec = HARRecorder(file: file, scrubber: Scrubber(fakes: FakeText(key0: 5, key1: 6))) { _ in }
        let body = #"{"items":[{"id":42,"title":"Outlook crashes for Jane","createDate":"2026-11-30T08:00:00Z"}]}"#
        rec.record(
            RecordedExchange(
                request: HTTPRequestSpec(
                    method: "GET", url: "https://h.example/V1.0/zoneInformation?user=jane%40contoso.example",
                    headers: [("UserName", "jane@contoso.example")]),
                result: HTTPResult(status: 200, body: Data(body.utf8)), error: nil, started: Date(), duration: 0.01)
        ) { $0 }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("jane") && !text.contains("contoso") && !text.contains("Outlook"))
        #expect(text.contains(#"\"id\":42"#) && text.contains("2026-11-30T08:00:00Z"))
        let problems = HARCheck.problems(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test("HARCheck names what a file lacks")
    func check() {
        #expect(!HARCheck.problems(Data(#"{"log":{"version":"1.2","entries":[{}]}}"#.utf8)).isEmpty)
        #expect(HARCheck.problems(Data("{".utf8)) == ["not a JSON object"])
    }
}

final class NoticeBox: Sendable {
    private let list = Mutex<[String]>([])
    func add(_ s: String) { list.withLock { $0.append(s) } }
    var all: [String] { list.withLock { $0 } }
}
