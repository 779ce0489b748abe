import Foundation

/// An Autotask ticket as the REST API sends it (camelCase; any field may be null; unknown fields ignored).
public struct AutotaskTicket: Sendable, Codable, Equatable {
    public var id: Int64
    public var ticketNumber: String?
    public var title: String?
    public var description: String?
    public var status: Int?
    public var priority: Int?
    public var queueID: Int?
    public var source: Int?
    public var issueType: Int?
    public var subIssueType: Int?
    public var ticketType: Int?
    public var ticketCategory: Int?
    public var companyID: Int64?
    public var contactID: Int64?
    public var assignedResourceID: Int64?
    public var createDate: Date?
    public var lastActivityDate: Date?
    public var dueDateTime: Date?
    public var completedDate: Date?
    public var estimatedHours: Double?
    public var userDefinedFields: [UserDefinedField]?
    public var firstResponseDueDateTime: Date?
    public var firstResponseDateTime: Date?
    public var resolutionPlanDueDateTime: Date?
    public var resolutionPlanDateTime: Date?
    public var resolvedDueDateTime: Date?
    public var resolvedDateTime: Date?
    public var serviceLevelAgreementID: Int64?
    /// Seen empty on real tenants: kept as the vendor's word, never relied on.
    public var serviceLevelAgreementHasBeenMet: Bool?

