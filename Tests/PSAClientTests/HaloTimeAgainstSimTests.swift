import Foundation
import PSAClient
import PSACore
import Simulator
import Testing

/// Time on HaloPSA tickets against the twin: an action with `timetaken` (hours as a decimal).
@Suite("HaloPSA time against the twin", .timeLimit(.minutes(5)))
struct HaloTimeAgainstSimTests {
    @Test("an entry is one internal action with timetaken in hours, start and end; read back; listed with its hours")
    func logged() async throws {
        var config = SimulatorConfig()
        config.tickets = 20
        let sim = try await Simulator.start(config)
        let api = HaloAgainstSimTests.api(sim, config, limit: 300)
        let t = try #require(try await api.allTickets().first)
        let start = VendorDate.parse("2026-11-23T09:12:00Z")!
        let draft = TimeEntryDraft(
            ticketID: t.id, number: t.number, start: start, end: start.addingTimeInterval(100 * 60),
            summary: "Rebuilt the profile")
        let caveat = try await api.timeWriter().logTime(draft)
        #expect(caveat == nil)
        let held = await sim.haloTime(ticket: t.id)
        #expect(held.count == 1)
        let h = try #require(held.first)
        #expect(abs(h.hours - 100.0 / 60) < 0.0001 && h.note == "Rebuilt the profile")
        #expect(h.start == start && h.end == start.addingTimeInterval(100 * 60))
        let notes = await sim.haloNotes(ticket: t.id)
        #expect(notes.count == 1 && notes.first?.hidden == true && notes.first?.sendEmail == false)
        let before = await api.client.stats.sent
        let listed = try await api.timeReader().timeEntries(ticketIDs: [t.id], names: true)
        #expect(await api.client.stats.sent - before == 1)
        #expect(listed.count == 1 && listed.first?.hours == h.hours && listed.first?.start == start)
        #expect(listed.first?.summary == "Rebuilt the profile" && listed.first?.who?.isEmpty == false)
        await sim.stop()
    }

    @Test("more than 24 hours in one timetaken is refused, naming the field; nothing is stored")
    func refused() async throws {
        var config = SimulatorConfig()
        config.tickets = 5
        let sim = try await Simulator.start(config)
        let api = HaloAgainstSimTests.api(sim, config, limit: 300)
        let t = try #require(try await api.allTickets().first)
        let start = VendorDate.parse("2026-11-23T09:12:00Z")!
        // 30 hours in one entry: over the twin's 24.
        let draft = TimeEntryDraft(
            ticketID: t.id, number: t.number, start: start, end: start.addingTimeInterval(30 * 3600), summary: "x")
        do {
            try await api.logTime(draft)
            Issue.record("30 h were taken")
        } catch {
            #expect(String(describing: error).contains("timetaken"), "\(error)")
        }
        #expect(await sim.haloTime(ticket: t.id).isEmpty)
        await sim.stop()
    }
}
