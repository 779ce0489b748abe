import Clocks
import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Simulator
import Testing

/// psatop's own rate, from the rate-aware client's own records, on a test clock: no sleeps.
@Suite("Own rate from the client's records", .serialized, .timeLimit(.minutes(10)))
struct OwnRateClientTests {
    @Test("requests counted over the last 1, 5 and 60 minutes of the client's clock, at the window edges")
    func countsPerWindow() async throws {
        let h = Harness { _, _, _ in (ok, hold: .zero) }
        func send(_ n: Int) async throws { for _ in 0..<n { _ = try await h.client.send(get()) } }
        try await send(1)  // t = 0
        await h.test.advance(by: .seconds(100))
        try await send(2)  // t = 100
        await h.test.advance(by: .seconds(3_300))
        try await send(3)  // t = 3,400
        await h.test.advance(by: .seconds(180))
        try await send(4)  // t = 3,580
        await h.test.advance(by: .seconds(20))  // now 3,600: t = 0 is exactly an hour ago, out
        var r = await h.client.ownRate()
        #expect((r.lastMinute, r.last5Minutes, r.lastHour) == (4, 7, 9))
        await h.test.advance(by: .seconds(100))  // now 3,700
        r = await h.client.ownRate()
        #expect((r.lastMinute, r.last5Minutes, r.lastHour) == (0, 4, 7))
        #expect(r.inFlight == 0 && r.last429 == nil && r.throttled == 0)
    }

    @Test("the windows are the vendor's minutes: a time-scaled tenant's minute is a twentieth")
    func scaledWindows() async throws {
        var policy = ClientPolicy()
        policy.timeScale = 20
        let h = Harness(policy: policy) { _, _, _ in (ok, hold: .zero) }
        _ = try await h.client.send(get())
        await h.test.advance(by: .seconds(4))  // 80 s of the tenant: out of its minute, in its 5
        let r = await h.client.ownRate()
        #expect((r.lastMinute, r.last5Minutes, r.lastHour) == (0, 1, 1))
    }

    @Test("latency p50/p95 of the answers, from known durations")
    func percentiles() async throws {
        // Twenty answers taking 0.1, 0.2, … 2.0 s, in a scrambled order.
        let holds = (1...20).map { Double(($0 * 7) % 20 + 1) / 10 }
        #expect(Set(holds).count == 20)
        let h = Harness { i, _, _ in (ok, hold: .seconds(double: holds[i])) }
        let walk = Task { for _ in 0..<20 { _ = try await h.client.send(get()) } }
        _ = try await drive(h.test, step: .milliseconds(50), untilDone: walk)
        let r = await h.client.ownRate()
        // Nearest rank: the 10th and the 19th of twenty.
        #expect(abs((r.p50 ?? 0) - 1.0) < 1e-6 && abs((r.p95 ?? 0) - 1.9) < 1e-6, "\(r)")
        #expect(OwnRate.percentile([5, 1, 3, 2, 4], 0.5) == 3 && OwnRate.percentile([5, 1, 3, 2, 4], 0.95) == 5)
        #expect(OwnRate.percentile([], 0.5) == nil && OwnRate.percentile([7], 0.95) == 7)
    }

    @Test("requests in flight: sent and not answered")
    func inFlight() async throws {
        let h = Harness { _, _, _ in (ok, hold: .seconds(10)) }
        let walk = Task {
            try await withThrowingTaskGroup(of: Void.self) { g in
                for i in 0..<3 { g.addTask { _ = try await h.client.send(get("Tickets/\(i)", endpoint: "e\(i)")) } }
                try await g.waitForAll()
            }
        }
        try await eventually { await h.transport.inFlight == 3 }
        #expect(await h.client.ownRate().inFlight == 3)
        _ = try await drive(h.test, untilDone: walk)
        #expect(await h.client.ownRate().inFlight == 0)
    }

    @Test("a 429's Retry-After counts down with the client's clock; Manage's JSON is not the edge")
    func countdown() async throws {
        let manage429 = HTTPResult(
            status: 429, headers: [("Retry-After", "30"), ("Content-Type", "application/json")],
            body: Data(#"{"code":"TooManyRequests","message":"Too many requests."}"#.utf8))
        let h = Harness { i, _, _ in (i == 0 ? manage429 : ok, hold: .zero) }
        let t = Task { try await h.client.send(get()) }
        try await eventually { await h.client.ownRate().last429 != nil }
        let r = await h.client.ownRate()
        let throttle = try #require(r.last429)
        #expect(throttle.edge == false && r.throttled == 1)
        #expect(throttle.retryUntil == h.clock.wall().addingTimeInterval(30))
        #expect(r.throttleText(now: h.clock.wall(), apiName: "Manage") == "429 (Manage): retry in 30 s")
        await h.test.advance(by: .seconds(12))
        #expect(
            await h.client.ownRate().throttleText(now: h.clock.wall(), apiName: "Manage")
                == "429 (Manage): retry in 18 s")
        _ = try await drive(h.test, untilDone: t)
        let after = await h.client.ownRate()
        #expect(!after.waiting(now: h.clock.wall()) && after.throttled == 1)
    }

    @Test("the twin's edge answer (Cloudflare's HTML 1015) is an edge throttle; its Manage 429 is not")
    func twinEdgeVersusManage() async throws {
        // As many requests as it takes to draw the first 429 (a second would wait out its Retry-After).
        func last429(_ n: Int, _ change: @Sendable (inout SimulatorConfig) -> Void) async throws -> OwnRate.Throttle? {
            var config = SimulatorConfig()
            config.tickets = 5
            change(&config)
            let sim = try await Simulator.start(config)
            var policy = ConnectWiseAPI.policy(budget: nil)
            policy.maxRetries = 0  // the 429 is the answer: no waiting out its Retry-After in real time
            let creds = ConnectWiseCredentials(
                company: config.cwCompany, publicKey: config.cwPublicKey, privateKey: config.cwPrivateKey,
                clientID: config.cwClientID)
            let client = RateAwareClient(transport: AHCTransport(), policy: policy, seed: 1, secrets: creds.secrets)
            let api = ConnectWiseAPI(client: client, site: sim.connectWiseSiteURL, credentials: creds)
            for _ in 0..<n { _ = try? await api.probe() }
            let r = await client.ownRate()
            await sim.stop()
            return r.last429
        }
        let manage = try #require(
            try await last429(4) {
                $0.cwLimit = 3
                $0.cwEdgeLimit = 1_000
            })
        #expect(manage.edge == false && manage.retryUntil != nil)
        let edge = try #require(try await last429(3) { $0.cwEdgeLimit = 2 })
        #expect(edge.edge == true && edge.retryUntil != nil)
        // The classification itself: Manage's JSON object, against anything else.
        #expect(!OwnRate.isEdgeThrottle(status: 429, body: Data(#" {"code":"TooManyRequests"}"#.utf8)))
        #expect(OwnRate.isEdgeThrottle(status: 429, body: Data("<html><h1>Error 1015</h1></html>".utf8)))
        #expect(OwnRate.isEdgeThrottle(status: 429, body: Data()))
        #expect(!OwnRate.isEdgeThrottle(status: 503, body: Data("<html></html>".utf8)))
    }
}
