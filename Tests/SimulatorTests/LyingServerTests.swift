import Foundation
import PSAClient
import PSACore
import Synchronization
import Testing

/// Every walk ends, and every size a server chooses is bounded — against small local servers
/// that lie on purpose (not the twin, which keeps to the contracts).
@Suite("Lying servers: endless pages, ignored filters, oversize answers, frozen headers", .timeLimit(.minutes(5)))
struct LyingServerTests {
    static func ateraTickets(_ ids: some Sequence<Int64>) -> String {
        ids.map { #"{"TicketID":\#($0),"TicketTitle":"t\#($0)","TicketStatus":"Open"}"# }.joined(separator: ",")
    }

    static func atera(_ server: LyingServer) -> AteraAPI {
        let client = RateAwareClient(transport: AHCTransport(), seed: 1, secrets: ["lying-key-1234"])
        return AteraAPI(client: client, key: "lying-key-1234", baseURL: server.url + "/api/v3", limitPerMinute: 700)
    }

    static func autotask(_ server: LyingServer) -> AutotaskAPI {
        let client = RateAwareClient(transport: AHCTransport(), seed: 1, secrets: ["lying-secret", "LYINGCODE"])
        return AutotaskAPI(
            client: client,
            credentials: .init(userName: "api@example.com", secret: "lying-secret", integrationCode: "LYINGCODE"),
            baseURL: server.url + "/ATServicesRest/V1.0")
    }

    /// The number `page=N` in a query (1 when absent).
    static func pageNumber(_ uri: String) -> Int64 {
        guard let r = uri.range(of: "page=") else { return 1 }
        return Int64(uri[r.upperBound...].prefix { $0.isNumber }) ?? 1
    }

    /// An Autotask server that answers the lookups plainly and every ticket query with `items`.
    static func autotaskServer(count: Int, items: @escaping @Sendable (LyingServer.Seen) -> String) async throws
        -> LyingServer
    {
        try await LyingServer.start { req in
            let path = req.uri.lowercased()
            if path.contains("entityinformation") { return .json(#"{"fields":[]}"#) }
            if path.contains("/count") { return .json(#"{"queryCount":\#(count)}"#) }
            if path.contains("tickets/query") { return .json(#"{"items":[\#(items(req))],"pageDetails":null}"#) }
            return .json(#"{"items":[],"pageDetails":null}"#)
        }
    }

    static func autotaskTickets(_ ids: some Sequence<Int64>) -> String {
        ids.map { #"{"id":\#($0),"title":"t\#($0)","ticketNumber":"T\#($0)","status":1}"# }.joined(separator: ",")
    }

    @Test("Atera: a next link on every page and a count of 100 — the walk ends by the count, not by the link")
    func ateraEndlessNextLink() async throws {
        let server = try await LyingServer.start { req in
            let n = Self.pageNumber(req.uri)
            let ids = (n * 50)..<(n * 50 + 50)
            return .json(
                #"{"items":[\#(Self.ateraTickets(ids))],"totalItemCount":100,"page":\#(n),"itemsInPage":50,"nextLink":"http://x/tickets?page=\#(n + 1)"}"#
            )
        }
        let api = Self.atera(server)
        let stops = Mutex<[String]>([])
        let tickets = try await api.allTickets(
            filter: ServerFilter(),
            options: WalkOptions(progress: { p in if let s = p.stopped { stops.withLock { $0.append(s) } } }))
        let asked = server.requests.filter { $0.uri.contains("/tickets?") }.count
        // Positive control: the server was asked, and more than once.
        #expect(asked >= 2)
        #expect(asked <= WalkGuard(pageSize: 50).allowedPages(total: 100))
        #expect(tickets.count == asked * 50)
        await server.stop()
    }

    @Test("Atera: the same page again and again — the walk stops at the repeat, saying the server ignored paging")
    func ateraRepeatedPage() async throws {
        let server = try await LyingServer.start { _ in
            .json(
                #"{"items":[\#(Self.ateraTickets(1...50))],"totalItemCount":5000,"page":1,"itemsInPage":50,"nextLink":"http://x/tickets?page=2"}"#
            )
        }
        let stops = Mutex<[String]>([])
        let tickets = try await Self.atera(server).allTickets(
            filter: ServerFilter(),
            options: WalkOptions(progress: { p in if let s = p.stopped { stops.withLock { $0.append(s) } } }))
        #expect(server.requests.count == 2)
        #expect(tickets.map(\.id) == Array(1...50))
        #expect(stops.withLock { $0 } == [WalkGuard.repeatedPage])
        await server.stop()
    }

    @Test(
        "Autotask: a server that ignores `id gt` (count 600) — two queries, 500 tickets once each, said to be incomplete"
    )
    func autotaskIgnoredIDFilter() async throws {
        let server = try await Self.autotaskServer(count: 600) { _ in Self.autotaskTickets(1...500) }
        let stops = Mutex<[String]>([])
        let tickets = try await Self.autotask(server).allTickets(
            filter: ServerFilter(),
            options: WalkOptions(progress: { p in if let s = p.stopped { stops.withLock { $0.append(s) } } }))
        let queries = server.requests.filter { $0.uri.lowercased().hasSuffix("tickets/query") }
        #expect(queries.count == 2)
        #expect(tickets.map(\.id) == Array(1...500))
        #expect(stops.withLock { $0 } == [WalkGuard.ignoredIDFilter])
        await server.stop()
    }

    @Test("Autotask: the parallel walk against a server that ignores the id filter ends, each ticket once")
    func autotaskParallelIgnoredFilter() async throws {
        let server = try await Self.autotaskServer(count: 5_000) { _ in Self.autotaskTickets(1...500) }
        let tickets = try await Self.autotask(server).allTickets(
            filter: ServerFilter(), options: WalkOptions(threads: 3))
        let queries = server.requests.filter { $0.uri.lowercased().hasSuffix("tickets/query") }
        #expect(tickets.map(\.id) == Array(1...500))
        // The first page, then one page per range at most.
        #expect(queries.count >= 2 && queries.count <= 1 + IDWalkPlan.maxRanges)
        await server.stop()
    }

    @Test("a page with more items than asked for is refused before any ticket is built; not retried")
    func morePageItemsThanAsked() async throws {
        let server = try await Self.autotaskServer(count: 501) { _ in Self.autotaskTickets(1...501) }
        do {
            _ = try await Self.autotask(server).page(after: nil)
            Issue.record("a page of 501 items was taken")
        } catch let e as APIError {
            #expect(e.kind == .decoding)
            #expect(e.detail.contains("501 items"), "\(e.detail)")
        }
        #expect(server.requests.filter { $0.uri.lowercased().hasSuffix("tickets/query") }.count == 1)
        await server.stop()
    }

    @Test("an answer larger than its kind allows is refused by its length, once, never retried")
    func oversizeBody() async throws {
        // 9 MiB of tiny items: over the 8 MiB bound for JSON pages.
        let item = #"{"TicketID":1},"#
        let big = "{\"items\":[" + String(repeating: item, count: (9 << 20) / item.utf8.count) + "{\"TicketID\":2}]}"
        let server = try await LyingServer.start { _ in .json(big) }
        let api = Self.atera(server)
        do {
            _ = try await api.page(after: nil)
            Issue.record("a 9 MiB page was taken")
        } catch let e as APIError {
            #expect(e.kind == .refused)
            #expect(e.detail.contains("larger than"), "\(e.detail)")
        }
        #expect(server.requests.count == 1)
        await server.stop()
    }

    @Test("Atera: a RateLimit-Policy window of a billion seconds is held to an hour; the walk goes on")
    func frozenPolicyWindow() async throws {
        let server = try await LyingServer.start { req in
            let n = Self.pageNumber(req.uri)
            let ids = (n * 50)..<(n * 50 + (n < 3 ? 50 : 10))
            return .json(
                #"{"items":[\#(Self.ateraTickets(ids))],"totalItemCount":110,"page":\#(n),"itemsInPage":50,"nextLink":"\#(n < 3 ? "http://x/tickets?page=\(n + 1)" : "")"}"#,
                headers: [
                    ("RateLimit-Policy", #""default";q=700;w=1000000000"#),
                    ("RateLimit", #""default";r=690;t=1000000000"#),
                ])
        }
        let api = Self.atera(server)
        let tickets = try await api.allTickets(filter: ServerFilter())
        #expect(tickets.count == 110)
        #expect(server.requests.count == 3)
        let h = try #require(await api.client.lastRateLimit(freshWithin: 3_600)?.headers)
        #expect(h.windowSeconds == 3_600)
        #expect(h.resetSeconds == 3_600)
        #expect(h.clamped?.contains("1000000000") == true)
        // What the server said is shown with the reading (the gauge prints it).
        #expect(try await api.quota().server?.clamped?.contains("taken as 3600 s") == true)
        await server.stop()
    }
}
