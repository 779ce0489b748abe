import Foundation
import PSACore
import Testing

/// A discrete-event run of `WindowLimiter` as the client drives it, on simulated time: callers
/// queue, the limiter grants, each request reaches the server at a random point of its round
/// trip and its answer comes after a random latency (so arrivals at the server are reordered).
/// The server, when given a real limit, refuses with a 429 that says nothing.
struct LimiterRun {
    struct Request {
        var person: Bool
        var arrives: Double
    }
    struct Result {
        /// When the server received each request it accepted.
        var accepted: [Double] = []
        /// When each request was granted, by request index (the last grant for a retried one).
        var granted: [Int: Double] = [:]
        var sentPerson: [(at: Double, person: Bool, index: Int)] = []
        var refused: [Double] = []
        var finished: Double = 0
        var limiter: WindowLimiter
    }

    var windows: [WindowLimit]
    var tuning = WindowLimiter.Tuning()
    /// Round trip, uniform in this range (seconds).
    var latency: ClosedRange<Double> = 0.01...0.5
    /// The server's real sliding limit at a time (nil: it refuses nothing).
    var real: @Sendable (Double) -> WindowLimit? = { _ in nil }

    func run(_ requests: [Request], seed: UInt64, until: Double = .infinity) -> Result {
        var rng = SeededGenerator(seed: seed)
        var limiter = WindowLimiter(windows, tuning: tuning)
        var out = Result(limiter: limiter)
        var arrivals = requests.enumerated().sorted { $0.element.arrives < $1.element.arrives }.map {
            ($0.offset, $0.element)
        }
        var waiting: [Int: Int] = [:]  // limiter id → request index
        var answers: [(at: Double, id: Int, index: Int, received: Double)] = []
        var wakeAt: Double? = nil
        var now = 0.0
        var done = 0
        for _ in 0..<1_000_000 where done < requests.count {
            // The next event: an arrival, an answer, or the limiter's timer.
            let next = [arrivals.first?.1.arrives, answers.map(\.at).min(), wakeAt].compactMap { $0 }.min()
            guard let t = next, t <= until else { break }
            now = max(now, t)
            while let a = arrivals.first, a.1.arrives <= now {
                arrivals.removeFirst()
                waiting[limiter.enqueue(person: a.1.person)] = a.0
            }
            answers.sort { $0.at < $1.at }
            while let a = answers.first, a.at <= now {
                answers.removeFirst()
                // The server decides when it receives the request.
                var status = 200
                if let limit = real(a.received) {
                    let inWindow = out.accepted.filter { $0 > a.received - limit.window && $0 <= a.received }.count
                    if inWindow >= limit.limit { status = 429 }
                }
                if status == 200 {
                    out.accepted.append(a.received)
                    done += 1
                } else {
                    out.refused.append(a.received)
                    // retried: the server did not act on it
                    waiting[limiter.enqueue(person: requests[a.index].person)] = a.index
                }
                limiter.answered(
                    a.id, at: a.at, status: status, stated: false, random: Double.random(in: 0..<1, using: &rng))
            }
            wakeAt = nil
            let d = limiter.dispatch(now: now)
            for id in d.granted {
                let index = waiting.removeValue(forKey: id)!
                limiter.sent(id)
                let rtt = Double.random(in: latency, using: &rng)
                let received = now + rtt * Double.random(in: 0...1, using: &rng)
                answers.append((now + rtt, id, index, received))
                out.granted[index] = now
                out.sentPerson.append((now, requests[index].person, index))
            }
            if let w = d.wakeAt { wakeAt = w > now ? w : nil }
            out.finished = now
        }
        out.limiter = limiter
        return out
    }

    /// The most requests any sliding window of `window` seconds saw at the server (a fixed window is one of them).
    static func most(_ times: [Double], window: Double) -> Int {
        let t = times.sorted()
        var most = 0, lo = 0
        for hi in t.indices {
            while t[lo] <= t[hi] - window { lo += 1 }
            most = max(most, hi - lo + 1)
        }
        return most
    }
}

