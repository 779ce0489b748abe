import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Simulator
import Testing

@Suite("Assigning a ticket (A), against the simulator", .timeLimit(.minutes(10)))
struct AssignTests {
    static func autotask(_ sim: Simulator, me: String? = nil) -> AutotaskAPI {
        let c = sim.config
        let client = RateAwareClient(
            transport: AHCTransport(), seed: 1, secrets: [c.autotaskSecret, c.autotaskIntegrationCode])
        return AutotaskAPI.twin(sim, client: client, config: c, me: me)
    }

    @Test("--me finds the resource by its e-mail; an unknown e-mail is a clear error, never someone else")
    func whoAmI() async throws {
        var config = SimulatorConfig()
        config.tickets = 20
        let sim = try await Simulator.start(config)
        defer { Task { await sim.stop() } }
        let me = try await Self.autotask(sim, me: "ravi.patel@msp.example").whoAmI()
        #expect(me?.name == "Ravi Patel" && me?.id == 29_682_886)
        await #expect(throws: APIError.self) { _ = try await Self.autotask(sim, me: "nobody@msp.example").whoAmI() }
        await sim.stop()
    }

    @Test(
        "Autotask: the active people, me first; the resource and its default service-desk role are sent, nothing else, and read back"
    )
    func autotaskAssign() async throws {
        var config = SimulatorConfig()
        config.tickets = 20
        let sim = try await Simulator.start(config)
        defer { Task { await sim.stop() } }
        let api = Self.autotask(sim, me: "sofia.garcia@msp.example")
        let choices = try await api.choices(for: .assignee)
        #expect(choices.first == "Sofia García")
        #expect(
            choices.contains("Dana Whitfield") && !choices.contains("API Integration")
                && !choices.contains("Autotask Administrator"))
        let id = try #require(await sim.autotaskTickets().first { $0.assignedResourceID != 29_682_887 }?.id)
        let (outcome, fresh) = try await api.changeAndConfirm(ticketID: id, .assignee, to: "Sofia García")
        #expect(outcome == .confirmed)
        #expect(fresh?.assignee == "Sofia García" && fresh?.assigneeID == 29_682_887)
        let held = try #require(await sim.autotaskTickets().first { $0.id == id })
        #expect(held.assignedResourceID == 29_682_887 && held.assignedResourceRoleID == 29_683_461)
        // Only assignedResourceID and assignedResourceRoleID (with the id) went, once.
        let stats = try JSONSerialization.jsonObject(with: await sim.statsJSON()) as? [String: Any]
        #expect((stats?["updatedFields"] as? [String: Int]) == ["assignedResourceID": 1, "assignedResourceRoleID": 1])
        #expect(await api.client.log.filter { $0.method == "PATCH" }.count == 1)
        await sim.stop()
    }

    @Test("Autotask: a resource without a default service-desk role is refused before anything is sent")
    func autotaskNoRole() async throws {
        var config = SimulatorConfig()
        config.tickets = 20
        let sim = try await Simulator.start(config)
        defer { Task { await sim.stop() } }
        let api = Self.autotask(sim)
        let id = try #require(await sim.autotaskTicketIDs().first)
        do {
            try await api.change(ticketID: id, .assignee, to: "Liam O'Neill")
            Issue.record("assigned without a role")
        } catch let e as APIError {
            #expect(
                e.kind == .refused && e.detail.contains("no default service-desk role")
                    && e.detail.contains("nothing was sent"))
        }
        #expect(!(await api.client.log.contains { $0.method == "PATCH" }))
        // The server itself refuses an assignment without its role, as Autotask does: sent raw
        // (the client never would), refused with Autotask's words, and the ticket is unchanged.
        let before = try #require(await sim.autotaskTickets().first { $0.id == id })
        let liam: Int64 = 29_682_892  // the simulator's eighth resource, Liam O'Neill
        let c = sim.config
        let r = try await AHCTransport().send(
            HTTPRequestSpec(
                method: "PATCH", url: sim.autotaskBaseURL + "/Tickets",
                headers: [
                    ("ApiIntegrationCode", c.autotaskIntegrationCode), ("UserName", c.autotaskUser),
                    ("Secret", c.autotaskSecret), ("Content-Type", "application/json"),
                ],
                body: Data(#"{"id":\#(id),"assignedResourceID":\#(liam)}"#.utf8)), timeout: .seconds(10))
        #expect(!(200..<300).contains(r.status), "status \(r.status)")
        #expect(
            String(decoding: r.body, as: UTF8.self).contains("AssignedResourceRoleID is required"),
            "\(String(decoding: r.body, as: UTF8.self))")
        let after = try #require(await sim.autotaskTickets().first { $0.id == id })
        #expect(after.assignedResourceID == before.assignedResourceID && before.assignedResourceID != liam)
        await sim.stop()
    }

    @Test(
        "Atera: technicians seen on tickets, me first; assigned by e-mail (TechnicianEmail only), read back; a bare name is refused"
    )
    func ateraAssign() async throws {
        var config = SimulatorConfig()
        config.tickets = 60
        let sim = try await Simulator.start(config)
        defer { Task { await sim.stop() } }
        let api = AteraAPI(
            client: RateAwareClient(transport: AHCTransport(), seed: 1, secrets: [sim.config.ateraKey]),
            key: sim.config.ateraKey, baseURL: sim.ateraBaseURL, technicianEmail: "mei.lin@msp.example")
        _ = try await api.page(after: nil)
        let choices = try await api.choices(for: .assignee)
        #expect(choices.first == "Mei Lin <mei.lin@msp.example>")
        #expect(choices.count > 2 && choices.allSatisfy { Ticket.email(inLabel: $0) != nil })
        let t = try #require(await sim.ateraTickets().first { $0.TechnicianEmail != "mei.lin@msp.example" })
        let (outcome, fresh) = try await api.changeAndConfirm(
            ticketID: t.TicketID, .assignee, to: "Mei Lin <mei.lin@msp.example>")
        #expect(outcome == .confirmed && fresh?.assigneeEmail == "mei.lin@msp.example")
        #expect(await sim.ateraTickets().first { $0.TicketID == t.TicketID }?.TechnicianEmail == "mei.lin@msp.example")
        await #expect(throws: APIError.self) { try await api.change(ticketID: t.TicketID, .assignee, to: "Mei Lin") }
        await sim.stop()
    }
}

