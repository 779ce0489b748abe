import Foundation

/// At most `limit` requests in any `window` seconds (of the client's clock): Atera's per-key
/// minute is `WindowLimit(limit: 700, window: 60)`, HaloPSA's rolling 5 minutes
/// `WindowLimit(limit: 300, window: 300)`.
public struct WindowLimit: Sendable, Equatable, Codable, CustomStringConvertible {
    public var limit: Int
    public var window: Double

    /// A limit below 1 is taken as 1 and a window that is not a positive finite number as a
    /// minute: the numbers may come from a server or a config file.
    public init(limit: Int, window: Double) {
        self.limit = max(1, limit)
        self.window = window.isFinite && window > 0 ? max(0.001, window) : 60
    }

    public static func perMinute(_ n: Int) -> WindowLimit { WindowLimit(limit: n, window: 60) }

    public var description: String { "\(limit) per \(Self.seconds(window))" }

    /// "3 s", "3.8 s", "1 min", "5 min", "90 s".
    public static func seconds(_ s: Double) -> String {
        if s >= 60, (s / 60).rounded() == s / 60 { return "\(Int(s / 60)) min" }
        if s >= 10 || s.rounded() == s { return "\(Int(s.rounded())) s" }
        return String(format: "%.1f s", s)
    }
}

/// What 429s without any rate-limit header taught: the limit the server seems to hold.
public struct LearnedLimit: Sendable, Equatable, Codable {
    public var limit: Int
    /// Seconds of the vendor's clock.
    public var windowSeconds: Double
    public init(limit: Int, windowSeconds: Double) {
        self.limit = limit
        self.windowSeconds = windowSeconds
    }
    /// The gauge's words: "limit seems ≈20 per 3 s, learned from 429s".
    public var text: String { "limit seems ≈\(limit) per \(WindowLimit.seconds(windowSeconds)), learned from 429s" }
}

/// Window-aware admission for per-key and per-instance limits, as pure state on a clock given
/// in every call (seconds). The client parks its callers; this decides who goes and when.
///
/// - **The bound.** Every request granted is in a log. It counts against a window from the
///   moment it is granted until `answer + window`: the server received it no later than its
///   answer came back, so a send that waits for that has its own arrival at the server at least
///   a window after the earlier one's, whatever the latency or the order of arrivals, and on a
///   sliding or a fixed window alike. (A request that failed without an answer counts until
///   then plus the worst recent round trip.) Any window, at any moment, holds at most its limit.
/// - **Short jobs.** Nothing is spread: a job takes the whole allowance at once and waits only
///   for the window to free. At most `maxInFlight` requests are out at a time, and only
///   `unprovenInFlight` while the window holds more than the server has ever accepted in one
///   (a limit that is only configured is not yet known to be true).
/// - **The server's word.** `X-RateLimit-Limit` below the configured limit replaces it;
///   `Remaining`/`Reset` hold admission once what remains is used, until the reset.
/// - **Learning.** A 429 with no header at all means the real limit is lower. The limit drops to
///   what the server accepted since the last such 429 (or, when we were inside what we believed,
///   multiplicatively by `decrease`); while the window is unknown one probe at a time goes after
///   a short jittered pause doubling per refusal, and the first one accepted bounds the window
///   (from the first accepted send of the run to that answer). Each full window in which work
///   waited for the learned limit without a 429 adds one (AIMD), up to the configured limit; a
///   step that draws a 429 doubles the clean windows the next one needs (at most 16).
/// - **People first.** A person's request is granted before any waiting bulk request; at most
///   `grantedAhead` grants are out that have not been sent yet, so a person arriving finds at
///   most that many bulk requests ahead of it.
public struct WindowLimiter: Sendable {
    public struct Tuning: Sendable, Equatable {
        public var maxInFlight = 8
        public var unprovenInFlight = 2
        public var grantedAhead = 2
        /// The first pause after a header-less 429 while the window is unknown (doubled per refused probe).
        public var probePause = 0.5
        /// ± this fraction of each probe pause, at random.
        public var probeJitter = 0.1
        /// Multiplicative decrease when a 429 comes although we kept within the learned limit.
        public var decrease = 0.7
        /// Learn from header-less 429s at all.
        public var learns = true
        /// A 429 whose only word is `Retry-After` teaches too (ConnectWise: it says how long, never the limit).
        public var retryAfterTeaches = false
        public init() {}
    }

