import Foundation
import Testing

@testable import PSACore

@Suite("Credentials checked on load, secrets redacted in every form", .timeLimit(.minutes(5)))
struct CredentialTests {
    @Test(
        "a control character or DEL in a credential is refused, saying what is wrong and never the value",
        arguments: [
            ("S3cretValue!\r", "carriage return"), ("S3cretValue!\r\n", "carriage return"), ("Qz9\n", "line feed"),
            ("Qz\tQz", "a tab"), ("Qz\u{7F}Qz", "DEL"), ("Qz\u{0}Qz", "NUL"), ("Qz\u{1B}[0mQz", "control character"),
        ])
    func refused(value: String, words: String) throws {
        let problem = try #require(CredentialCheck.problem(value))
        #expect(problem.contains(words), "\(problem)")
        #expect(!problem.contains("Qz"))
        #expect(!problem.contains("S3cret"))
    }

    @Test("ordinary credentials pass, spaces and punctuation included")
    func accepted() {
        for v in ["S3cretValue!", #"a+b/c=d&e%f"g\"#, "with space", "ünïcödé-key", "eyJhbGciOi.J9.x"] {
            #expect(CredentialCheck.problem(v) == nil, "\(v)")
        }
    }

    @Test("the raw, Swift-escaped, JSON-escaped and percent-encoded forms of a secret are all removed")
    func escapedForms() {
        let secret = #"a+b/c=d&e%f"g\ h"#
        let r = SecretRedactor([secret, "S3cretValue!\r"])
        let texts = [
            "raw \(secret) end",
            #"invalidHeaderFieldValues(["INTCODE", "S3cretValue!\r"])"#,
            "debug \(String(reflecting: secret))",
            "json " + String(decoding: try! JSONEncoder().encode([secret]), as: UTF8.self),
            "query ?s=" + secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
            "query ?s=" + secret.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!,
            "form client_secret=a%2Bb%2Fc%3Dd%26e%25f%22g%5C+h",
            "lower a%2bb%2fc%3dd%26e%25f%22g%5c%20h",
            "trimmed S3cretValue! alone",
        ]
        for t in texts {
            let out = r(t)
            #expect(out.contains(SecretRedactor.replacement), "\(t) → \(out)")
            #expect(!out.contains("a+b/c"), "\(out)")
            #expect(!out.contains("S3cret"), "\(out)")
            #expect(!out.contains("%2Fc%3Dd"), "\(out)")
            #expect(!out.contains("%2fc%3dd"), "\(out)")
        }
        // A secret too short to tell from text is left alone; text without one is unchanged.
        #expect(SecretRedactor(["abc"])("abc abc") == "abc abc")
        #expect(r("nothing secret here") == "nothing secret here")
    }
}

@Suite("Walks end and numbers are bounded, whatever the server says", .timeLimit(.minutes(5)))
struct WalkBoundsTests {
    @Test("a repeated page ends the walk; pages past the count (plus slack) end it; the ceiling holds")
    func guardEnds() {
        var g = WalkGuard(pageSize: 50)
        #expect(g.after(ids: Array(1...50), total: 5_000) == nil)
        #expect(g.after(ids: Array(1...50), total: 5_000) == WalkGuard.repeatedPage)

        var counted = WalkGuard(pageSize: 50)
        var pages = 0
        while counted.after(ids: [Int64(pages)], total: 100) == nil { pages += 1 }
        #expect(counted.pages == counted.allowedPages(total: 100))
        #expect(counted.pages == 5)  // 2 by count + 1 + 2 slack

        var uncounted = WalkGuard(pageSize: 1)
        var n: Int64 = 0
        while uncounted.after(ids: [n], total: nil) == nil { n += 1 }
        #expect(uncounted.pages == WalkGuard.maxPages)
        // A count of Int.max does not overflow; it is held to the ceiling.
        #expect(WalkGuard(pageSize: 500).allowedPages(total: .max) == WalkGuard.maxPages)
        #expect(WalkGuard(pageSize: 500).allowedPages(total: -5) == WalkGuard.maxPages)
    }

    @Test("ids near Int64.max and a count of Int.max do not trap the parallel walk plan")
    func planNearMax() throws {
        let first = Array((Int64.max - 499)...Int64.max)
        var plan = try #require(IDWalkPlan(firstPage: first, total: .max, pageSize: 500, workers: 3))
        var claimed: [Int] = []
        while let i = plan.claim() { claimed.append(i) }
        #expect(!claimed.isEmpty)
        for i in claimed {
            let (after, _) = plan.query(i)
            #expect(after == Int64.max)
            _ = plan.record(i, ids: [])
        }
        // Sparse ids: a first page spread over the whole range.
        let sparse = (0..<500).map { Int64($0) * (Int64.max / 500) }
        var p2 = try #require(IDWalkPlan(firstPage: sparse, total: .max, pageSize: 500, workers: 3))
        while let i = p2.claim() { _ = p2.record(i, ids: []) }
    }

    @Test("a text is bounded by bytes too: one letter with megabytes of combining marks is cut")
    func clampBytes() {
        let zalgo = "a" + String(repeating: "\u{0301}", count: 1_000_000)
        let t = Ticket.clamp(zalgo, 1_000)
        #expect(t.utf8.count <= 4_000 + 3)
        #expect(t.hasSuffix("…"))
        let plain = String(repeating: "x", count: 2_000)
        #expect(Ticket.clamp(plain, 1_000).count == 1_000)
        #expect(Ticket.clamp("short", 1_000) == "short")
        let wide = String(repeating: "日", count: 1_500)  // 3 bytes each: under 4 × limit bytes
        #expect(Ticket.clamp(wide, 1_000).count == 1_000)
    }
}
