import Clocks
import Dashboard
import Foundation
import PSAApp
import PSAClient
import PSACore
import Testing

/// A tenant whose pages and changes are scripted, on a test clock: what the poller asks for,
/// and with which `since`, is recorded.
private actor FakeTenant: TenantAPI {
    nonisolated let vendor = Vendor.atera
    nonisolated let client: RateAwareClient
    private let clock: PSAClock
    var sinces: [Date] = []
    var pageLoads = 0
    /// What the next changes read answers (complete or not), and the activity it carries.
    var nextChanges: (complete: Bool, activity: [Date]) = (true, [])
    /// The first page's tickets are stamped this far ahead of our clock (a server that runs ahead).
    var pageActivityAhead: TimeInterval = 3_600
    /// The network is gone: every changes read fails.
    var failChanges = false

    init(clock: PSAClock) {
        self.clock = clock
        client = RateAwareClient(transport: NoTransport(), clock: clock)
    }

    struct NoTransport: HTTPTransport {
        func send(_ request: HTTPRequestSpec, timeout: Duration) async throws -> HTTPResult {
            throw TransportError("no network in this test")
        }
    }

    func setNext(complete: Bool, activity: [Date]) { nextChanges = (complete, activity) }
    func setFailing(_ on: Bool) { failChanges = on }

    func prepare() async throws {}
    func quota() async throws -> Quota { Quota(used: 1, limit: 700, windowSeconds: 60) }
    /// The poller's "is it answering" probe (Poller+Probe.swift): not a load of the list.
    func probe() async throws {}
    func page(after cursor: PageCursor?) async throws -> TicketPage {
        pageLoads += 1
        let t = Ticket(
            id: 1, number: "1", title: "t", status: "Open", priority: "Low",
            lastActivity: clock.wall().addingTimeInterval(pageActivityAhead))
        return TicketPage(tickets: [t], total: 1, next: nil)
    }
    func ticket(id: Int64) async throws -> Ticket {
        Ticket(id: id, number: "\(id)", title: "", status: "", priority: "")
    }
    func changes(since: Date) async throws -> TicketChanges {
        sinces.append(since)
        if failChanges { throw TransportError("connection refused") }
        let tickets = nextChanges.activity.enumerated().map {
            Ticket(id: Int64($0.offset + 10), number: "", title: "", status: "", priority: "", lastActivity: $0.element)
        }
        return TicketChanges(tickets: tickets, complete: nextChanges.complete)
    }
    func page(after cursor: PageCursor?, status: String) async throws -> TicketPage { try await page(after: cursor) }
    func page(after cursor: PageCursor?, filter: ServerFilter) async throws -> TicketPage {
        try await page(after: cursor)
    }
    func apiBaseURL() async -> String { "https://example.invalid" }
    func whoAmI() async throws -> Person? { nil }
}

@Suite("Incremental refresh: the watermark", .timeLimit(.minutes(10)))
struct RefreshWatermarkTests {
    let test = TestClock<Duration>()
    let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    /// Moves the test clock a second at a time (letting what it woke run) until `done` or `seconds` have passed.
    func advance(_ seconds: Int, until done: @Sendable () async -> Bool = { false }) async {
        for _ in 0..<seconds {
            if await done() { return }
            await test.advance(by: .seconds(1))
            for _ in 0..<10 { await Task.yield() }
        }
    }

    @Test(
        "page loads never move it; only a complete read of the changes does, never past the read's start; an incomplete read or a long gap reloads the list"
    )
    func watermark() async throws {
        let clock = PSAClock(test, epoch: epoch)
        let api = FakeTenant(clock: clock)
        let poller = Poller(api: api, clock: clock) { _ in }
        await poller.start()
        await advance(5) { await api.pageLoads >= 1 }
        #expect(await api.pageLoads == 1)
        // The first read asks from the first load's start less the overlap — not from the page's
        // (server-stamped, an hour ahead) activity.
        await advance(900) { await api.sinces.count >= 1 }
        let first = try #require(await api.sinces.first)
        // The load started within the first seconds of the test's clock (when its task got to run).
        #expect(first >= epoch.addingTimeInterval(-60) && first <= epoch.addingTimeInterval(-55), "\(first)")

        // A complete read whose newest activity is ahead of our clock: the watermark follows our
        // clock (the read's start), less the overlap.
        let readAt = clock.wall()
        await api.setNext(complete: true, activity: [readAt.addingTimeInterval(7_200)])
        let before = await api.sinces.count
        await advance(900) { await api.sinces.count >= before + 1 }
        await api.setNext(complete: true, activity: [])
        await advance(900) { await api.sinces.count >= before + 2 }
        let sinces = await api.sinces
        #expect(sinces.count >= before + 2)
        let moved = sinces[before + 1]
        #expect(moved > first && moved <= readAt.addingTimeInterval(900))
        // Another page load (r, a new page) leaves it where it is.
        await poller.handle(.loadPage(nil))
        await advance(5) { await api.pageLoads >= 2 }
        let n = await api.sinces.count
        await advance(900) { await api.sinces.count >= n + 1 }
        let after = await api.sinces
        #expect(after[n] >= moved)
        #expect(after[n] <= clock.wall())  // never from the page's future activity

        // An incomplete read: the list is loaded again, and the refresh starts over from that load.
        await api.setNext(complete: false, activity: [clock.wall()])
        let loads = await api.pageLoads
        await advance(900) { await api.pageLoads > loads }
        #expect(await api.pageLoads == loads + 1)
        await api.setNext(complete: true, activity: [])
        let reads0 = await api.sinces.count

        // A long gap without a complete read (the network gone for over an hour): failed reads
        // leave the watermark where it was, then the list is reloaded instead of the backlog.
        await advance(900) { await api.sinces.count >= reads0 + 1 }
        let loads2 = await api.pageLoads
        await api.setFailing(true)
        let failingFrom = clock.wall()
        let stuck = await api.sinces.count
        await advance(4_000) { await api.pageLoads > loads2 }
        #expect(await api.pageLoads == loads2 + 1)
        #expect(clock.wall().timeIntervalSince(failingFrom) >= 3_000)
        let during = await api.sinces.dropFirst(stuck)
        #expect(during.count >= 2 && Set(during).count == 1)  // asked again from the same moment
        await poller.stop()
    }
}
