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
    /// The service-level deadlines, where the tenant sets them (nil: none — never zeros).
    public var sla: SLA?
    /// Who it is assigned to, by the vendor's id and (Atera) e-mail: what `who:me` matches on.
    public var assigneeID: Int64?
    public var assigneeEmail: String?

    public struct Field: Sendable, Equatable, Codable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(
        id: Int64, number: String, title: String, status: String, priority: String,
        company: String = "", assignee: String = "", created: Date? = nil,
        lastActivity: Date? = nil, due: Date? = nil, description: String = "", fields: [Field] = [], sla: SLA? = nil,
        assigneeID: Int64? = nil, assigneeEmail: String? = nil
    ) {
        // Text from the server is bounded here, once, so a hostile answer (a 10 MB title) costs
        // neither memory per ticket nor time per frame.
        self.id = id
        self.number = Self.clamp(number, 100)
        self.title = Self.clamp(title, Self.maxTitle)
        self.status = Self.clamp(status, 200)
        self.priority = Self.clamp(priority, 200)
        self.company = Self.clamp(company, 500)
        self.assignee = Self.clamp(assignee, 500)
        self.created = created
        self.lastActivity = lastActivity
        self.due = due
        self.sla = sla
        self.assigneeID = assigneeID
        self.assigneeEmail = assigneeEmail.map { Self.clamp($0, 320) }
        self.description = Self.clamp(description, Self.maxDescription)
        self.fields = fields.prefix(500).map { Field(Self.clamp($0.name, 200), Self.clamp($0.value, 10_000)) }
    }

    public static let maxTitle = 1_000
    public static let maxDescription = 100_000

    /// At most `limit` characters and at most `4 × limit` bytes; a longer text ends in "…". The
    /// byte bound comes first, on scalars: one letter carrying megabytes of combining marks is a
    /// single character, so a bound by characters alone would keep all of it.
    public static func clamp(_ s: String, _ limit: Int) -> String {
        guard s.utf8.count > limit else { return s }
        let maxBytes = limit * 4
        var text = s
        var cut = false
        if s.utf8.count > maxBytes {
            var scalars = String.UnicodeScalarView()
            var bytes = 0
            for u in s.unicodeScalars {
                let b = UTF8.width(u)
                if bytes + b > maxBytes - 3 { break }
                scalars.append(u)
                bytes += b
            }
            text = String(scalars)
            cut = true
        }
        var out = ""
        var n = 0
        for ch in text {
            if n == limit { return String(out.dropLast()) + "…" }
            out.append(ch)
            n += 1
        }
        guard cut else { return out }
        return (n >= limit ? String(out.dropLast()) : out) + "…"
    }
}

/// A person of the tenant: "me" once resolved (Autotask: a resource by e-mail; Atera: the
/// e-mail alone, as it lists no technicians).
public struct Person: Sendable, Equatable, Codable {
    public var id: Int64?
    public var name: String?
    public var email: String
    public init(id: Int64?, name: String?, email: String) {
        self.id = id
        self.name = name
        self.email = email
    }

    /// The ticket is assigned to this person: by id where both have one, else by e-mail, else by name.
    public func isAssignee(of t: Ticket) -> Bool {
        if let id, let a = t.assigneeID { return id == a }
        if let e = t.assigneeEmail, !e.isEmpty { return e.caseInsensitiveCompare(email) == .orderedSame }
        if let name, !name.isEmpty { return t.assignee.caseInsensitiveCompare(name) == .orderedSame }
        return false
    }
}

/// One page of tickets and how to get the next.
public struct TicketPage: Sendable, Equatable {
    public var tickets: [Ticket]
    /// The server-side filter the page was asked with (set by the poller; nil: none).
    public var filter: ServerFilter?
    /// Total matching the query, when the API says (Atera's totalItemCount, Autotask's query/count).
    public var total: Int?
    /// Opaque cursor for the next page; nil at the end.
    public var next: PageCursor?
    /// Something the person should know about how the page was asked for (a filter value the
    /// tenant was not seen to use, say); nil: nothing.
    public var note: String?

    public init(tickets: [Ticket], total: Int?, next: PageCursor?, note: String? = nil) {
        self.tickets = tickets
        self.total = total
        self.next = next
        self.note = note
    }
}

/// What an incremental refresh read: the tickets changed since a moment, and whether the read
/// reached the end of the changes (only a complete read may move the refresh on).
public struct TicketChanges: Sendable, Equatable {
    public var tickets: [Ticket]
    /// False when the changes were more than a refresh reads (the list is then reloaded in full).
    public var complete: Bool
    public init(tickets: [Ticket], complete: Bool) {
        self.tickets = tickets
        self.complete = complete
    }
}

