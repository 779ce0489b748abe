import Foundation

/// A ticket as psatop shows it, whatever the vendor: picklist ids already turned into labels.
public struct Ticket: Sendable, Equatable, Codable, Identifiable {
    public var id: Int64
    public var number: String
    public var title: String
    public var status: String
    public var priority: String
    /// Company (Autotask) or customer (Atera).
    public var company: String
    public var assignee: String
    public var created: Date?
    public var lastActivity: Date?
    public var due: Date?
    public var description: String
    /// Every other field, labelled, in vendor order, for the detail view.
    public var fields: [Field]

    public struct Field: Sendable, Equatable, Codable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) { self.name = name; self.value = value }
    }

    public init(id: Int64, number: String, title: String, status: String, priority: String,
                company: String = "", assignee: String = "", created: Date? = nil,
                lastActivity: Date? = nil, due: Date? = nil, description: String = "", fields: [Field] = []) {
        self.id = id; self.number = number; self.title = title; self.status = status
        self.priority = priority; self.company = company; self.assignee = assignee
        self.created = created; self.lastActivity = lastActivity; self.due = due
        self.description = description; self.fields = fields
    }
}

/// One page of tickets and how to get the next.
public struct TicketPage: Sendable, Equatable {
    public var tickets: [Ticket]
    /// Total matching the query, when the API says (Atera's totalItemCount, Autotask's query/count).
    public var total: Int?
    /// Opaque cursor for the next page; nil at the end.
    public var next: PageCursor?

    public init(tickets: [Ticket], total: Int?, next: PageCursor?) {
        self.tickets = tickets; self.total = total; self.next = next
    }
}

/// Where the next page starts: Autotask walks by id, Atera by page number.
public enum PageCursor: Sendable, Equatable, Hashable {
    case afterID(Int64)
    case page(Int)
}
