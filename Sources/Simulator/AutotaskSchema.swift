import Foundation

/// The Autotask entities the twin serves, as `entityInformation/fields` describes them: written
/// from the published Swagger (`v1.json`, the `TicketModel`, `TicketNoteModel`, `TimeEntryModel`,
/// `ServiceLevelAgreementResultsModel`, `TicketAttachmentModel` definitions) in the camelCase the
/// live API answers with, and from the shape public clients' fixtures show for the field list
/// (`isRequired`, `isReadOnly`, `isQueryable`, `isReference`, `picklistValues` with `isActive` and
/// `sortOrder`).
struct AutotaskField: Sendable {
    enum Kind: String, Sendable { case integer, long, string, datetime, double, boolean }
    var name: String
    var type: Kind
    var length = 0
    var isRequired = false
    var isReadOnly = false
    var reference: String? = nil
    var picklist: [AutotaskPicklistValue]? = nil

    var json: SimJSON {
        .object([
            ("name", .string(name)), ("dataType", .string(type.rawValue)),
            ("length", .int(Int64(type == .string ? (length == 0 ? 8_000 : length) : 0))),
            ("isRequired", .bool(isRequired)), ("isReadOnly", .bool(isReadOnly)), ("isQueryable", .bool(true)),
            ("isReference", .bool(reference != nil)), ("referenceEntityType", .string(reference ?? "")),
            ("isPickList", .bool(picklist != nil)),
            ("picklistValues", picklist.map { .array($0.map(\.json)) } ?? .null),
            ("picklistParentValueField", .string("")), ("isSupportedWebhookField", .bool(false)),
        ])
    }
}

struct AutotaskPicklistValue: Sendable {
    var value: Int
    var label: String
    var sortOrder: Int
    var isActive = true
    var isDefault = false
    var isSystem = false

    var json: SimJSON {
        .object([
            ("value", .string(String(value))), ("label", .string(label)), ("isDefaultValue", .bool(isDefault)),
            ("sortOrder", .int(Int64(sortOrder))), ("parentValue", .string("")), ("isActive", .bool(isActive)),
            ("isSystem", .bool(isSystem)),
        ])
    }
}

enum AutotaskSchema {
    typealias F = AutotaskField

    /// Picklists: active values plus retired ones that old tickets still carry; `sortOrder` is the
    /// tenant's display order, on purpose not the order of the values.
    static func picklist(
        _ values: [(Int, String)], order: [Int], inactive: Set<Int> = [], system: Set<Int> = [],
        defaultValue: Int? = nil
    ) -> [AutotaskPicklistValue] {
        values.map { pair in
            let v = pair.0
            return AutotaskPicklistValue(
                value: v, label: pair.1, sortOrder: (order.firstIndex(of: v) ?? order.count) + 1,
                isActive: !inactive.contains(v), isDefault: v == defaultValue, isSystem: system.contains(v))
        }
    }

