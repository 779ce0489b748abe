import Foundation
import PSAClient
import PSACore
import Simulator
import Testing

@Suite("Vendor APIs against the simulator (real HTTP on loopback)", .timeLimit(.minutes(10)))
struct SimulatorWalkTests {
    /// An Autotask API on the simulator: the zone discovered, unless `discover` is false; the
    /// simulator's secret unless another is given.
    static func autotask(
        _ sim: Simulator, pageSize: Int = 500, secret: String? = nil, discover: Bool = true,
        policy: ClientPolicy = ClientPolicy(), transport: any HTTPTransport = AHCTransport()
    ) -> AutotaskAPI {
        let c = sim.config
        let secret = secret ?? c.autotaskSecret
        let client = RateAwareClient(
            transport: transport, policy: policy, seed: 1, secrets: [secret, c.autotaskIntegrationCode])
        return AutotaskAPI(
            client: client,
            credentials: .init(userName: c.autotaskUser, secret: secret, integrationCode: c.autotaskIntegrationCode),
            baseURL: discover ? nil : sim.autotaskBaseURL, zoneDiscoveryURL: sim.autotaskBaseURL, pageSize: pageSize)
    }

    /// A simulator with 40 tickets and an Autotask API on it (its zone given, not discovered).
    static func smallAutotask() async throws -> (Simulator, AutotaskAPI) {
        var config = SimulatorConfig()
        config.tickets = 40
        let sim = try await Simulator.start(config)
        return (sim, autotask(sim, discover: false))
    }

    /// An Atera API on the simulator's primary key.
    static func atera(_ sim: Simulator) -> AteraAPI {
        AteraAPI(
            client: RateAwareClient(transport: AHCTransport(), seed: 1, secrets: [sim.config.ateraKey]),
            key: sim.config.ateraKey, baseURL: sim.ateraBaseURL)
    }

