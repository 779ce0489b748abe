import Clocks
import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Simulator
import Testing

/// The simulator's counters, decoded loosely.
func simStats(_ sim: Simulator) async throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: await sim.statsJSON()) as? [String: Any] ?? [:]
}

@Suite(
    "Updates, attachments and the quota ceiling against the simulator (real HTTP on loopback)", .timeLimit(.minutes(10))
)
struct ChangesAndCeilingAgainstSimTests {
    @Test(
        "a change by label: the tenant's picklist gives the labels and the value sent; an unknown label is refused before sending"
    )
    func changeByLabel() async throws {
        let sim = try await Simulator.start(SimulatorConfig())
        let api = SimulatorWalkTests.autotask(sim)
        let id = await sim.autotaskTicketIDs()[2]
        let statuses = try await api.choices(for: .status)
        #expect(statuses.contains("Complete") && statuses.contains("New"))
        #expect(try await api.choices(for: .priority).count >= 3)
        try await api.change(ticketID: id, .status, to: "complete")
        #expect(try await api.ticket(id: id).status == "Complete")
        #expect(try await simStats(sim)["updatedFields"] as? [String: Int] == ["status": 1])
        await #expect(throws: APIError.self) { try await api.change(ticketID: id, .status, to: "No Such Status") }
        #expect(await api.client.log.filter { $0.method == "PATCH" }.count == 1)

        let atera = SimulatorWalkTests.atera(sim)
        #expect(try await atera.choices(for: .priority) == ["Low", "Medium", "High", "Critical"])
        try await atera.change(ticketID: 1_002, .priority, to: "Critical")
        #expect(try await atera.ticket(id: 1_002).priority == "Critical")
        await sim.stop()
    }

    @Test("PATCH carries only the changed fields: the status changes, the description is never written back")
    func patchOnlyChangedFields() async throws {
        let sim = try await Simulator.start(SimulatorConfig())
        let api = SimulatorWalkTests.autotask(sim)
        let id = await sim.autotaskTicketIDs()[1]
        let before = try await api.ticket(id: id)
        try await api.update(ticketID: id, fields: ["status": .int(5), "priority": .int(1)])
        let after = try await api.ticket(id: id)
        #expect(after.status == "Complete")
        #expect(after.title == before.title && after.description == before.description)
        let stats = try await simStats(sim)
        #expect(stats["updatedFields"] as? [String: Int] == ["status": 1, "priority": 1])
        #expect(stats["descriptionWrites"] as? Int == 0)
        let patch = await api.client.log.filter { $0.method == "PATCH" }
        #expect(patch.count == 1 && patch[0].path == "/Tickets (#\(id): priority, status)")
        await sim.stop()
    }

    @Test("a failed update is reported and not retried")
    func failedUpdateNotRetried() async throws {
        var config = SimulatorConfig()
        config.faults = FaultPlan([.serverError: 1])
        let sim = try await Simulator.start(config)
        let api = SimulatorWalkTests.autotask(sim, discover: false)
        let id = await sim.autotaskTicketIDs()[1]
        await #expect(throws: APIError.self) { try await api.update(ticketID: id, fields: ["status": .int(5)]) }
        let log = await api.client.log.filter { $0.method == "PATCH" }
        #expect(log.count == 1)
        #expect((try await simStats(sim)["updatedFields"] as? [String: Int]) ?? [:] == [:])
        await sim.stop()
    }

