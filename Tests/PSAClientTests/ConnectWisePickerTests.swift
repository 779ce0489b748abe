import Foundation
import PSAClient
import PSACore
import Simulator
import Testing

/// The status picker on ConnectWise: statuses are per board, so one ticket's picker offers its
/// own board's (`/service/boards/{id}/statuses`), inactive ones hidden, in `sortOrder`.
@Suite("ConnectWise's status picker: the ticket's own board", .timeLimit(.minutes(10)))
struct ConnectWisePickerTests {
    @Test("a Help Desk ticket and a Projects ticket are offered their own boards' statuses, nothing else")
    func ownBoard() async throws {
        var config = SimulatorConfig()
        config.tickets = 60
        let sim = try await Simulator.start(config)
        let api = ConnectWiseAgainstSimTests.api(sim, config)
        let twin = await sim.connectWiseTickets()
        let helpDesk = try #require(twin.first { $0.board == 1 })
        let projects = try #require(twin.first { $0.board == 2 })
        // Help Desk: New 0, Escalated 1, In Progress 2, Waiting Customer 3, (Old Queue: inactive), Completed 5.
        #expect(
            try await api.choices(for: .status, ticketID: helpDesk.id)
                == ["New", "Escalated", "In Progress", "Waiting Customer", "Completed"])
        // Projects: New 0, Scheduled 1, Closed 2 — none of Help Desk's.
        #expect(try await api.choices(for: .status, ticketID: projects.id) == ["New", "Scheduled", "Closed"])
        // Through the protocol, as the dashboard's poller asks (not the tenant-wide default).
        let assign: any AssignCapable = api
        #expect(try await assign.choices(for: .status, ticketID: projects.id) == ["New", "Scheduled", "Closed"])
        // Other fields are the tenant's, whatever the ticket.
        #expect(
            try await api.choices(for: .priority, ticketID: projects.id) == (try await api.choices(for: .priority)))
        await sim.stop()
    }
}
