import Foundation

/// Atera v3 list envelope. The count is `totalItemCount`; some write-ups say `totalItems` — accept both.
public struct AteraEnvelope<Item: Codable & Sendable>: Sendable, Codable {
    public var items: [Item]
    public var totalItemCount: Int?
    public var page: Int?
    public var itemsInPage: Int?
    public var totalPages: Int?
    public var prevLink: String?
    public var nextLink: String?

    enum CodingKeys: String, CodingKey {
        case items, totalItemCount, totalItems, page, itemsInPage, totalPages, prevLink, nextLink
    }

    public init(
        items: [Item], totalItemCount: Int?, page: Int?, itemsInPage: Int?, totalPages: Int?, prevLink: String?,
        nextLink: String?
    ) {
        self.items = items
        self.totalItemCount = totalItemCount
        self.page = page
        self.itemsInPage = itemsInPage
        self.totalPages = totalPages
        self.prevLink = prevLink
        self.nextLink = nextLink
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        items = try c.pageItems([Item].self, forKey: .items, decoder: decoder) ?? []
        totalItemCount = try c.lenientInt(.totalItemCount) ?? c.lenientInt(.totalItems)
        page = try c.lenientInt(.page)
        itemsInPage = try c.lenientInt(.itemsInPage)
        totalPages = try c.lenientInt(.totalPages)
        prevLink = try c.lenientString(.prevLink)
        nextLink = try c.lenientString(.nextLink)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(totalItemCount, forKey: .totalItemCount)
        try c.encode(page, forKey: .page)
        try c.encode(itemsInPage, forKey: .itemsInPage)
        try c.encode(totalPages, forKey: .totalPages)
        try c.encode(prevLink, forKey: .prevLink)
        try c.encode(nextLink, forKey: .nextLink)
    }

    /// True when there is a next page.
    public var hasNext: Bool { !(nextLink ?? "").isEmpty }
}