    static func ticketFields(_ lists: [String: [AutotaskPicklistValue]]) -> [F] {
        func pick(_ name: String, required: Bool = false) -> F {
            F(name: name, type: .integer, isRequired: required, picklist: lists[name] ?? [])
        }
        return [
            F(name: "id", type: .long, isRequired: true, isReadOnly: true),
            F(name: "apiVendorID", type: .integer, isReadOnly: true),
            F(name: "assignedResourceID", type: .integer, reference: "Resource"),
            F(name: "assignedResourceRoleID", type: .integer, reference: "Role"),
            F(name: "billingCodeID", type: .integer, reference: "BillingCode"),
            F(name: "changeApprovalBoard", type: .integer), F(name: "changeApprovalStatus", type: .integer),
            F(name: "changeApprovalType", type: .integer),
            F(name: "changeInfoField1", type: .string), F(name: "changeInfoField2", type: .string),
            F(name: "changeInfoField3", type: .string), F(name: "changeInfoField4", type: .string),
            F(name: "changeInfoField5", type: .string),
            F(name: "companyID", type: .integer, isRequired: true, reference: "Company"),
            F(name: "companyLocationID", type: .integer, reference: "CompanyLocation"),
            F(name: "completedByResourceID", type: .integer, isReadOnly: true, reference: "Resource"),
            F(name: "completedDate", type: .datetime, isReadOnly: true),
            F(name: "configurationItemID", type: .integer, reference: "ConfigurationItem"),
            F(name: "contactID", type: .integer, reference: "Contact"),
            F(name: "contractID", type: .integer, reference: "Contract"),
            F(name: "contractServiceBundleID", type: .long), F(name: "contractServiceID", type: .long),
            F(name: "createDate", type: .datetime, isReadOnly: true),
            F(name: "creatorResourceID", type: .integer, isReadOnly: true, reference: "Resource"),
            F(name: "creatorType", type: .integer, isReadOnly: true),
            F(name: "currentServiceThermometerRating", type: .integer, isReadOnly: true),
            F(name: "description", type: .string, length: 8_000),
            F(name: "dueDateTime", type: .datetime),
            F(name: "estimatedHours", type: .double),
            F(name: "externalID", type: .string, length: 50),
            F(name: "firstResponseAssignedResourceID", type: .integer, isReadOnly: true, reference: "Resource"),
            F(name: "firstResponseDateTime", type: .datetime, isReadOnly: true),
            F(name: "firstResponseDueDateTime", type: .datetime, isReadOnly: true),
            F(name: "firstResponseInitiatingResourceID", type: .integer, isReadOnly: true, reference: "Resource"),
            F(name: "hoursToBeScheduled", type: .double, isReadOnly: true),
            F(name: "impersonatorCreatorResourceID", type: .integer, isReadOnly: true, reference: "Resource"),
            pick("issueType"),
            F(name: "lastActivityDate", type: .datetime, isReadOnly: true),
            F(name: "lastActivityPersonType", type: .integer, isReadOnly: true),
            F(name: "lastActivityResourceID", type: .integer, isReadOnly: true, reference: "Resource"),
            F(name: "lastCustomerNotificationDateTime", type: .datetime, isReadOnly: true),
            F(name: "lastCustomerVisibleActivityDateTime", type: .datetime, isReadOnly: true),
            F(name: "lastTrackedModificationDateTime", type: .datetime, isReadOnly: true),
            F(name: "monitorID", type: .integer), F(name: "monitorTypeID", type: .integer),
            F(name: "opportunityID", type: .integer, reference: "Opportunity"),
            F(name: "organizationalLevelAssociationID", type: .integer),
            F(name: "previousServiceThermometerRating", type: .integer, isReadOnly: true),
            pick("priority", required: true),
            F(name: "problemTicketId", type: .integer, reference: "Ticket"),
            F(name: "projectID", type: .integer, reference: "Project"),
            F(name: "purchaseOrderNumber", type: .string, length: 50),
            pick("queueID"),
            F(name: "resolution", type: .string, length: 32_000),
            F(name: "resolutionPlanDateTime", type: .datetime, isReadOnly: true),
            F(name: "resolutionPlanDueDateTime", type: .datetime, isReadOnly: true),
            F(name: "resolvedDateTime", type: .datetime, isReadOnly: true),
            F(name: "resolvedDueDateTime", type: .datetime, isReadOnly: true),
            F(name: "rmaStatus", type: .integer), F(name: "rmaType", type: .integer),
            F(name: "rmmAlertID", type: .string, length: 50),
            F(name: "serviceLevelAgreementHasBeenMet", type: .boolean, isReadOnly: true),
            F(name: "serviceLevelAgreementID", type: .integer, reference: "ServiceLevelAgreement"),
            F(name: "serviceLevelAgreementPausedNextEventHours", type: .double, isReadOnly: true),
            F(name: "serviceThermometerTemperature", type: .integer, isReadOnly: true),
            pick("source"),
            pick("status", required: true),
            pick("subIssueType"),
            pick("ticketCategory"),
            F(name: "ticketNumber", type: .string, length: 50, isReadOnly: true),
            pick("ticketType"),
            F(name: "title", type: .string, length: 255, isRequired: true),
        ]
    }

