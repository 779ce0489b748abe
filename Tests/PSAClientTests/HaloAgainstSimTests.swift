import Foundation
import PSAClient
import PSACore
import Simulator
import Testing

/// HaloAPI against the simulator's HaloPSA twin (real HTTP on loopback).
@Suite("HaloPSA against the twin", .timeLimit(.minutes(10)))
struct HaloAgainstSimTests {
    static func api(_ sim: Simulator, _ config: SimulatorConfig, limit: Int?, timeScale: Double = 1) -> HaloAPI {
        let client = RateAwareClient(
            transport: AHCTransport(), policy: HaloAPI.policy(limit: limit, timeScale: timeScale), seed: 1,
            secrets: [config.haloClientSecret])
        return HaloAPI(
            client: client, instance: sim.haloBaseURL,
            credentials: HaloCredentials(clientID: config.haloClientID, clientSecret: config.haloClientSecret),
            limit: limit, me: Simulator.demoHaloAgentEmail)
    }

    static func stats(_ sim: Simulator, _ tenant: String = "halo") async throws -> [String: Any] {
        let all = try #require(try JSONSerialization.jsonObject(with: await sim.statsJSON()) as? [String: Any])
        return try #require((all["halo"] as? [String: Any])?[tenant] as? [String: Any])
    }

    @Test("every ticket of a 1,000-ticket tenant in 10 pages, without a 429")
    func thousand() async throws {
        var config = SimulatorConfig()
        config.tickets = 1_000
        let sim = try await Simulator.start(config)
        let api = Self.api(sim, config, limit: 300)
        let all = try await api.allTickets()
        #expect(all.count == 1_000 && Set(all.map(\.id)).count == 1_000)
        let s = try await Self.stats(sim)
        #expect(s["pagesServed"] as? Int == 10)
        #expect(s["throttled429"] as? Int == 0)
        #expect(await api.client.stats.status429 == 0)
        await sim.stop()
    }

    @Test("a status change and an internal note land once; the upsert creates nothing")
    func changeAndNote() async throws {
        var config = SimulatorConfig()
        config.tickets = 30
        let sim = try await Simulator.start(config)
        let api = Self.api(sim, config, limit: 300)
        let t = try #require(try await api.allTickets().first)
        let target = t.status == "Waiting on Customer" ? "In Progress" : "Waiting on Customer"
        let (outcome, fresh) = try await api.changeAndConfirm(ticketID: t.id, .status, to: target)
        #expect(outcome == .confirmed && fresh?.status == target)
        try await api.addNote(ticketID: t.id, text: "Called the user back", visibility: .internal)
        let notes = await sim.haloNotes(ticket: t.id)
        #expect(notes.count == 1 && notes[0].note == "Called the user back" && notes[0].hidden)
        let comments = try await api.ticketComments(id: t.id)
        #expect(
            comments.contains { $0.isSystem }
                && comments.contains { $0.isInternal && $0.text == "Called the user back" })
        let s = try await Self.stats(sim)
        #expect(s["ticketsCreated"] as? Int == 0 && s["ticketsUpdated"] as? Int == 1 && s["notesAdded"] as? Int == 1)
        #expect(await sim.haloTickets().count == 30)
        await sim.stop()
    }

    @Test("the twin's rolling limit answers 429 with the vendor's text; the limit it names wins in the quota")
    func limited() async throws {
        var config = SimulatorConfig()
        config.tickets = 10
        config.haloLimit = 12
        let sim = try await Simulator.start(config)
        // Configured higher than the server allows: the twin says 12. No retry and a short pause,
        // so that the test does not wait out the 5-minute window (whatever the machine's load).
        var policy = HaloAPI.policy(limit: 400)
        policy.maxRetries = 0
        policy.defaultPause = .milliseconds(10)
        let client = RateAwareClient(
            transport: AHCTransport(), policy: policy, seed: 1, secrets: [config.haloClientSecret])
        let api = HaloAPI(
            client: client, instance: sim.haloBaseURL,
            credentials: HaloCredentials(clientID: config.haloClientID, clientSecret: config.haloClientSecret),
            limit: 400)
        var refused: [String] = []
        for _ in 0..<15 {
            do { _ = try await api.ticket(id: 1) } catch let e as APIError { refused.append(e.detail) }
        }
        #expect(refused.contains { $0.contains("12 Requests per rolling 5 minute window") })
        #expect(await api.client.stats.status429 >= 1)
        let q = try await api.quota()
        #expect(q.limit == 12 && q.windowSeconds == 300)
        await sim.stop()
    }

    @Test("a wrong secret is refused naming the field, never echoing it; a wrong scope names the scope")
    func refused() async throws {
        var config = SimulatorConfig()
        config.tickets = 1
        let sim = try await Simulator.start(config)
        let client = RateAwareClient(
            transport: AHCTransport(), policy: HaloAPI.policy(limit: 300), seed: 1, secrets: ["not-the-secret"])
        let api = HaloAPI(
            client: client, instance: sim.haloBaseURL,
            credentials: HaloCredentials(clientID: config.haloClientID, clientSecret: "not-the-secret"))
        do {
            try await api.prepare()
            Issue.record("a wrong secret was taken")
        } catch let e as APIError {
            #expect(e.detail.contains("client_secret") && !String(describing: e).contains("not-the-secret"))
        }
        let scoped = HaloAPI(
            client: RateAwareClient(transport: AHCTransport(), policy: HaloAPI.policy(limit: 300), seed: 1),
            instance: sim.haloBaseURL,
            credentials: HaloCredentials(
                clientID: config.haloClientID, clientSecret: config.haloClientSecret, scope: "admin"))
        do {
            try await scoped.prepare()
            Issue.record("a wrong scope was taken")
        } catch let e as APIError {
            #expect(e.detail.contains("scope"))
        }
        await sim.stop()
    }

    @Test("--tenant halo:NAME:LIMIT:TICKETS is a tenant of its own: its credentials, data and counters")
    func extraTenant() async throws {
        var config = SimulatorConfig()
        config.tickets = 40
        config.extraTenants = [try TenantSpec(parsing: "halo:east:50:20")]
        let sim = try await Simulator.start(config)
        let east = try #require(sim.tenantConfig("east"))
        #expect(east.haloLimit == 50)
        #expect(try await Self.api(sim, east, limit: 50).allTickets().count == 20)
        #expect(try await Self.api(sim, config, limit: 300).allTickets().count == 40)
        #expect(try await Self.stats(sim, "east")["pagesServed"] as? Int == 1)
        await sim.stop()
    }
}