@Suite("Window limiter: the bound, short jobs, people first, learning from 429s", .timeLimit(.minutes(10)))
struct WindowLimiterTests {
    @Test(
        "no window at the server ever holds more than the limit, across window edges, with random latency and reordered arrivals",
        arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func bound(seed: UInt64) {
        var rng = SeededGenerator(seed: seed &* 977)
        // Two windows at once (a per-minute limit and a tighter short one), callers arriving in bursts.
        let windows = [WindowLimit(limit: 30, window: 60), WindowLimit(limit: 8, window: 5)]
        let requests = (0..<300).map { _ in
            LimiterRun.Request(
                person: Double.random(in: 0...1, using: &rng) < 0.2,
                arrives: (Double.random(in: 0...600, using: &rng) / 37).rounded() * 37)
        }
        let r = LimiterRun(windows: windows, latency: 0.01...3).run(requests, seed: seed)
        #expect(r.accepted.count == 300)
        for w in windows {
            #expect(LimiterRun.most(r.accepted, window: w.window) <= w.limit, "over \(w)")
        }
        #expect(r.limiter.maxInFlightSeen <= 8)
    }

    @Test("a short job takes the whole allowance at once and waits only for the window to free")
    func shortJob() {
        // 50 pages under 30 per 60 s: 30 at once, the other 20 when the window frees.
        let r = LimiterRun(windows: [.perMinute(30)], latency: 0.05...0.05).run(
            (0..<50).map { _ in .init(person: false, arrives: 0) }, seed: 1)
        #expect(LimiterRun.most(r.accepted, window: 60) == 30)
        let ideal = 60.0
        #expect(r.finished <= ideal * 1.01, "took \(r.finished) s")
        // HaloPSA: 250 requests under 300 per rolling 5 minutes wait for no window (two at a
        // time while the server has not yet accepted a window's worth).
        let halo = LimiterRun(windows: [WindowLimit(limit: 300, window: 300)], latency: 0.05...0.05)
            .run((0..<250).map { _ in .init(person: false, arrives: 0) }, seed: 1)
        #expect(halo.finished <= 125 * 0.05 + 0.01, "took \(halo.finished) s")
    }

    @Test("steady state: a long job keeps at least 98% of the limit", arguments: [UInt64(1), 2, 3])
    func steadyState(seed: UInt64) {
        let limit = WindowLimit(limit: 100, window: 60)
        let r = LimiterRun(windows: [limit], latency: 0.05...0.3).run(
            (0..<1_000).map { _ in .init(person: false, arrives: 0) }, seed: seed)
        let t = r.sentPerson.map(\.at).sorted()
        // In the steady state the send `limit` places later takes a send's place in the window:
        // the limit allows it one window later. The share is the window over the gap it took.
        let gaps = (limit.limit..<t.count).map { t[$0] - t[$0 - limit.limit] }
        let share = limit.window * Double(gaps.count) / gaps.reduce(0, +)
        #expect(share >= 0.98, "share \(share)")
        // ... and the whole job: 10 windows' worth, the first at once, the last nine windows (and a spread) later.
        #expect(t.last! - t.first! <= 9 * (limit.window + 0.3) + 100 * 0.3)
        #expect(LimiterRun.most(r.accepted, window: 60) <= 100)
    }

    @Test(
        "a person's request goes ahead of queued bulk work: at most two bulk requests go out after it arrives and before it",
        arguments: [UInt64(1), 2, 3, 4])
    func personFirst(seed: UInt64) {
        // 200 bulk requests queued at 0; people arrive now and then, in an open window and in a full one.
        var requests = (0..<200).map { _ in LimiterRun.Request(person: false, arrives: 0) }
        let people = [0.3, 7, 31, 59.5, 61, 95]
        requests += people.map { LimiterRun.Request(person: true, arrives: $0) }
        let r = LimiterRun(windows: [.perMinute(60)], latency: 0.02...0.4).run(requests, seed: seed)
        for (k, arrives) in people.enumerated() {
            let index = 200 + k
            guard let sentAt = r.sentPerson.first(where: { $0.index == index })?.at else {
                Issue.record("person \(k) never sent")
                continue
            }
            // Sends in the order they went: the bulk ones after the person arrived and before it.
            let position = r.sentPerson.firstIndex { $0.index == index }!
            let bulkBetween = r.sentPerson[..<position].filter { !$0.person && $0.at >= arrives }
            #expect(
                bulkBetween.count <= 2,
                "person at \(arrives) sent at \(sentAt) behind \(bulkBetween.count) bulk requests")
        }
        #expect(LimiterRun.most(r.accepted, window: 60) <= 60)
    }