    public struct Dispatch: Sendable, Equatable {
        /// Waiters granted now, in order.
        public var granted: [Int] = []
        /// When to look again, if the next waiter waits for time (nil: it waits for an answer or a send).
        public var wakeAt: Double? = nil
    }

    struct Entry: Sendable {
        let id: Int
        /// The order of the grant (ids are handed out when callers queue).
        let seq: Int
        let granted: Double
        var end: Double? = nil
        var ok = false
    }

    struct ServerWord: Sendable {
        var remaining: Int
        var resetAt: Double
        /// Our grants the server may not have counted in `remaining` (out when it spoke, or granted since).
        var used: Int
    }

    enum Phase: Sendable {
        case normal
        /// The window is unknown after a header-less 429: one probe at a time.
        case probing(limit: Int, attempt: Int, nextAt: Double, runStart: Double, probe: Int?)
    }

    public let configured: [WindowLimit]
    public var tuning: Tuning
    /// The limit learned from header-less 429s (seconds of the client's clock).
    public private(set) var learned: WindowLimit? = nil
    /// The most requests the server has accepted inside the primary window at one time.
    public private(set) var proven = 0
    /// The most requests in flight at once (granted and not answered).
    public private(set) var maxInFlightSeen = 0

    private var entries: [Entry] = []
    private var nextID = 1
    private var people: [Int] = []
    private var bulk: [Int] = []
    private var unsent: Set<Int> = []
    private var server: ServerWord? = nil
    private var serverLimit: Int? = nil
    private var serverWindow: Double? = nil
    private var phase = Phase.normal
    /// 429s for grants up to this one (in grant order) belong to the last learning event.
    private var eventFloor = 0
    private var grants = 0
    private var lastChange = 0.0
    /// Work waited for the learned limit since the last change.
    private var saturated = false
    /// Clean windows before the next additive step: doubled each time a step drew a 429 (at most 16).
    private var increaseEvery = 1
    private var lastWasIncrease = false
    private var roundTrips: [Double] = []

    public init(_ windows: [WindowLimit], tuning: Tuning = Tuning()) {
        configured = windows
        self.tuning = tuning
    }

    // MARK: Queue

    /// A caller waiting for its turn; the id is its grant's too.
    public mutating func enqueue(person: Bool) -> Int {
        let id = nextID
        nextID += 1
        if person { people.append(id) } else { bulk.append(id) }
        return id
    }

    /// Removes a waiter that has not been granted. False if it was (or never waited).
    public mutating func cancelWaiter(_ id: Int) -> Bool {
        if let i = people.firstIndex(of: id) {
            people.remove(at: i)
            return true
        }
        if let i = bulk.firstIndex(of: id) {
            bulk.remove(at: i)
            return true
        }
        return false
    }

    public var waiting: Int { people.count + bulk.count }

    /// Grants whoever may go now, people first; says when to look again.
    public mutating func dispatch(now: Double) -> Dispatch {
        prune(now)
        var out = Dispatch()
        while let id = people.first ?? bulk.first {
            guard unsent.count < tuning.grantedAhead, inFlight < inFlightCap(now) else { return out }
            guard let at = opening(now) else { return out }
            if at > now {
                out.wakeAt = at
                return out
            }
            if people.first == id { people.removeFirst() } else { bulk.removeFirst() }
            grants += 1
            entries.append(Entry(id: id, seq: grants, granted: now))
            unsent.insert(id)
            server?.used += 1
            if case .probing(let limit, let attempt, let nextAt, let runStart, nil) = phase {
                phase = .probing(limit: limit, attempt: attempt, nextAt: nextAt, runStart: runStart, probe: id)
            }
            maxInFlightSeen = max(maxInFlightSeen, inFlight)
            out.granted.append(id)
        }
        return out
    }

