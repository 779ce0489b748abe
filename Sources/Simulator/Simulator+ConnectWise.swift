import Foundation
import PSACore

extension Simulator {
    /// A ConnectWise company's tickets (id, board id, status id, priority id, owner id), for tests.
    public func connectWiseTickets(tenant: String = "connectwise") async -> [(
        id: Int64, board: Int64, status: Int64, priority: Int64, owner: Int64?
    )] {
        guard let w = connectWise[tenant] else { return [] }
        return await w.tickets.map { ($0.id, $0.boardID, $0.statusID, $0.priorityID, $0.ownerID) }
    }

    /// The notes added through the API to one ticket (text and the three flags), for tests.
    public func connectWiseNotes(ticket: Int64, tenant: String = "connectwise") async -> [(
        text: String, detail: Bool, analysis: Bool, resolution: Bool
    )] {
        guard let w = connectWise[tenant] else { return [] }
        return await w.notes(ticket: ticket).dropFirst().map { ($0.text, $0.detail, $0.analysis, $0.resolution) }
    }

    /// The statuses of a board of the twin (id, name), for tests.
    public static func connectWiseStatuses(board: Int64) -> [(id: Int64, name: String)] {
        ConnectWiseWorld.boards.first { $0.id == board }?.statuses.map { ($0.id, $0.name) } ?? []
    }
}
