import Foundation

/// A ticket note (`TicketNotes` entity): Autotask keeps a ticket's conversation and work log as
/// notes of their own, asked for with `POST TicketNotes/query` and a `ticketID` filter.
public struct AutotaskTicketNote: Sendable, Equatable, Codable {
    public var id: Int64
    public var ticketID: Int64?
    public var title: String?
    public var description: String?
    public var noteType: Int?
    /// Who may see it: 1 is all Autotask users; the other values narrow it (internal).
    public var publish: Int?
    /// A technician wrote it…
    public var creatorResourceID: Int64?
    /// …or a customer, through the client portal.
    public var createdByContactID: Int64?
    public var createDateTime: Date?

    enum CodingKeys: String, CodingKey {
        case id, ticketID, title, description, noteType, publish, creatorResourceID, createdByContactID, createDateTime
    }

    /// Note types written by the system rather than a person: 13 a workflow rule, 99 the RMM.
    /// Real tenants hold many; they are folded so people's notes stay in view.
    public static let systemNoteTypes: Set<Int> = [13, 99]

    public init(
        id: Int64, ticketID: Int64?, title: String?, description: String?, noteType: Int? = 1, publish: Int? = 1,
        creatorResourceID: Int64? = nil, createdByContactID: Int64? = nil, createDateTime: Date? = nil
    ) {
        self.id = id
        self.ticketID = ticketID
        self.title = title
        self.description = description
        self.noteType = noteType
        self.publish = publish
        self.creatorResourceID = creatorResourceID
        self.createdByContactID = createdByContactID
        self.createDateTime = createDateTime
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.requiredID(.id, of: "note")
        self.id = id
        ticketID = try c.lenientInt64(.ticketID)
        title = try c.lenientString(.title)
        description = try c.lenientString(.description)
        noteType = try c.lenientInt(.noteType)
        publish = try c.lenientInt(.publish)
        creatorResourceID = try c.lenientInt64(.creatorResourceID)
        createdByContactID = try c.lenientInt64(.createdByContactID)
        createDateTime = try c.lenientDate(.createDateTime)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(ticketID, forKey: .ticketID)
        try c.encode(title, forKey: .title)
        try c.encode(description, forKey: .description)
        try c.encode(noteType, forKey: .noteType)
        try c.encode(publish, forKey: .publish)
        try c.encode(creatorResourceID, forKey: .creatorResourceID)
        try c.encode(createdByContactID, forKey: .createdByContactID)
        try c.encode(createDateTime.map(VendorDate.format), forKey: .createDateTime)
    }

    /// As the detail view shows comments: the title on the first line, then the text; the author
    /// by name — a technician from the resource cache, a customer (portal) from the contacts —
    /// and the note's type in the tenant's words (`noteTypes`: value → label).
    public func display(resources: [Int64: String], contacts: [Int64: String] = [:], noteTypes: [Int: String] = [:])
        -> TicketComment
    {
        var parts = [title, description].compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }.filter {
            !$0.isEmpty
        }
        // A note whose title is its text's first line (as psatop writes them, and Autotask's own
        // form suggests) shows that line once.
        if parts.count == 2, parts[1].hasPrefix(parts[0]),
            parts[1].count == parts[0].count || parts[1].dropFirst(parts[0].count).first?.isNewline == true
        {
            parts.removeFirst()
        }
        let text = parts.joined(separator: "\n")
        let author: String
        if let r = creatorResourceID {
            author = resources[r] ?? "Resource #\(r)"
        } else if let c = createdByContactID {
            author = (contacts[c] ?? "Contact #\(c)") + " (customer)"
        } else {
            author = isSystem ? "System" : "Autotask"
        }
        return TicketComment(
            date: createDateTime, author: author, text: text, isInternal: (publish ?? 1) != 1,
            kind: noteType.map { noteTypes[$0] ?? "type \($0)" }, isSystem: isSystem)
    }

    /// A workflow rule's or the RMM's note, not a person's.
    public var isSystem: Bool { noteType.map(Self.systemNoteTypes.contains) ?? false }
}
