import Dashboard
import Foundation
import PSAClient
import PSACore

/// Decides when to ask. Autotask: reads ThresholdInformation on an adaptive schedule (rarely far
/// from a tier boundary, every ~48 s near one) and between readings projects the count from the
/// client's exact log of our requests plus the others' measured rate; refreshes tickets
/// incrementally. Its automatic requests stay within a budget per hour (default 1% of the
/// threshold), each tagged in the request log with why it went out. Emits `PollerEvent`s;
/// never draws.
public actor Poller {
    public let api: any TenantAPI
    let clock: PSAClock
    let post: @Sendable (PollerEvent) -> Void
    /// The tenant's hour passes this many times faster (the demo, benchmarks).
    public let timeScale: Double
    /// Automatic requests per hour, as a percentage of the tenant's hourly threshold.
    public let budgetPercent: Double
    public internal(set) var plan: PollPlan
    var budget: BudgetLog
    var projector = QuotaProjector()
    var lastQuota: Quota?
    var nextReadAt: Double?
    var why = "first reading"
    /// Incremental refresh: tickets with activity after this moment are asked for. Set once when
    /// the list is first loaded, then moved only by a complete read of the changes (a page load
    /// never moves it: tickets changed meanwhile on pages already loaded would be missed).
    var changesSince: Date?
    /// When the changes were last read to the end (or the list reloaded), on our clock.
    var changesReadAt: Date?
    var refreshEnabled: Bool
    /// When the client last exchanged anything with the tenant (our clock), and what failed if
    /// that exchange did (see Poller+Probe.swift).
    var lastExchangeAt: Double?
    var exchangeFailure: String?

    /// Work in flight (page and detail loads, the log relay), removed as each finishes.
    var tasks: [UUID: Task<Void, Never>] = [:]
    var loops: [Task<Void, Never>] = []
    var pageTask: Task<Void, Never>?
    /// The last write asked for (writes run one after another, in order).
    var lastWrite: Task<Void, Never>?
    /// After `stop()` no command starts anything (a note queued behind the quit is not sent).
    var stopped = false
    /// What the server filters the list by (the dashboard's `F`), nil for every ticket.
    var serverFilter: ServerFilter?
    /// The other psatop processes' requests to this tenant (Poller+History.swift).
    var hostOurs: HostOurs?

    /// - Parameters:
    ///   - timeScale: divides every interval (the demo's simulator runs its hour in minutes).
    ///   - budgetPercent: the poller's own requests per hour as a percentage of the threshold.
    ///   - refresh: refresh tickets incrementally (off for headless quota watchers).
    public init(
        api: any TenantAPI, clock: PSAClock, timeScale: Double = 1, budgetPercent: Double = 1, refresh: Bool = true,
        post: @escaping @Sendable (PollerEvent) -> Void
    ) {
        self.api = api
        self.clock = clock
        self.post = post
        self.timeScale = max(timeScale, 0.001)
        self.budgetPercent = budgetPercent
        self.refreshEnabled = refresh
        // Until the first reading tells the limit: the vendor's documented or usual one (Vendor.assumedLimitPerHour).
        let threshold = api.vendor.assumedLimitPerHour
        plan = PollPlan(budgetPerHour: PollPlan.defaultBudget(threshold: threshold, percent: budgetPercent))
        budget = BudgetLog(budget: plan.budgetPerHour, window: 3_600 / max(timeScale, 0.001))
    }

    /// Starts relaying the client's log, the quota schedule, the projection, and the first page.
    public func start(loadTickets: Bool = true) async {
        let events = await api.client.events()
        let post = self.post
        track { [weak self] in
            for await e in events {
                if case .record(let r) = e {
                    if r.background != nil { await self?.noteBackground() }
                    await self?.noteExchange(r)
                }
                post(.client(e))
            }
        }
        startLoops()
        if loadTickets { handle(.loadPage(nil)) }
        // Who "me" is, once (Autotask: one Resources/query by e-mail).
        let api = self.api
        track {
            do { if let me = try await api.whoAmI() { post(.me(me)) } } catch is CancellationError {} catch {
                post(.meFailed(String(describing: error)))
            }
            if let who = try? await api.actingAgent() { post(.actingAs(who)) }
        }
    }

    public func stop() {
        stopped = true
        pageTask?.cancel()
        tasks.values.forEach { $0.cancel() }
        loops.forEach { $0.cancel() }
        tasks = [:]
        loops = []
    }

    /// Runs work that `stop()` can cancel, and forgets it when it ends.
    func track(_ work: @escaping @Sendable () async -> Void) {
        let id = UUID()
        tasks[id] = Task {
            await work()
            self.finished(id)
        }
    }

    func finished(_ id: UUID) { tasks[id] = nil }

    /// Runs a write (a change, a note, an attachment) after every write asked for before it has
    /// ended: two edits reach the server in the order they were made, each read back before the
    /// next goes. `stop()` cancels the chain.
    func trackWrite(_ work: @escaping @Sendable () async -> Void) {
        let previous = lastWrite
        let id = UUID()
        let task = Task {
            await previous?.value
            if !Task.isCancelled { await work() }
            self.finished(id)
        }
        tasks[id] = task
        lastWrite = task
    }

    func noteBackground() { budget.note(at: clock.now().seconds) }

    enum Step: Int, Sendable { case quota, status, refresh, alerts }
    /// When each loop runs next (clock seconds), and how many steps are running: tests on a test
    /// clock wait until every loop that was due has run before moving time on.
    var wakes: [Step: Double] = [:]
    var activeSteps = 0

    func startLoops() {
        loops.forEach { $0.cancel() }
        wakes = [:]
        loops = [loop(.quota), loop(.status)]
        if refreshEnabled {
            loops.append(loop(.refresh))
            loops.append(loop(.alerts))
        }
    }

    /// Repeats a step until cancelled; each step returns the absolute clock time to run again.
    func loop(_ step: Step) -> Task<Void, Never> {
        wakes[step] = clock.now().seconds
        return Task { [weak self] in
            while !Task.isCancelled {
                guard let self, let next = await self.run(step) else { return }
                do { try await self.clock.sleep(until: next) } catch { return }
            }
        }
    }

    func run(_ step: Step) async -> Duration? {
        activeSteps += 1
        defer { activeSteps -= 1 }
        let next: Duration?
        switch step {
        case .quota: next = await quotaStep()
        case .status: next = await statusStep()
        case .refresh: next = await refreshStep()
        case .alerts: next = await alertsStep()
        }
        wakes[step] = next.map(\.seconds) ?? .infinity
        return next
    }

    /// True when no step is running and none is due at or before clock time `t`.
    @_spi(Testing) public func settled(at t: Double) -> Bool { activeSteps == 0 && wakes.values.allSatisfy { $0 > t } }

    /// The loops' state, for a test that finds the poller unsettled.
    @_spi(Testing) public func describeLoops() -> String {
        "active steps \(activeSteps); next runs "
            + wakes.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key): \($0.value)" }.joined(
                separator: ", ")
    }

    func scaled(_ tenantSeconds: Double) -> Double { tenantSeconds / timeScale }

    // MARK: Quota

    /// Reads the quota when the schedule and the budget allow; returns when to look again.
    func quotaStep() async -> Duration? {
        let now = clock.now().seconds
        guard api.vendor.quotaModel == .tenantThreshold else {
            // A per-key window's quota is our own count: reading it costs nothing. Whether the
            // tenant answers at all is asked by a probe when nothing else went out lately.
            await probeIfQuiet(at: now)
            if let failure = exchangeFailure {
                post(.quotaFailed(failure, at: clock.wall()))
                return .seconds(double: now + 1)
            }
            // (A count without a known limit says so: HaloPSA self-hosted, `UnknownLimit`.)
            do {
                let q = try await api.quota()
                lastQuota = q
                post(.quota(q, at: clock.wall()))
            } catch {
                post(.quotaFailed(String(describing: error), at: clock.wall()))
            }
            return .seconds(double: now + 1)
        }
        if let due = nextReadAt, due > now { return .seconds(double: due) }
        let allowed = budget.available(at: now)
        if allowed > now {
            why = "budget spent"
            nextReadAt = allowed
            return .seconds(double: allowed)
        }
        do {
            let q = try await RequestTag.$current.withValue(RequestTag("poll: \(why)")) { try await api.quota() }
            let at = clock.now().seconds
            let ours = await api.client.sentInLast(seconds: scaled(Double(q.windowSeconds)))
            projector.note(q, at: at, ours: ours)
            if lastQuota?.limit != q.limit { retarget(threshold: q.limit) }
            lastQuota = q
            post(.quota(q, at: clock.wall()))
        } catch is CancellationError {
            return nil
        } catch {
            post(
                .quotaFailed(
                    ErrorPlace.text(error, vendor: api.vendor, baseURL: await api.apiBaseURL()), at: clock.wall()))
        }
        let after = clock.now().seconds
        let (wait, reason) = await schedule(at: after)
        why = reason
        nextReadAt = after + scaled(wait)
        return .seconds(double: nextReadAt!)
    }

    /// The budget follows the tenant's threshold once it is known.
    func retarget(threshold: Int) {
        var p = PollPlan(budgetPerHour: PollPlan.defaultBudget(threshold: threshold, percent: budgetPercent))
        p.staleLimit = plan.staleLimit
        plan = p
        let old = budget
        budget = BudgetLog(budget: p.budgetPerHour, window: old.window)
        for t in old.times { budget.note(at: t) }
    }

    /// Next reading from the projected fraction and the projected rate (ours + others').
    func schedule(at t: Double) async -> (Double, String) {
        guard let q = await projectedQuota(at: t) else { return (plan.nearInterval, "no reading yet") }
        // A second reading soon measures how fast the others move the count.
        if projector.othersRate == nil { return (min(plan.farInterval, 2 * plan.nearInterval), "measuring the rate") }
        let oursPerTenantSecond = Double(await api.client.sentInLast(seconds: scaled(60))) / 60
        let othersPerTenantSecond = (projector.othersRate ?? 0) / timeScale
        let limit = Double(max(1, q.limit))
        let rate = (oursPerTenantSecond + othersPerTenantSecond) / limit
        let speed = (oursPerTenantSecond + projector.recentSpeed / timeScale) / limit
        return plan.nextRead(fraction: q.fraction, ratePerSecond: rate, speedBound: speed)
    }

    func projectedQuota(at t: Double) async -> Quota? {
        guard let last = projector.last else { return nil }
        let ours = await api.client.sentInLast(seconds: scaled(Double(last.quota.windowSeconds)))
        return projector.projected(at: t, ours: ours)
    }

    /// The projection and the poller's own cost, for the screen, once a second.
    func statusStep() async -> Duration? {
        let now = clock.now().seconds
        post(.poll(await status(at: now)))
        return .seconds(double: now + 1)
    }

    /// What the poller knows now (also for headless users: `status`, metrics).
    public func status(at now: Double? = nil) async -> PollStatus {
        let t = now ?? clock.now().seconds
        let window = scaled(Double(lastQuota?.windowSeconds ?? 3_600))
        let ours = await api.client.sentInLast(seconds: window)
        var s = PollStatus(budgetPerHour: plan.budgetPerHour, spentLastHour: budget.spent(at: t), ours: ours)
        s.why = why
        s.timeScale = timeScale
        s.oursPerMinute = await api.client.sentInLast(seconds: scaled(60))
        s.ownRate = await api.client.ownRate()
        if api.vendor.quotaModel == .tenantThreshold, let last = projector.last {
            s.projected = projector.projected(at: t, ours: ours)
            s.readAt = wall(last.at)
            s.others = s.projected.map { max(0, $0.used - ours) }
            s.othersPerHour = projector.othersRate.map { $0 / timeScale * 3_600 }
            let a = await api.client.attachmentUsage()
            if a.used > 0 || a.blockedUntil != nil { s.attachments = a }
        }
        await addHostOurs(&s, window: window)
        s.nextReadAt = nextReadAt.map(wall)
        return s
    }

    func wall(_ t: Double) -> Date { clock.epoch.addingTimeInterval(t) }

    // MARK: Tickets

    /// The tenant's open alerts (Atera), on the refresh's schedule and within the same budget; a
    /// vendor without alerts ends the loop at its first step.
    func alertsStep() async -> Duration? {
        guard let source = api as? any AlertsCapable else { return nil }
        let now = clock.now().seconds
        let interval = scaled(plan.refreshInterval)
        let reserve = max(1, plan.budgetPerHour / 10)
        if budget.spent(at: now) + reserve >= plan.budgetPerHour { return .seconds(double: now + interval) }
        do {
            let alerts = try await RequestTag.$current.withValue(RequestTag("refresh: open alerts")) {
                try await source.openAlerts()
            }
            post(.alerts(alerts, at: clock.wall()))
        } catch is CancellationError {
            return nil
        } catch {
            post(.alertsFailed(String(describing: error)))
        }
        return .seconds(double: clock.now().seconds + interval)
    }

    /// How far back a changes read looks past its own start: clocks that disagree a little, and
    /// changes made while the read ran (a ticket seen twice is only marked once).
    static let changesOverlap: TimeInterval = 60

    /// Past this long without a complete read of the changes (a laptop asleep, a network gone
    /// for hours), the list is reloaded in full instead: cheaper and surer than the backlog.
    var changesGapLimit: TimeInterval { 3_600 / timeScale }

    /// Asks for tickets changed since the last look, within the budget, read to the end.
    func refreshStep() async -> Duration? {
        let now = clock.now().seconds
        let interval = scaled(plan.refreshInterval)
        guard let since = changesSince else { return .seconds(double: now + interval) }
        // Leave the last tenth of the budget to quota readings.
        let reserve = max(1, plan.budgetPerHour / 10)
        if budget.spent(at: now) + reserve >= plan.budgetPerHour { return .seconds(double: now + interval) }
        let started = clock.wall()
        if let last = changesReadAt, started.timeIntervalSince(last) > changesGapLimit {
            reloadInFull(
                because:
                    "refresh: no complete read of the changes for \(Int(started.timeIntervalSince(last) / 60)) min — reloading the list"
            )
            return .seconds(double: clock.now().seconds + interval)
        }
        let stamp = VendorDate.format(since)
        do {
            let changes = try await RequestTag.$current.withValue(RequestTag("refresh: changes since \(stamp)")) {
                try await api.changes(since: since)
            }
            let newest = changes.tickets.compactMap(\.lastActivity).max()
            post(.changed(changes.tickets, at: clock.wall()))
            if changes.complete {
                moveChangesOn(from: since, started: started, newest: newest)
            } else {
                // More changed than a refresh reads: the list is loaded again instead.
                reloadInFull(
                    because: "refresh: more than \(changes.tickets.count) tickets changed — reloading the list")
            }
        } catch is CancellationError {
            return nil
        } catch {
            // The watermark stays: the next try asks for the same changes again.
            post(.pageFailed("refresh failed: \(error)"))
        }
        return .seconds(double: clock.now().seconds + interval)
    }

    /// After a complete read: never backwards, never past the read's own start (on our clock or,
    /// when the server's activity stamps are behind ours, on its), less the overlap.
    func moveChangesOn(from since: Date, started: Date, newest: Date?) {
        let took = clock.wall().timeIntervalSince(started)
        let edge = min(started, newest ?? started).addingTimeInterval(-(Self.changesOverlap + max(0, took)))
        changesSince = max(since, edge)
        changesReadAt = started
    }

    /// The list from its first page again; the refresh goes on from now.
    func reloadInFull(because why: String) {
        changesSince = nil
        changesReadAt = nil
        RequestTag.$current.withValue(RequestTag(why)) { handle(.loadPage(nil)) }
    }

    /// The first load of the list starts the incremental refresh (once; page loads after it never move it).
    func startChanges(at start: Date) {
        guard changesSince == nil else { return }
        changesSince = start.addingTimeInterval(-Self.changesOverlap)
        changesReadAt = start
    }
}
