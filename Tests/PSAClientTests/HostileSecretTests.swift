import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Testing

/// Secrets with URL, form and JSON metacharacters, one per credential of every vendor: the
/// client's redaction (the request log, the request view's exchange, errors, and through
/// `redact` the HAR recorder) removes them in every form they travel in.
@Suite("Hostile secrets through the client's redaction", .timeLimit(.minutes(5)))
struct HostileSecretTests {
    /// Each starts with a marker no other text holds, so any form of it, whole or in part, is found.
    static let secrets = [
        #"atS3cret+b/c=d&e%f"g\"#,  // Autotask Secret
        #"atC0de+b/c=d&e%f"g\"#,  // Autotask ApiIntegrationCode
        #"atK3y+b/c=d&e%f"g\"#,  // Atera X-API-KEY
        #"h4loS3cret+b/c=d&e%f"g\"#,  // HaloPSA client_secret
    ]
    static let markers = ["atS3cret", "atC0de", "atK3y", "h4loS3cret", "b3arerTok"]

    /// The forms a secret travels in, written out by hand (not by the code under test).
    static func forms(_ s: String) -> [String] {
        let marker = String(s.prefix { $0 != "+" })
        return [
            s,
            marker + "%2Bb%2Fc%3Dd%26e%25f%22g%5C",  // percent-encoded (RFC 3986 unreserved kept), as a form or query
            marker + "%2bb%2fc%3dd%26e%25f%22g%5c",  // the same in lower-case hex
            marker + "+b/c=d&e%25f%22g%5C",  // URL-query-allowed encoding
            marker + #"+b/c=d&e%f\"g\\"#,  // JSON- and Swift-escaped
            marker + #"+b\/c=d&e%f\"g\\"#,  // JSON-escaped with escaped slashes
        ]
    }

    func leaks(_ text: String) -> [String] { Self.markers.filter { text.contains($0) } }

    @Test("every credential of every vendor, in every form, leaves the log, the exchange and errors as [redacted]")
    func everyForm() async throws {
        let bearer = #"b3arerTok+b/c=d&e%f"g\"#
        // The server echoes each secret in each form in a header; in its JSON answers (a token
        // answer, an error) the secret as it is, and percent-encoded, which JSON escapes once.
        let echo = Self.secrets.flatMap(Self.forms).joined(separator: " ")
        let echoInJSON = Self.secrets.flatMap { [$0, Self.forms($0)[1]] }.joined(separator: " ")
        let transport = ScriptedTransport(clock: .continuous) { i, _, _ in
            func json(_ t: String) -> String {
                t.replacingOccurrences(of: #"\"#, with: #"\\"#).replacingOccurrences(of: "\"", with: #"\""#)
            }
            // The first answer hands out a token (as an OAuth answer would); the second is an error.
            let body =
                i == 0
                ? #"{"message":"\#(json(echoInJSON))","access_token":"\#(json(bearer))"}"#
                : #"{"message":"bad value \#(json(echoInJSON))"}"#
            return (HTTPResult(status: i == 0 ? 200 : 400, headers: [("X-Echo", echo)], body: Data(body.utf8)), .zero)
        }
        var policy = ClientPolicy()
        policy.maxRetries = 0
        let client = RateAwareClient(transport: transport, policy: policy, seed: 1, secrets: Self.secrets)
        let events = await client.events()
        for attempt in 0..<2 {
            let query = Self.secrets.flatMap(Self.forms).enumerated().map { "k\($0.offset)=\($0.element)" }
            let request = ClientRequest(
                spec: HTTPRequestSpec(
                    method: "POST", url: "https://example.invalid/Tickets/query?" + query.joined(separator: "&"),
                    headers: [
                        ("Secret", Self.secrets[0]), ("ApiIntegrationCode", Self.secrets[1]),
                        ("X-API-KEY", Self.secrets[2]), ("Authorization", "Bearer " + bearer),
                        ("X-Plain", "kept"), ("X-Carries", "value " + Self.secrets[3]),
                    ],
                    body: Data(
                        "client_secret=\(Self.forms(Self.secrets[3])[1])&json=\(Self.forms(Self.secrets[0])[4])".utf8)),
                endpoint: "Tickets", logPath: "/Tickets/query (\(Self.secrets[0]))", idempotent: true,
                purpose: "test")
            do {
                _ = try await client.send(request)
                #expect(attempt == 0)
            } catch let e as APIError {
                #expect(attempt == 1)
                #expect(leaks(e.description).isEmpty && leaks(e.detail).isEmpty, "\(e)")
            }
        }
        await client.finishEvents()
        var exchanges: [RequestExchange] = []
        for await e in events { if case .record(let r) = e, let x = r.exchange { exchanges.append(x) } }
        // Both exchanges reached the view, and what is not a credential is kept (the check is not blind).
        try #require(exchanges.count == 2)
        for x in exchanges {
            let headers = Dictionary(x.requestHeaders.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
            #expect(headers["Secret"] == "[redacted]" && headers["ApiIntegrationCode"] == "[redacted]")
            #expect(headers["X-API-KEY"] == "[redacted]" && headers["Authorization"] == "[redacted]")
            #expect(headers["X-Plain"] == "kept" && headers["X-Carries"] == "value [redacted]")
            let text = String(decoding: try JSONEncoder().encode(x), as: UTF8.self) + "\(x)"
            #expect(leaks(text).isEmpty, "\(leaks(text)) in \(text)")
        }
        let log = await client.log
        #expect(log.count == 2)
        #expect(leaks("\(log)").isEmpty, "\(log)")
        // Straight through `redact`, as the HAR recorder and -v use it.
        for s in Self.secrets {
            for f in Self.forms(s) { #expect(leaks(client.redact("x \(f) y")).isEmpty, "\(f)") }
        }
    }
}
