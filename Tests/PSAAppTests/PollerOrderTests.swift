import Dashboard
import Foundation
import PSAApp
import PSAClient
import PSACore
import Synchronization
import Testing

/// Commands reach the server in the order they were made: two edits one after the other (each
/// read back before the next goes), and nothing after the poller was stopped.
@Suite("Writes in order", .timeLimit(.minutes(5)))
struct PollerOrderTests {
    /// An Autotask server in a transport: picklists, PATCH, the read-back. The first PATCH is held
    /// until a second request for the same ticket list arrives or half a second passes, so a
    /// second write sent alongside it would overtake it.
    final class Server: HTTPTransport, Sendable {
        let log = Mutex<[String]>([])
        let released = Mutex(false)

        func send(_ request: HTTPRequestSpec, timeout: Duration) async throws -> HTTPResult {
            let path = URL(string: request.url)?.path ?? request.url
            let body = request.body.map { String(decoding: $0, as: UTF8.self) } ?? ""
            if request.method == "PATCH" {
                let id = body.range(of: #""id":\s*[0-9]+"#, options: .regularExpression).map { String(body[$0]) } ?? "?"
                let first = log.withLock { l in
                    l.append("PATCH \(id) arrives")
                    return l.filter { $0.hasPrefix("PATCH") && $0.hasSuffix("arrives") }.count == 1
                }
                if first {
                    // Held: a second PATCH arriving meanwhile ends the hold (the writes were not in order).
                    for _ in 0..<50 {
                        if log.withLock({ $0.filter { $0.hasPrefix("PATCH") && $0.hasSuffix("arrives") }.count }) > 1 {
                            break
                        }
                        try await Task.sleep(for: .milliseconds(10))
                    }
                }
                log.withLock { $0.append("PATCH \(id) done") }
                return HTTPResult(status: 200, body: Data(#"{"itemId":1}"#.utf8))
            }
            if path.hasSuffix("entityInformation/fields") {
                return HTTPResult(
                    status: 200,
                    body: Data(
                        #"{"fields":[{"name":"status","dataType":"integer","isPickList":true,"picklistValues":[{"value":"1","label":"New","isActive":true,"sortOrder":1},{"value":"8","label":"In Progress","isActive":true,"sortOrder":2}]}]}"#
                            .utf8))
            }
            if let r = path.range(of: #"Tickets/[0-9]+$"#, options: .regularExpression) {
                let id = path[r].dropFirst("Tickets/".count)
                log.withLock { $0.append("GET \(id)") }
                return HTTPResult(
                    status: 200,
                    body: Data(#"{"item":{"id":\#(id),"ticketNumber":"T\#(id)","title":"t","status":8}}"#.utf8))
            }
            return HTTPResult(status: 200, body: Data(#"{"items":[],"pageDetails":null}"#.utf8))
        }
    }

    static func poller(_ server: Server) -> (Poller, Mailbox) {
        let client = RateAwareClient(transport: server, seed: 1, secrets: ["order-secret"])
        let api = AutotaskAPI(
            client: client,
            credentials: .init(userName: "u@x.example", secret: "order-secret", integrationCode: "CODE"),
            baseURL: "https://webservices3.autotask.net/ATServicesRest/V1.0")
        let mailbox = Mailbox()
        return (Poller(api: api, clock: .continuous, refresh: false) { mailbox.post(DashboardEvent($0)) }, mailbox)
    }

    static func updates(_ mailbox: Mailbox, _ n: Int) async throws -> [DashboardEvent] {
        var seen: [DashboardEvent] = []
        for _ in 0..<500 where seen.count < n {
            seen += mailbox.drain().filter {
                if case .updated = $0 { return true }
                if case .updateFailed = $0 { return true }
                return false
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return seen
    }

    @Test("two changes made one after the other reach the server in that order, each read back before the next")
    func changesInOrder() async throws {
        let server = Server()
        let (poller, mailbox) = Self.poller(server)
        await poller.handle(.change(id: 11, .status, to: "In Progress"))
        await poller.handle(.change(id: 22, .status, to: "In Progress"))
        let done = try await Self.updates(mailbox, 2)
        #expect(done.count == 2)
        let log = server.log.withLock { $0 }
        let firstDone = try #require(log.firstIndex(of: #"PATCH "id":11 done"#), "\(log)")
        let secondArrives = try #require(log.firstIndex(of: #"PATCH "id":22 arrives"#), "\(log)")
        let readBack = try #require(log.firstIndex(of: "GET 11"), "\(log)")
        #expect(firstDone < secondArrives && readBack < secondArrives, "\(log)")
        await poller.stop()
    }

    @Test("a note asked for after the poller stopped (the quit) is not sent")
    func nothingAfterStop() async throws {
        let server = Server()
        let (poller, mailbox) = Self.poller(server)
        // Positive control: before the stop a change goes out.
        await poller.handle(.change(id: 11, .status, to: "In Progress"))
        #expect(try await Self.updates(mailbox, 1).count == 1)
        let before = server.log.withLock { $0.count }
        await poller.stop()
        await poller.handle(.addNote(id: 11, text: "late", visibility: .internal, draft: "/nonexistent"))
        await poller.handle(.change(id: 11, .status, to: "New"))
        try await Task.sleep(for: .milliseconds(200))
        #expect(server.log.withLock { $0.count } == before)
    }
}
