import Foundation
import PSACore

/// The client's side of the window limiter: its callers parked until `WindowLimiter` grants
/// them, and the one timer that looks again when a window frees.
struct WindowGate: Sendable {
    var limiter: WindowLimiter
    var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
    var timer: (at: Double, task: Task<Void, Never>)? = nil

    /// Nil when the policy has no window (Autotask: thread slots and the quota ceiling instead).
    init?(_ policy: ClientPolicy) {
        let windows = policy.windowLimits
        guard !windows.isEmpty else { return nil }
        var tuning = policy.windowTuning
        // Never more out than the thread slots allow: a granted request then never waits for a slot.
        tuning.maxInFlight = max(1, min(tuning.maxInFlight, policy.threadsPerEndpoint))
        limiter = WindowLimiter(windows, tuning: tuning)
    }
}

extension RateAwareClient {
    /// The limit learned from header-less 429s, in the vendor's seconds (nil: nothing learned).
    public func learnedLimit() -> LearnedLimit? {
        windowGate?.limiter.learned.map { LearnedLimit(limit: $0.limit, windowSeconds: $0.window * policy.timeScale) }
    }

    /// The windows the limiter keeps to now (configured, tightened by the server, learned).
    public func windowLimits() -> [WindowLimit] { windowGate?.limiter.windows ?? [] }

    /// Waits for the limiter's grant: people ahead of bulk. Nil when there is no window;
    /// otherwise the grant (to be marked sent, abandoned or answered) and whether it waited.
    func passWindows(_ priority: RequestPriority) async throws -> (id: Int, waited: Bool)? {
        guard windowGate != nil else { return nil }
        try Task.checkCancellation()
        let id = windowGate!.limiter.enqueue(person: priority != .bulk)
        var immediate = false
        let granted = await withTaskCancellationHandler {
            await withCheckedContinuation { c in
                windowGate!.waiters[id] = c
                windowDispatch()
                immediate = windowGate!.waiters[id] == nil
            }
        } onCancel: {
            Task { await self.cancelWindowWait(id) }
        }
        guard granted else { throw CancellationError() }
        return (id, !immediate)
    }

    /// The grant went out (called with no suspension between the last admission check and the send).
    func windowSent(_ id: Int) {
        windowGate?.limiter.sent(id)
        windowDispatch()
    }

    /// The grant was not used (the queue was held meanwhile, or the caller was cancelled).
    func windowAbandon(_ id: Int) {
        windowGate?.limiter.abandon(id)
        windowDispatch()
    }

    /// The answer to a grant: what the server said; `learns`: a rate-limit 429 that said nothing.
    func windowAnswered(_ id: Int, result: HTTPResult?, learns: Bool, random: Double) {
        guard windowGate != nil else { return }
        let now = clock.now().seconds
        let headers = result.flatMap { RateLimitHeaders($0, now: clock.wall()) }
        if let h = headers {
            windowGate!.limiter.serverSaid(
                limit: h.limit, window: h.windowSeconds, remaining: h.remaining, reset: h.resetSeconds, answering: id,
                at: now)
        }
        windowGate!.limiter.answered(id, at: now, status: result?.status, stated: !learns, random: random)
        windowDispatch()
    }

    /// A 429 the window limiter answers itself (it said nothing about its limit: the limiter
    /// learns and probes after a short jittered pause), instead of holding the whole queue.
    func windowHandles429(_ result: HTTPResult) -> Bool {
        windowGate.map { $0.limiter.tuning.learns } == true && result.status == 429
            && !Self.statesLimit(result, RateLimitHeaders(result, now: clock.wall()))
    }

    /// A 429 the window limiter learns from: no rate-limit header, and no `Retry-After` unless
    /// the vendor's `Retry-After` says nothing of the limit (`retryAfterTeaches`).
    func windowLearns(from result: HTTPResult) -> Bool {
        guard let tuning = windowGate?.limiter.tuning, tuning.learns, result.status == 429,
            RateLimitHeaders(result, now: clock.wall()) == nil
        else { return false }
        return tuning.retryAfterTeaches || result.header("Retry-After") == nil
    }

    private static func statesLimit(_ result: HTTPResult?, _ headers: RateLimitHeaders?) -> Bool {
        headers != nil || result?.header("Retry-After") != nil
    }

    private func cancelWindowWait(_ id: Int) {
        guard windowGate?.limiter.cancelWaiter(id) == true else { return }  // already granted
        windowGate?.waiters.removeValue(forKey: id)?.resume(returning: false)
    }

    /// Resumes every caller the limiter grants now; sets the timer for the next opening.
    func windowDispatch() {
        guard var gate = windowGate else { return }
        let d = gate.limiter.dispatch(now: clock.now().seconds)
        for id in d.granted { gate.waiters.removeValue(forKey: id)?.resume(returning: true) }
        if let at = d.wakeAt, gate.timer.map({ at < $0.at }) ?? true {
            gate.timer?.task.cancel()
            let clock = self.clock
            gate.timer = (
                at,
                Task { [weak self] in
                    // Just past the opening (never a rounding short of it, which would look again too early).
                    try? await clock.sleep(until: .nanoseconds(Int64((at * 1e9).rounded(.up)) + 1_000))
                    guard !Task.isCancelled else { return }
                    await self?.windowTimerFired(at)
                }
            )
        }
        windowGate = gate
    }

    private func windowTimerFired(_ at: Double) {
        if windowGate?.timer?.at == at { windowGate?.timer = nil }
        windowDispatch()
    }
}
