import Clocks
import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Synchronization
import Testing

/// The window limiter inside the client, on a test clock over a scripted transport.
@Suite("Window limiter in the client on a test clock", .serialized, .timeLimit(.minutes(10)))
struct WindowGateTests {
    static func request(_ path: String, _ priority: RequestPriority) -> ClientRequest {
        ClientRequest(
            spec: HTTPRequestSpec(method: "GET", url: "https://example.invalid/\(path)"), endpoint: "tickets",
            logPath: "/" + path, idempotent: true, purpose: "test", priority: priority)
    }

    /// Latency and the moment within it the server receives request `i` (deterministic per seed).
    static func timing(_ seed: UInt64, _ i: Int) -> (hold: Double, received: Double) {
        var g = SeededGenerator(seed: seed &* 1_000_003 &+ UInt64(i))
        return (Double.random(in: 0.01...4, using: &g), Double.random(in: 0...1, using: &g))
    }

    @Test(
        "no window at the server holds more than the limit: random latency, arrivals reordered, people and bulk mixed",
        arguments: [UInt64(1), 2, 3])
    func boundThroughClient(seed: UInt64) async throws {
        var policy = ClientPolicy()
        policy.windows = [WindowLimit(limit: 12, window: 10)]
        policy.threadsPerEndpoint = 100
        let h = Harness(policy: policy, seed: seed) { i, _, _ in (ok, hold: .seconds(double: Self.timing(seed, i).hold))
        }
        let t = Task {
            try await withThrowingTaskGroup(of: Void.self) { g in
                for i in 0..<60 {
                    g.addTask {
                        _ = try await h.client.send(Self.request("tickets/\(i)", i % 5 == 0 ? .interactive : .bulk))
                    }
                }
                try await g.waitForAll()
            }
        }
        try await drive(h.test, step: .milliseconds(100)) {
            let n = await h.transport.sent.count
            let f = await h.transport.inFlight
            return n == 60 && f == 0
        }
        try await t.value
        let sent = await h.transport.sent
        let received = sent.enumerated().map { i, s in
            let (hold, at) = Self.timing(seed, i)
            return s.at + hold * at
        }
        #expect(LimiterRun.most(received, window: 10) <= 12)
        #expect(await h.transport.maxInFlight <= 8)
    }

    @Test("a person's request waits behind at most two bulk requests, in a full window and in an open one")
    func personAheadOfBulk() async throws {
        var policy = ClientPolicy()
        policy.windows = [WindowLimit(limit: 10, window: 10)]
        policy.threadsPerEndpoint = 100
        let h = Harness(policy: policy, seed: 1) { _, _, _ in (ok, hold: .milliseconds(300)) }
        let bulk = Task {
            try await withThrowingTaskGroup(of: Void.self) { g in
                for i in 0..<40 { g.addTask { _ = try await h.client.send(Self.request("bulk/\(i)", .bulk)) } }
                try await g.waitForAll()
            }
        }
        // The first window's ten are out; thirty bulk requests wait for it to free.
        try await h.drive(untilSent: 10)
        await h.test.advance(by: .seconds(2))
        let arrived = h.clock.now().seconds
        let person = Task { try await h.client.send(Self.request("person/1", .interactive)) }
        try await h.drive(untilSent: 11)
        let sent = await h.transport.sent
        let position = try #require(sent.firstIndex { $0.url.hasSuffix("person/1") })
        let bulkAhead = sent[..<position].filter { $0.url.contains("bulk/") && $0.at >= arrived }
        #expect(bulkAhead.count <= 2, "behind \(bulkAhead.count) bulk requests")
        // It went when the window freed (10 s after the first answer, 10.3 s), not after the bulk
        // backlog (three more windows: 20 s or later). Within a second: on a loaded machine the
        // window's timer task can run a clock step or two after it fired.
        #expect(sent[position].at >= 10.3 && sent[position].at <= 11.3)
        _ = try await drive(h.test, untilDone: person)
        bulk.cancel()
        _ = await bulk.result

        // In an open window with bulk streaming (a window's worth proven, 8 in flight): a person arrives and goes next.
        var open = ClientPolicy()
        open.windows = [WindowLimit(limit: 40, window: 60)]
        open.threadsPerEndpoint = 100
        let o = Harness(policy: open, seed: 2) { _, _, _ in (ok, hold: .milliseconds(700)) }
        let stream = Task {
            try await withThrowingTaskGroup(of: Void.self) { g in
                for i in 0..<100 { g.addTask { _ = try await o.client.send(Self.request("bulk/\(i)", .bulk)) } }
                try await g.waitForAll()
            }
        }
        try await o.drive(untilSent: 45)
        let arrived2 = o.clock.now().seconds
        let person2 = Task { try await o.client.send(Self.request("person/2", .interactive)) }
        _ = try await drive(o.test, step: .milliseconds(50), untilDone: person2)
        let sent2 = await o.transport.sent
        let position2 = try #require(sent2.firstIndex { $0.url.hasSuffix("person/2") })
        #expect(sent2[..<position2].filter { $0.url.contains("bulk/") && $0.at >= arrived2 }.count <= 2)
        // Within one hold (0.7 s) and a few clock steps of slack for a loaded machine; behind the
        // backlog it would wait for the next window (tens of seconds).
        #expect(sent2[position2].at - arrived2 <= 0.7 + 0.5)
        stream.cancel()
        _ = await stream.result
    }

