import Foundation
import PSAClient
import PSACore
import Simulator
import Testing

/// HaloPSA against the twin as corrected to the published contracts (issue 26): agent 1
/// "Unassigned", a second SLA's priorities, non-ticket statuses, the last page again past the
/// end, an `id_token`, `invalid_scope` for actions scopes, `lastupdatefromdate`, unknown orders
/// ignored, outcomes. Real HTTP on loopback.
@Suite("HaloPSA against the twin as real tenants have it", .timeLimit(.minutes(5)))
struct HaloTwinTenantTests {
    static func start(_ tickets: Int) async throws -> (Simulator, SimulatorConfig, HaloAPI) {
        var config = SimulatorConfig()
        config.tickets = tickets
        let sim = try await Simulator.start(config)
        let client = RateAwareClient(
            transport: AHCTransport(), policy: HaloAPI.policy(limit: 300), seed: 1,
            secrets: [config.haloClientSecret])
        let api = HaloAPI(
            client: client, instance: sim.haloBaseURL,
            credentials: HaloCredentials(clientID: config.haloClientID, clientSecret: config.haloClientSecret),
            limit: 300)
        return (sim, config, api)
    }

    /// A raw request to the twin with a fresh token (the twin's answer as sent, unread by psatop).
    static func raw(_ sim: Simulator, _ config: SimulatorConfig, _ path: String) async throws -> Any {
        let t = AHCTransport()
        let form =
            "grant_type=client_credentials&client_id=\(config.haloClientID)&client_secret=\(config.haloClientSecret)&scope=all"
        let tok = try await t.send(
            HTTPRequestSpec(
                method: "POST", url: sim.haloBaseURL + "/auth/token",
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Data(form.utf8)),
            timeout: .seconds(10))
        let token = try #require((try JSONSerialization.jsonObject(with: tok.body) as? [String: Any])?["access_token"])
        let r = try await t.send(
            HTTPRequestSpec(
                method: "GET", url: sim.haloBaseURL + "/api/" + path, headers: [("Authorization", "Bearer \(token)")]),
            timeout: .seconds(10))
        return try JSONSerialization.jsonObject(with: r.body)
    }

    @Test(
        "agent 1 is 'Unassigned' (listed only with includeunassigned): no ticket shows '#1', the picker leaves it out")
    func unassigned() async throws {
        let (sim, config, api) = try await Self.start(120)
        let listed = try #require(try await Self.raw(sim, config, "Agent") as? [[String: Any]])
        #expect(!listed.contains { $0["id"] as? Int == 1 })
        let all = try #require(try await Self.raw(sim, config, "Agent?includeunassigned=true") as? [[String: Any]])
        #expect(all.contains { $0["id"] as? Int == 1 && $0["name"] as? String == "Unassigned" })
        let held = await sim.haloTickets()
        #expect(held.contains { $0.agent == 1 })
        let tickets = try await api.allTickets()
        #expect(!tickets.contains { $0.assignee.hasPrefix("#") || $0.assignee == "Unassigned" })
        let unassigned = Set(held.filter { $0.agent == 1 }.map(\.id))
        #expect(tickets.filter { unassigned.contains($0.id) }.allSatisfy { $0.assignee == "" && $0.assigneeID == nil })
        #expect(try await !api.choices(for: .assignee).contains("Unassigned"))
        await sim.stop()
    }

    @Test("a second SLA's priorities and non-ticket statuses: each choice once, ticket statuses only")
    func lookups() async throws {
        let (sim, config, api) = try await Self.start(10)
        let rows = try #require(try await Self.raw(sim, config, "Priority") as? [[String: Any]])
        #expect(rows.count > 4 && rows.contains { $0["ishidden"] as? Bool == true })
        #expect(try await api.choices(for: .priority) == ["Critical", "High", "Medium", "Low"])
        let statuses = try await api.choices(for: .status)
        #expect(statuses == ["New", "In Progress", "Waiting on Customer", "Resolved", "Closed"])
        await sim.stop()
    }

