import Clocks
import Dashboard
import Foundation
@_spi(Testing) import PSAApp
import PSAClient
import PSACore
import Testing

@Suite("Poller", .timeLimit(.minutes(10)))
struct PollerTests {
    @Test(
        "against the demo simulator it emits a quota, the first page, and every request of the log",
        arguments: Vendor.allCases)
    func events(vendor: Vendor) async throws {
        var settings = ConnectionSettings()
        settings.demo = true
        settings.vendor = vendor
        settings.demoTickets = 120
        let conn = try await Connection.open(settings)
        let mailbox = Mailbox()
        let poller = Poller(api: conn.api, clock: .continuous, timeScale: conn.timeScale) {
            mailbox.post(DashboardEvent($0))
        }
        await poller.start()
        var state = DashboardState(vendor: conn.api.vendor, tenant: conn.tenantName, now: Date())
        for _ in 0..<500 where state.quota == nil || state.tickets.isEmpty || state.log.isEmpty {
            for e in mailbox.drain() { _ = state.reduce(e) }
            try await Task.sleep(for: .milliseconds(20))
        }
        await poller.stop()
        await conn.close()
        #expect(state.quota != nil)
        let firstPage: Int
        switch vendor {
        case .autotask: firstPage = 500
        case .atera: firstPage = 50
        case .halo: firstPage = HaloAPI.pageSize
        case .connectwise: firstPage = ConnectWiseAPI.pageSize
        }
        #expect(state.tickets.count == min(120, firstPage))
        #expect(state.total == 120)
        #expect(!state.log.isEmpty)
        let config = try #require(conn.simulator?.config)
        for secret in [config.autotaskSecret, config.ateraKey, config.haloClientSecret, config.cwPrivateKey] {
            #expect(state.log.allSatisfy { !$0.path.contains(secret) })
        }
    }

    @Test(
        "a file attached from the dashboard reaches the simulator once; the budget shows in the status; refusals are said"
    )
    func attach() async throws {
        let (conn, mailbox, poller) = try await Self.demoPoller(tickets: 20)
        let id = try #require(try await conn.api.page(after: nil).tickets.first?.id)
        let dir = NSTemporaryDirectory() + "psatop-attach-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(repeating: 0x41, count: 2_000).write(to: URL(fileURLWithPath: dir + "/notes.txt"))

        func outcome() async throws -> DashboardEvent? {
            try await Self.next(mailbox) {
                switch $0 {
                case .attached, .attachFailed: true
                default: false
                }
            }
        }
        await poller.handle(.attach(id: id, path: dir + "/notes.txt", visibility: .internal))
        let done = try await outcome()
        #expect(
            done.map { if case .attached(id, "notes.txt", 2_000, .internal) = $0 { true } else { false } } == true,
            "\(String(describing: done))")
        let usage = await poller.status().attachments
        #expect(usage?.used == 2_000 && usage?.limit == 10_000_000 && usage?.clearsAt != nil)
        let uploads = await conn.api.client.log.filter { $0.path.contains("/Attachments") }
        #expect(uploads.count == 1 && uploads.first?.status == 200 && uploads.first?.method == "POST")

        // A directory is refused before anything is sent.
        await poller.handle(.attach(id: id, path: dir, visibility: .internal))
        let refused = try await outcome()
        #expect(
            refused.map { if case .attachFailed(id, _, let e) = $0 { e.contains("is a directory") } else { false } }
                == true)
        #expect(await conn.api.client.log.filter { $0.path.contains("/Attachments") }.count == 1)
        await poller.stop()
        await conn.close()
    }

    @Test(
        "a server filter: pages come back under it and say so; a name the tenant lacks fails once, unsent, not retried")
    func serverFilter() async throws {
        // The poller's clock is a test clock that never moves: a retry's pause would never end.
        let (conn, mailbox, poller) = try await Self.demoPoller(tickets: 200, clock: PSAClock(TestClock<Duration>()))
        func next(_ match: (DashboardEvent) -> Bool) async throws -> DashboardEvent? {
            try await Self.next(mailbox, match)
        }
        let f = ServerFilter(status: "New")
        await poller.handle(.setServerFilter(f))
        let got = try await next { if case .page = $0 { true } else { false } }
        guard case .page(let page, let reset, _)? = got else {
            Issue.record("no page")
            return
        }
        #expect(reset && page.filter == f && !page.tickets.isEmpty && page.tickets.allSatisfy { $0.status == "New" })
        #expect((page.total ?? 0) < 200)
        // Later pages and refreshes keep it.
        await poller.handle(.refresh)
        let again = try await next { if case .page = $0 { true } else { false } }
        if case .page(let p, _, _)? = again { #expect(p.filter == f) } else { Issue.record("no page after refresh") }

        func listRequests() async -> Int {
            await conn.api.client.log.filter { $0.purpose == "tickets" || $0.purpose == "count" }.count
        }
        let before = await listRequests()
        await poller.handle(.setServerFilter(ServerFilter(queue: "No Such Queue")))
        let failed = try await next { if case .pageFailed = $0 { true } else { false } }
        guard case .pageFailed(let message)? = failed else {
            Issue.record("no failure")
            return
        }
        #expect(message.contains("no queue 'No Such Queue'") && !message.contains("retrying"))
        // Not retried: the load has ended (a retry would sleep on the poller's test clock, which
        // never moves here, so the load would never end and the race below would time out).
        let ended = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await poller.pageLoadEnded()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(10))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        #expect(ended, "the refused load is still running: it is being retried")
        #expect(!mailbox.drain().contains { if case .pageFailed = $0 { true } else { false } })
        #expect(await listRequests() == before)
        await poller.stop()
        await conn.close()
    }

    /// A poller over the demo simulator (Autotask), started without loading the list.
    static func demoPoller(tickets: Int, clock: PSAClock = .continuous) async throws -> (Connection, Mailbox, Poller) {
        var settings = ConnectionSettings()
        settings.demo = true
        settings.demoTickets = tickets
        let conn = try await Connection.open(settings)
        let mailbox = Mailbox()
        let poller = Poller(api: conn.api, clock: clock, timeScale: conn.timeScale) { mailbox.post(DashboardEvent($0)) }
        await poller.start(loadTickets: false)
        return (conn, mailbox, poller)
    }

    /// The first event that matches, dropping the others (real time, at most 10 s).
    static func next(_ mailbox: Mailbox, _ match: (DashboardEvent) -> Bool) async throws -> DashboardEvent? {
        for _ in 0..<500 {
            if let e = mailbox.drain().first(where: match) { return e }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}
