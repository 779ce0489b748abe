import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Simulator
import Testing

/// Servers that misbehave on purpose: a redirect to another origin must not take credentials
/// there; a body that stalls must end by the request's deadline. (Two simulators each: one test at a time.)
@Suite("Hostile servers: redirects and stalled bodies", .serialized, .timeLimit(.minutes(10)))
struct HostileServerTests {
    /// A simulator that answers every API request with the fault `spec`, and a second one — the
    /// "other origin" — that counts whatever reaches it.
    static func pair(_ spec: String, timeScale: Double = 1) async throws -> (hostile: Simulator, other: Simulator) {
        let other = try await Simulator.start(SimulatorConfig())
        var c = SimulatorConfig()
        c.tickets = 20
        c.timeScale = timeScale
        c.faults = try FaultPlan(parsing: spec)
        c.faults.redirectTarget = other.autotaskBaseURL + "/ThresholdInformation"
        return (try await Simulator.start(c), other)
    }

    /// Every request the other origin saw, with or without credentials.
    static func seen(by sim: Simulator) async throws -> Int {
        let stats = json(
            try await AHCTransport().send(
                HTTPRequestSpec(method: "GET", url: sim.controlURL + "/stats"), timeout: .seconds(30)))
        // Both keys must be there: a renamed counter read as 0 would pass "nothing reached it".
        let requests = try #require(stats["requests"] as? [String: [String: Int]], "stats: \(stats)")
        let unauthorized = try #require(stats["unauthorized"] as? Int, "stats: \(stats)")
        return requests.values.flatMap(\.values).reduce(0, +) + unauthorized
    }

    @Test(
        "a 302 to another origin is refused, naming where it pointed; nothing reaches that origin (Autotask and Atera headers)"
    )
    func redirectRefused() async throws {
        let (hostile, other) = try await Self.pair("redirect=1")
        let raw = Raw(sim: hostile)
        let target = Origin(other.autotaskBaseURL)!.description
        for attempt in [{ try await raw.autotask("GET", "ThresholdInformation") }, { try await raw.atera("tickets") }] {
            do {
                _ = try await attempt()
                Issue.record("the redirect was followed")
            } catch let e as APIError {
                #expect(e.kind == .redirected)
                #expect(e.detail.contains(target), "\(e.detail)")
            }
        }
        // Through the whole client stack: one attempt, an error naming the other origin, no retry.
        let c = hostile.config
        let client = RateAwareClient(
            transport: AHCTransport(), seed: 1, secrets: [c.autotaskSecret, c.autotaskIntegrationCode])
        let api = AutotaskAPI.twin(hostile, client: client, config: c)
        await #expect(throws: APIError.self) { _ = try await api.quota() }
        #expect(await client.log.count == 1)
        #expect(await client.log.first?.error?.contains(target) == true)
        #expect(try await Self.seen(by: other) == 0)
        // The count does count: a request with no credentials, then one with them, straight to the other origin.
        _ = try await Raw(sim: other).autotask("GET", "ThresholdInformation", headers: [])
        #expect(try await Self.seen(by: other) == 1)
        _ = try await Raw(sim: other).autotask("GET", "ThresholdInformation")
        #expect(try await Self.seen(by: other) == 2)
        await hostile.stop()
        await other.stop()
    }

