import Foundation

/// Which ticket fields a use asks for (`IncludeFields`). Real tenants' tickets carry ~80 fields
/// and long descriptions; the list needs a few of them. Declared once per use, here:
/// - `list`: what the list's columns, its filters, sorting and the SLA dates need;
/// - `export`: everything `tickets --json/--csv` prints;
/// - `all`: the detail view (no `IncludeFields`: the whole ticket).
/// `id` is always included: walking by id needs it.
public enum AutotaskFieldSet: String, Sendable, CaseIterable {
    case list, export, all

    /// The fields to name in `IncludeFields`, or nil for every field.
    public var fields: [String]? {
        switch self {
        case .list: Self.listFields
        case .export: Self.listFields + Self.exportExtra
        case .all: nil
        }
    }

    static let listFields = [
        "id", "ticketNumber", "title", "status", "priority", "queueID", "companyID", "contactID", "assignedResourceID",
        "createDate", "lastActivityDate", "dueDateTime", "completedDate",
        "firstResponseDueDateTime", "firstResponseDateTime", "resolutionPlanDueDateTime", "resolutionPlanDateTime",
        "resolvedDueDateTime", "resolvedDateTime", "serviceLevelAgreementID", "serviceLevelAgreementHasBeenMet",
    ]
    static let exportExtra = [
        "description", "source", "issueType", "subIssueType", "ticketType", "ticketCategory", "estimatedHours",
        "userDefinedFields",
    ]
}
