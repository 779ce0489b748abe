import Clocks
import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Simulator
import Testing

@Suite("Simulator fault injection", .timeLimit(.minutes(10)))
struct FaultTests {
    static func raw(_ faults: String, timeScale: Double = 1) async throws -> Raw {
        var c = SimulatorConfig()
        c.tickets = 50
        c.timeScale = timeScale
        c.faults = try FaultPlan(parsing: faults)
        return Raw(sim: try await Simulator.start(c))
    }

    @Test(
        "each fault at rate 1",
        arguments: [
            ("500=1", 500, "Object reference not set"), ("503=1", 503, "Service unavailable"),
            ("html=1", 500, "<title>500 - Internal server error.</title>"), ("malformed=1", 200, "cut off he"),
        ])
    func kinds(spec: String, status: Int, body: String) async throws {
        let raw = try await Self.raw(spec)
        for r in [try await raw.autotask("GET", "ThresholdInformation"), try await raw.atera("tickets")] {
            #expect(r.status == status)
            #expect(String(decoding: r.body, as: UTF8.self).contains(body))
            if status == 503 { #expect(r.header("Retry-After") == "1") }
        }
        // zoneInformation is never faulted: discovery must work for the client to start at all.
        #expect(
            try await raw.autotask("GET", "zoneInformation?user=\(raw.sim.config.autotaskUser)", headers: []).status
                == 200)
        let stats = json(
            try await raw.transport.send(
                HTTPRequestSpec(method: "GET", url: raw.sim.controlURL + "/stats"), timeout: .seconds(30)))
        #expect((stats["faultsInjected"] as? [String: Int])?.values.reduce(0, +) == 2)
        await raw.sim.stop()
    }

    @Test("slow answers come late, then right")
    func slow() async throws {
        let raw = try await Self.raw("slow=1", timeScale: 10)  // 2 s / 10
        let start = ContinuousClock.now
        let r = try await raw.autotask("GET", "ThresholdInformation")
        #expect(ContinuousClock.now - start >= .milliseconds(190))
        #expect(r.status == 200)
        await raw.sim.stop()
    }

    @Test(
        "reset and truncated answers end the connection mid-answer: the client sees a transport failure",
        arguments: ["reset=1", "truncated=1"])
    func dropped(spec: String) async throws {
        let raw = try await Self.raw(spec)
        await #expect(throws: (any Error).self) { _ = try await raw.autotask("GET", "ThresholdInformation") }
        await #expect(throws: (any Error).self) { _ = try await raw.atera("tickets") }
        // The server itself is fine afterwards: the control endpoint answers.
        let stats = json(
            try await raw.transport.send(
                HTTPRequestSpec(method: "GET", url: raw.sim.controlURL + "/stats"), timeout: .seconds(30)))
        #expect((stats["faultsInjected"] as? [String: Int])?[String(spec.dropLast(2))] == 2)
        await raw.sim.stop()
    }

    @Test("a timeout fault gives no answer: the client's own timeout ends the wait")
    func timeout() async throws {
        let raw = try await Self.raw("timeout=1")
        let start = ContinuousClock.now
        await #expect(throws: (any Error).self) {
            _ = try await raw.transport.send(
                HTTPRequestSpec(
                    method: "GET", url: raw.sim.autotaskBaseURL + "/ThresholdInformation",
                    headers: raw.autotaskHeaders), timeout: .milliseconds(300))
        }
        // No upper bound in wall time: the fault never answers, so only the timeout ends the
        // wait (a timeout that failed would hang until the suite's time limit names it).
        let waited = ContinuousClock.now - start
        #expect(waited >= .milliseconds(290))
        await raw.sim.stop()
    }

    @Test("faults on a schedule: only inside their window; a zone move at its moment (test clock)")
    func schedule() async throws {
        let plan = try FaultPlan(parsing: "500=1@3-30, zonemove@3")
        #expect(plan.zoneMoves == [3])
        // One test clock: the window's edges are where the test puts them, however slow the machine.
        let test = TestClock<Duration>()
        var c = SimulatorConfig()
        c.tickets = 50
        c.faults = plan
        let raw = Raw(sim: try await Simulator.start(c, clock: PSAClock(test)))
        func zone() async throws -> String {
            let z = try await raw.autotask("GET", "zoneInformation?user=\(raw.sim.config.autotaskUser)", headers: [])
            return String(decoding: z.body, as: UTF8.self)
        }
        // Before the window: clean answers, zone 1.
        #expect(try await raw.autotask("GET", "ThresholdInformation").status == 200)
        await test.advance(by: .milliseconds(2_900))
        #expect(try await raw.atera("tickets").status == 200)
        #expect(try await zone().contains("Simulator Zone 1"))
        // Inside it: every answer a 500; the zone moved on the first request past 3 s (zoneInformation is never faulted).
        await test.advance(by: .milliseconds(200))
        #expect(try await raw.atera("tickets").status == 500)
        #expect(try await zone().contains("Simulator Zone 2"))
        // Past its end: clean again.
        await test.advance(by: .seconds(27))
        #expect(try await raw.atera("tickets").status == 200)
        await raw.sim.stop()
    }

    @Test(
        "bad fault specs are refused with a clear message",
        arguments: ["boom=0.1", "500=2", "500", "slow=abc", "500=1@5", "500=1@9-3", "zonemove", "zonemove@x"])
    func parsing(spec: String) {
        #expect(throws: FaultPlan.Invalid.self) { try FaultPlan(parsing: spec) }
    }

    @Test("the client walks every ticket through a server failing 30% of answers")
    func walkThroughFaults() async throws {
        var c = SimulatorConfig()
        c.tickets = 1_234
        c.faults = try FaultPlan(parsing: "500=0.15,html=0.1,503=0.05")
        let sim = try await Simulator.start(c)
        var policy = ClientPolicy()
        policy.backoff = Backoff(base: .milliseconds(20), cap: .milliseconds(200))
        let client = RateAwareClient(transport: AHCTransport(), policy: policy, seed: 4, secrets: [c.autotaskSecret])
        let api = AutotaskAPI.twin(sim, client: client, config: c, discover: true, pageSize: 200)
        let all = try await api.allTickets()
        #expect(all.count == 1_234)
        #expect(Set(all.map(\.id)).count == 1_234)
        let stats = await client.stats
        #expect(stats.retries > 0)
        let failed = await client.log.filter(\.isError)
        #expect(!failed.isEmpty && failed.allSatisfy { $0.error != nil })  // every failure visible, with its cause
        await sim.stop()
    }
}