    @Test("redirects inside one origin are still followed")
    func sameOriginRedirect() throws {
        let req = HTTPRequestSpec(
            method: "GET", url: "https://webservices3.autotask.net/ATServicesRest/V1.0/Tickets/1",
            headers: [("Secret", "s")])
        let moved = HTTPResult(status: 301, headers: [("Location", "/atservicesrest/v1.0/Tickets/1")])
        let next = try #require(try AHCTransport.redirect(moved, from: req))
        #expect(next.url == "https://webservices3.autotask.net/atservicesrest/v1.0/Tickets/1")
        #expect(next.headers.map(\.0) == ["Secret"])
        // Another port, another host, https → http on the same host: all refused.
        for location in [
            "https://webservices3.autotask.net:8443/x", "https://evil.example/x", "http://webservices3.autotask.net/x",
        ] {
            #expect(throws: APIError.self) {
                _ = try AHCTransport.redirect(HTTPResult(status: 302, headers: [("Location", location)]), from: req)
            }
        }
        // 303 after a POST becomes a GET without a body.
        let post = HTTPRequestSpec(method: "POST", url: req.url, body: Data("{}".utf8))
        let see = try #require(
            try AHCTransport.redirect(HTTPResult(status: 303, headers: [("Location", "/q")]), from: post))
        #expect(see.method == "GET" && see.body == nil)
    }

    @Test(
        "a discovered API address is trusted only on the vendor's https domain, or on loopback when discovery was loopback"
    )
    func validatedOrigins() throws {
        let vendorDefault = AutotaskAPI.defaultZoneDiscovery
        #expect(
            try OriginPolicy.discovered(
                "https://webservices14.autotask.net/ATServicesRest/", vendor: .autotask, source: vendorDefault
            ).host == "webservices14.autotask.net")
        for bad in [
            "http://webservices3.autotask.net/ATServicesRest/", "https://autotask.net.evil.example/",
            "https://evil.example/autotask.net",
            "http://127.0.0.1:8080/ATServicesRest/", "ftp://webservices3.autotask.net/",
        ] {
            #expect(throws: URLRefused.self, "\(bad)") {
                _ = try OriginPolicy.discovered(bad, vendor: .autotask, source: vendorDefault)
            }
        }
        #expect(
            try OriginPolicy.discovered(
                "http://127.0.0.1:9000/zone2/ATServicesRest/", vendor: .autotask,
                source: "http://127.0.0.1:9000/ATServicesRest/V1.0"
            ).port == 9000)
        #expect(throws: URLRefused.self) { _ = try OriginPolicy.configured("http://example.com/api/v3") }
        #expect(try OriginPolicy.configured("https://app.atera.com/api/v3").description == "https://app.atera.com")
    }

    @Test("a stalled body ends at the read-idle timeout, as \"timed out\"")
    func stallIdle() async throws {
        // 600 simulated seconds of silence = 6 s here: past what the test allows, and the
        // simulator's stop waits no longer than that for the stalled answer.
        let (hostile, other) = try await Self.pair("stall=1", timeScale: 100)
        let transport = AHCTransport(readIdleTimeout: .milliseconds(400))
        let start = ContinuousClock.now
        do {
            _ = try await transport.send(
                HTTPRequestSpec(
                    method: "GET", url: hostile.autotaskBaseURL + "/ThresholdInformation",
                    headers: Raw(sim: hostile).autotaskHeaders),
                timeout: .seconds(20))
            Issue.record("a stalled body was read to the end")
        } catch let e as TransportError {
            #expect(e.description == "timed out")
        }
        // No upper bound in wall time (a busy machine may be slow): had the stall (6 s) ended
        // before the timeout, the body would have been read and the test failed above.
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(390), "waited \(waited)")
        await hostile.stop()
        await other.stop()
    }

    @Test("the request's deadline covers the whole body; the client retries a timed-out read per its policy")
    func stallDeadline() async throws {
        let (hostile, other) = try await Self.pair("stall=1", timeScale: 100)
        let transport = AHCTransport(readIdleTimeout: .seconds(60))
        let start = ContinuousClock.now
        await #expect(throws: TransportError.self) {
            _ = try await transport.send(
                HTTPRequestSpec(
                    method: "GET", url: hostile.autotaskBaseURL + "/ThresholdInformation",
                    headers: Raw(sim: hostile).autotaskHeaders),
                timeout: .milliseconds(500))
        }
        // (With a 60 s idle timeout only the deadline can end the read before the 6 s stall does.)
        #expect(ContinuousClock.now - start >= .milliseconds(490))
        var policy = ClientPolicy()
        policy.timeout = .milliseconds(300)
        policy.maxRetries = 1
        policy.backoff = Backoff(base: .milliseconds(10), cap: .milliseconds(20))
        let client = RateAwareClient(transport: transport, policy: policy, seed: 2)
        let c = hostile.config
        let api = AutotaskAPI.twin(hostile, client: client, config: c)
        do {
            _ = try await api.quota()
            Issue.record("a stalled body was read to the end")
        } catch let e as APIError {
            #expect(e.kind == .transport && e.detail == "timed out")
        }
        let log = await client.log
        #expect(log.count == 2 && log.allSatisfy { $0.error == "timed out" })
        await hostile.stop()
        await other.stop()
    }

    @Test("the new faults parse; a redirect target can be given")
    func parsing() throws {
        let p = try FaultPlan(parsing: "redirect=0.1,stall=0.05,redirectto=http://127.0.0.1:4000/x")
        #expect(p.rules[.redirect]?.first?.rate == 0.1 && p.rules[.stall]?.first?.rate == 0.05)
        #expect(p.redirectTarget == "http://127.0.0.1:4000/x")
        #expect(throws: FaultPlan.Invalid.self) { try FaultPlan(parsing: "redirectto=nowhere") }
    }
}
