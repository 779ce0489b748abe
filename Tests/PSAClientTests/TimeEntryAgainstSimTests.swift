import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Simulator
import Testing

@Suite("Time entries against the twin (real HTTP on loopback)", .timeLimit(.minutes(5)))
struct TimeEntryAgainstSimTests {
    static func api(_ sim: Simulator, me: String?) -> AutotaskAPI {
        let c = sim.config
        return AutotaskAPI.twin(
            sim,
            client: RateAwareClient(
                transport: AHCTransport(), seed: 1, secrets: [c.autotaskSecret, c.autotaskIntegrationCode]), config: c,
            me: me)
    }

    @Test("a timer's entry lands once, as me under my default role, with the timer's duration; read back")
    func landsOnce() async throws {
        var config = SimulatorConfig()
        config.tickets = 20
        let sim = try await Simulator.start(config)
        let api = Self.api(sim, me: "dana.whitfield@msp.example")
        let ticket = try #require(await sim.autotaskTicketIDs().first)
        let start = VendorDate.parse("2026-11-23T09:12:00Z")!
        let draft = TimeEntryDraft(
            ticketID: ticket, number: "T1", start: start, end: start.addingTimeInterval(75 * 60),
            summary: "Replaced the PSU")
        let caveat = try await api.logTime(draft)
        #expect(caveat == nil)
        let added = await sim.autotaskAddedTimeEntries()
        #expect(added.count == 1)
        let e = try #require(added.first)
        #expect(e.ticketID == ticket && e.hoursWorked == 1.25 && e.summary == "Replaced the PSU")
        #expect(e.start == start && e.end == start.addingTimeInterval(75 * 60))
        #expect(e.resourceID == 29_682_885 && e.roleID == 29_683_461)
        let stats = try JSONSerialization.jsonObject(with: await sim.statsJSON()) as? [String: Any]
        #expect(stats?["timeEntriesAdded"] as? Int == 1)
    }

    @Test("refused before sending without me and on Atera; a refused entry is not sent again")
    func refusals() async throws {
        var config = SimulatorConfig()
        config.tickets = 20
        let sim = try await Simulator.start(config)
        let start = VendorDate.parse("2026-11-23T09:12:00Z")!
        let draft = TimeEntryDraft(
            ticketID: 99_999_999, number: "T9", start: start, end: start.addingTimeInterval(600), summary: "x")
        await #expect(throws: APIError.self) { try await Self.api(sim, me: nil).logTime(draft) }
        let api = Self.api(sim, me: "dana.whitfield@msp.example")
        let before = await api.client.stats.sent
        // No such ticket: the server refuses; the POST went once (no retry of a write).
        await #expect(throws: APIError.self) { try await api.logTime(draft) }
        let posts = await api.client.stats.sent - before
        #expect(posts == 3)  // me, my role, the one POST
        #expect(await sim.autotaskAddedTimeEntries().isEmpty)
        let atera = SimulatorWalkTests.atera(sim)
        do {
            try await atera.timeWriter().logTime(draft)
            Issue.record("Atera took time")
        } catch let e as APIError {
            #expect(String(describing: e).contains("Atera's API has no time writes"))
        }
        #expect(Vendor.halo.timeRefusal == nil)
        #expect(Vendor.connectwise.timeRefusal?.contains("not supported for ConnectWise yet") == true)
    }
}
