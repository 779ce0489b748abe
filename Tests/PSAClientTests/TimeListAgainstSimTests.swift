import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Simulator
import Testing

@Suite("Time entries listed against the twin (real HTTP on loopback)", .timeLimit(.minutes(5)))
struct TimeListAgainstSimTests {
    @Test("a ticket's entries in one query, who by name; an entry just logged is among them with its hours")
    func oneTicket() async throws {
        var config = SimulatorConfig()
        config.tickets = 30
        let sim = try await Simulator.start(config)
        let api = TimeEntryAgainstSimTests.api(sim, me: "dana.whitfield@msp.example")
        let ticket = try #require(await sim.autotaskTicketIDs().first)
        let start = VendorDate.parse("2026-11-23T09:12:00Z")!
        try await api.logTime(
            TimeEntryDraft(
                ticketID: ticket, number: "T1", start: start, end: start.addingTimeInterval(45 * 60),
                summary: "Swapped the \u{1B}[2Jdisk", manual: true))
        let before = await api.client.stats.sent
        let list = try await api.timeEntries(ticketIDs: [ticket], names: true)
        let sent = await api.client.stats.sent - before
        #expect(sent <= 2)  // the query, and at most one name lookup
        #expect(!list.isEmpty && list.allSatisfy { $0.ticketID == ticket })
        let mine = try #require(list.first { $0.summary.contains("Swapped") })
        #expect(mine.hours == 0.75 && mine.start == start && mine.end == start.addingTimeInterval(45 * 60))
        #expect(mine.who == "Dana Whitfield")
        #expect(list.allSatisfy { $0.who != nil && $0.hours > 0 })
        #expect(LoggedTime.total(list) == (list.map(\.hours).reduce(0, +) * 100).rounded() / 100)
    }

    @Test("many tickets' entries cost one query (ticketID in […]), the same entries as one query per ticket")
    func manyTickets() async throws {
        var config = SimulatorConfig()
        config.tickets = 40
        let sim = try await Simulator.start(config)
        let api = TimeEntryAgainstSimTests.api(sim, me: nil)
        let ids = Array(await sim.autotaskTicketIDs().prefix(25))
        _ = try await api.timeEntries(ticketIDs: [ids[0]], names: false)  // (the zone, once)
        let before = await api.client.stats.sent
        let all = try await api.timeEntries(ticketIDs: ids, names: false)
        #expect(await api.client.stats.sent - before == 1)
        var one: [LoggedTime] = []
        for id in ids { one += try await api.timeEntries(ticketIDs: [id], names: false) }
        #expect(Set(all.map(\.id)) == Set(one.map(\.id)) && !all.isEmpty)
        #expect(Set(all.map(\.ticketID)).isSubset(of: Set(ids)))
    }

    @Test(
        "Atera: a ticket's work hours records, read only (hours from start–end, the technician by name); writes say why not"
    )
    func ateraWorkHours() async throws {
        var config = SimulatorConfig()
        config.tickets = 30
        let sim = try await Simulator.start(config)
        let atera = SimulatorWalkTests.atera(sim)
        let ids = await sim.ateraTickets().map(\.TicketID)
        let two = try #require(ids.first { $0 % 3 == 2 })
        let before = await atera.client.stats.sent
        let list = try await atera.timeReader().timeEntries(ticketIDs: [two], names: true)
        #expect(await atera.client.stats.sent - before == 1)
        #expect(list.count == 2 && list.allSatisfy { $0.ticketID == two && $0.hours > 0 && $0.start != nil })
        for e in list {
            let s = try #require(e.start), end = try #require(e.end)
            #expect(e.hours == (end.timeIntervalSince(s) / 36).rounded() / 100)
        }
        #expect(list.first?.summary == "Remote session")
        let none = try #require(ids.first { $0 % 3 == 0 })
        #expect(try await atera.timeReader().timeEntries(ticketIDs: [none], names: true).isEmpty)
        #expect(throws: APIError.self) { try atera.timeWriter() }
    }
}
