import Foundation
import PSAClient
import PSACore
import Simulator
import Testing

/// ConnectWiseAPI against the simulator's ConnectWise twin (real HTTP on loopback).
@Suite("ConnectWise against the twin", .timeLimit(.minutes(10)))
struct ConnectWiseAgainstSimTests {
    static func creds(_ c: SimulatorConfig) -> ConnectWiseCredentials {
        ConnectWiseCredentials(
            company: c.cwCompany, publicKey: c.cwPublicKey, privateKey: c.cwPrivateKey, clientID: c.cwClientID)
    }

    static func api(_ sim: Simulator, _ config: SimulatorConfig, budget: RateBudget? = nil) -> ConnectWiseAPI {
        let client = RateAwareClient(
            transport: AHCTransport(), policy: ConnectWiseAPI.policy(budget: budget), seed: 1,
            secrets: creds(config).secrets)
        return ConnectWiseAPI(
            client: client, site: sim.connectWiseSiteURL, credentials: creds(config), budget: budget,
            me: Simulator.demoConnectWiseMemberEmail)
    }

    static func stats(_ sim: Simulator) async throws -> [String: Any] {
        let all = try #require(try JSONSerialization.jsonObject(with: await sim.statsJSON()) as? [String: Any])
        return try #require((all["connectwise"] as? [String: Any])?["connectwise"] as? [String: Any])
    }

    @Test("the codebase from companyinfo; every open ticket in forward-only pages, the count beside them")
    func walk() async throws {
        var config = SimulatorConfig()
        config.tickets = 1_200
        let sim = try await Simulator.start(config)
        let api = Self.api(sim, config)
        #expect(await api.apiBaseURL() == sim.connectWiseSiteURL + "/" + config.cwCodebase + "apis/3.0")
        let all = try await api.allTickets()
        let first = try await api.page(after: nil)
        #expect(all.count == first.total && Set(all.map(\.id)).count == all.count)
        #expect(all.count > ConnectWiseAPI.pageSize)
        let s = try await Self.stats(sim)
        #expect((s["forwardOnlyPages"] as? Int ?? 0) >= 3)
        await sim.stop()
    }

    @Test("a filter's conditions survive the Link: every page of a status holds that status only")
    func filteredWalk() async throws {
        var config = SimulatorConfig()
        config.tickets = 2_000
        let sim = try await Simulator.start(config)
        let api = Self.api(sim, config)
        let tickets = try await api.allTickets(filter: ServerFilter(status: "New"))
        #expect(tickets.count > ConnectWiseAPI.pageSize)
        #expect(tickets.allSatisfy { $0.status == "New" })
        let twin = await sim.connectWiseTickets().filter { [16, 31].contains($0.status) }
        #expect(tickets.count == twin.count)
        await sim.stop()
    }

    @Test("changes since a moment: lastUpdated > [since], the patched ticket comes back")
    func changes() async throws {
        var config = SimulatorConfig()
        config.tickets = 50
        let sim = try await Simulator.start(config)
        let api = Self.api(sim, config)
        let since = Date().addingTimeInterval(-60)
        #expect(try await api.changes(since: since).tickets.isEmpty)
        let t = try #require(try await api.page(after: nil).tickets.first)
        let target = try #require(try await api.choices(for: .priority).first { $0 != t.priority })
        try await api.change(ticketID: t.id, .priority, to: target)
        let changed = try await api.changes(since: since)
        #expect(changed.complete && changed.tickets.map(\.id) == [t.id])
        await sim.stop()
    }

    @Test("a status is set through the ticket's own board, patched alone and read back")
    func statusPerBoard() async throws {
        var config = SimulatorConfig()
        config.tickets = 60
        let sim = try await Simulator.start(config)
        let api = Self.api(sim, config)
        let twin = await sim.connectWiseTickets()
        let row = try #require(twin.first { $0.board == 2 })
        let (outcome, fresh) = try await api.changeAndConfirm(ticketID: row.id, .status, to: "Scheduled")
        #expect(outcome == .confirmed && fresh?.status == "Scheduled")
        #expect(await sim.connectWiseTickets().first { $0.id == row.id }?.status == 32)
        // A status of another board only: refused before sending.
        await #expect(throws: APIError.self) { try await api.change(ticketID: row.id, .status, to: "Escalated") }
        // Inactive statuses are not offered; the offer follows the boards' sortOrder.
        let offered = try await api.choices(for: .status)
        #expect(!offered.contains("Old Queue (retired)"))
        #expect(offered.prefix(3) == ["New", "Escalated", "In Progress"])
        let s = try await Self.stats(sim)
        #expect(s["ticketsPatched"] as? Int == 1)
        await sim.stop()
    }

    @Test("notes are internal analysis by default, the discussion only when chosen")
    func notes() async throws {
        var config = SimulatorConfig()
        config.tickets = 5
        let sim = try await Simulator.start(config)
        let api = Self.api(sim, config)
        try await api.addNote(ticketID: 1_001, text: "Called the user", visibility: .internal)
        try await api.addNote(ticketID: 1_001, text: "We are on it", visibility: .customers)
        let notes = await sim.connectWiseNotes(ticket: 1_001)
        #expect(notes.count == 2)
        #expect(notes[0].analysis && !notes[0].detail && !notes[0].resolution)
        #expect(notes[1].detail && !notes[1].analysis)
        let shown = try #require(try await api.ticketComments(id: 1_001))
        #expect(shown.last?.isInternal == false && shown.dropLast().last?.isInternal == true)
        await sim.stop()
    }

    @Test("without a budget the quota is 'limit not published' with our count; with one, a Quota")
    func quota() async throws {
        var config = SimulatorConfig()
        config.tickets = 5
        let sim = try await Simulator.start(config)
        let api = Self.api(sim, config)
        _ = try await api.page(after: nil)
        do {
            _ = try await api.quota()
            Issue.record("a quota without a budget")
        } catch let e as UnpublishedLimit {
            #expect(e.own >= 2 && e.description.contains("limit not published"))
        }
        let budgeted = Self.api(sim, config, budget: RateBudget(limit: 100, windowSeconds: 60))
        _ = try await budgeted.page(after: nil)
        let q = try await budgeted.quota()
        #expect(q.limit == 100 && q.used >= 2)
        await sim.stop()
    }

    @Test("conditions past ~2,000 characters go in POST /service/tickets/search; short ones stay a GET")
    func longConditions() async throws {
        var config = SimulatorConfig()
        config.tickets = 30
        let sim = try await Simulator.start(config)
        let api = Self.api(sim, config)
        // A company name no ticket has, long enough to push the conditions past a URL's length.
        let long = String(repeating: "Fabrikam \"Holdings\" ", count: 120)
        let none = try await api.allTickets(filter: ServerFilter(company: long))
        #expect(none.isEmpty)
        let s = try await Self.stats(sim)
        #expect(s["searches"] as? Int == 1)
        // A short one stays a GET.
        _ = try await api.allTickets(filter: ServerFilter(company: "Fabrikam Manufacturing"))
        #expect(try await Self.stats(sim)["searches"] as? Int == 1)
        await sim.stop()
    }
}
