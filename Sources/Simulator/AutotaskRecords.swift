import Foundation

/// One Autotask entity as the twin holds it: values by the field's canonical (camelCase) name.
protocol AutotaskRecord: Sendable {
    var id: Int64 { get }
    func value(_ field: String) -> SimJSON
}

extension AutotaskRecord {
    /// The record as the API writes it: every field of the entity (nulls included), in the
    /// field list's order, or only `include` (lowercase names; `id` always) when given.
    func json(_ fields: [AutotaskField], include: Set<String>? = nil, udf: Bool = false) -> SimJSON {
        var out: [(String, SimJSON)] = []
        out.reserveCapacity(fields.count + 1)
        for f in fields where include.map({ $0.contains(f.name.lowercased()) || f.name == "id" }) ?? true {
            out.append((f.name, value(f.name)))
        }
        if udf, include.map({ $0.contains("userdefinedfields") }) ?? true {
            out.append(("userDefinedFields", value("userDefinedFields")))
        }
        return .object(out)
    }
}

/// An Autotask ticket: the fields the seed sets, typed; any other field a write set, in `extra`;
/// the SLA fields worked out from the ticket itself (so they cost no memory and change no seed).
public struct SimAutotaskTicket: AutotaskRecord, Equatable {
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
    /// Set by an update; a seeded ticket's is its resource's default service-desk role.
    public var assignedResourceRoleID: Int64?
    public var createDate: Date?
    public var lastActivityDate: Date?
    public var dueDateTime: Date?
    public var completedDate: Date?
    public var estimatedHours: Double?
    /// The "Contract" user-defined field.
    public var contract: String?
    /// 0: no SLA (as on many tenants and tickets); otherwise the ServiceLevelAgreement id.
    public var serviceLevelAgreementID: Int?
    /// Everything else a write set, by canonical field name.
    var extra: [String: SimJSON] = [:]
    /// False for a ticket created through the API: it has no generated notes or time entries.
    var seeded = true
    /// RMM notes flooding this ticket (real tenants: hundreds on one ticket), past one page of 500.
    var noteFlood = 0

    public static func == (a: SimAutotaskTicket, b: SimAutotaskTicket) -> Bool {
        a.id == b.id && a.ticketNumber == b.ticketNumber && a.title == b.title && a.description == b.description
            && a.status == b.status
            && a.priority == b.priority && a.queueID == b.queueID && a.source == b.source
            && a.ticketType == b.ticketType
            && a.companyID == b.companyID && a.contactID == b.contactID && a.assignedResourceID == b.assignedResourceID
            && a.createDate == b.createDate && a.lastActivityDate == b.lastActivityDate
            && a.dueDateTime == b.dueDateTime
            && a.completedDate == b.completedDate && a.estimatedHours == b.estimatedHours && a.contract == b.contract
            && a.serviceLevelAgreementID == b.serviceLevelAgreementID && a.extra == b.extra
    }

    /// Hours from creation to each SLA target, per SLA: first response, resolution plan, resolved.
    static let slaTargets: [Int: (Double, Double, Double, String)] = [
        1: (4, 24, 72, "Standard SLA"), 2: (1, 8, 24, "Premium 24x7 SLA"),
    ]

    /// The fields this type works out itself, looked up once by name and then switched on as an
    /// enum (a switch over 70 strings per field per ticket made a 500-ticket page slow).
    enum Slot: CaseIterable {
        case id, ticketNumber, title, description, status, priority, queueID, source, issueType, subIssueType,
            ticketType, ticketCategory, companyID, contactID, assignedResourceID, assignedResourceRoleID, createDate,
            lastActivityDate, dueDateTime, completedDate, estimatedHours, creatorType, hoursToBeScheduled,
            changeInfoField1, changeInfoField2, changeInfoField3, changeInfoField4, changeInfoField5, externalID,
            purchaseOrderNumber, resolution, userDefinedFields, serviceLevelAgreementID, firstResponseDueDateTime,
            resolutionPlanDueDateTime, resolvedDueDateTime, firstResponseDateTime, resolutionPlanDateTime,
            resolvedDateTime, lastCustomerVisibleActivityDateTime
    }
    static let slots: [String: Slot] = Dictionary(uniqueKeysWithValues: Slot.allCases.map { ("\($0)", $0) })

