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
    public var creatorResourceID: Int64?
    public var createDateTime: Date?

    enum CodingKeys: String, CodingKey {
        case id, ticketID, title, description, noteType, publish, creatorResourceID, createDateTime
    }

    public init(id: Int64, ticketID: Int64?, title: String?, description: String?, noteType: Int? = 1, publish: Int? = 1,
                creatorResourceID: Int64? = nil, createDateTime: Date? = nil) {
        self.id = id; self.ticketID = ticketID; self.title = title; self.description = description
        self.noteType = noteType; self.publish = publish; self.creatorResourceID = creatorResourceID; self.createDateTime = createDateTime
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let id = try c.lenientInt64(.id) else {
            throw DecodingError.keyNotFound(CodingKeys.id, .init(codingPath: c.codingPath, debugDescription: "note without id"))
        }
        self.id = id
        ticketID = try c.lenientInt64(.ticketID)
        title = try c.lenientString(.title)
        description = try c.lenientString(.description)
        noteType = try c.lenientInt(.noteType)
        publish = try c.lenientInt(.publish)
        creatorResourceID = try c.lenientInt64(.creatorResourceID)
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
        try c.encode(createDateTime.map(VendorDate.format), forKey: .createDateTime)
    }

    /// As the detail view shows comments: the title on the first line, then the text; the author
    /// by name from the resource cache.
    public func display(resources: [Int64: String]) -> TicketComment {
        let text = [title, description].compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            .joined(separator: "\n")
        let author = creatorResourceID.map { resources[$0] ?? "Resource #\($0)" } ?? "Autotask"
        return TicketComment(date: createDateTime, author: author, text: text, isInternal: (publish ?? 1) != 1)
    }
}