@Suite("Attachments of a ticket, against the simulator", .timeLimit(.minutes(10)))
struct AttachmentListTests {
    @Test("Autotask: listed with their names cleaned, size, who, when, who sees them; the data fetched by id matches")
    func autotask() async throws {
        var config = SimulatorConfig()
        config.tickets = 40
        let sim = try await Simulator.start(config)
        defer { Task { await sim.stop() } }
        let api = AssignTests.autotask(sim)
        let id = try #require(await sim.autotaskTicketIDs().first { $0 % 12 == 1 })
        let list = try await api.attachments(ticketID: id)
        #expect(list.map(\.name) == ["screenshot-\(id).png", "bashrcgnp.exe"])
        #expect(list[0].isInternal == true && list[1].isInternal == false && list[0].size == 26 + String(id).count - 4)
        #expect(list.allSatisfy { $0.author != nil && $0.date != nil })
        let data = try await api.attachmentData(ticketID: id, list[0])
        #expect(String(decoding: data, as: UTF8.self) == "PNG-in-the-simulator \(id)\n")
        let none = try #require(await sim.autotaskTicketIDs().first { $0 % 4 != 1 })
        #expect(try await api.attachments(ticketID: none).isEmpty)
        await sim.stop()
    }

    @Test(
        "Atera: addresses listed by their file name; fetched with no credential (its own API answers 401 to such a request); not https is refused"
    )
    func atera() async throws {
        var config = SimulatorConfig()
        config.tickets = 40
        let sim = try await Simulator.start(config)
        defer { Task { await sim.stop() } }
        let api = SimulatorWalkTests.atera(sim)
        let id = try #require(await sim.ateraTickets().first { $0.TicketID % 5 == 0 }?.TicketID)
        let list = try await api.attachments(ticketID: id)
        #expect(
            list.map(\.name) == ["screenshot-\(id).png", "event-log-\(id).evtx"]
                && list.allSatisfy { $0.url?.hasPrefix("https://") == true })
        // An address on Atera's own API: were the key sent, it would answer 200.
        let probe = TicketAttachment(name: "x", url: sim.ateraBaseURL + "/tickets?page=1")
        do {
            _ = try await api.attachmentData(ticketID: id, probe)
            Issue.record("fetched with a credential")
        } catch let e as APIError {
            #expect(e.detail.contains("wants a sign-in") && e.detail.contains("sends no credential"))
        }
        await #expect(throws: APIError.self) {
            _ = try await api.attachmentData(ticketID: id, TicketAttachment(name: "x", url: "http://files.example/x"))
        }
        await sim.stop()
    }
}
