import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Simulator
import Testing

@Suite("Several tenants on one simulator (real HTTP on loopback)", .timeLimit(.minutes(10)))
struct TenantsAgainstSimTests {
    @Test("two Autotask databases and two Atera keys, each with its own data, limits and counters")
    func severalTenants() async throws {
        var config = SimulatorConfig()
        config.tickets = 120
        config.extraTenants = [
            try TenantSpec(parsing: "autotask:east:500:30"), try TenantSpec(parsing: "atera:west:90:70"),
        ]
        let sim = try await Simulator.start(config)
        let east = try #require(sim.tenantConfig("east"))
        let west = try #require(sim.tenantConfig("west"))

        func autotask(_ c: SimulatorConfig) -> AutotaskAPI {
            AutotaskAPI.twin(
                sim, client: RateAwareClient(transport: AHCTransport(), seed: 1, secrets: [c.autotaskSecret]),
                config: c, discover: true)
        }
        let main = autotask(config), other = autotask(east)
        #expect(try await main.allTickets().count == 120)
        let eastTickets = try await other.allTickets()
        #expect(eastTickets.count == 30)
        // Picklists are per tenant: east names status 7 its own way.
        let mainLabels = Set(try await main.allTickets().map(\.status)), eastLabels = Set(eastTickets.map(\.status))
        #expect(!mainLabels.contains("Waiting on Client") && !eastLabels.contains("Waiting Customer"))
        #expect(eastLabels.contains("Waiting on Client") || eastLabels.contains("Escalated to L2"))
        let q1 = try await main.quota(), q2 = try await other.quota()
        #expect(q1.limit == 10_000 && q2.limit == 500)
        // Each rolling count holds only its own tenant's requests.
        #expect(q1.used == (await main.client.stats.sent) - 1)  // zone lookup is not counted
        #expect(q2.used == (await other.client.stats.sent) - 1)
        // One tenant's credentials do not open another.
        let wrong = AutotaskAPI(
            client: RateAwareClient(transport: AHCTransport(), seed: 1),
            credentials: .init(
                userName: east.autotaskUser, secret: config.autotaskSecret,
                integrationCode: config.autotaskIntegrationCode),
            baseURL: sim.autotaskBaseURL)
        await #expect(throws: APIError.self) { _ = try await wrong.quota() }

        let a1 = SimulatorWalkTests.atera(sim)
        let a2 = AteraAPI(
            client: RateAwareClient(transport: AHCTransport(), seed: 1), key: west.ateraKey, baseURL: sim.ateraBaseURL,
            limitPerMinute: 90)
        #expect(try await a1.allTickets().count == 120)
        #expect(try await a2.allTickets().count == 70)
        #expect(await a2.client.lastRateLimitHeaders?.limit == 90)

        let stats = try await simStats(sim)
        let tenants = try #require(stats["tenants"] as? [String: [String: Any]])
        #expect(Set(tenants.keys) == ["east", "west"])
        #expect((tenants["east"]?["requests"] as? [String: [String: Int]])?["autotask"]?["tickets"] ?? 0 > 0)
        #expect((tenants["west"]?["requests"] as? [String: [String: Int]])?["atera"]?["tickets"] == 2)
        #expect((tenants["east"]?["requests"] as? [String: [String: Int]])?["atera"] == nil)
        await sim.stop()
    }

    @Test(
        "tenant specs parse, and bad ones are refused",
        arguments: [
            ("autotask:east", true), ("atera:west:90", true), ("autotask:a-1:500:30", true),
            ("salesforce:x", false), ("autotask:", false), ("autotask:x:0", false), ("autotask:x y", false),
            ("atera:w:90:-1", false),
        ])
    func parsing(text: String, valid: Bool) {
        #expect(((try? TenantSpec(parsing: text)) != nil) == valid)
    }
}