/// An Atera ticket (`TicketDto`: PascalCase; nearly everything nullable; ids sometimes strings;
/// dates often without a zone). There is no modification time: activity is derived
/// (`lastActivity`), and changes are asked of `/tickets/lastmodified`.
public struct AteraTicket: Sendable, Codable, Equatable {
    public var TicketID: Int64
    public var TicketTitle: String?
    public var TicketNumber: String?
    public var TicketPriority: String?
    public var TicketImpact: String?
    public var TicketStatus: String?
    public var TicketSource: String?
    public var TicketType: String?
    public var EndUserID: Int64?
    public var EndUserEmail: String?
    public var EndUserFirstName: String?
    public var EndUserLastName: String?
    public var EndUserPhone: String?
    public var CustomerID: Int64?
    public var CustomerName: String?
    public var TechnicianContactID: Int64?
    public var TechnicianFullName: String?
    public var TechnicianEmail: String?
    public var TicketCreatedDate: Date?
    public var TicketResolvedDate: Date?
    public var FirstResponseDueDate: Date?
    public var ClosedTicketDueDate: Date?
    public var TechnicianFirstCommentDate: Date?
    /// The ticket's opening text (its description). Absent unless comments were asked for.
    public var FirstComment: String?
    public var LastEndUserComment: String?
    public var LastEndUserCommentTimestamp: Date?
    public var LastTechnicianComment: String?
    public var LastTechnicianCommentTimestamp: Date?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case TicketID, TicketTitle, TicketNumber, TicketPriority, TicketImpact, TicketStatus, TicketSource, TicketType
        case EndUserID, EndUserEmail, EndUserFirstName, EndUserLastName, EndUserPhone, CustomerID, CustomerName
        case TechnicianContactID, TechnicianFullName, TechnicianEmail
        case TicketCreatedDate, TicketResolvedDate, FirstResponseDueDate, ClosedTicketDueDate,
            TechnicianFirstCommentDate
        case FirstComment, LastEndUserComment, LastEndUserCommentTimestamp, LastTechnicianComment,
            LastTechnicianCommentTimestamp
    }

    public init(TicketID: Int64) { self.TicketID = TicketID }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let id = try c.lenientInt64(.TicketID) else {
            throw DecodingError.keyNotFound(
                CodingKeys.TicketID, .init(codingPath: c.codingPath, debugDescription: "ticket without TicketID"))
        }
        TicketID = id
        TicketTitle = try c.lenientString(.TicketTitle)
        TicketNumber = try c.lenientString(.TicketNumber)
        TicketPriority = try c.lenientString(.TicketPriority)
        TicketImpact = try c.lenientString(.TicketImpact)
        TicketStatus = try c.lenientString(.TicketStatus)
        TicketSource = try c.lenientString(.TicketSource)
        TicketType = try c.lenientString(.TicketType)
        EndUserID = try c.lenientInt64(.EndUserID)
        EndUserEmail = try c.lenientString(.EndUserEmail)
        EndUserFirstName = try c.lenientString(.EndUserFirstName)
        EndUserLastName = try c.lenientString(.EndUserLastName)
        EndUserPhone = try c.lenientString(.EndUserPhone)
        CustomerID = try c.lenientInt64(.CustomerID)
        CustomerName = try c.lenientString(.CustomerName)
        TechnicianContactID = try c.lenientInt64(.TechnicianContactID)
        TechnicianFullName = try c.lenientString(.TechnicianFullName)
        TechnicianEmail = try c.lenientString(.TechnicianEmail)
        TicketCreatedDate = try c.lenientDate(.TicketCreatedDate)
        TicketResolvedDate = try c.lenientDate(.TicketResolvedDate)
        FirstResponseDueDate = try c.lenientDate(.FirstResponseDueDate)
        ClosedTicketDueDate = try c.lenientDate(.ClosedTicketDueDate)
        TechnicianFirstCommentDate = try c.lenientDate(.TechnicianFirstCommentDate)
        FirstComment = try c.lenientString(.FirstComment)
        LastEndUserComment = try c.lenientString(.LastEndUserComment)
        LastEndUserCommentTimestamp = try c.lenientDate(.LastEndUserCommentTimestamp)
        LastTechnicianComment = try c.lenientString(.LastTechnicianComment)
        LastTechnicianCommentTimestamp = try c.lenientDate(.LastTechnicianCommentTimestamp)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        // Atera sends dates without a zone: mimic that.
        func date(_ d: Date?) -> String? { d.map { String(VendorDate.format($0).dropLast(5)) } }
        try c.encode(TicketID, forKey: .TicketID)
        try c.encode(TicketTitle, forKey: .TicketTitle)
        try c.encode(TicketNumber, forKey: .TicketNumber)
        try c.encode(TicketPriority, forKey: .TicketPriority)
        try c.encode(TicketImpact, forKey: .TicketImpact)
        try c.encode(TicketStatus, forKey: .TicketStatus)
        try c.encode(TicketSource, forKey: .TicketSource)
        try c.encode(TicketType, forKey: .TicketType)
        try c.encode(EndUserID, forKey: .EndUserID)
        try c.encode(EndUserEmail, forKey: .EndUserEmail)
        try c.encode(EndUserFirstName, forKey: .EndUserFirstName)
        try c.encode(EndUserLastName, forKey: .EndUserLastName)
        try c.encode(EndUserPhone, forKey: .EndUserPhone)
        try c.encode(CustomerID, forKey: .CustomerID)
        try c.encode(CustomerName, forKey: .CustomerName)
        try c.encode(TechnicianContactID, forKey: .TechnicianContactID)
        try c.encode(TechnicianFullName, forKey: .TechnicianFullName)
        try c.encode(TechnicianEmail, forKey: .TechnicianEmail)
        try c.encode(date(TicketCreatedDate), forKey: .TicketCreatedDate)
        try c.encode(date(TicketResolvedDate), forKey: .TicketResolvedDate)
        try c.encode(date(FirstResponseDueDate), forKey: .FirstResponseDueDate)
        try c.encode(date(ClosedTicketDueDate), forKey: .ClosedTicketDueDate)
        try c.encode(date(TechnicianFirstCommentDate), forKey: .TechnicianFirstCommentDate)
        try c.encode(FirstComment, forKey: .FirstComment)
        try c.encode(LastEndUserComment, forKey: .LastEndUserComment)
        try c.encode(date(LastEndUserCommentTimestamp), forKey: .LastEndUserCommentTimestamp)
        try c.encode(LastTechnicianComment, forKey: .LastTechnicianComment)
        try c.encode(date(LastTechnicianCommentTimestamp), forKey: .LastTechnicianCommentTimestamp)
    }

    /// Atera keeps no modification time on a ticket: its last activity is the latest of the two
    /// comment timestamps, the resolution and the creation.
    public var lastActivity: Date? {
        [LastEndUserCommentTimestamp, LastTechnicianCommentTimestamp, TicketResolvedDate, TicketCreatedDate].compactMap
        { $0 }.max()
    }

    /// The display ticket.
    public var display: Ticket {
        var fields: [Ticket.Field] = []
        func add(_ name: String, _ value: String?) {
            if let value, !value.isEmpty { fields.append(.init(name, value)) }
        }
        add("Impact", TicketImpact)
        add("Type", TicketType)
        add("Source", TicketSource)
        let endUser = [EndUserFirstName, EndUserLastName].compactMap { $0 }.joined(separator: " ")
        let endUserText = endUser.isEmpty ? nil : endUser + (EndUserEmail.map { " <\($0)>" } ?? "")
        add("End user", [endUserText, EndUserPhone].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · "))
        add("Technician e-mail", TechnicianEmail)
        add("First response due", FirstResponseDueDate.map(VendorDate.format))
        add("First technician comment", TechnicianFirstCommentDate.map(VendorDate.format))
        add("Close due", ClosedTicketDueDate.map(VendorDate.format))
        add("Resolved", TicketResolvedDate.map(VendorDate.format))
        add(
            "Last end-user comment",
            LastEndUserComment.map { text in
                LastEndUserCommentTimestamp.map { VendorDate.format($0) + " · " + text } ?? text
            })
        add(
            "Last technician comment",
            LastTechnicianComment.map { text in
                LastTechnicianCommentTimestamp.map { VendorDate.format($0) + " · " + text } ?? text
            })
        return Ticket(
            id: TicketID, number: TicketNumber ?? String(TicketID), title: TicketTitle ?? "",
            status: TicketStatus ?? "", priority: TicketPriority ?? "",
            company: CustomerName ?? CustomerID.map { "Customer #\($0)" } ?? "",
            assignee: TechnicianFullName ?? "",
            created: TicketCreatedDate, lastActivity: lastActivity,
            due: FirstResponseDueDate, description: FirstComment ?? LastEndUserComment ?? "", fields: fields, sla: sla,
            assigneeID: TechnicianContactID, assigneeEmail: TechnicianEmail)
    }

    /// Atera's two deadlines, as it states them: the first response (met by the technician's first
    /// comment) and the close (met by the resolution). No stage is invented.
    public var sla: SLA? {
        var stages: [SLAStage] = []
        if let due = FirstResponseDueDate {
            stages.append(SLAStage(.firstResponse, due: due, met: TechnicianFirstCommentDate))
        }
        if let due = ClosedTicketDueDate { stages.append(SLAStage(.close, due: due, met: TicketResolvedDate)) }
        return SLA(stages: stages)
    }
}

