import Foundation

// ConnectWise PSA (Manage) REST 3.0 wire shapes, from the published models (pyconnectwise
// 0.6.1.2, generated from ConnectWise's spec) and apis.md, decoded leniently: a field of the
// wrong type is nil, never a failed page. References are `{id, name | identifier, _info}`.

/// A reference to another record (`board`, `status`, `priority`, `owner`, `company`, `member`).
public struct CWRef: Sendable, Decodable, Equatable {
    public var id: Int64?
    public var name: String?
    public var identifier: String?

    enum CodingKeys: String, CodingKey { case id, name, identifier }

    public init(id: Int64?, name: String? = nil, identifier: String? = nil) {
        self.id = id
        self.name = name
        self.identifier = identifier
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.lenientInt64(.id)
        name = try c.lenientString(.name)
        identifier = try c.lenientString(.identifier)
    }

    /// What a person reads: the name, else the identifier.
    public var label: String { name ?? identifier ?? id.map { "#\($0)" } ?? "" }
}

/// `GET /service/tickets` rows and `/service/tickets/{id}`.
public struct CWTicket: Sendable, Decodable, Equatable {
    public var id: Int64
    public var summary: String?
    public var board: CWRef?
    public var status: CWRef?
    public var priority: CWRef?
    public var owner: CWRef?
    public var company: CWRef?
    public var closedFlag: Bool?
    public var severity: String?
    public var impact: String?
    public var slaStatus: String?
    public var isInSla: Bool?
    public var respondMinutes: Int?
    public var resolveMinutes: Int?
    public var resPlanMinutes: Int?
    public var dateEntered: Date?
    public var lastUpdated: Date?
    public var resources: String?

    enum CodingKeys: String, CodingKey {
        case id, summary, board, status, priority, owner, company, closedFlag, severity, impact, slaStatus, isInSla
        case respondMinutes, resolveMinutes, resPlanMinutes, dateEntered, resources, _info
    }
    enum InfoKeys: String, CodingKey { case lastUpdated, dateEntered }

    public init(id: Int64, summary: String? = nil) {
        self.id = id
        self.summary = summary
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.requiredID(.id, of: "ticket")
        self.id = id
        summary = try c.lenientString(.summary)
        board = try? c.decodeIfPresent(CWRef.self, forKey: .board)
        status = try? c.decodeIfPresent(CWRef.self, forKey: .status)
        priority = try? c.decodeIfPresent(CWRef.self, forKey: .priority)
        owner = try? c.decodeIfPresent(CWRef.self, forKey: .owner)
        company = try? c.decodeIfPresent(CWRef.self, forKey: .company)
        closedFlag = try? c.decodeIfPresent(Bool.self, forKey: .closedFlag)
        severity = try c.lenientString(.severity)
        impact = try c.lenientString(.impact)
        slaStatus = try c.lenientString(.slaStatus)
        isInSla = try? c.decodeIfPresent(Bool.self, forKey: .isInSla)
        respondMinutes = try c.lenientInt(.respondMinutes)
        resolveMinutes = try c.lenientInt(.resolveMinutes)
        resPlanMinutes = try c.lenientInt(.resPlanMinutes)
        resources = try c.lenientString(.resources)
        dateEntered = try c.lenientString(.dateEntered).flatMap(CWDate.parse)
        if let info = try? c.nestedContainer(keyedBy: InfoKeys.self, forKey: ._info) {
            lastUpdated = try info.lenientString(.lastUpdated).flatMap(CWDate.parse)
            if dateEntered == nil { dateEntered = try info.lenientString(.dateEntered).flatMap(CWDate.parse) }
        }
    }

    /// As psatop shows it. ConnectWise has no respond-by time: the SLA is what the server says
    /// (`slaStatus`, `isInSla`) and its minute counters, shown as fields, never as a deadline.
    public func display(description: String = "") -> Ticket {
        var fields: [Ticket.Field] = []
        if let b = board?.name { fields.append(.init("Board", b)) }
        if let s = slaStatus, !s.isEmpty { fields.append(.init("SLA status", s)) }
        if let s = isInSla { fields.append(.init("In SLA", s ? "yes" : "no")) }
        if let m = respondMinutes { fields.append(.init("Respond minutes", String(m))) }
        if let m = resPlanMinutes { fields.append(.init("Resolution plan minutes", String(m))) }
        if let m = resolveMinutes { fields.append(.init("Resolve minutes", String(m))) }
        if let s = severity { fields.append(.init("Severity", s)) }
        if let s = impact { fields.append(.init("Impact", s)) }
        if let c = closedFlag { fields.append(.init("Closed", c ? "yes" : "no")) }
        return Ticket(
            id: id, number: String(id), title: summary ?? "", status: status?.name ?? "",
            priority: priority?.name ?? "", company: company?.name ?? company?.identifier ?? "",
            assignee: owner.map(\.label) ?? "", created: dateEntered, lastActivity: lastUpdated ?? dateEntered,
            due: nil, description: description, fields: fields, sla: nil, assigneeID: owner?.id)
    }
}

/// `GET/POST /service/tickets/{id}/notes`: text and the three flags.
public struct CWNote: Sendable, Decodable, Equatable {
    public var id: Int64?
    public var text: String?
    public var detailDescriptionFlag: Bool?
    public var internalAnalysisFlag: Bool?
    public var resolutionFlag: Bool?
    public var member: CWRef?
    public var createdBy: String?
    public var dateCreated: Date?

