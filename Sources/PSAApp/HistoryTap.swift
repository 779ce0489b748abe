import Dashboard
import Foundation
import History
import PSAClient
import PSACore

/// Connects one tenant to the quota history: every request the tenant's client sends (counted
/// per minute under this command's kind), every reading the poller posts, and the events that
/// matter (tier entered, 429, suspension, recovery, a limit learned). Only appends to the
/// recorder: the writes happen on its flush, off the UI path.
public actor HistoryTap {
    public nonisolated let key: TenantKey
    public nonisolated let name: String
    let recorder: HistoryRecorder
    let vendor: Vendor
    /// The demo's tenant time runs `scale` times faster from `epoch`: the store holds tenant time.
    let scale: Double
    let epoch: Date
    /// The demo's tenant time at `epoch`: where the last run's left off, so a restart continues
    /// its history instead of overlapping it (real tenants: `epoch`, their time is the wall's).
    var base: Date
    var lastTier: LatencyTier?
    var lastLearned: Int?
    var watching: Task<Void, Never>?
    /// The last request's time: a pause or a resume is dated by it (the client's events carry none).
    var lastSeen: Date
    let clock: PSAClock
    /// The other processes' requests by kind, looked up at most every 10 s.
    var hostCache: (at: Double, minutes: Int, value: [String: Int])?
    var spikeCache: (at: Double, value: (text: String, start: Date?)?)?
    /// Whether other processes can talk to the same tenant: not a demo's, whose simulator is its
    /// own (two demos share the key, for the history's sake, but never a tenant).
    let sharesTenant: Bool

    public init(recorder: HistoryRecorder, connection: Connection, clock: PSAClock, environment env: [String: String]) {
        self.recorder = recorder
        self.vendor = connection.api.vendor
        self.key = Self.key(connection.settings, vendor: connection.api.vendor, environment: env)
        self.name = Self.name(connection.settings)
        self.scale = connection.simulator == nil ? 1 : max(1, connection.timeScale)
        self.sharesTenant = connection.simulator == nil
        self.epoch = clock.epoch
        self.base = clock.epoch
        self.lastSeen = clock.wall()
        self.clock = clock
    }

    /// What the other psatop processes on this host sent the tenant in the last `minutes`, by command.
    public func hostOurs(minutes: Int) async -> [String: Int] {
        guard sharesTenant else { return [:] }
        let now = clock.now().seconds
        if let c = hostCache, c.minutes == minutes, now - c.at < 10 / scale { return c.value }
        let found = await recorder.othersOurs(key, minutes: minutes, now: tenantTime(clock.wall()))
        let value = Dictionary(uniqueKeysWithValues: found.map { ($0.key.rawValue, $0.value) })
        hostCache = (now, minutes, value)
        return value
    }

    /// The demo records as its own tenant ("demo", or the simulated tenant's name).
    static func name(_ s: ConnectionSettings) -> String {
        s.demo ? (s.name ?? s.demoTenant?.name ?? "demo") : (s.name ?? s.vendor.rawValue)
    }

    /// What identifies the tenant's integration, hashed: never the secret in the clear (Atera's
    /// key is the only identifier it has, so its hash stands for it).
    static func key(_ s: ConnectionSettings, vendor: Vendor, environment env: [String: String]) -> TenantKey {
        if s.demo { return TenantKey(parts: ["demo", vendor.rawValue, s.demoTenant?.name ?? "primary"]) }
        switch (vendor, s.credentials) {
        case (_, .autotask(let c)?): return TenantKey(parts: ["autotask", c.integrationCode, c.userName.lowercased()])
        case (_, .atera(let k)?): return TenantKey(parts: ["atera", k])
        case (_, .halo(let c)?): return TenantKey(parts: ["halo", s.baseURL ?? "", c.clientID])
        case (_, .connectwise(let c)?):
            return TenantKey(parts: ["connectwise", s.baseURL ?? "", c.company.lowercased(), c.publicKey])
        case (.autotask, nil):
            return TenantKey(parts: [
                "autotask", env[CredentialVariable.autotaskIntegrationCode] ?? "",
                (env[CredentialVariable.autotaskUserName] ?? "").lowercased(),
            ])
        case (.atera, nil): return TenantKey(parts: ["atera", env[CredentialVariable.ateraKey] ?? ""])
        case (.halo, nil):
            return TenantKey(parts: ["halo", s.baseURL ?? "", env[CredentialVariable.haloClientID] ?? ""])
        case (.connectwise, nil):
            return TenantKey(parts: [
                "connectwise", s.baseURL ?? "", (env[CredentialVariable.cwCompany] ?? "").lowercased(),
                env[CredentialVariable.cwPublicKey] ?? "",
            ])
        }
    }

    func tenantTime(_ d: Date) -> Date { scale == 1 ? d : base.addingTimeInterval(d.timeIntervalSince(epoch) * scale) }

    /// The wall time (of this run) a tenant time stands for: earlier than the start for the last run's readings.
    func wallTime(_ t: Date) -> Date { scale == 1 ? t : epoch.addingTimeInterval(t.timeIntervalSince(base) / scale) }

    /// Starts counting the client's requests and noting its pauses.
    public func watch(_ client: RateAwareClient) async {
        await recorder.tenant(TenantInfo(key: key, name: name, vendor: vendor.label))
        if scale != 1, let store = await recorder.openedStore(), let last = try? store.latestReading(key), last >= epoch
        {
            base = last.addingTimeInterval(1)
        }
        let events = await client.events()
        watching = Task { [weak self] in
            for await e in events {
                guard let self else { return }
                await self.client(e)
            }
        }
    }

    /// Counts what the client already sent (its event stream ended first, at the end of the run), then stops.
    public func stop(draining client: RateAwareClient? = nil) async {
        if let client {
            await client.finishEvents()
            await watching?.value
        }
        watching?.cancel()
        watching = nil
    }

    func client(_ e: ClientEvent) async {
        switch e {
        case .record(let r):
            lastSeen = r.time
            let at = tenantTime(r.time)
            await recorder.request(key, at: at)
            if r.status == 429 {
                await recorder.event(HistoryEvent(tenant: key, at: at, kind: .throttled, detail: r.path))
            }
        case .paused(_, let reason, let detail):
            if reason == .suspended {
                await recorder.event(
                    HistoryEvent(tenant: key, at: tenantTime(lastSeen), kind: .suspended, detail: detail))
            }
        case .resumed:
            await recorder.event(HistoryEvent(tenant: key, at: tenantTime(lastSeen), kind: .recovered, detail: ""))
        case .ceiling, .measuredTier, .attachmentWait: break
        }
    }

    /// What the poller posts: readings (and, inside them, a tier entered or a limit learned).
    public func observe(_ e: PollerEvent) async {
        switch e {
        case .quota(let q, let at):
            let t = tenantTime(at)
            let tier = q.limit > 0 ? LatencyTier(count: q.used, threshold: q.limit) : .none
            let server = vendor.quotaModel == .tenantThreshold
            await recorder.reading(
                QuotaReading(
                    tenant: key, at: t, count: q.used, limit: q.limit > 0 ? q.limit : nil,
                    timeframeMinutes: max(1, q.windowSeconds / 60), tier: tier.rawValue,
                    source: server ? .server : .ours))
            if server, tier != lastTier, lastTier != nil || tier != .none {
                await recorder.event(
                    HistoryEvent(tenant: key, at: t, kind: .tierEntered, detail: "tier \(tier.rawValue)"))
            }
            lastTier = tier
            if let l = q.learned?.limit, l != lastLearned {
                lastLearned = l
                await recorder.event(HistoryEvent(tenant: key, at: t, kind: .limitLearned, detail: "\(l)"))
            }
        default: break
        }
    }
}

extension HistoryTap {
    /// Since `since` (wall time of this process): every psatop process's requests to the tenant by
    /// command, and the others' estimate (nil where the server reports no count), for counters.
    public func cumulative(since: Date) async -> (byKind: [String: Int], others: Int?) {
        guard let store = await recorder.openedStore() else { return ([:], nil) }
        let from = tenantTime(since), to = tenantTime(clock.wall()).addingTimeInterval(60)
        let rows = (try? store.requests(key, from: from, to: to)) ?? []
        var byKind: [String: Int] = [:]
        for r in rows { for (k, n) in r.byKind { byKind[k.rawValue, default: 0] += n } }
        guard vendor.quotaModel == .tenantThreshold else { return (byKind, nil) }
        let lead = from.addingTimeInterval(-2 * 3600)
        let readings = (try? store.readings(key, from: lead, to: to)) ?? []
        let ours = (try? store.requests(key, from: lead, to: to)) ?? []
        let perMinute = Attribution.othersPerMinute(readings: readings, ours: ours)
        let lo = from.epochMinute
        let others = perMinute.filter { $0.key >= lo }.values.reduce(0, +)
        return (byKind, readings.isEmpty ? nil : max(0, Int(others.rounded())))
    }
}