/// One comment of an Atera ticket (`GET /tickets/{id}/comments`).
public struct AteraComment: Sendable, Codable, Equatable {
    public var Date: Date?
    public var Comment: String?
    public var EndUserID: Int64?
    public var TechnicianContactID: Int64?
    public var Email: String?
    public var FirstName: String?
    public var LastName: String?
    public var IsInternal: Bool?

    public init(
        Date: Foundation.Date?, Comment: String?, EndUserID: Int64? = nil, TechnicianContactID: Int64? = nil,
        Email: String? = nil, FirstName: String? = nil, LastName: String? = nil, IsInternal: Bool? = false
    ) {
        self.Date = Date
        self.Comment = Comment
        self.EndUserID = EndUserID
        self.TechnicianContactID = TechnicianContactID
        self.Email = Email
        self.FirstName = FirstName
        self.LastName = LastName
        self.IsInternal = IsInternal
    }

    enum CodingKeys: String, CodingKey {
        case Date, Comment, EndUserID, TechnicianContactID, Email, FirstName, LastName, IsInternal
    }

    /// Lenient, as for tickets: dates with or without a zone, ids as numbers or strings.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        Date = try c.lenientDate(.Date)
        Comment = try c.lenientString(.Comment)
        EndUserID = try c.lenientInt64(.EndUserID)
        TechnicianContactID = try c.lenientInt64(.TechnicianContactID)
        Email = try c.lenientString(.Email)
        FirstName = try c.lenientString(.FirstName)
        LastName = try c.lenientString(.LastName)
        IsInternal = try? c.decodeIfPresent(Bool.self, forKey: .IsInternal)
    }

    /// Dates as Atera writes them: ISO 8601 without a zone (a plain number would break clients).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Date.map { String(VendorDate.format($0).dropLast(5)) }, forKey: .Date)
        try c.encode(Comment, forKey: .Comment)
        try c.encode(EndUserID, forKey: .EndUserID)
        try c.encode(TechnicianContactID, forKey: .TechnicianContactID)
        try c.encode(Email, forKey: .Email)
        try c.encode(FirstName, forKey: .FirstName)
        try c.encode(LastName, forKey: .LastName)
        try c.encode(IsInternal, forKey: .IsInternal)
    }
}

/// `{"ActionID":"…"}`: what Atera answers to a create or an update. Both published specs type
/// `ActionID` as a string; a number is accepted too, and so is an answer without it (the
/// status code already said the change was taken).
public struct AteraActionResult: Sendable, Codable, Equatable {
    public var ActionID: String?
    public init(ActionID: String?) { self.ActionID = ActionID }
    enum CodingKeys: String, CodingKey { case ActionID }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ActionID = try c.lenientString(.ActionID)
    }
}
