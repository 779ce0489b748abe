import Foundation
import PSAClient
import PSACore

/// `tickets --json --with-time`: each ticket's logged hours, read in as few requests as the
/// vendor allows — Autotask one `TimeEntries/query` (`ticketID in […]`) per 500 tickets, so a
/// page of tickets costs one more request, not one per ticket.
public enum TicketHours {
    /// Tickets per query of their entries (Autotask's page of tickets).
    public static let batch = 500

    /// Hours logged on each ticket (0 for a ticket without entries).
    public static func hours(_ api: any TenantAPI, tickets: [Ticket]) async throws -> [Int64: Double] {
        let reader = try api.timeReader()
        var out: [Int64: Double] = [:]
        for t in tickets { out[t.id] = 0 }
        let ids = tickets.map(\.id)
        for start in stride(from: 0, to: ids.count, by: batch) {
            let chunk = Array(ids[start..<min(ids.count, start + batch)])
            for e in try await reader.timeEntries(ticketIDs: chunk, names: false) {
                out[e.ticketID, default: 0] += e.hours
            }
        }
        return out.mapValues { ($0 * 100).rounded() / 100 }
    }
}

/// A ticket as `--json` prints it, with `loggedHours` added.
public struct TicketWithHours: Encodable {
    public var ticket: Ticket
    public var loggedHours: Double

    public init(_ ticket: Ticket, loggedHours: Double) {
        self.ticket = ticket
        self.loggedHours = loggedHours
    }

    enum Key: String, CodingKey { case loggedHours }

    public func encode(to encoder: any Encoder) throws {
        try ticket.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(loggedHours, forKey: .loggedHours)
    }
}