    @Test("the id walk returns 1,234 tickets with no gaps and no duplicates", arguments: [500, 123])
    func idWalk(pageSize: Int) async throws {
        var config = SimulatorConfig()
        config.tickets = 1_234
        let sim = try await Simulator.start(config)
        defer { Task { await sim.stop() } }
        let api = Self.autotask(sim, pageSize: pageSize)
        let all = try await api.allTickets(filter: ServerFilter(), options: WalkOptions(threads: 1))
        #expect(all.count == 1_234)
        #expect(Set(all.map(\.id)).count == 1_234)
        #expect(zip(all, all.dropFirst()).allSatisfy { $0.id < $1.id })
        // Labels, not ids.
        #expect(all.allSatisfy { !$0.status.hasPrefix("#") && !$0.priority.hasPrefix("#") })
        #expect(all.contains { $0.company == "Acme Dental Group" })
        // Each page went through the client and its log; the query was never a GET on nextPageUrl.
        let log = await api.client.log
        #expect(
            log.filter { $0.path.hasPrefix("/Tickets/query (id >") }.count == (1_234 + pageSize - 1) / pageSize
                + (1_234 % pageSize == 0 ? 1 : 0))
        #expect(!log.contains { $0.path.contains("/next") })
        // Shared among two thread slots (the default): the same tickets, a few more pages at most.
        let api2 = Self.autotask(sim, pageSize: pageSize)
        #expect(try await api2.allTickets() == all)
        let pages2 = await api2.client.log.filter { $0.path.hasPrefix("/Tickets/query (id >") }.count
        #expect(pages2 <= (1_234 + pageSize - 1) / pageSize + 1 + 3)
        await sim.stop()
    }

    @Test(
        "the detail names the ticket's contact (one Contacts query, then from the cache); list pages never ask for contacts"
    )
    func contactInDetail() async throws {
        let (sim, api) = try await Self.smallAutotask()
        let list = try await api.allTickets(limit: 40)
        #expect(list.count == 40)
        #expect(!(await api.client.log.contains { $0.path.hasPrefix("/Contacts") }))
        let raw = await sim.autotaskTickets()
        let withContact = try #require(raw.first { $0.contactID != nil })
        let expected = try #require(SimData.contact(withContact.contactID!))
        let t = try await api.ticket(id: withContact.id)
        let shown = try #require(t.fields.first { $0.name == "Contact" }?.value)
        #expect(shown == "\(expected.first) \(expected.last) <\(expected.email)> · \(expected.phone)")
        _ = try await api.ticket(id: withContact.id)
        #expect(await api.client.log.filter { $0.path.hasPrefix("/Contacts/query") }.count == 1)
        // A contact the tenant does not have: the id is shown, and asked for once, not at every open.
        try await api.update(ticketID: withContact.id, fields: ["contactID": .int(1)])
        for _ in 0..<2 {
            #expect(try await api.ticket(id: withContact.id).fields.first { $0.name == "Contact" }?.value == "#1")
        }
        #expect(await api.client.log.filter { $0.path.hasPrefix("/Contacts/query") }.count == 2)
        await sim.stop()
    }

    @Test(
        "the detail's notes (TicketNotes): oldest first, authors by name, internal ones marked; none is an empty list")
    func notesInDetail() async throws {
        let (sim, api) = try await Self.smallAutotask()
        let ids = await sim.autotaskTicketIDs()
        let three = try #require(ids.first { $0 % 4 == 3 }), none = try #require(ids.first { $0 % 4 == 0 })
        let notes = try await api.ticketComments(id: three)
        #expect(notes.count == 3)
        #expect(notes.map(\.date) == notes.map(\.date).sorted { ($0 ?? .distantPast) < ($1 ?? .distantPast) })
        #expect(notes.map(\.isInternal) == [false, true, false])
        // By name: the resource lookup answered (else "Resource #id").
        #expect(
            notes.allSatisfy {
                !$0.author.hasPrefix("Resource #") && $0.author != "Autotask" && $0.author.contains(" ")
            },
            "\(notes.map(\.author))")
        #expect(notes.allSatisfy { !$0.text.isEmpty })
        #expect(try await api.ticketComments(id: none) == [])
        // One query per ticket opened; the authors' names once.
        let log = await api.client.log
        #expect(log.filter { $0.path.hasPrefix("/TicketNotes/query") }.count == 2)
        #expect(log.filter { $0.path.hasPrefix("/Resources/query") }.count <= 1)
        await sim.stop()
    }

    @Test("Atera pages through the real envelope")
    func ateraWalk() async throws {
        var config = SimulatorConfig()
        config.tickets = 234
        let sim = try await Simulator.start(config)
        let api = Self.atera(sim)
        let client = api.client
        let all = try await api.allTickets()
        #expect(all.count == 234)
        #expect(Set(all.map(\.id)).count == 234)
        #expect(await client.log.count == 5)  // 50 per page
        let q = try await api.quota()
        #expect(q.limit == 700 && q.used >= 5)
        await sim.stop()
    }

    @Test("after a zone move the old URL answers 401: the client re-resolves the zone once and goes on")
    func zoneMove() async throws {
        let sim = try await Simulator.start(SimulatorConfig())
        let api = Self.autotask(sim)
        _ = try await api.quota()
        #expect(await api.currentBaseURL() == sim.autotaskBaseURL)
        await sim.moveZone()
        _ = try await api.quota()
        #expect(await api.currentBaseURL() == "http://127.0.0.1:\(sim.port)/zone2/ATServicesRest/V1.0")
        let paths = await api.client.log.map { "\($0.path) \($0.status ?? 0)" }
        #expect(
            paths == [
                "/zoneInformation 200", "/ThresholdInformation 200", "/ThresholdInformation 401",
                "/zoneInformation 200", "/ThresholdInformation 200",
            ])
        await sim.stop()
    }

    @Test("a 401 that is not a zone move is reported as bad credentials after one re-resolve")
    func realBadCredentialsAfterDiscovery() async throws {
        let sim = try await Simulator.start(SimulatorConfig())
        let api = Self.autotask(sim, secret: "wrong")
        await #expect(throws: APIError.self) { _ = try await api.quota() }
        let statuses = await api.client.log.map { $0.status ?? 0 }
        #expect(statuses == [200, 401, 200])  // discover, refused, re-resolve (same zone): no second try
        await sim.stop()
    }

    @Test("bad credentials are named as such")
    func badCredentials() async throws {
        let sim = try await Simulator.start(SimulatorConfig())
        let api = Self.autotask(sim, secret: "wrong-secret", discover: false)
        do {
            _ = try await api.quota()
            Issue.record("expected bad credentials")
        } catch let e as APIError {
            #expect(e.kind == .badCredentials)
            #expect(!e.description.contains("wrong-secret"))
        }
        await sim.stop()
    }

    @Test(
        "plain http is refused except for loopback",
        arguments: [
            ("http://127.0.0.1:8080/x", true), ("http://localhost/x", true), ("http://[::1]:9/x", true),
            ("https://webservices3.autotask.net/x", true),
            ("http://webservices3.autotask.net/x", false), ("http://10.0.0.1/x", false), ("ftp://127.0.0.1/x", false),
            ("not a url", false),
        ])
    func urlPolicy(url: String, allowed: Bool) {
        #expect(((try? URLPolicy.check(url)) != nil) == allowed)
    }
}