/// Who sees a note or an attachment. Internal is the default everywhere; customers see only
/// what a person chose to show them.
public enum Visibility: String, Sendable, Equatable, CaseIterable, Codable {
    /// The service desk only (Autotask `publish` 2, "Internal Users Only"; Atera `IsInternal`).
    case `internal`
    /// Customers too (Autotask `publish` 1, "All Autotask Users": the Client Portal shows it).
    case customers

    /// Who will see it, in the words a confirmation names.
    public var audience: String {
        switch self {
        case .internal: "internal: your team only"
        case .customers: "visible to the customer (client portal)"
        }
    }

    /// The other choice.
    public var toggled: Visibility { self == .internal ? .customers : .internal }
}

/// What the server held after a change was sent and the ticket read back.
public enum ChangeOutcome: Sendable, Equatable {
    /// The server holds the value asked for.
    case confirmed
    /// The server took the change but holds another value (a workflow rule may have reset it).
    case differs(held: String)
    /// Sent and taken, but the read-back failed: not confirmed either way.
    case notConfirmed(String)
}

/// Where the next page starts: Autotask walks by id, Atera by page number.
public enum PageCursor: Sendable, Equatable, Hashable {
    case afterID(Int64)
    case page(Int)
    /// The next page's address as the server gave it (ConnectWise's `Link`), followed as given.
    case link(String)
}

/// A ticket field a person can change from the detail view.
public enum EditableField: String, Sendable, CaseIterable, Equatable {
    case status, priority, assignee
}

extension Ticket {
    /// The field's value as its choices are labelled: the status, the priority, the assignee's
    /// name — with `<e-mail>` where the vendor assigns by e-mail (Atera).
    public func value(of field: EditableField) -> String {
        switch field {
        case .status: status
        case .priority: priority
        case .assignee:
            assigneeEmail.map { e in assignee.isEmpty || assignee == e ? e : "\(assignee) <\(e)>" } ?? assignee
        }
    }

    /// The ticket holds `label` for the field: the same text (any case); an assignee labelled
    /// "Name <e-mail>" by its e-mail.
    public func holds(_ label: String, for field: EditableField) -> Bool {
        if field == .assignee, let email = Self.email(inLabel: label) {
            return assigneeEmail?.caseInsensitiveCompare(email) == .orderedSame
        }
        return value(of: field).caseInsensitiveCompare(label) == .orderedSame
            || (field == .assignee && assignee.caseInsensitiveCompare(label) == .orderedSame)
    }

    /// The e-mail of a label "Name <e-mail>" or of a bare e-mail; nil otherwise.
    public static func email(inLabel label: String) -> String? {
        let t = label.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix(">"), let open = t.lastIndex(of: "<") {
            let e = String(t[t.index(after: open)..<t.index(before: t.endIndex)])
            return e.contains("@") ? e : nil
        }
        return t.contains("@") && !t.contains(" ") ? t : nil
    }

    /// Puts a label in place (a change the server confirmed, or the one sent).
    public mutating func set(_ field: EditableField, to label: String) {
        switch field {
        case .status: status = label
        case .priority: priority = label
        case .assignee:
            if let e = Self.email(inLabel: label) {
                assigneeEmail = e
                let name = label.replacingOccurrences(of: "<\(e)>", with: "").trimmingCharacters(in: .whitespaces)
                assignee = name.isEmpty ? e : name
            } else {
                assignee = label
            }
        }
    }
}

/// One comment or note on a ticket, as the detail view shows it.
public struct TicketComment: Sendable, Equatable, Codable {
    public var date: Date?
    public var author: String
    public var text: String
    public var isInternal: Bool
    /// The note's kind in the tenant's own words ("Task Detail", "Workflow Rule Action Note"…); nil where none.
    public var kind: String?
    /// Written by the system (an Autotask workflow rule or the RMM), not a person: folded by default.
    public var isSystem: Bool

    public init(
        date: Date?, author: String, text: String, isInternal: Bool, kind: String? = nil, isSystem: Bool = false
    ) {
        // Clamped once, like ticket texts: a hostile comment costs neither memory nor frame time.
        self.date = date
        self.author = Ticket.clamp(author, 200)
        self.text = Ticket.clamp(text, 20_000)
        self.isInternal = isInternal
        self.kind = kind.map { Ticket.clamp($0, 200) }
        self.isSystem = isSystem
    }
}

extension AteraComment {
    public var display: TicketComment {
        let name = [FirstName, LastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        let author = !name.isEmpty ? name : (Email ?? (TechnicianContactID != nil ? "technician" : "end user"))
        return TicketComment(date: Date, author: author, text: Comment ?? "", isInternal: IsInternal ?? false)
    }
}
