import Foundation
import PSACore

/// The one client per tenant. Every request goes through it, so pacing, retries, the thread
/// limit and the request log see everything. It never sends while the tenant is known to be
/// suspended, pauses the whole queue on a 429, and keeps at most N requests in flight per endpoint.
public actor RateAwareClient {
    public nonisolated let policy: ClientPolicy
    private let transport: any HTTPTransport
    let clock: PSAClock
    private var rng: SeededGenerator
    private var budget: RetryBudget
    /// Values that must never appear in logs or errors.
    private let secrets: [String]

    // Whole-queue pause (429 / suspension).
    private var pausedUntil: Duration? = nil
    private var pauseReason: WaitReason = .retryAfter
    private var suspended = false
    private var probing = false
    private var probeFailures = 0
    private var probeWaiters: [(id: UUID, continuation: CheckedContinuation<Void, Never>)] = []

    // Thread slots. A waiter is resumed with true when handed a slot, false when cancelled.
    private var inFlight: [String: Int] = [:]
    private var slotWaiters: [String: [(id: UUID, continuation: CheckedContinuation<Bool, Never>)]] = [:]
    public private(set) var maxInFlightSeen: [String: Int] = [:]

    // Quota ceiling (Autotask), measured latency tier, attachment budget.
    public private(set) var governor: QuotaGovernor?
    private var detector: LatencyTierDetector
    private var attachments: AttachmentBudget
    private var lastBulkAt: Double? = nil
    private var ceilingWaiters = 0
    public private(set) var ceilingStatus: CeilingStatus? = nil
    private var quotaSource: (@Sendable () async throws -> Void)? = nil
    private var quotaRead: Task<Void, any Error>? = nil
    private var quotaReadFailedAt: Double? = nil

    // Per-key / per-instance windows (Atera, HaloPSA): see WindowGate.swift.
    var windowGate: WindowGate?

    // Request log and watchers.
    public private(set) var log: [RequestRecord] = []
    private var nextID = 1
    private var sentTimes: [Double] = []
    private var watchers: [UUID: AsyncStream<ClientEvent>.Continuation] = [:]
    public private(set) var lastRateLimitHeaders: RateLimitHeaders? = nil
    /// When the answer with `lastRateLimitHeaders` came (wall time).
    public private(set) var lastRateLimitAt: Date? = nil

    /// The server's last rate-limit headers, when they came, and whether that was less than `seconds` ago (the client's clock).
    public func lastRateLimit(freshWithin seconds: Double) -> (headers: RateLimitHeaders, at: Date, fresh: Bool)? {
        guard let h = lastRateLimitHeaders, let at = lastRateLimitAt else { return nil }
        return (h, at, clock.wall().timeIntervalSince(at) < seconds)
    }

    public struct Stats: Sendable, Equatable {
        public var sent = 0, retries = 0, status429 = 0, failures = 0
    }
    public private(set) var stats = Stats()

    public init(transport: any HTTPTransport, policy: ClientPolicy = ClientPolicy(), clock: PSAClock = .continuous,
                seed: UInt64 = UInt64.random(in: 0...UInt64.max), secrets: [String] = []) {
        self.transport = transport
        self.policy = policy
        self.clock = clock
        self.rng = SeededGenerator(seed: seed)
        self.budget = policy.retryBudget
        self.secrets = secrets.filter { $0.count >= 4 }
        self.windowGate = WindowGate(policy)
        self.governor = policy.ceiling.map { QuotaGovernor(ceiling: $0, timeScale: policy.timeScale) }
        self.detector = LatencyTierDetector(timeScale: policy.timeScale)
        self.attachments = AttachmentBudget(fileLimit: policy.attachmentFileLimit, windowBytes: policy.attachmentWindowBytes,
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

    private func removeWatcher(_ id: UUID) { watchers[id] = nil }

    /// Ends every event stream: a watcher gets what was already sent, then the end of its loop.
    /// (A test that checks for an event after the work is done ends the stream first, so an event
    /// that never came is a failed expectation instead of a loop waiting forever.)
    public func finishEvents() {
        let w = watchers
        watchers = [:]
        for c in w.values { c.finish() }
    }

    private func emit(_ e: ClientEvent) { for w in watchers.values { w.yield(e) } }

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

    /// How bulk work refreshes a reading it needs (Autotask: a ThresholdInformation call that ends in `noteQuota`).
    public func setQuotaSource(_ source: @escaping @Sendable () async throws -> Void) { quotaSource = source }

    /// A quota reading: the ceiling estimates from it, the latency detector calibrates with its tier.
    public func noteQuota(_ q: Quota) {
        governor?.note(q, at: clock.now().seconds)
        detector.knownTier = q.tier
    }

    /// The tenant's count now as the quota ceiling estimates it (the last reading plus our
    /// requests since) against its threshold; nil without a reading.
    public func estimatedUsage() -> (count: Int, threshold: Int)? {
        guard let g = governor, let r = g.reading, let c = g.estimate(oursSinceReading: oursSinceReading()) else { return nil }
        return (c, r.threshold)
    }

    /// The tier the response times show (nil when not measured).
    public var measuredTier: LatencyTier? { detectsLatency && detector.samples >= 3 ? detector.tier : nil }

    /// Latency is read only where the tiers stand out from noise: under a time scale that shrinks
    /// the +0.5 s tier below 20 ms, ordinary jitter would look like a tier, so it is not read.
    private nonisolated var detectsLatency: Bool { policy.detectLatencyTiers && 0.45 / max(policy.timeScale, 0.001) >= 0.02 }

    /// Our requests since the governor's reading, from the exact log.
    private func oursSinceReading() -> Int {
        guard let at = governor?.reading?.at else { return 0 }
        return sentTimes.reversed().prefix { $0 > at }.count
    }

    /// Attachment bytes in the current window, the limit, when the window is clear, and when
    /// attachments may go again if the server refused them.
    public func attachmentUsage() -> AttachmentUsage {
        let now = clock.now().seconds
        return AttachmentUsage(used: attachments.used(at: now), limit: attachments.windowBytes,
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
                        if let g = try await passWindows(priority) { windowGrant = g.id; if g.waited { reason = reason ?? .paced } }
                        if priority == .bulk, try await passCeiling() { reason = reason ?? .ceiling }
                        if try await takeSlot(request.endpoint) { reason = reason ?? .threadSlot }
                        switch admit() {
                        case .go: break admission
                        case .probe: isProbe = true; break admission
                        case .wait:
                            releaseSlot(request.endpoint)
                            if let g = windowGrant { windowAbandon(g); windowGrant = nil }
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
            do { outcome = .success(try await transport.send(request.spec, timeout: policy.timeout)) }
            catch { outcome = .failure(error) }
            let duration = (clock.now() - sentAt).seconds
            // A non-2xx answer, classified once, with secrets removed.
            var failure: APIError? = nil
            if case .success(let r) = outcome, !(200..<300).contains(r.status) {
                // Redacted before it is shortened: no part of a secret survives the cut.
                failure = APIError.classify(status: r.status, body: r.body, redact: redact)
            }
            // A rate-limit 429 that says nothing, on a windowed client: the window limiter learns and probes.
            var windowOwns429 = false
            if let g = windowGrant {
                let result = try? outcome.get()
                windowOwns429 = failure?.kind == .rateLimited && result.map(windowHandles429) == true
                windowAnswered(g, result: result, learns: windowOwns429, random: Double.random(in: 0..<1, using: &rng))
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
                noteRateLimitHeaders(result)
                if let safe = failure {
                    switch safe.kind {
                    case .attachmentLimit: attachments.refused(at: clock.now().seconds)
                    case .suspended: beginSuspension(detail: safe.detail, isProbe: isProbe)
                    case .rateLimited where windowOwns429:
                        break // the window limiter learns from it and probes after a short jittered pause
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
                record(request, status: nil, duration: duration, attempt: attempt, waited: waited, reason: reason, error: "cancelled")
                throw error
            case .failure(let error as APIError):
                // Refused by the transport itself (a redirect to another origin): never retried.
                let safe = APIError(kind: error.kind, status: error.status, detail: redact(error.detail))
                stats.failures += 1
                record(request, status: error.status, duration: duration, attempt: attempt, waited: waited, reason: reason, error: safe.detail)
                throw safe
            case .failure(let error):
                stats.failures += 1
                let message = APIError.shorten(String(describing: error), redact: redact)
                record(request, status: nil, duration: duration, attempt: attempt, waited: waited, reason: reason, error: message)
                guard request.idempotent, attempt < policy.maxRetries, budget.tryRetry() else {
                    throw APIError(kind: .transport, status: nil, detail: message)
                }
                let d = policy.backoff.delay(attempt: attempt, using: &rng)
                try await clock.sleep(d)
                carriedWait = d.seconds; carriedReason = .backoff
            case .success(let result):
                if failure == nil, detectsLatency, !request.exempt,
                   let t = detector.observe(endpoint: request.endpoint + " " + request.purpose, duration: duration) {
                    governor?.measuredTier = t
                    emit(.measuredTier(t))
                }
                guard let safe = failure else {
                    record(request, status: result.status, duration: duration, attempt: attempt, waited: waited, reason: reason, error: nil, result: result)
                    return result
                }
                record(request, status: result.status, duration: duration, attempt: attempt, waited: waited, reason: reason, error: safe.detail,
                       result: result)
                if result.status == 429 { stats.status429 += 1 }
                switch safe.kind {
                case .attachmentLimit:
                    throw safe
                case .suspended:
                    // A read waits for the probe; it is not re-sent in a storm.
                    guard request.idempotent, attempt < policy.maxRetries else { throw safe }
                    carriedWait = 0; carriedReason = .suspended
                case .rateLimited where result.status == 429, .serverError where result.status == 503:
                    // 429: the server did not act on it, so any request may go again; 503 only if idempotent.
                    // One the window limiter owns waits for its probe, which may take a few more
                    // refusals while the window is unknown: still bounded by the retry budget.
                    let most = windowOwns429 ? policy.maxRetries + 8 : policy.maxRetries
                    guard (result.status == 429 || request.idempotent), attempt < most, budget.tryRetry() else { throw safe }
                    carriedWait = 0; carriedReason = .retryAfter
                case .threadLimit, .serverError:
                    let retryable = safe.kind == .threadLimit || request.idempotent
                    guard retryable, attempt < policy.maxRetries, budget.tryRetry() else { throw safe }
                    let d = policy.backoff.delay(attempt: attempt, using: &rng)
                    try await clock.sleep(d)
                    carriedWait = d.seconds; carriedReason = .backoff
                default:
                    throw safe
                }
            }
            attempt += 1
        }
    }

    // MARK: Pause gate

    /// Waits while the queue is held, and while a suspension's probe is out. Returns when the
    /// queue is open or a probe is due (`admit` decides which request is the probe).
    private func waitWhilePaused() async throws -> WaitReason? {
        var waitedFor: WaitReason? = nil
        while true {
            try Task.checkCancellation()
            if let until = pausedUntil {
                let now = clock.now()
                if now < until {
                    waitedFor = pauseReason
                    try await clock.sleep(until: until)
                    continue
                }
                if !suspended { pausedUntil = nil; emit(.resumed) }
            }
            guard suspended, probing else { return waitedFor }
            waitedFor = .suspended
            let id = UUID()
            await withTaskCancellationHandler {
                await withCheckedContinuation { probeWaiters.append((id, $0)) }
            } onCancel: {
                Task { await self.cancelProbeWait(id) }
            }
        }
    }

    private enum Admission { case go, probe, wait }

    /// The last look before a request goes out, with no suspension point between it and the
    /// send: the queue open → go; suspended with no probe out → this request is the probe (the
    /// one request that may go); held or a probe out → wait again. Only this sets `probing`, and
    /// the send that follows always settles it.
    private func admit() -> Admission {
        if let until = pausedUntil {
            if clock.now() < until { return .wait }
            if !suspended { pausedUntil = nil; emit(.resumed) }
        }
        guard suspended else { return .go }
        if probing { return .wait }
        probing = true
        return .probe
    }

    /// A cancelled caller leaves the probe queue at once instead of waking later and sending.
    private func cancelProbeWait(_ id: UUID) {
        guard let i = probeWaiters.firstIndex(where: { $0.id == id }) else { return }
        probeWaiters.remove(at: i).continuation.resume()
    }

    private func beginSuspension(detail: String, isProbe: Bool) {
        let wasSuspended = suspended
        suspended = true
        if isProbe { probing = false }
        probeFailures = 0
        pausedUntil = clock.now() + policy.suspensionProbe + jitter(upTo: policy.pauseJitterMax)
        pauseReason = .suspended
        if !wasSuspended || isProbe { emit(.paused(until: wallTime(pausedUntil!), reason: .suspended, detail: detail)) }
        wakeProbeWaiters()
    }

    /// Settles a probe. A success ends the suspension. A failure that is not a suspension answer
    /// (a 500, a timeout) leaves the tenant suspended and puts the next probe out by a growing
    /// backoff, so a failing server does not see a quick series of probes.
    private func endProbe(stillSuspended: Bool) {
        probing = false
        if !stillSuspended {
            suspended = false
            probeFailures = 0
            pausedUntil = nil
            emit(.resumed)
        } else if suspended {
            probeFailures += 1
            let ceiling = min(policy.backoff.ceiling(attempt: probeFailures), policy.suspensionProbe)
            let wait = ceiling / 2 + jitter(upTo: ceiling / 2)
            pausedUntil = clock.now() + wait
            pauseReason = .suspended
            emit(.paused(until: wallTime(pausedUntil!), reason: .suspended, detail: "the probe failed; probing again after a backoff"))
        }
        wakeProbeWaiters()
    }

    private func wakeProbeWaiters() {
        let w = probeWaiters
        probeWaiters = []
        for c in w { c.continuation.resume() }
    }

    private func holdQueue(from now: Duration, for pause: Duration, reason: WaitReason, detail: String) {
        let until = now + pause
        if pausedUntil.map({ until > $0 }) ?? true {
            pausedUntil = until
            pauseReason = reason
            emit(.paused(until: wallTime(until), reason: reason, detail: detail))
        }
    }

    /// Retry-After (seconds or HTTP-date) or a backoff, with full jitter added on top — never subtracted.
    private func pauseFor(_ result: HTTPResult, now: Duration) -> Duration {
        let base = result.header("Retry-After").flatMap { RetryAfter.parse($0, now: wallTime(now)) } ?? policy.defaultPause
        return base + jitter(upTo: min(policy.pauseJitterMax, max(.milliseconds(100), base / 4)))
    }

    private func jitter(upTo max: Duration) -> Duration {
        .seconds(double: Double.random(in: 0...max.seconds, using: &rng))
    }

    private func wallTime(_ d: Duration) -> Date { clock.epoch.addingTimeInterval(d.seconds) }

    // MARK: Thread slots

    /// Takes a slot of the endpoint, waiting in FIFO order if all are busy. True if it waited.
    /// A caller cancelled while waiting leaves the queue and never sends.
    private func takeSlot(_ endpoint: String) async throws -> Bool {
        if inFlight[endpoint, default: 0] < policy.threadsPerEndpoint {
            inFlight[endpoint, default: 0] += 1
            maxInFlightSeen[endpoint] = max(maxInFlightSeen[endpoint, default: 0], inFlight[endpoint]!)
            return false
        }
        let id = UUID()
        let handed = await withTaskCancellationHandler {
            await withCheckedContinuation { slotWaiters[endpoint, default: []].append((id, $0)) }
        } onCancel: {
            Task { await self.cancelSlotWait(endpoint, id) }
        }
        guard handed else { throw CancellationError() }
        // The releaser handed its slot over: inFlight already counts us.
        maxInFlightSeen[endpoint] = max(maxInFlightSeen[endpoint, default: 0], inFlight[endpoint]!)
        return true
    }

    /// Callers waiting for a slot of the endpoint.
    public func queuedForSlot(_ endpoint: String) -> Int { slotWaiters[endpoint]?.count ?? 0 }

    private func cancelSlotWait(_ endpoint: String, _ id: UUID) {
        guard let i = slotWaiters[endpoint]?.firstIndex(where: { $0.id == id }) else { return } // already handed a slot
        slotWaiters[endpoint]!.remove(at: i).continuation.resume(returning: false)
    }

    private func releaseSlot(_ endpoint: String) {
        if var q = slotWaiters[endpoint], !q.isEmpty {
            let next = q.removeFirst()
            slotWaiters[endpoint] = q
            next.continuation.resume(returning: true) // hand the slot over; inFlight unchanged
        } else {
            inFlight[endpoint, default: 1] -= 1
        }
    }

    // MARK: Quota ceiling

    /// Holds a bulk request while the tenant is at our ceiling, spreads it near the ceiling, and
    /// refreshes the reading when it is too old to decide on. True if it waited.
    private func passCeiling() async throws -> Bool {
        guard governor != nil else { return false }
        ceilingWaiters += 1
        defer {
            ceilingWaiters -= 1
            if ceilingWaiters == 0, ceilingStatus?.state == .holding || Task.isCancelled { setCeiling(nil) }
        }
        var waited = false
        var readJustNow = false
        while true {
            try Task.checkCancellation()
            guard let g = governor else { return waited }
            let now = clock.now().seconds
            let ours = oursSinceReading()
            var decision = g.decide(now: now, oursSinceReading: ours, lastBulkAt: lastBulkAt)
            if decision == .read {
                // Without a way to read (or right after a failed read) decide on what we have.
                let recentlyFailed = quotaReadFailedAt.map { now - $0 < g.recheck } ?? false
                if quotaSource != nil, !recentlyFailed, !readJustNow {
                    await refreshQuota()
                    readJustNow = true
                    continue
                }
                // A read that left no usable reading (numbers refused, or still stale at once)
                // counts as a failed one: no one reads again before `recheck`. No endless re-read.
                if readJustNow, quotaReadFailedAt == nil { quotaReadFailedAt = now }
                decision = g.decide(now: now, oursSinceReading: ours, lastBulkAt: lastBulkAt, acceptOld: true)
            }
            let status = { (state: CeilingStatus.State) in
                CeilingStatus(state: state, estimate: g.estimate(oursSinceReading: ours) ?? 0, ceiling: g.ceilingCount ?? 0,
                              threshold: g.reading?.threshold ?? 0)
            }
            switch decision {
            case .go, .read:
                lastBulkAt = now
                if ceilingStatus != nil { setCeiling(nil) }
                return waited
            case .spread(let seconds):
                readJustNow = false
                if ceilingStatus?.state != .holding { setCeiling(status(.spreading)) }
                waited = true
                try await clock.sleep(until: .seconds(double: now + seconds))
            case .hold(let seconds):
                readJustNow = false
                setCeiling(status(.holding))
                waited = true
                try await clock.sleep(until: .seconds(double: now + seconds))
            }
        }
    }

    private func setCeiling(_ s: CeilingStatus?) {
        guard s != ceilingStatus else { return }
        ceilingStatus = s
        emit(.ceiling(s))
    }

    /// One reading at a time, however many bulk callers need it.
    private func refreshQuota() async {
        guard let source = quotaSource else { return }
        if quotaRead == nil {
            quotaRead = Task { try await RequestPriority.$current.withValue(.reading) { try await source() } }
        }
        let task = quotaRead!
        do { try await task.value; quotaReadFailedAt = nil } catch { quotaReadFailedAt = clock.now().seconds }
        if quotaRead == task { quotaRead = nil }
    }

    // MARK: Attachments

    /// Refuses a file over the per-file limit before sending; waits while the tenant's attachment
    /// bytes in the window would pass the limit. Returns the seconds waited and the budget's token.
    private func passAttachmentBudget(_ bytes: Int) async throws -> (Double, Int) {
        guard bytes <= attachments.fileLimit else {
            throw APIError(kind: .refused, status: nil,
                           detail: "the file is \(ByteSize.text(bytes)); Autotask takes at most \(ByteSize.text(attachments.fileLimit)) per attachment")
        }
        let start = clock.now().seconds
        while true {
            try Task.checkCancellation()
            let now = clock.now().seconds
            let wait = attachments.wait(for: bytes, at: now)
            if wait <= 0 {
                return (now - start, attachments.record(bytes, at: now))
            }
            emit(.attachmentWait(used: attachments.used(at: now), limit: attachments.windowBytes, until: wallTime(.seconds(double: now + wait))))
            try await clock.sleep(until: .seconds(double: now + wait))
        }
    }

    // MARK: Log

    private func record(_ r: ClientRequest, status: Int?, duration: Double, attempt: Int, waited: Double, reason: WaitReason?, error: String?,
                        result: HTTPResult? = nil) {
        var rec = RequestRecord(id: nextID, time: clock.wall(), method: r.spec.method, path: redact(r.logPath), status: status,
                                duration: duration, attempt: attempt, waited: waited, waitReason: waited > 0.0005 ? reason : nil,
                                error: error, purpose: r.purpose, background: RequestTag.current?.reason)
        nextID += 1
        // The client's own log keeps the summary; its watchers (the request view) get the exchange too.
        log.append(rec)
        if log.count > policy.logCapacity { log.removeFirst(log.count - policy.logCapacity) }
        // (Built only for a watcher: a headless walk with none does not copy and redact bodies for nothing.)
        guard !watchers.isEmpty else { return }
        rec.exchange = exchange(r, result)
        emit(.record(rec))
    }

    /// The request and its answer made safe to show (see `RequestExchange`).
    nonisolated func exchange(_ r: ClientRequest, _ result: HTTPResult?) -> RequestExchange {
        func fields(_ h: [(String, String)]) -> [HeaderField] {
            h.prefix(64).map { name, value in
                HeaderField(String(redact(name).prefix(128)),
                            RequestExchange.isCredentialHeader(name) ? RequestExchange.redacted : String(redact(value).prefix(512)))
            }
        }
        return RequestExchange(
            url: redact(r.spec.url),
            requestHeaders: fields(r.spec.headers),
            // An attachment's file data (base64 of up to 7 MB) is not kept.
            requestBody: r.attachmentBytes == nil ? r.spec.body.flatMap(bodyText) : nil,
            requestBodyBytes: r.spec.body?.count ?? 0,
            responseHeaders: fields(result?.headers ?? []),
            responseBody: result.flatMap { bodyText($0.body) },
            responseBodyBytes: result?.body.count ?? 0)
    }

    /// The start of a body as text with secrets removed. The cut comes after redacting, so a
    /// secret that straddles the limit is removed whole rather than shown in part.
    nonisolated func bodyText(_ data: Data) -> String? {
        guard !data.isEmpty else { return nil }
        let limit = RequestExchange.bodyLimit
        let longest = secrets.map(\.utf8.count).max() ?? 0
        let safe = redact(String(decoding: data.prefix(limit + longest), as: UTF8.self))
        guard safe.utf8.count > limit else { return safe }
        return String(decoding: Array(safe.utf8.prefix(limit)), as: UTF8.self)
    }

    /// Removes any secret from text bound for the log or an error.
    public nonisolated func redact(_ text: String) -> String {
        var t = text
        for s in secrets where t.contains(s) { t = t.replacingOccurrences(of: s, with: "[redacted]") }
        return t
    }

    /// Tightens to what the server says: its limit for the pacer, and when nothing remains,
    /// holds the queue until its reset instead of drawing a 429.
    private func noteRateLimitHeaders(_ r: HTTPResult) {
        let now = clock.now()
        guard let h = RateLimitHeaders(r, now: wallTime(now)) else { return }
        lastRateLimitHeaders = h
        lastRateLimitAt = wallTime(now)
        if let remaining = h.remaining, remaining <= 0, let reset = h.resetSeconds, reset > 0, r.status != 429 {
            holdQueue(from: now, for: .seconds(double: min(reset, 3_600)) + jitter(upTo: .milliseconds(250)), reason: .paced,
                      detail: "the server says no requests remain until its window resets")
        }
    }
}
