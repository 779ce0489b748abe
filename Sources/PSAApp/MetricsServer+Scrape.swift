import Dashboard
import Foundation
import PSAClient
import PSACore
import Prometheus

extension MetricsServer {
    /// Fills the registry from what the pollers and clients know, then renders it.
    actor Scrape {
        var tenants: [Tenant] = []
        var broken: [BrokenTenant] = []
        let book: Book
        let registry: PrometheusCollectorRegistry
        /// Client counters already added, per tenant and metric (the registry's counters only go up).
        var added: [String: Int] = [:]

        let clock: PSAClock
        /// When the exporter started: the history counters count from here.
        let started: Date

        init(book: Book, registry: PrometheusCollectorRegistry, clock: PSAClock) {
            self.book = book
            self.registry = registry
            self.clock = clock
            self.started = clock.wall()
        }

        /// The tenants, once the server listens and their pollers run.
        func install(tenants: [Tenant], broken: [BrokenTenant]) {
            self.tenants = tenants
            self.broken = broken
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
            let now = clock.wall()
            for b in broken {
                let labels = [("tenant", b.name), ("vendor", b.vendor.rawValue)]
                gauge("up", Self.upHelp, labels, 0)
                gauge(
                    "tenant_broken",
                    "1 for a profile that cannot be used (the reason says why and what to check); its tenant is not watched.",
                    labels + [("reason", b.reason.sanitized)], 1)
            }
            for t in tenants {
                let labels = [("tenant", t.name), ("vendor", t.connection.api.vendor.rawValue)]
                let e = await book.entry(t.index)
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
                // Up: the last exchange succeeded, and not too long ago (a tenant never asked is not up).
                let fresh = e.answeredAt.map {
                    now.timeIntervalSince($0) < MetricsServer.upWithin / t.connection.timeScale
                }
                // (A per-key window's "reading" is our own count: only the exchanges tell; a
                // threshold reading that failed does, even when the server answered 200.)
                let readingFailed = t.connection.api.vendor.quotaModel == .tenantThreshold && e.error != nil
                gauge("up", Self.upHelp, labels, fresh == true && !e.down && !readingFailed ? 1 : 0)
                gauge("requests_ours_window", "Our own requests in the tenant's window.", labels, Double(status.ours))
                if let own = status.ownRate {
                    gauge(
                        "requests_in_flight", "Requests psatop sent and not yet answered.", labels, Double(own.inFlight)
                    )
                    if let p50 = own.p50, let p95 = own.p95 {
                        gauge(
                            "request_latency_p50_seconds", "Median duration of psatop's last 100 answers.", labels, p50)
                        gauge(
                            "request_latency_p95_seconds", "95th percentile of psatop's last 100 answers.", labels, p95)
                    }
                }
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
                if let tap = t.history { await historyCounters(tap, labels) }
            }
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return Self.sortedFamilies(String(decoding: buffer, as: UTF8.self))
        }

        static let upHelp =
            "1 when the last exchange with the tenant succeeded within the last 15 minutes (psatop probes each tenant within its poll budget); 0 when it failed, is older, or never happened."

        /// The exposition with its metric families in name order (the registry's own order is
        /// random): diffs and scrapes read the same each time. A family is its `# HELP` and `# TYPE`
        /// lines and its samples, kept together in their order.
        static func sortedFamilies(_ text: String) -> String {
            var families: [(name: String, lines: [Substring])] = []
            for line in text.split(separator: "\n") {
                if line.hasPrefix("# HELP ") || families.isEmpty {
                    let words = line.split(separator: " ", maxSplits: 3)
                    families.append((words.count > 2 ? String(words[2]) : "", [line]))
                } else {
                    families[families.count - 1].lines.append(line)
                }
            }
            let sorted = families.enumerated().sorted { ($0.element.name, $0.offset) < ($1.element.name, $1.offset) }
            return sorted.map { $0.element.lines.joined(separator: "\n") + "\n" }.joined()
        }
    }
}