    static let noteTypes = picklist(
        [
            (1, "Task Summary"), (2, "Task Detail"), (3, "Task Notes"),
            (13, "Workflow Rule Action Note"), (99, "RMM Note"),
        ],
        order: [3, 1, 2, 13, 99], system: [13, 99], defaultValue: 3)
    /// 1 reaches customers (the Client Portal); there is no 3.
    static let notePublish = picklist(
        [(1, "All Autotask Users"), (2, "Internal Project Team"), (4, "Internal & Co-Managed")],
        order: [2, 4, 1], defaultValue: 2)
    static let attachmentPublish = picklist(
        [(1, "All Autotask Users"), (2, "Internal Users Only"), (4, "Internal & Co-Managed")],
        order: [2, 4, 1], defaultValue: 2)

    static let noteFields: [F] = [
        F(name: "id", type: .long, isRequired: true, isReadOnly: true),
        F(name: "createDateTime", type: .datetime, isReadOnly: true),
        F(name: "createdByContactID", type: .integer, isReadOnly: true, reference: "Contact"),
        F(name: "creatorResourceID", type: .integer, isReadOnly: true, reference: "Resource"),
        F(name: "description", type: .string, length: 32_000, isRequired: true),
        F(name: "impersonatorCreatorResourceID", type: .integer, isReadOnly: true, reference: "Resource"),
        F(name: "impersonatorUpdaterResourceID", type: .integer, isReadOnly: true, reference: "Resource"),
        F(name: "lastActivityDate", type: .datetime, isReadOnly: true),
        F(name: "noteType", type: .integer, isRequired: true, picklist: noteTypes),
        F(name: "publish", type: .integer, isRequired: true, picklist: notePublish),
        F(name: "ticketID", type: .integer, isRequired: true, isReadOnly: true, reference: "Ticket"),
        F(name: "title", type: .string, length: 250, isRequired: true),
    ]

    static let timeEntryFields: [F] = [
        F(name: "id", type: .long, isRequired: true, isReadOnly: true),
        F(name: "billingApprovalDateTime", type: .datetime, isReadOnly: true),
        F(name: "billingApprovalLevelMostRecent", type: .integer, isReadOnly: true),
        F(name: "billingApprovalResourceID", type: .integer, isReadOnly: true, reference: "Resource"),
        F(name: "billingCodeID", type: .integer, reference: "BillingCode"),
        F(name: "contractID", type: .integer, reference: "Contract"),
        F(name: "contractServiceBundleID", type: .long), F(name: "contractServiceID", type: .long),
        F(name: "createDateTime", type: .datetime, isReadOnly: true),
        F(name: "creatorUserID", type: .integer, isReadOnly: true),
        F(name: "dateWorked", type: .datetime, isRequired: true),
        F(name: "endDateTime", type: .datetime),
        F(name: "hoursToBill", type: .double, isReadOnly: true),
        F(name: "hoursWorked", type: .double),
        F(name: "impersonatorCreatorResourceID", type: .integer, isReadOnly: true),
        F(name: "impersonatorUpdaterResourceID", type: .integer, isReadOnly: true),
        F(name: "internalBillingCodeID", type: .integer, reference: "BillingCode"),
        F(name: "internalNotes", type: .string, length: 8_000),
        F(name: "isNonBillable", type: .boolean),
        F(name: "lastModifiedDateTime", type: .datetime, isReadOnly: true),
        F(name: "lastModifiedUserID", type: .integer, isReadOnly: true),
        F(name: "offsetHours", type: .double),
        F(name: "resourceID", type: .integer, isRequired: true, reference: "Resource"),
        F(name: "roleID", type: .integer, isRequired: true, reference: "Role"),
        F(name: "showOnInvoice", type: .boolean),
        F(name: "startDateTime", type: .datetime),
        F(name: "summaryNotes", type: .string, length: 8_000),
        F(name: "taskID", type: .integer, reference: "Task"),
        F(name: "ticketID", type: .integer, reference: "Ticket"),
        F(name: "timeEntryType", type: .integer, isReadOnly: true),
    ]