    /// A grant went out.
    public mutating func sent(_ id: Int) { unsent.remove(id) }

    /// A grant that was never sent (the queue was paused meanwhile, or its caller cancelled).
    public mutating func abandon(_ id: Int) {
        unsent.remove(id)
        if let i = entries.firstIndex(where: { $0.id == id }) {
            entries.remove(at: i)
            server?.used -= 1
        }
        if case .probing(let limit, let attempt, let nextAt, let runStart, id) = phase {
            phase = .probing(limit: limit, attempt: attempt, nextAt: nextAt, runStart: runStart, probe: nil)
        }
    }

    // MARK: Answers

    /// The answer to a grant: its status (nil: no answer at all), whether the server said anything
    /// about its limits (`Retry-After`, `X-RateLimit-*`, `RateLimit`), and a random number in 0..<1
    /// for the jitter of a probe's pause.
    public mutating func answered(_ id: Int, at now: Double, status: Int?, stated: Bool, random: Double) {
        unsent.remove(id)
        guard let i = entries.firstIndex(where: { $0.id == id }) else { return }
        let rtt = max(0, now - entries[i].granted)
        if status != nil {
            roundTrips.append(rtt)
            if roundTrips.count > 32 { roundTrips.removeFirst() }
        }
        // Without an answer the server may have taken it at any time until now (and a proxy a bit later).
        entries[i].end = status == nil ? now + (roundTrips.max() ?? rtt) : now
        entries[i].ok = status.map { (200..<300).contains($0) } ?? false
        if entries[i].ok {
            accepted(entries[i], now: now)
        } else if status == 429, !stated, tuning.learns {
            refused(entries[i], now: now, random: random)
        } else if case .probing(let limit, let attempt, _, let runStart, id) = phase {
            // The probe failed otherwise (a 500, no answer, a 429 that named its wait): it tells
            // nothing about the window; the next one goes after the same pause.
            phase = .probing(
                limit: limit, attempt: attempt, nextAt: now + probePause(attempt, random), runStart: runStart,
                probe: nil)
        }
    }

    private mutating func accepted(_ e: Entry, now: Double) {
        if case .probing(let limit, _, _, let runStart, let probe) = phase, probe == e.id {
            // The window freed between the run's first accepted send and this answer: it is at most that long.
            learned = WindowLimit(limit: limit, window: now - runStart)
            phase = .normal
            eventFloor = grants
            lastChange = now
            saturated = false
        } else if let l = learned, saturated, now - lastChange >= l.window * Double(increaseEvery) {
            // Additive increase: whole windows of work at the learned limit without a 429.
            lastChange = now
            saturated = false
            // The step before held: the next may come sooner again.
            if lastWasIncrease { increaseEvery = max(1, increaseEvery / 2) }
            lastWasIncrease = true
            learned = l.limit + 1 >= configuredLimit ? nil : WindowLimit(limit: l.limit + 1, window: l.window)
        }
        if let w = primary {
            proven = max(proven, entries.count { $0.ok && live($0, w.window, now) })
        }
    }

    private mutating func refused(_ e: Entry, now: Double, random: Double) {
        if case .probing(let limit, let attempt, _, let runStart, let probe) = phase {
            // Still closed: the next probe after a longer pause. (A 429 of a request that was
            // already out when the event began changes nothing.)
            if probe == e.id {
                phase = .probing(
                    limit: limit, attempt: attempt + 1, nextAt: now + probePause(attempt + 1, random),
                    runStart: runStart, probe: nil)
            }
            return
        }
        guard e.seq > eventFloor else { return }  // out before the last event: the same event
        let window = learned?.window ?? configured.map(\.window).max() ?? 60
        let run = entries.filter { $0.ok && $0.seq > eventFloor && live($0, window, now) }
        let current = learned?.limit ?? configuredLimit
        let limit = run.count < current ? max(1, run.count) : max(1, Int(Double(current) * tuning.decrease))
        eventFloor = grants
        proven = min(proven, limit)
        lastChange = now
        saturated = false
        if lastWasIncrease { increaseEvery = min(16, increaseEvery * 2) }
        lastWasIncrease = false
        if let l = learned {
            // The window is known: the log holds the queue until it frees.
            learned = WindowLimit(limit: limit, window: l.window)
        } else {
            let runStart = run.map(\.granted).min() ?? e.granted
            phase = .probing(
                limit: limit, attempt: 0, nextAt: now + probePause(0, random), runStart: runStart, probe: nil)
        }
    }

