import Dashboard
import Foundation
import PSAApp
import PSAClient
import PSACore
import Simulator
import Testing

/// The status picker of one ConnectWise ticket, from the key to the twin and back through the
/// poller: the ticket's own board's statuses, not every board's.
@Suite("ConnectWise's picker through the poller", .timeLimit(.minutes(5)))
struct ConnectWisePickerFlowTests {
    @Test("s on a Projects ticket offers Projects' statuses only; on a Help Desk ticket, Help Desk's")
    func pickerPerBoard() async throws {
        var settings = ConnectionSettings()
        settings.demo = true
        settings.vendor = .connectwise
        settings.demoTickets = 40
        let conn = try await Connection.open(settings)
        let sim = try #require(conn.simulator)
        let mailbox = Mailbox()
        let poller = Poller(api: conn.api, clock: .continuous, timeScale: conn.timeScale) {
            mailbox.post(DashboardEvent($0))
        }
        await poller.start(loadTickets: false)
        let twin = await sim.connectWiseTickets()
        for (board, expected) in [
            (2, ["New", "Scheduled", "Closed"]),
            (1, ["New", "Escalated", "In Progress", "Waiting Customer", "Completed"]),
        ] {
            let row = try #require(twin.first { $0.board == board })
            var s = DashboardState(vendor: .connectwise, tenant: "demo", now: Date(), width: 120, height: 40)
            let ticket = try await conn.api.ticket(id: row.id)
            s.tickets = TicketList([ticket])
            _ = s.reduce(.key(.enter))
            _ = s.reduce(.detail(ticket))
            let commands = s.reduce(.key(.char("s")))
            #expect(commands == [.loadChoices(.status, ticket: row.id)])
            for c in commands { await poller.handle(c) }
            let event = try #require(
                try await PollerTests.next(mailbox) {
                    if case .choices = $0 { return true } else { return false }
                })
            _ = s.reduce(event)
            #expect(s.detail?.edit?.choices == expected, "board \(board)")
        }
        await poller.stop()
        await conn.close()
    }
}