    func value(_ field: String) -> SimJSON {
        if !extra.isEmpty, let v = extra[field] { return v }
        guard let slot = Self.slots[field] else { return .null }
        let sla = Self.slaTargets[serviceLevelAgreementID ?? 0]
        let created = createDate ?? Date(timeIntervalSince1970: 0)
        func after(_ hours: Double?) -> SimJSON { hours.map { .date(created.addingTimeInterval($0 * 3_600)) } ?? .null }
        switch slot {
        case .id: return .int(id)
        case .ticketNumber: return .string(ticketNumber)
        case .title: return .string(title)
        case .description: return .string(description)
        case .status: return .int(status)
        case .priority: return .int(priority)
        case .queueID: return .int(queueID)
        case .source: return .int(source)
        case .issueType: return .int(issueType)
        case .subIssueType: return .int(subIssueType)
        case .ticketType: return .int(ticketType)
        case .ticketCategory: return .int(ticketCategory)
        case .companyID: return .int(companyID)
        case .contactID: return .int(contactID)
        case .assignedResourceID: return .int(assignedResourceID)
        case .assignedResourceRoleID:
            return assignedResourceID == nil
                ? .null
                : .int(
                    assignedResourceRoleID
                        ?? SimData.serviceDeskRoles(of: assignedResourceID!).first { $0.isDefault }?.roleID)
        case .createDate: return .date(createDate)
        case .lastActivityDate: return .date(lastActivityDate)
        case .dueDateTime: return .date(dueDateTime)
        case .completedDate: return .date(completedDate)
        case .estimatedHours: return .double(estimatedHours)
        case .creatorType: return .int(1)
        case .hoursToBeScheduled: return .double(0)
        case .changeInfoField1, .changeInfoField2, .changeInfoField3, .changeInfoField4, .changeInfoField5, .externalID,
            .purchaseOrderNumber, .resolution:
            return .string("")
        case .userDefinedFields:
            return .array([.object([("name", .string("Contract")), ("value", .string(contract))])])
        // SLA: targets from creation; met or not from the ticket's own id (a third of the
        // first responses still open); `serviceLevelAgreementHasBeenMet` empty, as seen on real tenants.
        case .serviceLevelAgreementID: return sla == nil ? .null : .int(serviceLevelAgreementID)
        case .firstResponseDueDateTime: return after(sla?.0)
        case .resolutionPlanDueDateTime: return after(sla?.1)
        case .resolvedDueDateTime: return after(sla?.2)
        case .firstResponseDateTime:
            guard let sla, id % 3 != 0 || completedDate != nil else { return .null }
            return after(sla.0 * (id % 5 == 0 ? 1.5 : 0.5))
        case .resolutionPlanDateTime:
            guard let sla, completedDate != nil || id % 2 == 0 else { return .null }
            return after(sla.1 * 0.75)
        case .resolvedDateTime: return sla == nil ? .null : .date(completedDate)
        case .lastCustomerVisibleActivityDateTime:
            return .date(lastActivityDate.map { $0.addingTimeInterval(-Double(id % 7) * 600) })
        }
    }

    /// Sets a field by canonical name (typed where the seed keeps it typed).
    mutating func set(_ field: String, _ v: SimJSON) {
        func date() -> Date? {
            if case .date(let d) = v { return d }
            return v.stringValue.flatMap(SimDate.parse)
        }
        switch field {
        case "title": title = v.stringValue
        case "description": description = v.stringValue
        case "status": status = v.int64.map { Int($0) }
        case "priority": priority = v.int64.map { Int($0) }
        case "queueID": queueID = v.int64.map { Int($0) }
        case "source": source = v.int64.map { Int($0) }
        case "issueType": issueType = v.int64.map { Int($0) }
        case "subIssueType": subIssueType = v.int64.map { Int($0) }
        case "ticketType": ticketType = v.int64.map { Int($0) }
        case "ticketCategory": ticketCategory = v.int64.map { Int($0) }
        case "companyID": companyID = v.int64
        case "contactID": contactID = v.int64
        case "assignedResourceID": assignedResourceID = v.int64
        case "assignedResourceRoleID": assignedResourceRoleID = v.int64
        case "dueDateTime": dueDateTime = date()
        case "estimatedHours":
            if case .double(let d) = v { estimatedHours = d } else { estimatedHours = v.int64.map(Double.init) }
        case "serviceLevelAgreementID": serviceLevelAgreementID = v.int64.map { Int($0) } ?? 0
        case "userDefinedFields":
            if case .array(let items) = v {
                for case .object(let kv) in items {
                    let d = Dictionary(kv.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { a, _ in a })
                    if d["name"]?.stringValue == "Contract" { contract = d["value"]?.stringValue }
                }
            }
        default: extra[field] = v
        }
    }
}

/// A ticket note (`TicketNotes`): by a resource (`creatorResourceID`) or by a customer through the
/// portal (`createdByContactID`, no resource).
struct SimAutotaskNote: AutotaskRecord {
    var id: Int64
    var ticketID: Int64
    var title: String
    var description: String
    var noteType: Int
    var publish: Int
    var creatorResourceID: Int64?
    var createdByContactID: Int64?
    var createDateTime: Date

    func value(_ field: String) -> SimJSON {
        switch field {
        case "id": .int(id)
        case "ticketID": .int(ticketID)
        case "title": .string(title)
        case "description": .string(description)
        case "noteType": .int(noteType)
        case "publish": .int(publish)
        case "creatorResourceID": .int(creatorResourceID)
        case "createdByContactID": .int(createdByContactID)
        case "createDateTime", "lastActivityDate": .date(createDateTime)
        default: .null
        }
    }
}

/// A record made of its values (time entries, SLA results: generated from a ticket when asked).
struct SimAutotaskValues: AutotaskRecord {
    var id: Int64
    var values: [String: SimJSON]
    func value(_ field: String) -> SimJSON { field == "id" ? .int(id) : values[field] ?? .null }
}

/// An attachment on a ticket; `data` is kept only for what the API stores (its size).
struct SimAutotaskAttachment: AutotaskRecord {
    var id: Int64, parentID: Int64, title: String, fullPath: String, publish: Int, fileSize: Int, attachDate: Date
    var contentType: String
    var data: Data

    func value(_ field: String) -> SimJSON {
        switch field {
        case "id": .int(id)
        case "parentID": .int(parentID)
        case "title": .string(title)
        case "fullPath": .string(fullPath)
        case "attachmentType": .string("FILE_ATTACHMENT")
        case "contentType": .string(contentType)
        case "fileSize": .double(Double(fileSize))
        case "publish": .int(publish)
        case "attachDate": .date(attachDate)
        case "attachedByResourceID": .int(Int64(29_682_885))
        case "parentType": .int(4)
        case "isTaskAttachment": .bool(false)
        default: .null
        }
    }
}
