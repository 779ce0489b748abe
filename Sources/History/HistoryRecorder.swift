import Foundation
import PSACore

/// Records the history off the UI path: callers hand it readings, requests and events (an actor
/// call that only appends), and it writes them in one transaction every `flushEvery` on its clock.
/// A fault is said once ("history off: <reason>") and never blocks or ends the caller; a locked
/// store is tried again at the next flush, anything else ends the history for this run.
public actor HistoryRecorder {
    public struct Settings: Sendable {
        public var path: String
        public var kind: ProcessKind
        /// `history_days`: readings, requests and events older than this are dropped.
        public var retentionDays: Int = 35
        /// The store's size bound: the oldest days go first when it holds more.
        public var maxBytes: Int = 64 * 1024 * 1024
        public var flushEvery: Duration = .seconds(5)
        public var options = HistoryStore.Options()
        public init(path: String, kind: ProcessKind) {
            self.path = path
            self.kind = kind
        }
    }

    public nonisolated let settings: Settings
    /// This process in the store (its request rows are told apart from the other processes').
    public nonisolated let process: String
    let clock: PSAClock
    let say: @Sendable (String) -> Void
    var store: HistoryStore?
    var batch = HistoryBatch()
    var knownTenants: Set<TenantKey> = []
    /// Why the history is off, if it is; `said` once it was told.
    public private(set) var fault: HistoryFault?
    var said = false
    var lastPrune: Double? = nil
    var loop: Task<Void, Never>?
    public private(set) var flushes = 0

    /// `say` is told "history off: <reason>" once (the dashboard's log, a command's stderr).
    public init(
        settings: Settings, clock: PSAClock, process: String = UUID().uuidString,
        say: @escaping @Sendable (String) -> Void
    ) {
        self.settings = settings
        self.clock = clock
        self.process = process
        self.say = say
    }

    /// The line said when the history is off, if it is.
    public var offText: String? { fault.map { "history off: \($0)" } }

    // MARK: What callers hand in (cheap: appends only)

    public func tenant(_ info: TenantInfo) {
        guard !knownTenants.contains(info.key) else { return }
        knownTenants.insert(info.key)
        batch.tenants.append(info)
    }

    public func reading(_ r: QuotaReading) {
        guard accepting else { return }
        batch.readings.append(r)
    }

    public func request(_ tenant: TenantKey, at: Date, count: Int = 1) {
        guard accepting else { return }
        batch.requests[RequestKey(tenant: tenant, minute: at.epochMinute, kind: settings.kind), default: 0] += count
    }

    public func event(_ e: HistoryEvent) {
        guard accepting else { return }
        batch.events.append(e)
    }

    /// Spikes found for the tenant: kept (each replaces the kept ones it overlaps) at the next flush.
    public func spikes(_ tenant: TenantKey, _ found: [Spike]) {
        guard accepting, !found.isEmpty else { return }
        batch.spikes[tenant, default: []] += found
    }

    /// Off for good (not a lock that may pass), or a pending batch grown past what a lock should hold.
    var accepting: Bool {
        if let f = fault, !f.isTransient { return false }
        return batch.readings.count + batch.events.count < 100_000
    }

    // MARK: Writing

    /// Writes what is pending (opening the store on first use), and prunes once an hour.
    public func flush() {
        if let f = fault, !f.isTransient { return }
        do throws(HistoryFault) {
            let s = try openStore()
            let pending = batch
            if !pending.isEmpty {
                try s.write(pending)
                batch = HistoryBatch()
            }
            flushes += 1
            let now = clock.now().seconds
            if lastPrune == nil || now - lastPrune! >= 3600 {
                lastPrune = now
                let cutoff = clock.wall().addingTimeInterval(-Double(settings.retentionDays) * 86_400)
                try s.prune(before: cutoff, maxBytes: settings.maxBytes)
            }
            if fault != nil {
                fault = nil
                said = false
            }
        } catch {
            fail(error)
        }
    }

    func openStore() throws(HistoryFault) -> HistoryStore {
        if let s = store { return s }
        let s = try HistoryStore(path: settings.path, process: process, options: settings.options)
        store = s
        return s
    }

    func fail(_ f: HistoryFault) {
        fault = f
        if !f.isTransient {
            batch = HistoryBatch()
            store = nil
        }
        if !said {
            said = true
            say("history off: \(f)")
        }
    }

    /// Flushes every `flushEvery` on the clock until `stop()`.
    public func start() {
        guard loop == nil else { return }
        let every = settings.flushEvery
        let clock = clock
        // The deadlines count from this call, not from when the task first runs (a test clock
        // moved in between would otherwise push every flush later).
        let first = clock.now()
        loop = Task { [weak self] in
            var k = 1
            while !Task.isCancelled {
                do { try await clock.sleep(until: first + every * k) } catch { return }
                k += 1
                await self?.flush()
            }
        }
    }

    /// Stops the loop and writes what is left. While running, a write another process's lock
    /// refused is tried again at the next flush; at the end there is none, so the last write waits
    /// for the lock (SQLite's busy wait, at most `finalBusyTimeout` s) instead of dropping what
    /// this run counted — a `tickets` run ending while a dashboard writes lost its counts.
    public func stop() {
        loop?.cancel()
        loop = nil
        flush()
        guard fault?.isTransient == true, !batch.isEmpty else { return }
        var patient = settings.options
        patient.busyTimeout = max(patient.busyTimeout, Self.finalBusyTimeout)
        guard let s = try? HistoryStore(path: settings.path, process: process, options: patient) else { return }
        store = s
        flush()
    }

    /// How long the last write waits for another process's lock.
    static let finalBusyTimeout = 5.0

    // MARK: Reading back

    /// Our requests in the last `minutes` from the other psatop processes on this host, by kind
    /// (this process counts its own exactly); empty when the history is off.
    public func othersOurs(_ tenant: TenantKey, minutes: Int, now: Date) -> [ProcessKind: Int] {
        guard fault == nil || fault!.isTransient, let s = try? openStore() else { return [:] }
        let from = now.addingTimeInterval(-Double(minutes) * 60)
        let rows = (try? s.requests(tenant, from: from, to: now.addingTimeInterval(60), excluding: process)) ?? []
        var out: [ProcessKind: Int] = [:]
        for r in rows { for (k, n) in r.byKind { out[k, default: 0] += n } }
        return out
    }

    /// The store, once open (for the history view's queries, run off the UI path).
    public func openedStore() -> HistoryStore? { try? openStore() }
}
