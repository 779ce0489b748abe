import Dashboard
import Foundation
import PSAClient
import PSACore

/// Decides when to ask: reads the quota on a schedule, loads ticket pages on demand, relays the
/// client's request log. Emits dashboard events; never draws.
public actor Poller {
    public let api: any TenantAPI
    private let clock: PSAClock
    private let post: @Sendable (DashboardEvent) -> Void
    /// Quota reading interval far from a tier boundary, and near one (within 5 points).
    public let farInterval: Duration
    public let nearInterval: Duration
    /// Work in flight (page and detail loads, the log relay), removed as each finishes.
    private var tasks: [UUID: Task<Void, Never>] = [:]
    private var quotaTask: Task<Void, Never>?
    private var lastQuota: Quota?

    /// - Parameter timeScale: divides every interval (the demo's simulator runs its hour in minutes).
    public init(api: any TenantAPI, clock: PSAClock, timeScale: Double = 1, post: @escaping @Sendable (DashboardEvent) -> Void) {
        self.api = api
        self.clock = clock
        self.post = post
        // Autotask: the reading itself counts against the threshold; stay near 1% of 10,000/hour.
        // Atera's quota is our own count and costs nothing to read.
        let far: Double = api.vendor == .autotask ? 60 : 1
        let near: Double = api.vendor == .autotask ? 30 : 1
        farInterval = .seconds(double: far / max(timeScale, 0.001))
        nearInterval = .seconds(double: near / max(timeScale, 0.001))
    }

    /// Starts relaying the client's log, the quota schedule, and the first page.
    public func start() async {
        let events = await api.client.events()
        let post = self.post
        track {
            for await e in events { post(.client(e)) }
        }
        startQuotaLoop()
        handle(.loadPage(nil))
    }

    public func stop() {
        tasks.values.forEach { $0.cancel() }
        quotaTask?.cancel()
        tasks = [:]
    }

    /// Runs work that `stop()` can cancel, and forgets it when it ends.
    private func track(_ work: @escaping @Sendable () async -> Void) {
        let id = UUID()
        tasks[id] = Task {
            await work()
            self.finished(id)
        }
    }

    private func finished(_ id: UUID) { tasks[id] = nil }

    private func startQuotaLoop() {
        quotaTask?.cancel()
        quotaTask = Task { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                let wait = await self.readQuota()
                do { try await self.clock.sleep(wait) } catch { return }
            }
        }
    }

    /// Reads the quota once; returns how long to wait before the next reading.
    private func readQuota() async -> Duration {
        do {
            let q = try await api.quota()
            lastQuota = q
            post(.quota(q, at: clock.wall()))
        } catch is CancellationError {
            return farInterval
        } catch {
            post(.quotaFailed(String(describing: error), at: clock.wall()))
        }
        return nextInterval(after: lastQuota)
    }

    /// Nearer a tier boundary, read more often.
    public nonisolated func nextInterval(after q: Quota?) -> Duration {
        guard let q else { return nearInterval }
        let f = q.fraction
        let nearBoundary = [0.5, 0.75, 1.0].contains { abs(f - $0) < 0.05 }
        return nearBoundary ? nearInterval : farInterval
    }

    /// Carries out what the dashboard asked for.
    public func handle(_ command: Command) {
        let api = self.api, post = self.post, clock = self.clock
        switch command {
        case .loadPage(let cursor):
            track {
                do { post(.page(try await api.page(after: cursor), reset: cursor == nil, at: clock.wall())) }
                catch is CancellationError {}
                catch { post(.pageFailed(String(describing: error))) }
            }
        case .refresh:
            startQuotaLoop()
            handle(.loadPage(nil))
        case .loadDetail(let id):
            track {
                do { post(.detail(try await api.ticket(id: id))) }
                catch is CancellationError {}
                catch { post(.detailFailed(id: id, String(describing: error))) }
            }
        case .quit:
            stop()
        }
    }
}