    /// Every field name the entity has, as the API spells it.
    public static var fieldNames: [String] { CodingKeys.allCases.map(\.rawValue) }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, ticketNumber, title, description, status, priority, queueID, source, issueType, subIssueType,
            ticketType, ticketCategory, companyID, contactID, assignedResourceID, createDate, lastActivityDate,
            dueDateTime, completedDate, estimatedHours, userDefinedFields
        case firstResponseDueDateTime, firstResponseDateTime, resolutionPlanDueDateTime, resolutionPlanDateTime,
            resolvedDueDateTime, resolvedDateTime
        case serviceLevelAgreementID, serviceLevelAgreementHasBeenMet
    }

    public struct UserDefinedField: Sendable, Codable, Equatable {
        public var name: String
        public var value: String?
        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.lenientString(.name) ?? ""
            value = try c.lenientString(.value)
        }
    }

    public init(
        id: Int64, ticketNumber: String? = nil, title: String? = nil, description: String? = nil,
        status: Int? = nil, priority: Int? = nil, queueID: Int? = nil, source: Int? = nil,
        issueType: Int? = nil, subIssueType: Int? = nil, ticketType: Int? = nil, ticketCategory: Int? = nil,
        companyID: Int64? = nil, contactID: Int64? = nil, assignedResourceID: Int64? = nil,
        createDate: Date? = nil, lastActivityDate: Date? = nil, dueDateTime: Date? = nil,
        completedDate: Date? = nil, estimatedHours: Double? = nil, userDefinedFields: [UserDefinedField]? = nil
    ) {
        self.id = id
        self.ticketNumber = ticketNumber
        self.title = title
        self.description = description
        self.status = status
        self.priority = priority
        self.queueID = queueID
        self.source = source
        self.issueType = issueType
        self.subIssueType = subIssueType
        self.ticketType = ticketType
        self.ticketCategory = ticketCategory
        self.companyID = companyID
        self.contactID = contactID
        self.assignedResourceID = assignedResourceID
        self.createDate = createDate
        self.lastActivityDate = lastActivityDate
        self.dueDateTime = dueDateTime
        self.completedDate = completedDate
        self.estimatedHours = estimatedHours
        self.userDefinedFields = userDefinedFields
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.requiredID(.id, of: "ticket")
        self.id = id
        ticketNumber = try c.lenientString(.ticketNumber)
        title = try c.lenientString(.title)
        description = try c.lenientString(.description)
        status = try c.lenientInt(.status)
        priority = try c.lenientInt(.priority)
        queueID = try c.lenientInt(.queueID)
        source = try c.lenientInt(.source)
        issueType = try c.lenientInt(.issueType)
        subIssueType = try c.lenientInt(.subIssueType)
        ticketType = try c.lenientInt(.ticketType)
        ticketCategory = try c.lenientInt(.ticketCategory)
        companyID = try c.lenientInt64(.companyID)
        contactID = try c.lenientInt64(.contactID)
        assignedResourceID = try c.lenientInt64(.assignedResourceID)
        createDate = try c.lenientDate(.createDate)
        lastActivityDate = try c.lenientDate(.lastActivityDate)
        dueDateTime = try c.lenientDate(.dueDateTime)
        completedDate = try c.lenientDate(.completedDate)
        estimatedHours = try c.lenientDouble(.estimatedHours)
        userDefinedFields = try? c.decodeIfPresent([UserDefinedField].self, forKey: .userDefinedFields)
        firstResponseDueDateTime = try c.lenientDate(.firstResponseDueDateTime)
        firstResponseDateTime = try c.lenientDate(.firstResponseDateTime)
        resolutionPlanDueDateTime = try c.lenientDate(.resolutionPlanDueDateTime)
        resolutionPlanDateTime = try c.lenientDate(.resolutionPlanDateTime)
        resolvedDueDateTime = try c.lenientDate(.resolvedDueDateTime)
        resolvedDateTime = try c.lenientDate(.resolvedDateTime)
        serviceLevelAgreementID = try c.lenientInt64(.serviceLevelAgreementID)
        serviceLevelAgreementHasBeenMet = try? c.decodeIfPresent(Bool.self, forKey: .serviceLevelAgreementHasBeenMet)
    }

    /// Autotask's three SLA stages, each with its deadline and when it was met; a stage without
    /// a deadline is left out, a ticket without any has no SLA.
    public var sla: SLA? {
        var stages: [SLAStage] = []
        if let due = firstResponseDueDateTime {
            stages.append(SLAStage(.firstResponse, due: due, met: firstResponseDateTime))
        }
        if let due = resolutionPlanDueDateTime {
            stages.append(SLAStage(.resolutionPlan, due: due, met: resolutionPlanDateTime))
        }
        if let due = resolvedDueDateTime { stages.append(SLAStage(.resolved, due: due, met: resolvedDateTime)) }
        return SLA(stages: stages, vendorSaysMet: serviceLevelAgreementHasBeenMet)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(ticketNumber, forKey: .ticketNumber)
        try c.encode(title, forKey: .title)
        try c.encode(description, forKey: .description)
        try c.encode(status, forKey: .status)
        try c.encode(priority, forKey: .priority)
        try c.encode(queueID, forKey: .queueID)
        try c.encode(source, forKey: .source)
        try c.encode(issueType, forKey: .issueType)
        try c.encode(subIssueType, forKey: .subIssueType)
        try c.encode(ticketType, forKey: .ticketType)
        try c.encode(ticketCategory, forKey: .ticketCategory)
        try c.encode(companyID, forKey: .companyID)
        try c.encode(contactID, forKey: .contactID)
        try c.encode(assignedResourceID, forKey: .assignedResourceID)
        try c.encode(createDate.map(VendorDate.format), forKey: .createDate)
        try c.encode(lastActivityDate.map(VendorDate.format), forKey: .lastActivityDate)
        try c.encode(dueDateTime.map(VendorDate.format), forKey: .dueDateTime)
        try c.encode(completedDate.map(VendorDate.format), forKey: .completedDate)
        try c.encode(estimatedHours, forKey: .estimatedHours)
        try c.encode(userDefinedFields ?? [], forKey: .userDefinedFields)
        try c.encode(firstResponseDueDateTime.map(VendorDate.format), forKey: .firstResponseDueDateTime)
        try c.encode(firstResponseDateTime.map(VendorDate.format), forKey: .firstResponseDateTime)
        try c.encode(resolutionPlanDueDateTime.map(VendorDate.format), forKey: .resolutionPlanDueDateTime)
        try c.encode(resolutionPlanDateTime.map(VendorDate.format), forKey: .resolutionPlanDateTime)
        try c.encode(resolvedDueDateTime.map(VendorDate.format), forKey: .resolvedDueDateTime)
        try c.encode(resolvedDateTime.map(VendorDate.format), forKey: .resolvedDateTime)
        try c.encode(serviceLevelAgreementID, forKey: .serviceLevelAgreementID)
        try c.encode(serviceLevelAgreementHasBeenMet, forKey: .serviceLevelAgreementHasBeenMet)
    }
}

/// `{"items":[…],"pageDetails":{…}}` from `Tickets/query`.
public struct AutotaskQueryResponse<Item: Codable & Sendable>: Sendable, Codable {
    public var items: [Item]
    public var pageDetails: PageDetails?

    public struct PageDetails: Sendable, Codable, Equatable {
        public var count: Int
        public var requestCount: Int
        public var prevPageUrl: String?
        public var nextPageUrl: String?
        public init(count: Int, requestCount: Int, prevPageUrl: String?, nextPageUrl: String?) {
            self.count = count
            self.requestCount = requestCount
            self.prevPageUrl = prevPageUrl
            self.nextPageUrl = nextPageUrl
        }
    }