    /// A server whose real limit is `limit` per `window` s (sliding, at the moment a request
    /// arrives), answering a refusal with a 429 that says nothing.
    final class QuietServer: Sendable {
        let accepted = Mutex<[Double]>([])
        let refused = Mutex<Int>(0)
        let limit: Int, window: Double
        init(limit: Int, window: Double) {
            self.limit = limit
            self.window = window
        }
        func answer(at t: Double) -> HTTPResult {
            let ok = accepted.withLock { a -> Bool in
                guard a.filter({ $0 > t - window }).count < limit else { return false }
                a.append(t)
                return true
            }
            if ok {
                return HTTPResult(
                    status: 200,
                    body: Data(#"{"items":[],"totalItemCount":0,"page":1,"itemsInPage":50,"totalPages":1}"#.utf8))
            }
            refused.withLock { $0 += 1 }
            return HTTPResult(status: 429, body: Data(#"{"Message":"Too many requests"}"#.utf8))
        }
    }

    @Test("429s that say nothing: no fixed 5 s pause, the real limit learned and shown on the gauge, few 429s")
    func learnsThroughClient() async throws {
        var policy = ClientPolicy()
        policy.perMinuteLimit = 700
        policy.threadsPerEndpoint = 8
        let server = QuietServer(limit: 5, window: 2)
        let h = Harness(policy: policy, seed: 4) { _, at, _ in (server.answer(at: at), hold: .milliseconds(20)) }
        let api = AteraAPI(client: h.client, key: "k", baseURL: "https://example.invalid", limitPerMinute: 700)
        let walk = Task {
            try await RequestPriority.$current.withValue(.bulk) {
                for i in 0..<20 { _ = try await h.client.send(Self.request("tickets?page=\(i)", .bulk)) }
            }
        }
        _ = try await drive(h.test, step: .milliseconds(50), untilDone: walk)
        let log = await h.client.log
        #expect(log.filter { $0.status == 200 }.count == 20)
        let refused = server.refused.withLock { $0 }
        #expect(refused <= 4, "\(refused) 429s")
        // After the first 429 the next request went within a second, not after 5 s.
        let first = try #require(log.firstIndex { $0.status == 429 })
        let gap = log[first + 1].time.timeIntervalSince(log[first].time) - log[first + 1].duration
        #expect(gap < 1, "next request \(gap) s after the 429")
        // 20 requests at 5 per 2 s: 8 s at the least; the learned window is at most twice the real one.
        #expect(h.clock.now().seconds < 2 * 8 + 1)
        let learned = try #require(await api.quota().learned)
        #expect(learned.limit == 5 && learned.windowSeconds >= 2 && learned.windowSeconds <= 4.5)
        #expect(learned.text.hasPrefix("limit seems ≈5 per "))
    }

    @Test("a 429 with Retry-After still holds the whole queue as the server says (nothing is learned)")
    func statedRetryAfterWins() async throws {
        var policy = ClientPolicy()
        policy.perMinuteLimit = 700
        let h = Harness(policy: policy, seed: 2) { i, _, _ in
            (i == 0 ? HTTPResult(status: 429, headers: [("Retry-After", "7")], body: Data("{}".utf8)) : ok, hold: .zero)
        }
        let t = Task { try await h.client.send(get()) }
        _ = try await drive(h.test, untilDone: t)
        let times = await h.transport.sendTimes
        #expect(times.count == 2 && times[1] >= 7)
        #expect(await h.client.learnedLimit() == nil)
    }

    @Test("a caller cancelled while it waits for the window leaves the queue and never sends")
    func cancelledWaiter() async throws {
        var policy = ClientPolicy()
        policy.windows = [WindowLimit(limit: 1, window: 30)]
        let h = Harness(policy: policy, seed: 3) { _, _, _ in (ok, hold: .zero) }
        _ = try await drive(h.test, untilDone: Task { try await h.client.send(get("Tickets/1")) })
        let waiting = Task { try await h.client.send(get("Tickets/2")) }
        await h.test.advance(by: .seconds(1))
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        let third = Task { try await h.client.send(get("Tickets/3")) }
        _ = try await drive(h.test, untilDone: third)
        #expect(
            await h.transport.sent.map(\.url) == [
                "https://example.invalid/Tickets/1", "https://example.invalid/Tickets/3",
            ])
        #expect(h.clock.now().seconds >= 30)
    }
}