    enum CodingKeys: String, CodingKey {
        case id, text, detailDescriptionFlag, internalAnalysisFlag, resolutionFlag, member, createdBy, dateCreated
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.lenientInt64(.id)
        text = try c.lenientString(.text)
        detailDescriptionFlag = try? c.decodeIfPresent(Bool.self, forKey: .detailDescriptionFlag)
        internalAnalysisFlag = try? c.decodeIfPresent(Bool.self, forKey: .internalAnalysisFlag)
        resolutionFlag = try? c.decodeIfPresent(Bool.self, forKey: .resolutionFlag)
        member = try? c.decodeIfPresent(CWRef.self, forKey: .member)
        createdBy = try c.lenientString(.createdBy)
        dateCreated = try c.lenientString(.dateCreated).flatMap(CWDate.parse)
    }

    /// Internal unless it is on the discussion (detail description) or the resolution.
    public var display: TicketComment {
        let kind = [
            detailDescriptionFlag == true ? "Discussion" : nil, internalAnalysisFlag == true ? "Internal" : nil,
            resolutionFlag == true ? "Resolution" : nil,
        ].compactMap { $0 }.joined(separator: ", ")
        return TicketComment(
            date: dateCreated, author: member?.label ?? createdBy ?? "", text: text ?? "",
            isInternal: detailDescriptionFlag != true && resolutionFlag != true, kind: kind.isEmpty ? nil : kind)
    }
}

/// A board's status (`/service/boards/{id}/statuses`): the spec names it `inactive`; some
/// answers and docs say `inactiveFlag` — either hides it.
public struct CWBoardStatus: Sendable, Decodable, Equatable {
    public var id: Int64
    public var name: String
    public var sortOrder: Int?
    public var inactive: Bool
    public var closedStatus: Bool?

    enum CodingKeys: String, CodingKey { case id, name, sortOrder, inactive, inactiveFlag, closedStatus }

    public init(id: Int64, name: String, sortOrder: Int?, inactive: Bool = false) {
        self.id = id
        self.name = name
        self.sortOrder = sortOrder
        self.inactive = inactive
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let id = try c.lenientInt64(.id), let name = try c.lenientString(.name) else {
            throw DecodingError.keyNotFound(
                CodingKeys.id, .init(codingPath: c.codingPath, debugDescription: "status without id or name"))
        }
        self.id = id
        self.name = name
        sortOrder = try c.lenientInt(.sortOrder)
        inactive =
            ((try? c.decodeIfPresent(Bool.self, forKey: .inactive)) ?? nil)
            ?? ((try? c.decodeIfPresent(Bool.self, forKey: .inactiveFlag)) ?? nil) ?? false
        closedStatus = try? c.decodeIfPresent(Bool.self, forKey: .closedStatus)
    }

    /// Active ones only, in the board's `sortOrder` (then as listed).
    public static func offered(_ list: [CWBoardStatus]) -> [CWBoardStatus] {
        list.enumerated().filter { !$0.element.inactive }
            .sorted { ($0.element.sortOrder ?? Int.max, $0.offset) < ($1.element.sortOrder ?? Int.max, $1.offset) }
            .map(\.element)
    }
}

/// A member (`/system/members`): who a ticket can be assigned to.
public struct CWMember: Sendable, Decodable, Equatable {
    public var id: Int64
    public var identifier: String?
    public var firstName: String?
    public var lastName: String?
    public var officeEmail: String?
    public var inactiveFlag: Bool?
    public var licenseClass: String?

    enum CodingKeys: String, CodingKey {
        case id, identifier, firstName, lastName, officeEmail, inactiveFlag, licenseClass
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.requiredID(.id, of: "member")
        self.id = id
        identifier = try c.lenientString(.identifier)
        firstName = try c.lenientString(.firstName)
        lastName = try c.lenientString(.lastName)
        officeEmail = try c.lenientString(.officeEmail)
        inactiveFlag = try? c.decodeIfPresent(Bool.self, forKey: .inactiveFlag)
        licenseClass = try c.lenientString(.licenseClass)
    }

    public var name: String {
        let n = [firstName, lastName].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        return n.isEmpty ? identifier ?? "#\(id)" : n
    }
}

/// A record with an id and a name (`/service/priorities`, `/service/boards`, `/company/companies`).
public struct CWNamed: Sendable, Decodable, Equatable {
    public var id: Int64
    public var name: String
    public var sortOrder: Int?

    enum CodingKeys: String, CodingKey { case id, name, sortOrder }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let id = try c.lenientInt64(.id), let name = try c.lenientString(.name) else {
            throw DecodingError.keyNotFound(
                CodingKeys.id, .init(codingPath: c.codingPath, debugDescription: "record without id or name"))
        }
        self.id = id
        self.name = name
        sortOrder = try c.lenientInt(.sortOrder)
    }
}

/// `GET /login/companyinfo/{company}`: the codebase the API lives under.
public struct CWCompanyInfo: Sendable, Decodable, Equatable {
    public var codebase: String?
    public var versionCode: String?

    enum CodingKeys: String, CodingKey { case Codebase, VersionCode }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        codebase = try c.lenientString(.Codebase)
        versionCode = try c.lenientString(.VersionCode)
    }
}

/// `GET /service/tickets/count`: `{"count": N}`.
public struct CWCount: Sendable, Decodable, Equatable {
    public var count: Int
}

/// ConnectWise dates: `2026-11-20T09:14:00Z` (UTC).
public enum CWDate {
    public static func parse(_ text: String) -> Date? {
        VendorDate.parse(text.hasSuffix("Z") ? String(text.dropLast()) : text)
    }

    public static func format(_ d: Date) -> String { String(VendorDate.format(d).dropLast(5)) + "Z" }
}