    static let slaResultFields: [F] = [
        F(name: "id", type: .long, isRequired: true, isReadOnly: true),
        F(name: "firstResponseElapsedHours", type: .double, isReadOnly: true),
        F(name: "firstResponseInitiatingResourceID", type: .integer, isReadOnly: true, reference: "Resource"),
        F(name: "firstResponseResourceID", type: .integer, isReadOnly: true, reference: "Resource"),
        F(name: "isFirstResponseMet", type: .boolean, isReadOnly: true),
        F(name: "isResolutionMet", type: .boolean, isReadOnly: true),
        F(name: "isResolutionPlanMet", type: .boolean, isReadOnly: true),
        F(name: "resolutionElapsedHours", type: .double, isReadOnly: true),
        F(name: "resolutionPlanElapsedHours", type: .double, isReadOnly: true),
        F(name: "resolutionPlanResourceID", type: .integer, isReadOnly: true, reference: "Resource"),
        F(name: "resolutionResourceID", type: .integer, isReadOnly: true, reference: "Resource"),
        F(name: "serviceLevelAgreementName", type: .string, isReadOnly: true),
        F(name: "ticketID", type: .integer, isReadOnly: true, reference: "Ticket"),
    ]

    static let attachmentFields: [F] = [
        F(name: "id", type: .long, isRequired: true, isReadOnly: true),
        F(name: "attachDate", type: .datetime, isReadOnly: true),
        F(name: "attachedByContactID", type: .long, isReadOnly: true, reference: "Contact"),
        F(name: "attachedByResourceID", type: .long, isReadOnly: true, reference: "Resource"),
        F(name: "attachmentType", type: .string, isRequired: true),
        F(name: "contentType", type: .string, isReadOnly: true),
        F(name: "fileSize", type: .double, isReadOnly: true),
        F(name: "fullPath", type: .string, isRequired: true),
        F(name: "impersonatorCreatorResourceID", type: .integer, isReadOnly: true),
        F(name: "opportunityID", type: .long),
        F(name: "parentID", type: .long, isReadOnly: true),
        F(name: "parentType", type: .integer, isReadOnly: true),
        F(name: "publish", type: .integer, isRequired: true, picklist: attachmentPublish),
        F(name: "title", type: .string, isRequired: true),
        F(name: "isTaskAttachment", type: .boolean, isReadOnly: true),
    ]

    /// `GET /V1.0/{Entity}/entityInformation` → `{"info":{…}}` (Swagger's EntityInformationResultModel).
    static func info(_ name: String, canCreate: Bool, canUpdate: Bool, canDelete: Bool = false, udf: Bool = false)
        -> SimJSON
    {
        let access: SimJSON = .string("All")
        return .object([
            (
                "info",
                .object([
                    ("name", .string(name)), ("canCreate", .bool(canCreate)), ("canDelete", .bool(canDelete)),
                    ("canQuery", .bool(true)),
                    ("canUpdate", .bool(canUpdate)),
                    ("userAccessForCreate", canCreate ? access : .string("None")),
                    ("userAccessForDelete", canDelete ? access : .string("None")),
                    ("userAccessForQuery", access), ("userAccessForUpdate", canUpdate ? access : .string("None")),
                    ("hasUserDefinedFields", .bool(udf)), ("supportsWebhookCallouts", .bool(name == "Ticket")),
                ])
            )
        ])
    }

    /// Entities served, by their URL name (lowercase) → (entity name, can create, can update, can delete, fields).
    static func entity(_ path: String, ticketFields: [F]) -> (
        name: String, create: Bool, update: Bool, delete: Bool, fields: [F]
    )? {
        switch path {
        case "tickets": ("Ticket", true, true, false, ticketFields)
        case "ticketnotes": ("TicketNote", true, true, false, noteFields)
        case "timeentries": ("TimeEntry", true, true, true, timeEntryFields)
        case "servicelevelagreementresults": ("ServiceLevelAgreementResults", false, false, false, slaResultFields)
        case "ticketattachments": ("TicketAttachment", true, false, true, attachmentFields)
        default: nil
        }
    }
}