    public init(items: [Item], pageDetails: PageDetails?) {
        self.items = items
        self.pageDetails = pageDetails
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        items = try c.pageItems([Item].self, forKey: .items, decoder: decoder) ?? []
        pageDetails = try? c.decodeIfPresent(PageDetails.self, forKey: .pageDetails)
    }
}

/// `{"item":{…}}` from `Tickets/{id}`.
public struct AutotaskItemResponse<Item: Codable & Sendable>: Sendable, Codable {
    public var item: Item?
    public init(item: Item?) { self.item = item }
    /// A missing entity is `{"item":null}`, as Autotask sends it.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(item, forKey: .item)
    }
}

/// `{"queryCount":n}`.
/// `{"itemId":…}`: what Autotask answers to a create or an update.
public struct AutotaskItemIDResponse: Sendable, Codable, Equatable {
    public var itemId: Int64
    public init(itemId: Int64) { self.itemId = itemId }
}

/// A value for a ticket field in an update (picklists are ints on Autotask, strings on Atera).
public enum TicketFieldValue: Sendable, Equatable, Hashable {
    case int(Int)
    case string(String)
    public var json: Any {
        switch self {
        case .int(let i): i
        case .string(let s): s
        }
    }
}

public struct AutotaskCountResponse: Sendable, Codable {
    public var queryCount: Int
    public init(queryCount: Int) { self.queryCount = queryCount }
}

/// `zoneInformation?user=…`.
public struct ZoneInformation: Sendable, Codable, Equatable {
    public var zoneName: String?
    public var url: String
    public var webUrl: String?
    public var ci: Int?
    public init(zoneName: String?, url: String, webUrl: String?, ci: Int?) {
        self.zoneName = zoneName
        self.url = url
        self.webUrl = webUrl
        self.ci = ci
    }
}

/// A company, as much as the ticket list needs.
public struct AutotaskCompany: Sendable, Codable, Equatable {
    public var id: Int64
    public var companyName: String?
    public init(id: Int64, companyName: String?) {
        self.id = id
        self.companyName = companyName
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.lenientInt64(.id) ?? 0
        companyName = try c.lenientString(.companyName)
    }
}

extension AutotaskTicket {
    /// `String(format: "%.2f", h)`, without the formatter where the hundredths are exact (quarter
    /// hours, 1.1): the same text (`DisplayTests` compares both).
    static func hours(_ h: Double) -> String {
        let c = h * 100
        guard h.sign == .plus, c == c.rounded(), c < 1e15 else { return String(format: "%.2f", h) }
        let n = Int(c)
        let cents = n % 100
        return "\(n / 100)." + (cents < 10 ? "0\(cents)" : "\(cents)")
    }

    /// The display ticket, with labels from the tenant's picklists and names from the caches
    /// (companies, resources, and contacts: the detail view asks for its ticket's contact).
    public func display(
        picklists: Picklists, companies: [Int64: String] = [:], resources: [Int64: String] = [:],
        contacts: [Int64: String] = [:]
    ) -> Ticket {
        var fields: [Ticket.Field] = []
        func add(_ name: String, _ value: String?) {
            if let value, !value.isEmpty { fields.append(.init(name, value)) }
        }
        add("Queue", queueID.map { picklists.label("queueid", $0) })
        add("Source", source.map { picklists.label("source", $0) })
        add("Issue type", issueType.map { picklists.label("issuetype", $0) })
        add("Sub-issue type", subIssueType.map { picklists.label("subissuetype", $0) })
        add("Ticket type", ticketType.map { picklists.label("tickettype", $0) })
        add("Category", ticketCategory.map { picklists.label("ticketcategory", $0) })
        add("Contact", contactID.map { contacts[$0] ?? "#\($0)" })
        add("Completed", completedDate.map(VendorDate.format))
        add("Estimated hours", estimatedHours.map(Self.hours))
        for udf in userDefinedFields ?? [] { add(udf.name, udf.value) }
        return Ticket(
            id: id,
            number: ticketNumber ?? "#\(id)",
            title: title ?? "",
            status: picklists.label("status", status),
            priority: picklists.label("priority", priority),
            company: companyID.map { companies[$0] ?? "Company #\($0)" } ?? "",
            assignee: assignedResourceID.map { resources[$0] ?? "Resource #\($0)" } ?? "",
            created: createDate, lastActivity: lastActivityDate, due: dueDateTime,
            description: description ?? "", fields: fields, sla: sla, assigneeID: assignedResourceID)
    }
}