    @Test("past the last page the twin sends it again; the walk stops there; an unknown order is ignored")
    func lastPageAgain() async throws {
        let (sim, config, api) = try await Self.start(250)
        let past = try #require(
            try await Self.raw(sim, config, "Tickets?pageinate=true&page_size=100&page_no=9") as? [String: Any])
        let last = try #require(
            try await Self.raw(sim, config, "Tickets?pageinate=true&page_size=100&page_no=3") as? [String: Any])
        let ids = { (o: [String: Any]) in (o["tickets"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int } }
        #expect(!ids(past).isEmpty && ids(past) == ids(last))
        let ordered = try #require(
            try await Self.raw(
                sim, config, "Tickets?pageinate=true&page_size=5&page_no=1&order=lastactiondate&orderdesc=true")
                as? [String: Any])
        #expect(ids(ordered) == [1, 2, 3, 4, 5])
        let all = try await api.allTickets()
        #expect(all.count == 250 && Set(all.map(\.id)).count == 250)
        #expect(try await HaloAgainstSimTests.stats(sim)["pagesServed"] as? Int == 3 + 3)
        await sim.stop()
    }

    @Test("the token answer's id_token names the agent psatop acts as; me without --me is that agent")
    func actingAs() async throws {
        let (sim, _, api) = try await Self.start(5)
        let name = try #require(try await api.actingAgent())
        #expect(name == "Dana Whitfield")
        let me = try #require(try await api.whoAmI())
        #expect(me.name == "Dana Whitfield" && me.id == 2)
        #expect(try await api.ticket(id: 1).fields.contains { $0.name == "Acting as" && $0.value == "Dana Whitfield" })
        await sim.stop()
    }

    @Test("read:actions is no scope (invalid_scope): actions are gated by the tickets scopes")
    func actionsScope() async throws {
        var config = SimulatorConfig()
        config.tickets = 1
        let sim = try await Simulator.start(config)
        let api = HaloAPI(
            client: RateAwareClient(transport: AHCTransport(), policy: HaloAPI.policy(limit: 300), seed: 1),
            instance: sim.haloBaseURL,
            credentials: HaloCredentials(
                clientID: config.haloClientID, clientSecret: config.haloClientSecret, scope: "read:tickets read:actions"
            ))
        do {
            try await api.prepare()
            Issue.record("read:actions was taken")
        } catch let e as APIError {
            #expect(e.kind == .badCredentials && e.detail.contains("scope"))
        }
        await sim.stop()
    }

    @Test("changes: lastupdatefromdate is honoured; a change made now is found, complete")
    func changes() async throws {
        let (sim, _, api) = try await Self.start(300)
        let start = Date()
        let none = try await api.changes(since: start.addingTimeInterval(60))
        #expect(none.complete && none.tickets.isEmpty)
        let t = try #require(try await api.allTickets().first)
        let target = t.status == "Waiting on Customer" ? "In Progress" : "Waiting on Customer"
        try await api.change(ticketID: t.id, .status, to: target)
        // The twin writes dates to the second.
        let found = try await api.changes(since: start.addingTimeInterval(-2))
        #expect(found.complete && found.tickets.map(\.id) == [t.id] && found.tickets.first?.status == target)
        await sim.stop()
    }

    @Test("a note: the tenant's outcome (Private Note), sendemail false; the Logged action is the system's")
    func note() async throws {
        let (sim, _, api) = try await Self.start(5)
        try await api.addNote(ticketID: 2, text: "Called back", visibility: .internal)
        let notes = await sim.haloNotes(ticket: 2)
        #expect(
            notes.count == 1 && notes[0].outcome == "Private Note" && notes[0].sendEmail == false && notes[0].hidden)
        let comments = try await api.ticketComments(id: 2)
        #expect(comments.filter(\.isSystem).map(\.kind) == ["Logged"])
        #expect(comments.contains { !$0.isSystem && $0.text == "Called back" })
        await sim.stop()
    }
}