    private func probePause(_ attempt: Int, _ random: Double) -> Double {
        let r = random.isFinite ? min(1, max(0, random)) : 0.5
        return tuning.probePause * pow(2, Double(min(attempt, 20))) * (1 + tuning.probeJitter * (2 * r - 1))
    }

    /// What the server said about its limit in the answer to `id`: its limit (per `window`
    /// seconds, when it says), what remains, and in how many seconds its window resets.
    public mutating func serverSaid(
        limit: Int?, window: Double?, remaining: Int?, reset: Double?, answering id: Int, at now: Double
    ) {
        if let limit, limit > 0 {
            serverLimit = limit
            serverWindow = window.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        }
        if let remaining, let reset, reset.isFinite, reset > 0 {
            let out = entries.count { $0.end == nil && $0.id != id }
            server = ServerWord(remaining: max(0, remaining), resetAt: now + min(reset, 3_600), used: out)
        }
    }

    // MARK: Windows

    /// The configured windows, tightened to the server's stated limit, and the learned one.
    public var windows: [WindowLimit] {
        var w = configured.map { c -> WindowLimit in
            guard let s = serverLimit, s < c.limit else { return c }
            return WindowLimit(limit: s, window: serverWindow ?? c.window)
        }
        if let l = learned { w.append(l) }
        return w
    }

    /// The window whose count decides the concurrency: the learned one, else the tightest.
    private var primary: WindowLimit? {
        learned ?? windows.min { Double($0.limit) / $0.window < Double($1.limit) / $1.window }
    }

    private var configuredLimit: Int { configured.map(\.limit).min() ?? Int.max }

    private func live(_ e: Entry, _ window: Double, _ now: Double) -> Bool {
        guard let end = e.end else { return true }
        return now < end + window
    }

    /// Requests granted and not answered.
    public var inFlight: Int { entries.count { $0.end == nil } }

    private func inFlightCap(_ now: Double) -> Int {
        if case .probing = phase { return 1 }
        guard let w = primary else { return tuning.maxInFlight }
        let inWindow = entries.count { live($0, w.window, now) }
        return inWindow + 1 > proven ? min(tuning.unprovenInFlight, tuning.maxInFlight) : tuning.maxInFlight
    }

    /// Requests counted against `window` now.
    public func count(window: Double, at now: Double) -> Int { entries.count { live($0, window, now) } }

    /// When the next request may be granted (nil: only after an answer).
    private mutating func opening(_ now: Double) -> Double? {
        var at = now
        for w in windows {
            let inWindow = entries.filter { live($0, w.window, now) }
            guard inWindow.count >= w.limit else { continue }
            let ends = inWindow.compactMap { $0.end.map { $0 + w.window } }.sorted()
            let need = inWindow.count - w.limit + 1
            guard ends.count >= need else { return nil }
            if let l = learned, w == l { saturated = true }
            at = max(at, ends[need - 1])
        }
        if let s = server, now < s.resetAt, s.used >= s.remaining { at = max(at, s.resetAt) }
        if case .probing(_, _, let nextAt, _, let probe) = phase {
            if probe != nil { return nil }
            at = max(at, nextAt)
        }
        return at
    }

    /// Forgets what no window can count any more.
    private mutating func prune(_ now: Double) {
        if let s = server, now >= s.resetAt { server = nil }
        guard entries.count > 64 else { return }
        let longest = max(windows.map(\.window).max() ?? 0, configured.map(\.window).max() ?? 0)
        entries.removeAll { e in e.end.map { now >= $0 + longest } ?? false }
    }
}