    @Test(
        "Atera: POST /tickets/{id} with only the changed fields; a field Atera cannot update is refused before sending")
    func ateraUpdate() async throws {
        let sim = try await Simulator.start(SimulatorConfig())
        let api = SimulatorWalkTests.atera(sim)
        try await api.update(
            ticketID: 1_001, fields: ["TicketStatus": .string("Pending"), "TicketPriority": .string("High")])
        let t = try await api.ticket(id: 1_001)
        #expect(t.status == "Pending" && t.priority == "High")
        #expect(try await simStats(sim)["updatedFields"] as? [String: Int] == ["TicketStatus": 1, "TicketPriority": 1])
        await #expect(throws: APIError.self) {
            try await api.update(ticketID: 1_001, fields: ["Description": .string("x")])
        }
        #expect(await api.client.log.filter { $0.method == "POST" }.count == 1)
        await sim.stop()
    }

    @Test("Atera: comments come paged in the list envelope; lastmodified lists what changed since a date")
    func ateraCommentsAndChanges() async throws {
        let sim = try await Simulator.start(SimulatorConfig())
        let api = SimulatorWalkTests.atera(sim)
        var total = 0
        for id in Int64(1_001)...1_010 {
            let comments = try await api.comments(ticketID: id)
            total += comments.count
            #expect(comments.allSatisfy { $0.Date != nil && !($0.Comment ?? "").isEmpty })
        }
        #expect(total > 0)
        let before = Date()
        try await Task.sleep(for: .milliseconds(20))
        try await api.update(ticketID: 1_003, fields: ["TicketStatus": .string("Resolved")])
        let since = VendorDate.format(before)
        let r = try await api.client.send(
            ClientRequest(
                spec: HTTPRequestSpec(
                    method: "GET", url: sim.ateraBaseURL + "/tickets/lastmodified?date=\(since)",
                    headers: [("X-API-KEY", sim.config.ateraKey)]),
                endpoint: "tickets", logPath: "/tickets/lastmodified", idempotent: true, purpose: "test"))
        let env = try r.decode(AteraEnvelope<AteraTicket>.self)
        #expect(env.items.map(\.TicketID) == [1_003])
        await sim.stop()
    }

    static func scaled(_ scale: Double) -> ClientPolicy {
        var p = ClientPolicy()
        p.ceiling = 0.75
        p.timeScale = scale
        return p
    }

    /// A simulator and an Autotask client on one test clock: the 5-minute attachment window
    /// moves only when the test moves it, however slow the machine (real HTTP on loopback still).
    static func onTestClock(
        _ policy: ClientPolicy = ClientPolicy(), config: SimulatorConfig = SimulatorConfig(), pageSize: Int = 500
    ) async throws -> (TestClock<Duration>, Simulator, AutotaskAPI) {
        let test = TestClock<Duration>()
        let clock = PSAClock(test)
        let sim = try await Simulator.start(config, clock: clock)
        let c = sim.config
        let client = RateAwareClient(
            transport: AHCTransport(), policy: policy, clock: clock, seed: 1,
            secrets: [c.autotaskSecret, c.autotaskIntegrationCode])
        let api = AutotaskAPI.twin(sim, client: client, config: c, pageSize: pageSize)
        return (test, sim, api)
    }

    @Test(
        "attachments: the client waits for the 5-minute budget, so the simulator never has to refuse; too big is refused before sending"
    )
    func attachmentBudget() async throws {
        let (test, sim, api) = try await Self.onTestClock()
        let id = await sim.autotaskTicketIDs()[1]
        let file = Data(repeating: 0x41, count: 4_000_000)
        let events = await api.client.events()
        // Two fit in the 10,000,000 bytes; the third waits for the first to leave the window.
        for i in 0..<2 { try await api.attach(ticketID: id, fileName: "/tmp/scan-\(i).pdf", data: file) }
        let third = Task { try await api.attach(ticketID: id, fileName: "/tmp/scan-2.pdf", data: file) }
        var wait: (used: Int, limit: Int)? = nil
        for await e in events {
            if case .attachmentWait(let used, let limit, _) = e {
                wait = (used, limit)
                break
            }
        }
        let seen = try #require(wait)
        #expect(seen.used == 8_000_000 && seen.limit == 10_000_000)
        #expect(try await simStats(sim)["attachmentsStored"] as? Int == 2, "the third went before its time")
        await test.advance(by: .seconds(301))
        try await third.value
        await #expect(throws: APIError.self) {
            try await api.attach(ticketID: id, fileName: "big.iso", data: Data(count: 7_000_000))
        }
        let stats = try await simStats(sim)
        #expect(stats["attachmentsStored"] as? Int == 3)
        #expect(stats["attachmentRefusals"] as? Int == 0)
        let uploads = await api.client.log.filter {
            $0.method == "POST" && $0.path.contains("Attachments") && $0.status == 200
        }
        try #require(uploads.count == 3, "\(uploads.map(\.path))")
        #expect(uploads[2].waitReason == .attachmentBudget)
        #expect(uploads[2].time.timeIntervalSince(uploads[0].time) >= 300)
        await api.client.finishEvents()
        await sim.stop()
    }

    @Test("the simulator refuses past 10,000,000 bytes in 5 minutes, and the client names it")
    func simulatorRefusesAttachments() async throws {
        // On a test clock that never moves: all three uploads fall in one window, however long they take.
        var policy = ClientPolicy()
        policy.attachmentWindowBytes = 100_000_000  // a client that does not know the budget
        let (_, sim, api) = try await Self.onTestClock(policy)
        let id = await sim.autotaskTicketIDs()[1]
        let file = Data(repeating: 0x41, count: 4_000_000)
        try await api.attach(ticketID: id, fileName: "a.pdf", data: file)
        try await api.attach(ticketID: id, fileName: "b.pdf", data: file)
        do {
            try await api.attach(ticketID: id, fileName: "c.pdf", data: file)
            Issue.record("expected the simulator to refuse")
        } catch let e as APIError {
            #expect(e.kind == .attachmentLimit)
            #expect(e.description.contains("10,000,000 bytes"))
        }
        #expect(try await simStats(sim)["attachmentRefusals"] as? Int == 1)
        await sim.stop()
    }

    static func loaded(perHour: Double, scale: Double) -> SimulatorConfig {
        var c = SimulatorConfig()
        c.tickets = 2_000
        c.timeScale = scale
        c.background = .steady(perHour: perHour)
        c.addLatency = false
        return c
    }

    @Test("a bulk walk near the 75% ceiling is spread and never takes the tenant past it (test clock)")
    func walkSpreadBelowCeiling() async throws {
        // Others keep the tenant at 7,440 of 10,000 an hour; simulator and client on one test clock.
        let (test, sim, api) = try await Self.onTestClock(
            Self.scaled(1), config: Self.loaded(perHour: 7_440, scale: 1), pageSize: 10)
        let events = await api.client.events()
        let tickets = try await drive(test, step: .seconds(1), untilDone: Task { try await api.allTickets(limit: 100) })
        #expect(tickets.count == 100)
        let peak = try #require(try await simStats(sim)["peakCount"] as? Int)
        #expect(peak >= 7_440 && peak <= 7_500, "peak \(peak)")
        #expect(await api.client.log.contains { $0.waitReason == .ceiling })
        var spread = false
        await api.client.finishEvents()
        for await e in events {
            if case .ceiling(let s?) = e, s.state == .spreading {
                spread = true
                break
            }
        }
        #expect(spread)
        await sim.stop()
    }

    @Test("over the ceiling a bulk walk holds and says so; a person's request still goes (test clock)")
    func walkHeldOverCeiling() async throws {
        let (test, sim, api) = try await Self.onTestClock(
            Self.scaled(1), config: Self.loaded(perHour: 7_700, scale: 1), pageSize: 10)
        let id = await sim.autotaskTicketIDs()[1]
        let walk = Task { try await api.allTickets(limit: 50) }
        // Moved in steps until the walk is held: no real-time poll that a busy machine outlasts.
        try await drive(test, step: .seconds(1)) { await api.client.ceilingStatus?.state == .holding }
        let held = try #require(await api.client.ceilingStatus)
        #expect(held.text.contains("held at the 75% ceiling"))
        let one = try await api.ticket(id: id)
        #expect(one.id == id)
        #expect(!(await api.client.log.contains { $0.path.hasPrefix("/Tickets/query (id >") }))
        walk.cancel()
        _ = await walk.result
        await sim.stop()
    }

    @Test(
        "over the ceiling a change to many (bulk priority, as the poller sends it) holds: no PATCH; a person's change still goes (test clock)"
    )
    func bulkChangesHeldOverCeiling() async throws {
        let (test, sim, api) = try await Self.onTestClock(
            Self.scaled(1), config: Self.loaded(perHour: 7_700, scale: 1), pageSize: 10)
        let ids = Array(await sim.autotaskTicketIDs().prefix(4))
        let bulk = Task {
            try await RequestPriority.$current.withValue(.bulk) {
                for id in ids.prefix(3) { try await api.change(ticketID: id, .priority, to: "Critical") }
            }
        }
        try await drive(test, step: .seconds(1)) { await api.client.ceilingStatus?.state == .holding }
        #expect(!(await api.client.log.contains { $0.method == "PATCH" }))
        try await api.change(ticketID: ids[3], .status, to: "Complete")
        let patches = await api.client.log.filter { $0.method == "PATCH" }
        #expect(patches.count == 1 && patches[0].path.contains("#\(ids[3])"), "\(patches.map(\.path))")
        bulk.cancel()
        _ = await bulk.result
        #expect(try await simStats(sim)["updatedFields"] as? [String: Int] == ["status": 1])
        await sim.stop()
    }
}
