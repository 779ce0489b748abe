import Foundation
import PSACore
import Synchronization

/// The one client per tenant. Every request goes through it, so pacing, retries, the thread
/// limit and the request log see everything. It never sends while the tenant is known to be
/// suspended, pauses the whole queue on a 429, and keeps at most N requests in flight per endpoint.
public actor RateAwareClient {
    public nonisolated let policy: ClientPolicy
    let transport: any HTTPTransport
    let clock: PSAClock
    var rng: SeededGenerator
    var budget: RetryBudget
    /// Values that must never appear in logs or errors, in every escaped form they may take there.
    let redactor: SecretRedactor

    // Whole-queue pause (429 / suspension).
    var pausedUntil: Duration? = nil
    var pauseReason: WaitReason = .retryAfter
    var suspended = false
    var probing = false
    var probeFailures = 0
    var probeWaiters: [(id: UUID, continuation: CheckedContinuation<Void, Never>)] = []
    /// Callers asleep in a gate or a backoff (for tests: a test clock moved before a caller has
    /// reached its gate lets the caller arrive late and go out unpaused).
    @_spi(Testing) public internal(set) var callersAsleep = 0

    // Thread slots. A waiter is resumed with true when handed a slot, false when cancelled.
    var inFlight: [String: Int] = [:]
    var slotWaiters: [String: [(id: UUID, continuation: CheckedContinuation<Bool, Never>)]] = [:]
    public internal(set) var maxInFlightSeen: [String: Int] = [:]

    // Quota ceiling (Autotask), measured latency tier, attachment budget.
    public internal(set) var governor: QuotaGovernor?
    var detector: LatencyTierDetector
    var attachments: AttachmentBudget
    var lastBulkAt: Double? = nil
    var ceilingWaiters = 0
    public internal(set) var ceilingStatus: CeilingStatus? = nil
    /// How bulk work refreshes a reading it needs: filled by the tenant's API when it is built.
    public nonisolated let quotaSource = QuotaSource()
    var quotaRead: Task<Void, any Error>? = nil
    var quotaReadFailedAt: Double? = nil

    // Per-key / per-instance windows (Atera, HaloPSA): see WindowGate.swift.
    var windowGate: WindowGate?

    // Request log and watchers.
    public internal(set) var log: [RequestRecord] = []
    var nextID = 1
    var sentTimes: [Double] = []
    var watchers: [UUID: AsyncStream<ClientEvent>.Continuation] = [:]
    // psatop's own rate for the gauge (see RateAwareClient+OwnRate.swift).
    var sending = 0
    var latencies: [Double] = []
    var throttleTimes: [Double] = []
    var last429: (at: Double, retryAfter: Double?, edge: Bool)? = nil
    public internal(set) var lastRateLimitHeaders: RateLimitHeaders? = nil
    /// When the answer with `lastRateLimitHeaders` came (wall time).
    public internal(set) var lastRateLimitAt: Date? = nil

    /// The server's last rate-limit headers, when they came, and whether that was less than `seconds` ago (the client's clock).
    public func lastRateLimit(freshWithin seconds: Double) -> (headers: RateLimitHeaders, at: Date, fresh: Bool)? {
        guard let h = lastRateLimitHeaders, let at = lastRateLimitAt else { return nil }
        return (h, at, clock.wall().timeIntervalSince(at) < seconds)
    }

    public struct Stats: Sendable, Equatable {
        public var sent = 0, retries = 0, status429 = 0, failures = 0
    }
    public internal(set) var stats = Stats()

    public init(
        transport: any HTTPTransport, policy: ClientPolicy = ClientPolicy(), clock: PSAClock = .continuous,
        seed: UInt64 = UInt64.random(in: 0...UInt64.max), secrets: [String] = []
    ) {
        self.transport = transport
        self.policy = policy
        self.clock = clock
        self.rng = SeededGenerator(seed: seed)
        self.budget = policy.retryBudget
        self.redactor = SecretRedactor(secrets)
        self.windowGate = WindowGate(policy)
        self.governor = policy.ceiling.map { QuotaGovernor(ceiling: $0, timeScale: policy.timeScale) }
        self.detector = LatencyTierDetector(timeScale: policy.timeScale)
        self.attachments = AttachmentBudget(
            fileLimit: policy.attachmentFileLimit, windowBytes: policy.attachmentWindowBytes,
            timeScale: policy.timeScale)
    }

    /// A stream of events from now on.
    public func events() -> AsyncStream<ClientEvent> {
        let (stream, cont) = AsyncStream<ClientEvent>.makeStream(bufferingPolicy: .bufferingNewest(2_000))
        let id = UUID()
        watchers[id] = cont
        cont.onTermination = { [weak self] _ in Task { await self?.removeWatcher(id) } }
        return stream
    }

    func removeWatcher(_ id: UUID) { watchers[id] = nil }

    /// Ends every event stream: a watcher gets what was already sent, then the end of its loop.
    /// (A test that checks for an event after the work is done ends the stream first, so an event
    /// that never came is a failed expectation instead of a loop waiting forever.)
    public func finishEvents() {
        let w = watchers
        watchers = [:]
        for c in w.values { c.finish() }
    }

    func emit(_ e: ClientEvent) { for w in watchers.values { w.yield(e) } }

    /// Requests sent in the last `seconds` (by this client).
    public func sentInLast(seconds: Double) -> Int {
        let cutoff = clock.now().seconds - seconds
        return sentTimes.reversed().prefix { $0 > cutoff }.count
    }

    public var isSuspended: Bool { suspended }

    /// The tenant is known to be suspended from a quota reading (count at or over the threshold):
    /// hold all traffic now and probe once later, as after a "threshold exceeded" answer.
    public func markSuspended(detail: String) {
        guard !suspended else { return }
        beginSuspension(detail: detail, isProbe: false)
    }

    // MARK: Quota

    /// A quota reading: the ceiling estimates from it, the latency detector calibrates with its tier.
    public func noteQuota(_ q: Quota) {
        governor?.note(q, at: clock.now().seconds)
        detector.knownTier = q.tier
    }

    /// The tenant's count now as the quota ceiling estimates it (the last reading plus our
    /// requests since) against its threshold; nil without a reading.
    public func estimatedUsage() -> (count: Int, threshold: Int)? {
        guard let g = governor, let r = g.reading, let c = g.estimate(oursSinceReading: oursSinceReading()) else {
            return nil
        }
        return (c, r.threshold)
    }

    /// The tier the response times show (nil when not measured).
    public var measuredTier: LatencyTier? { detectsLatency && detector.samples >= 3 ? detector.tier : nil }

    /// Latency is read only where the tiers stand out from noise: under a time scale that shrinks
    /// the +0.5 s tier below 20 ms, ordinary jitter would look like a tier, so it is not read.
    nonisolated var detectsLatency: Bool { policy.detectLatencyTiers && 0.45 / max(policy.timeScale, 0.001) >= 0.02 }

    /// Our requests since the governor's reading, from the exact log.
    func oursSinceReading() -> Int {
        guard let at = governor?.reading?.at else { return 0 }
        return sentTimes.reversed().prefix { $0 > at }.count
    }

    /// Attachment bytes in the current window, the limit, when the window is clear, and when
    /// attachments may go again if the server refused them.
    public func attachmentUsage() -> AttachmentUsage {
        let now = clock.now().seconds
        return AttachmentUsage(
            used: attachments.used(at: now), limit: attachments.windowBytes,
            clearsAt: attachments.clearsAt(now).map { wallTime(.seconds(double: $0)) },
            blockedUntil: attachments.blockedUntil.flatMap { $0 > now ? wallTime(.seconds(double: $0)) : nil })
    }

    /// Sends a request through the pause gate, the window limiter and a thread slot; retries what may be retried.
    public func send(_ request: ClientRequest) async throws -> HTTPResult {
        let priority = request.priority ?? RequestPriority.current
        var attachmentWait: Double = 0
        var attachmentToken: Int? = nil
        // However the upload ends, its bytes count from when it ended (see AttachmentBudget.settle).
        defer { if let t = attachmentToken { attachments.settle(t, at: clock.now().seconds) } }
        if let bytes = request.attachmentBytes, !request.exempt {
            (attachmentWait, attachmentToken) = try await passAttachmentBudget(bytes)
        }
        budget.recordAttempt()
        var attempt = 0
        var carriedWait = attachmentWait
        var carriedReason: WaitReason? = attachmentWait > 0 ? .attachmentBudget : nil
        while true {
            try Task.checkCancellation()
            let start = clock.now()
            var reason = carriedReason
            var isProbe = false
            var windowGrant: Int? = nil
            if !request.exempt {
                // The waits, then one last look at the pause without suspending in between: a 429
                // or a suspension that began while this request waited in the window limiter, the
                // ceiling or for a slot holds it too. "Never sends while suspended" holds for every request.
                do {
                    admission: while true {
                        if let r = try await waitWhilePaused() { reason = r }
                        if let g = try await passWindows(priority) {
                            windowGrant = g.id
                            if g.waited { reason = reason ?? .paced }
                        }
                        if priority == .bulk, try await passCeiling() { reason = reason ?? .ceiling }
                        if try await takeSlot(request.endpoint) { reason = reason ?? .threadSlot }
                        switch admit() {
                        case .go: break admission
                        case .probe:
                            isProbe = true
                            break admission
                        case .wait:
                            releaseSlot(request.endpoint)
                            if let g = windowGrant {
                                windowAbandon(g)
                                windowGrant = nil
                            }
                            reason = pauseReason
                        }
                    }
                } catch {
                    if let g = windowGrant { windowAbandon(g) }
                    throw error
                }
                if let g = windowGrant { windowSent(g) }
            }
            let waited = carriedWait + (clock.now() - start).seconds
            let sentAt = clock.now()
            sentTimes.append(sentAt.seconds)
            if sentTimes.count > 20_000 { sentTimes.removeFirst(10_000) }
            stats.sent += 1
            if attempt > 0 { stats.retries += 1 }
            let outcome: Result<HTTPResult, any Error>
            sending += 1
            do { outcome = .success(try await transport.send(request.spec, timeout: policy.timeout)) } catch {
                outcome = .failure(error)
            }
            sending -= 1
            let duration = (clock.now() - sentAt).seconds
            // A non-2xx answer, classified once, with secrets removed.
            var failure: APIError? = nil
            if case .success(let r) = outcome, !(200..<300).contains(r.status) {
                // Redacted before it is shortened: no part of a secret survives the cut.
                failure = APIError.classify(status: r.status, body: r.body, redact: redact)
            }
            // A rate-limit 429 that says nothing of the limit, on a windowed client: the window
            // limiter learns; one without even a Retry-After it answers itself, probing.
            var windowOwns429 = false
            if let g = windowGrant {
                let result = try? outcome.get()
                let learns = failure?.kind == .rateLimited && result.map(windowLearns) == true
                windowOwns429 = learns && result.map(windowHandles429) == true
                windowAnswered(g, result: result, learns: learns, random: Double.random(in: 0..<1, using: &rng))
            }
            // The probe is settled here, once: a 2xx ends the suspension, a suspension answer
            // extends it (below), a cancelled probe just lets the next one go, anything else
            // leaves it as it was.
            if isProbe, failure?.kind != .suspended {
                if case .failure(let error) = outcome, error is CancellationError || Task.isCancelled {
                    probing = false
                    wakeProbeWaiters()
                } else {
                    let succeeded = if case .success = outcome { failure == nil } else { false }
                    endProbe(stillSuspended: succeeded ? false : suspended)
                }
            }
            // What the answer means for the whole queue comes first; only then is the slot handed
            // on, so the next request already sees the pause or the suspension.
            if case .success(let result) = outcome {
                noteAnswer(result, duration: duration)
                noteRateLimitHeaders(result)
                if let safe = failure {
                    switch safe.kind {
                    case .attachmentLimit: attachments.refused(at: clock.now().seconds)
                    case .suspended: beginSuspension(detail: safe.detail, isProbe: isProbe)
                    case .rateLimited where windowOwns429:
                        break  // the window limiter learns from it and probes after a short jittered pause
                    case .rateLimited where result.status == 429, .serverError where result.status == 503:
                        // One reading of the clock for both: the pause counts from when it was computed.
                        let now = clock.now()
                        holdQueue(from: now, for: pauseFor(result, now: now), reason: .retryAfter, detail: safe.detail)
                    default: break
                    }
                }
            }
            if !request.exempt { releaseSlot(request.endpoint) }

            switch outcome {
            case .failure(let error as CancellationError):
                record(
                    request, status: nil, duration: duration, attempt: attempt, waited: waited, reason: reason,
                    error: "cancelled")
                throw error
            case .failure(let error as APIError):
                // Refused by the transport itself (a redirect to another origin): never retried.
                let safe = APIError(kind: error.kind, status: error.status, detail: redact(error.detail))
                stats.failures += 1
                record(
                    request, status: error.status, duration: duration, attempt: attempt, waited: waited, reason: reason,
                    error: safe.detail)
                throw safe
            case .failure(let error):
                stats.failures += 1
                let message = APIError.shorten(String(describing: error), redact: redact)
                record(
                    request, status: nil, duration: duration, attempt: attempt, waited: waited, reason: reason,
                    error: message)
                let plan = RetryRule.plan(
                    .noAnswer, idempotent: request.idempotent, attempt: attempt, maxRetries: policy.maxRetries)
                guard plan == .afterBackoff, budget.tryRetry() else {
                    throw APIError(kind: .transport, status: nil, detail: message)
                }
                let d = policy.backoff.delay(attempt: attempt, using: &rng)
                try await nap(d)
                carriedWait = d.seconds
                carriedReason = .backoff
            case .success(let result):
                if failure == nil, detectsLatency, !request.exempt,
                    let t = detector.observe(endpoint: request.endpoint + " " + request.purpose, duration: duration)
                {
                    governor?.measuredTier = t
                    emit(.measuredTier(t))
                }
                guard let safe = failure else {
                    record(
                        request, status: result.status, duration: duration, attempt: attempt, waited: waited,
                        reason: reason, error: nil, result: result)
                    return result
                }
                record(
                    request, status: result.status, duration: duration, attempt: attempt, waited: waited,
                    reason: reason, error: safe.detail,
                    result: result)
                stats.failures += 1
                if result.status == 429 { stats.status429 += 1 }
                let plan = RetryRule.plan(
                    .answered(safe.kind, status: result.status), idempotent: request.idempotent,
                    attempt: attempt, maxRetries: policy.maxRetries, windowOwns429: windowOwns429)
                switch plan {
                case .giveUp:
                    throw safe
                case .afterGate(let why, let spends):
                    if spends, !budget.tryRetry() { throw safe }
                    carriedWait = 0
                    carriedReason = why
                case .afterBackoff:
                    guard budget.tryRetry() else { throw safe }
                    let d = policy.backoff.delay(attempt: attempt, using: &rng)
                    try await nap(d)
                    carriedWait = d.seconds
                    carriedReason = .backoff
                }
            }
            attempt += 1
        }
    }
}

/// Where the client gets a fresh quota reading for the ceiling (Autotask: a ThresholdInformation
/// call that ends in `noteQuota`). The client owns it from construction; the tenant's API, built
/// on the client, connects its reader once in its own initializer, so no request path installs it.
public final class QuotaSource: Sendable {
    private let reader = Mutex<(@Sendable () async throws -> Void)?>(nil)

    public init() {}

    public func connect(_ read: @escaping @Sendable () async throws -> Void) {
        reader.withLock { $0 = read }
    }

    var read: (@Sendable () async throws -> Void)? { reader.withLock { $0 } }
}

extension RateAwareClient {
    /// Sleeps on the client's clock for `d`, counted in `callersAsleep`.
    func nap(_ d: Duration) async throws { try await nap(until: clock.now() + d) }

    /// Sleeps on the client's clock until `deadline`, counted in `callersAsleep`.
    func nap(until deadline: Duration) async throws {
        callersAsleep += 1
        defer { callersAsleep -= 1 }
        try await clock.sleep(until: deadline)
    }
}
