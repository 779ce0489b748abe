import Foundation
import Hummingbird
import Logging
import PSAClient
import PSACore
import Prometheus

/// `psatop serve-metrics`: each tenant's quota, tier, suspension and our own traffic as a
/// Prometheus exposition (swift-prometheus), served over HTTP. Each tenant has its own client and
/// a quota-only poller on the same frugal schedule as the dashboard; a scrape costs no request.
public final class MetricsServer: Sendable {
    /// What the pollers last told, per tenant, applied in the order they told it.
    actor Book {
        struct Entry {
            var quota: Quota?
            var readAt: Date?
            var error: String?
            var pausedUntil: Date?
            var suspended = false
            /// The last 2xx answer from the tenant, and whether a later exchange found it down
            /// (no answer, a 5xx, credentials refused).
            var answeredAt: Date?
            var down = false
        }
        var entries: [Int: Entry] = [:]
        func note(_ i: Int, _ e: PollerEvent) {
            var x = entries[i] ?? Entry()
            switch e {
            case .quota(let q, let at):
                x.quota = q
                x.readAt = at
                x.error = nil
            case .quotaFailed(let m, _): x.error = m
            case .client(.record(let r)):
                if let status = r.status, (200..<300).contains(status) {
                    x.answeredAt = max(x.answeredAt ?? r.time, r.time)
                    x.down = false
                } else if r.error != "cancelled", Poller.down(r) {
                    x.down = true
                } else {
                    return
                }
            case .client(.paused(let until, let reason, _)):
                x.pausedUntil = until
                x.suspended = reason == .suspended
            case .client(.resumed):
                x.pausedUntil = nil
                x.suspended = false
            default: return
            }
            entries[i] = x
        }
        func entry(_ i: Int) -> Entry { entries[i] ?? Entry() }
    }

    /// `psatop_up` is 1 while the last exchange succeeded less than this long ago (tenant
    /// minutes: longer than the longest gap between the poller's readings or probes).
    public static let upWithin: Double = 15 * 60

    struct Tenant: Sendable {
        let index: Int
        let name: String
        let connection: Connection
        let poller: Poller
        /// The tenant's quota history (nil with --no-history): host-wide counters.
        var history: HistoryTap? = nil
    }

    private let tenants: [Tenant]
    private let task: Task<Void, any Error>
    private let relay: Task<Void, Never>
    /// The port it listens on (useful with port 0).
    public let port: Int
    public let host: String

    /// Starts the pollers and the HTTP server; returns once it listens.
    public static func start(_ connections: [Connection], host: String, port: Int, clock: PSAClock = .continuous)
        async throws -> MetricsServer
    {
        try await start(fleet: connections.map { .open($0) }, host: host, port: port, clock: clock)
    }

    /// Listens first, then starts a poller per tenant that opened; a broken one is exported as
    /// broken (`psatop_up 0`, `psatop_tenant_broken` with the reason) while the others are watched.
    /// An address that cannot be listened on throws before any request goes to a tenant.
    public static func start(
        fleet: [FleetMember], host: String, port: Int, clock: PSAClock = .continuous, history: HistorySession? = nil
    ) async throws -> MetricsServer {
        let book = Book()
        let scrape = Scrape(book: book, registry: PrometheusCollectorRegistry(), clock: clock)
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            let text = await scrape.run()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/") { _, _ -> String in "psatop metrics: GET /metrics\n" }
        enum Bound: Sendable {
            case port(Int)
            case failed(String)
        }
        let (portStream, portCont) = AsyncStream<Bound>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "psatop"),
            onServerRunning: { channel in
                portCont.yield(.port(channel.localAddress?.port ?? port))
                portCont.finish()
            },
            logger: Logger(label: "psatop.metrics", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let task = Task {
            do { try await app.run() } catch {
                portCont.yield(.failed(ListenFailure.reason(error)))
                portCont.finish()
                throw error
            }
            portCont.finish()
        }
        var bound: Bound = .failed("the server stopped before it listened")
        for await b in portStream {
            bound = b
            break
        }
        guard case .port(let listening) = bound else {
            task.cancel()
            let why = if case .failed(let w) = bound { w } else { "" }
            throw ConfigurationError("cannot listen on \(host):\(port): \(why)")
        }
        // Listening: now the pollers. Their events go through one ordered queue, so the book
        // applies them in the order they were told (a pause and its resume never swap).
        let (events, eventsIn) = AsyncStream<(Int, PollerEvent)>.makeStream()
        let relay = Task {
            for await (i, e) in events { await book.note(i, e) }
        }
        var tenants: [Tenant] = []
        for (i, m) in fleet.enumerated() {
            guard case .open(let c) = m else { continue }
            let ti = tenants.count
            let p = Poller(
                api: c.api, clock: clock, timeScale: c.timeScale, budgetPercent: c.settings.pollBudgetPercent,
                refresh: false
            ) { e in
                eventsIn.yield((i, e))
                history?.observe(ti, e)
            }
            let tap = history?.taps[ti]
            if let tap { await p.setHostOurs(tap.link(kind: "serve-metrics")) }
            await p.start(loadTickets: false)
            tenants.append(Tenant(index: i, name: m.name, connection: c, poller: p, history: tap))
        }
        await scrape.install(tenants: tenants, broken: fleet.compactMap(\.broken))
        return MetricsServer(tenants: tenants, task: task, relay: relay, host: host, port: listening)
    }

    private init(tenants: [Tenant], task: Task<Void, any Error>, relay: Task<Void, Never>, host: String, port: Int) {
        self.tenants = tenants
        self.task = task
        self.relay = relay
        self.host = host
        self.port = port
    }

    /// True when no poller has a step running or due at or before clock time `t` (tests on a test clock).
    @_spi(Testing) public func settled(at t: Double) async -> Bool {
        for x in tenants where !(await x.poller.settled(at: t)) { return false }
        return true
    }

    /// Runs until cancelled.
    public func wait() async {
        _ = try? await task.value
    }

    public func stop() async {
        task.cancel()
        for t in tenants { await t.poller.stop() }
        relay.cancel()
        for t in tenants.reversed() { await t.connection.close() }
    }
}
