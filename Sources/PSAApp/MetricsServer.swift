import Dashboard
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
    /// What the pollers last told, per tenant.
    actor Book {
        struct Entry {
            var quota: Quota?
            var readAt: Date?
            var error: String?
            var pausedUntil: Date?
            var suspended = false
        }
        var entries: [Int: Entry] = [:]
        func note(_ i: Int, _ e: DashboardEvent) {
            var x = entries[i] ?? Entry()
            switch e {
            case .quota(let q, let at):
                x.quota = q
                x.readAt = at
                x.error = nil
            case .quotaFailed(let m, _): x.error = m
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

    struct Tenant: Sendable {
        let name: String
        let connection: Connection
        let poller: Poller
    }

    private let tenants: [Tenant]
    private let book: Book
    private let registry = PrometheusCollectorRegistry()
    private let task: Task<Void, any Error>
    /// The port it listens on (useful with port 0).
    public let port: Int
    public let host: String

    /// Starts the pollers and the HTTP server; returns once it listens.
    public static func start(_ connections: [Connection], host: String, port: Int, clock: PSAClock = .continuous)
        async throws -> MetricsServer
    {
        let book = Book()
        var tenants: [Tenant] = []
        for (i, c) in connections.enumerated() {
            let p = Poller(
                api: c.api, clock: clock, timeScale: c.timeScale, budgetPercent: c.settings.pollBudgetPercent,
                refresh: false
            ) { e in
                Task { await book.note(i, e) }
            }
            await p.start(loadTickets: false)
            tenants.append(Tenant(name: c.settings.name ?? c.tenantName, connection: c, poller: p))
        }
        let registry = PrometheusCollectorRegistry()
        let scrape = Scrape(tenants: tenants, book: book, registry: registry)
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            let text = await scrape.run()
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/") { _, _ -> String in "psatop metrics: GET /metrics\n" }
        let (portStream, portCont) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "psatop"),
            onServerRunning: { channel in
                portCont.yield(channel.localAddress?.port ?? port)
                portCont.finish()
            },
            logger: Logger(label: "psatop.metrics", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        let task = Task { try await app.run() }
        var bound: Int?
        for await p in portStream {
            bound = p
            break
        }
        guard let bound else {
            task.cancel()
            for t in tenants { await t.poller.stop() }
            throw ConfigurationError("cannot listen on \(host):\(port)")
        }
        return MetricsServer(tenants: tenants, book: book, task: task, host: host, port: bound)
    }

    private init(tenants: [Tenant], book: Book, task: Task<Void, any Error>, host: String, port: Int) {
        self.tenants = tenants
        self.book = book
        self.task = task
        self.host = host
        self.port = port
    }

    /// Runs until cancelled.
    public func wait() async {
        _ = try? await task.value
    }

    public func stop() async {
        task.cancel()
        for t in tenants { await t.poller.stop() }
        for t in tenants.reversed() { await t.connection.close() }
    }

    /// Fills the registry from what the pollers and clients know, then renders it.
    actor Scrape {
        let tenants: [Tenant]
        let book: Book
        let registry: PrometheusCollectorRegistry
        /// Client counters already added, per tenant and metric (the registry's counters only go up).
        var added: [String: Int] = [:]

        init(tenants: [Tenant], book: Book, registry: PrometheusCollectorRegistry) {
            self.tenants = tenants
            self.book = book
            self.registry = registry
        }

        func gauge(_ name: String, _ help: String, _ labels: [(String, String)], _ value: Double) {
            registry.makeGauge(
                descriptor: MetricNameDescriptor(namespace: "psatop", metricName: name, unitName: "", helpText: help),
                labels: labels
            )
            .set(to: value)
        }

        func counter(_ name: String, _ help: String, _ labels: [(String, String)], total: Int) {
            let key = name + labels.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
            let c = registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "psatop", metricName: name, unitName: "total", helpText: help), labels: labels)
            let delta = total - (added[key] ?? 0)
            if delta > 0 {
                c.increment(by: Int64(delta))
                added[key] = total
            }
        }

        func run() async -> String {
            let now = Date()
            for (i, t) in tenants.enumerated() {
                let labels = [("tenant", t.name), ("vendor", t.connection.api.vendor.rawValue)]
                let e = await book.entry(i)
                let status = await t.poller.status()
                let client = t.connection.api.client
                let stats = await client.stats
                let suspended = await client.isSuspended || e.suspended
                // Atera reports usage only through X-RateLimit-*: without them the count is ours, and
                // is not exported as the key's usage (requests_ours_window has it, named as ours).
                let serverCount =
                    t.connection.api.vendor.quotaModel == .tenantThreshold || e.quota?.server?.fresh == true
                gauge(
                    "quota_server_reported",
                    "1 when the quota figures are the server's (Autotask's ThresholdInformation, Atera's X-RateLimit-*); 0 when the server reports no usage.",
                    labels, serverCount ? 1 : 0)
                if let q = e.quota {
                    gauge("quota_limit", "Requests the tenant allows in its window.", labels, Double(q.limit))
                    gauge("quota_window_seconds", "Length of the rolling window.", labels, Double(q.windowSeconds))
                }
                if let q = e.quota, serverCount {
                    gauge(
                        "quota_used",
                        "Requests counted in the tenant's rolling window at the last reading, as the server reports them.",
                        labels, Double(q.used))
                    let shown = status.projected ?? q
                    gauge(
                        "quota_projected",
                        "The count projected now from the last reading, our exact log and the others' measured rate.",
                        labels, Double(shown.used))
                    gauge(
                        "quota_ratio",
                        "Projected count over the limit (0.5: +0.5 s tier, 0.75: +1 s tier, 1: suspended).", labels,
                        shown.fraction)
                    let tier = suspended ? LatencyTier.suspended : shown.tier
                    gauge(
                        "latency_tier_seconds", "Latency the server adds at this usage (0, 0.5, 1).", labels,
                        tier.addedLatency)
                }
                if let at = e.readAt {
                    gauge(
                        "quota_read_age_seconds", "Seconds since the last quota reading.", labels,
                        max(0, now.timeIntervalSince(at)))
                }
                gauge(
                    "suspended", "1 while the tenant's API is suspended (threshold reached).", labels, suspended ? 1 : 0
                )
                gauge(
                    "up", "1 when the last quota reading succeeded.", labels, e.quota != nil && e.error == nil ? 1 : 0)
                gauge("requests_ours_window", "Our own requests in the tenant's window.", labels, Double(status.ours))
                gauge(
                    "poll_budget_per_hour", "Background requests psatop may spend per hour.", labels,
                    Double(status.budgetPerHour))
                gauge(
                    "poll_spent_last_hour", "Background requests psatop spent in the last hour.", labels,
                    Double(status.spentLastHour))
                counter("requests", "Requests psatop sent (every attempt).", labels, total: stats.sent)
                counter("retries", "Retries psatop made.", labels, total: stats.retries)
                counter("responses_429", "429 answers psatop received.", labels, total: stats.status429)
                counter(
                    "request_failures", "Requests that failed (error status or transport).", labels,
                    total: stats.failures)
            }
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return String(decoding: buffer, as: UTF8.self)
        }
    }
}