    @Test(
        "an unknown lower limit is learned from 429s that say nothing: few 429s, a short jittered first pause, never under the real window",
        arguments: [UInt64(1), 2, 3, 4, 5])
    func learnsLowerLimit(seed: UInt64) {
        // Configured 700 per minute; the server really takes 20 per 3 s and says nothing.
        var run = LimiterRun(windows: [.perMinute(700)], latency: 0.005...0.02)
        run.real = { _ in WindowLimit(limit: 20, window: 3) }
        let r = run.run((0..<50).map { _ in .init(person: false, arrives: 0) }, seed: seed)
        #expect(r.accepted.count == 50)
        let learned = try! #require(r.limiter.learned)
        // 20, or 21 when an additive step is out.
        #expect((20...21).contains(learned.limit))
        #expect(learned.window >= 3 && learned.window <= 5, "window \(learned.window)")
        let share = Double(r.refused.count) / Double(r.refused.count + r.accepted.count)
        #expect(share <= 0.10, "\(r.refused.count) 429s")
        // 20 at once, 20 after 3 s, 10 after 6 s.
        #expect(r.finished <= 2 * 6, "took \(r.finished) s")
        // The first retry after the first 429 goes after a short jittered pause, not a fixed 5 s.
        let first429 = r.refused.min()!
        let nextSend = r.sentPerson.map(\.at).filter { $0 > first429 + 0.03 }.min()!
        #expect(
            nextSend - first429 >= 0.4 && nextSend - first429 <= 0.6,
            "first probe \(nextSend - first429) s after the 429")
    }

    @Test(
        "the learned limit drops multiplicatively on a 429 inside it, and climbs back additively when the server allows more"
    )
    func aimd() {
        // The server takes 10 per 2 s, then from 60 s only 4, then from 120 s 12; a job that never runs dry.
        var run = LimiterRun(windows: [.perMinute(600)], latency: 0.01...0.02)
        run.real = { t in WindowLimit(limit: t < 60 ? 10 : t < 120 ? 4 : 12, window: 2) }
        let job = (0..<4_000).map { _ in LimiterRun.Request(person: false, arrives: 0) }
        // The same run (same seed) looked at after ever longer times.
        let limits = [55.0, 115, 400].map { run.run(job, seed: 7, until: $0) }.map {
            ($0.limiter.learned?.limit ?? 600, $0.refused.count, $0.accepted.count)
        }
        // Learned ≈10 first (an additive step to 11 may be out) ...
        #expect((10...11).contains(limits[0].0), "first: \(limits[0])")
        // ... a 429 inside it when the server takes fewer brings it down ...
        #expect(limits[1].0 <= 5, "after the drop: \(limits[1])")
        // ... and windows without a 429 bring it up again, one at a time.
        #expect(limits[2].0 > limits[1].0 && limits[2].0 <= 13, "after the rise: \(limits[2])")
        // 429s stay rare: a few per change, and the additive steps that overshoot.
        #expect(Double(limits[2].1) / Double(limits[2].1 + limits[2].2) <= 0.10, "\(limits[2])")
    }

    @Test(
        "the server's stated remaining and reset hold admission until the reset; its lower limit replaces the configured one"
    )
    func serverWordWins() {
        var l = WindowLimiter([.perMinute(100)])
        let a = l.enqueue(person: true)
        #expect(l.dispatch(now: 0).granted == [a])
        l.sent(a)
        l.serverSaid(limit: nil, window: nil, remaining: 1, reset: 30, answering: a, at: 0.1)
        l.answered(a, at: 0.1, status: 200, stated: true, random: 0.5)
        let b = l.enqueue(person: true), c = l.enqueue(person: true)
        let d = l.dispatch(now: 0.2)
        #expect(d.granted == [b])
        #expect(d.wakeAt == nil || d.wakeAt! >= 30)
        l.sent(b)
        l.answered(b, at: 0.3, status: 200, stated: true, random: 0.5)
        #expect(abs(l.dispatch(now: 0.4).wakeAt! - 30.1) < 1e-9)
        #expect(l.dispatch(now: 30.1).granted == [c])
        var m = WindowLimiter([.perMinute(700)])
        m.serverSaid(limit: 60, window: nil, remaining: nil, reset: nil, answering: 0, at: 0)
        #expect(m.windows == [.perMinute(60)])
    }

    @Test("the gauge's words for what was learned")
    func learnedText() {
        #expect(LearnedLimit(limit: 20, windowSeconds: 3).text == "limit seems ≈20 per 3 s, learned from 429s")
        #expect(LearnedLimit(limit: 20, windowSeconds: 3.46).text == "limit seems ≈20 per 3.5 s, learned from 429s")
        #expect(LearnedLimit(limit: 300, windowSeconds: 300).text == "limit seems ≈300 per 5 min, learned from 429s")
        #expect(WindowLimit(limit: 0, window: .nan) == WindowLimit(limit: 1, window: 60))
    }
}
