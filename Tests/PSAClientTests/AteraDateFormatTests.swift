import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Testing

/// The date Atera's `/tickets/lastmodified` is asked with, pinned to what apis.md documents
/// (zone-less, UTC, to the second): a change of the client's date code cannot slip through.
@Suite("Atera lastmodified: the date the client sends", .timeLimit(.minutes(5)))
struct AteraDateFormatTests {
    @Test(
        "date=yyyy-MM-ddTHH:mm:ss in UTC, no zone, no fraction, percent-encoded as a query value; includeComments=true")
    func lastModifiedDate() async throws {
        let empty = HTTPResult(
            status: 200,
            body: Data(#"{"items":[],"totalItemCount":0,"page":1,"itemsInPage":50,"totalPages":0,"nextLink":""}"#.utf8))
        let h = Harness(seed: 2) { _, _, _ in (empty, .zero) }
        let api = AteraAPI(client: h.client, key: "k-1234", baseURL: "https://app.atera.com/api/v3")
        // 2026-11-30 00:53:20.789 UTC: the day differs from the day before in most time zones west of UTC.
        let since = Date(timeIntervalSince1970: 1_796_000_000.789)
        _ = try await drive(h.test, untilDone: Task { try await api.changes(since: since) })
        let sent = try #require(await h.transport.sent.first)
        #expect(sent.url.contains("date=2026-11-30T00%3A53%3A20&"), "\(sent.url)")
        let items = try #require(URLComponents(string: sent.url)?.queryItems)
        #expect(items.first { $0.name == "date" }?.value == "2026-11-30T00:53:20")
        #expect(items.first { $0.name == "includeComments" }?.value == "true")
        #expect(URLComponents(string: sent.url)?.path == "/api/v3/tickets/lastmodified")
    }
}
