import Foundation
import PSAApp
import PSAClient
import PSACore
import Testing

/// A transport that answers each request from a script, in order, then with 200s.
private final class Scripted: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var answers: [HTTPResult]
    init(_ answers: [HTTPResult]) { self.answers = answers }
    func send(_ request: HTTPRequestSpec, timeout: Duration) async throws -> HTTPResult {
        lock.withLock { answers.isEmpty ? HTTPResult(status: 200, body: Data("{}".utf8)) : answers.removeFirst() }
    }
}

@Suite("Request log lines (-v, --stderr-log)", .timeLimit(.minutes(10)))
struct RequestLogWriterTests {
    static let secret = "s3cret-value-9"
    static let utc = TimeZone(identifier: "UTC")!
    static let at = Date(timeIntervalSince1970: 1_764_504_003.412)  // 12:00:03.412 UTC

    @Test(
        "a line says time, method, path, status, duration, the retry, how long and why it waited, who asked and why it was sent"
    )
    func lineFields() {
        let r = RequestRecord(
            id: 7, time: Self.at, method: "POST", path: "/ATServicesRest/V1.0/Tickets/query", status: 429,
            duration: 0.4124, attempt: 2, waited: 1.34, waitReason: .retryAfter, error: "API call threshold exceeded",
            purpose: "tickets", background: "refresh: changes since 11:58")
        #expect(
            RequestLogWriter.line(r, timeZone: Self.utc)
                == "psatop: 12:00:03.412 POST /ATServicesRest/V1.0/Tickets/query 429 412ms retry 2 waited 1.3s (Retry-After) [tickets] - refresh: changes since 11:58 - API call threshold exceeded"
        )
        let ok = RequestRecord(
            id: 8, time: Self.at, method: "GET", path: "/api/v3/tickets", status: 200, duration: 12.6,
            purpose: "tickets")
        #expect(
            RequestLogWriter.line(ok, tenant: "acme", timeZone: Self.utc)
                == "psatop: 12:00:03.412 acme GET /api/v3/tickets 200 13s [tickets]")
        let gone = RequestRecord(
            id: 9, time: Self.at, method: "GET", path: "/x", status: nil, duration: 0.002, error: "connection refused")
        #expect(
            RequestLogWriter.line(gone, timeZone: Self.utc)
                == "psatop: 12:00:03.412 GET /x ERR 2ms - connection refused")
    }

    @Test(
        "the client's redaction and sanitizing apply to the whole line: no secret, no escape sequence, even split by one"
    )
    func redacted() {
        let client = RateAwareClient(transport: Scripted([]), secrets: [Self.secret])
        let r = RequestRecord(
            id: 1, time: Self.at, method: "GET", path: "/x?key=\(Self.secret)", status: 401, duration: 0.1,
            error: "bad key \(Self.secret)\u{1B}[31m", background: "poll: \(Self.secret)")
        let line = RequestLogWriter.line(r, timeZone: Self.utc, redact: client.redact)
        #expect(!line.contains(Self.secret))
        #expect(!line.contains("\u{1B}"))
        #expect(line.contains("[redacted]"))
        // A secret with an escape sequence inside is whole again once sanitized, and still removed.
        let split = RequestRecord(
            id: 2, time: Self.at, method: "GET", path: "/y", status: 500, duration: 0.1,
            error: "s3cret-\u{1B}[0mvalue-9")
        #expect(!RequestLogWriter.line(split, timeZone: Self.utc, redact: client.redact).contains(Self.secret))
    }

    @Test(
        "following a client writes each attempt once, as it happens, in order, with the wait that a 429 caused; finish writes the rest"
    )
    func follows() async throws {
        let client = RateAwareClient(
            transport: Scripted([
                HTTPResult(status: 200, body: Data("{}".utf8)),
                HTTPResult(status: 429, headers: [("Retry-After", "0")], body: Data("slow down \(Self.secret)".utf8)),
            ]),
            secrets: [Self.secret])
        var fds: [Int32] = [-1, -1]
        #expect(pipe(&fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        // Read without blocking: what `finish` returned after is all in the pipe already.
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        let writer = RequestLogWriter(fd: fds[1], timeZone: Self.utc)
        // A request made before following is written too (as an Autotask zone lookup made while connecting).
        let spec = HTTPRequestSpec(
            method: "GET", url: "http://127.0.0.1:1/api?key=\(Self.secret)", headers: [("X-API-KEY", Self.secret)])
        _ = try await client.send(
            ClientRequest(spec: spec, endpoint: "early", logPath: "/early", idempotent: true, purpose: "zone"))
        await writer.follow([(name: nil, client: client)])
        _ = try await client.send(
            ClientRequest(
                spec: spec, endpoint: "tickets", logPath: "/tickets?key=\(Self.secret)", idempotent: true,
                purpose: "tickets"))
        await writer.finish()
        var data = Data()
        var buf = [UInt8](repeating: 0, count: 4_096)
        while true {
            let n = read(fds[0], &buf, buf.count)
            if n <= 0 { break }
            data.append(contentsOf: buf[0..<n])
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.first?.contains("GET /early 200") == true)
        #expect(lines.dropFirst().first?.contains("GET /tickets?key=[redacted] 429") == true)
        #expect(lines.last?.contains("GET /tickets?key=[redacted] 200") == true)
        #expect(lines.last?.contains("retry 1") == true)
        #expect(lines.allSatisfy { !$0.contains(Self.secret) && $0.hasPrefix("psatop: ") })
    }
}
