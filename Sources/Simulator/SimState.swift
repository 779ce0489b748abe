import Foundation
import PSACore

/// The simulator's mutable world: data, the rolling windows, in-flight requests and counters.
actor SimState {
    let config: SimulatorConfig
    let clock: PSAClock
    var data: SimData
    let startWall: Date

    // Autotask rolling window: one bucket per simulated second.
    private var ring: [Int]
    private var ringTotal = 0
    private var lastSecond = 0
    private var backgroundCarry = 0.0
    private var inFlight: [String: Int] = [:]
    var pagingTokens: [String: (entity: String, query: Data, afterID: Int64, method: String)] = [:]
    private var nextToken = 1

    // Atera per-key sliding minute, in simulated seconds.
    private var ateraWindow = RollingWindow()

    /// The tenant's zone: 1 is served at `/ATServicesRest/`, k > 1 at `/zone{k}/ATServicesRest/`.
    private(set) var zone = 1
    func moveZone() { zone += 1 }

    private var faultRNG: SeededGenerator
    private var zoneMovesDone = 0

    /// The fault, if any, for the next API answer.
    func drawFault() -> FaultPlan.Kind? {
        let t = clock.now().seconds
        // Scheduled zone moves happen on the first request after their moment.
        while zoneMovesDone < config.faults.zoneMoves.count, config.faults.zoneMoves.sorted()[zoneMovesDone] <= t {
            zoneMovesDone += 1
            moveZone()
            stats.faultsInjected["zonemove", default: 0] += 1
        }
        guard let f = config.faults.draw(at: t, using: &faultRNG) else { return nil }
        stats.faultsInjected[f.rawValue, default: 0] += 1
        return f
    }

    // Counters for /__sim/stats.
    var stats = Stats()

    struct Stats: Codable, Sendable {
        var requests: [String: [String: Int]] = [:]
        var throttled429 = 0
        var suspensionsServed = 0
        var threadLimitRejections = 0
        var maxConcurrent: [String: Int] = [:]
        var limitViolations = 0
        var unauthorized = 0
        var faultsInjected: [String: Int] = [:]
        /// Fields each ticket update carried (PATCH/PUT), and how often a description was written.
        var updatedFields: [String: Int] = [:]
        var descriptionWrites = 0
        /// The highest rolling count (all integrations) any Autotask request met.
        var peakCount = 0
        var attachmentsStored = 0
        var attachmentBytes = 0
        var attachmentRefusals = 0
        /// Autotask notes and Atera comments added through the API; PATCHes a workflow rule undid.
        var notesAdded = 0
        var commentsAdded = 0
        var workflowReverts = 0
        /// Requests per integration per simulated minute since the start (`SimOthers.swift`).
        var integrations: [String: [String: Int]] = [:]
        /// Autotask time entries created through the API.
        var timeEntriesAdded = 0
    }

    /// Who sent the Autotask requests, per minute: the other integrations and psatop.
    var truth: OthersTruth

    /// The counters with who sent what, brought up to now, as `/__sim/stats` reports them.
    var reportedStats: Stats {
        advance()
        var s = stats
        s.integrations = truth.json
        return s
    }

    // Attachments: bytes per simulated second in the 5-minute window, and a refusal period.
    var attachmentLog: [(at: Double, bytes: Int)] = []
    var attachmentsBlockedUntil: Double = -1
    var attachments: [Int64: [SimAutotaskAttachment]] = [:]
    var nextAttachmentID: Int64 = 90_000_001

    // Writes: notes and tickets created through the API, Atera comments added.
    var addedNotes: [Int64: [SimAutotaskNote]] = [:]
    var nextNoteID: Int64 = 95_000_001
    var addedTimeEntries: [Int64: [SimAutotaskValues]] = [:]
    var nextTimeEntryID: Int64 = 96_000_001
    var nextTicketNumber = 1
    var ateraAddedComments: [Int64: [SimAteraComment]] = [:]
    var nextAteraTicket: Int64 = 0
    var nextAteraComment: Int64 = 880_000_001

    init(config: SimulatorConfig, clock: PSAClock) {
        self.config = config
        self.clock = clock
        self.startWall = clock.wall()
        self.faultRNG = SeededGenerator(seed: config.seed &+ 0xFA17)
        self.truth = OthersTruth(cast: config.otherIntegrations)
        self.data = SimData(
            tickets: config.tickets, seed: config.seed, now: startWall, picklistVariant: config.picklistVariant)
        let w = max(1, config.autotaskTimeframeMinutes * 60)
        ring = Array(repeating: 0, count: w)
        // The past timeframe already carried the background load.
        var carry = 0.0
        for s in -w..<0 {
            carry += Self.backgroundRate(config: config, window: w, second: s)
            let n = Int(carry)
            carry -= Double(n)
            ring[((s % w) + w) % w] = n
            ringTotal += n
        }
    }

    var window: Int { ring.count }
    var simSeconds: Double { clock.now().seconds * config.timeScale }

    /// Requests per simulated second the other integrations send at second `s`.
    static func backgroundRate(config: SimulatorConfig, window: Int, second s: Int) -> Double {
        switch config.background {
        case .none: return 0
        case .steady(let perHour): return max(0, perHour / 3600)
        case .bursty(let perHour, let every, let size):
            let e = max(1, Int(every.rounded()))
            return max(0, perHour / 3600) + (((s % e) + e) % e == 0 ? Double(size) : 0)
        case .ramp(let from, let to, let minutes):
            let progress = min(1, max(0, Double(s) / (minutes * 60)))
            return max(0, Double(config.autotaskThreshold) * (from + (to - from) * progress) / Double(window))
        case .wave(let mean, let amplitude, let phase):
            let w = Double(window), t = Double(config.autotaskThreshold)
            let b = mean * t / w
            let a = min(1, amplitude * .pi / (2 * max(mean, 0.0001)))
            // The rolling count is then mean·T − amplitude·T·cos(π t / W + 2π·phase).
            return max(0, b * (1 + a * sin(.pi * (Double(s) / w + 2 * phase))))
        }
    }

    private func backgroundRequests(atSecond s: Int) -> Int {
        backgroundCarry += Self.backgroundRate(config: config, window: window, second: s)
        let n = Int(backgroundCarry)
        backgroundCarry -= Double(n)
        return n
    }

    /// Moves the window to now, letting old seconds drain and adding the background load.
    private func advance() {
        let now = Int(simSeconds)
        guard now > lastSecond else { return }
        let w = window
        let from = max(lastSecond + 1, now - w + 1)
        if now - lastSecond >= w {
            ringTotal = 0
            for i in ring.indices { ring[i] = 0 }
        }
        for s in from...now {
            let i = s % w
            ringTotal -= ring[i]
            let n = backgroundRequests(atSecond: s)
            truth.background(n, second: s)
            var bursts = 0
            for b in config.otherBursts {
                let k = b.requests(atSecond: s)
                truth.add(b.integration, k, second: s)
                bursts += k
            }
            ring[i] = n + bursts
            ringTotal += ring[i]
        }
        lastSecond = now
    }

    var autotaskCount: Int {
        advance()
        return ringTotal
    }

    /// `ThresholdInformation`'s answer.
    func threshold() -> SimJSON {
        .object([
            ("externalRequestThreshold", .int(Int64(config.autotaskThreshold))),
            ("requestThresholdTimeframe", .int(Int64(config.autotaskTimeframeMinutes))),
            ("currentTimeframeRequestCount", .int(Int64(autotaskCount))),
        ])
    }

    enum Admission { case ok(latency: Double), suspended, threadLimit }

    /// Counts an Autotask request and takes a thread slot, or refuses it.
    func admitAutotask(endpoint: String) -> Admission {
        count(.autotask, endpoint)
        advance()
        if ringTotal >= config.autotaskThreshold {
            stats.suspensionsServed += 1
            stats.limitViolations += 1
            return .suspended
        }
        let busy = inFlight[endpoint, default: 0]
        if busy >= config.threadLimit {
            stats.threadLimitRejections += 1
            stats.limitViolations += 1
            return .threadLimit
        }
        inFlight[endpoint] = busy + 1
        stats.maxConcurrent[endpoint] = max(stats.maxConcurrent[endpoint, default: 0], busy + 1)
        let tier = LatencyTier(count: ringTotal, threshold: config.autotaskThreshold)
        ring[lastSecond % window] += 1
        ringTotal += 1
        truth.add("psatop", 1, second: lastSecond)
        stats.peakCount = max(stats.peakCount, ringTotal)
        return .ok(latency: config.addLatency ? tier.addedLatency / config.timeScale : 0)
    }

    func releaseAutotask(endpoint: String) {
        inFlight[endpoint, default: 1] -= 1
    }

    struct AteraAdmission {
        var allowed: Bool
        var remaining: Int
        var resetSeconds: Int
    }

    /// Per-key sliding window (a minute unless configured; scaled).
    func admitAtera(endpoint: String) -> AteraAdmission {
        count(.atera, endpoint)
        let now = simSeconds
        let window = config.ateraWindowSeconds
        let used = ateraWindow.slide(to: now, seconds: window)
        let limit = config.ateraLimitPerMinute
        let oldest = ateraWindow.oldest ?? now
        let reset = Int(((oldest + window - now) / config.timeScale).rounded(.up))
        if used >= limit {
            stats.throttled429 += 1
            stats.limitViolations += 1
            return AteraAdmission(allowed: false, remaining: 0, resetSeconds: max(1, reset))
        }
        ateraWindow.add(now)
        return AteraAdmission(allowed: true, remaining: limit - used - 1, resetSeconds: max(1, reset))
    }

    func noteUnauthorized() { stats.unauthorized += 1 }
    func noteThrottled() { stats.throttled429 += 1 }

    private func count(_ vendor: Vendor, _ endpoint: String) {
        stats.requests[vendor.rawValue, default: [:]][endpoint, default: 0] += 1
    }

    func reset() {
        stats = Stats()
        truth = OthersTruth(cast: config.otherIntegrations)
        pagingTokens = [:]
    }

    func makePagingToken(entity: String, query: Data, afterID: Int64, method: String) -> String {
        let token = "p\(nextToken)"
        nextToken += 1
        pagingTokens[token] = (entity, query, afterID, method)
        return token
    }

}
