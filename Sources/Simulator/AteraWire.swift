import Foundation

/// Atera's wire shapes, written from the published OpenAPI document (`TicketDto`,
/// `TicketCommentDto`, `CustomerDto`, `ContactDto`, `AlertDto`, `Result`) and the swagger-generated
/// `atera-client` models: PascalCase names, nearly everything nullable, dates without a zone.
/// Ticket times are UTC; customers' and contacts' are in the account's own time zone.
public struct SimAteraTicket: Sendable, Equatable {
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
    public var TicketResolvedDate: Date?
    public var TicketCreatedDate: Date?
    public var TechnicianFirstCommentDate: Date?
    public var FirstResponseDueDate: Date?
    public var ClosedTicketDueDate: Date?
    public var FirstComment: String?
    public var LastEndUserComment: String?
    public var LastEndUserCommentTimestamp: Date?
    public var LastTechnicianComment: String?
    public var LastTechnicianCommentTimestamp: Date?
    /// On-site, off-site, on-SLA and off-SLA work, in seconds (the minutes and totals follow).
    public var OnSiteDurationSeconds: Int?
    public var OffSiteDurationSeconds: Int?
    public var OnSLADurationSeconds: Int?
    public var OffSLADurationSeconds: Int?
    public var CustomerID: Int64?
    public var CustomerName: String?
    public var CustomerBusinessNumber: String?
    public var TechnicianContactID: Int64?
    public var TechnicianFullName: String?
    public var TechnicianEmail: String?
    public var ContractID: Int64?
    /// When anything about the ticket last changed (what `/tickets/lastmodified` selects on).
    /// Not on the wire: Atera tickets have no modification time.
    var modified: Date

    public init(TicketID: Int64, modified: Date) {
        self.TicketID = TicketID
        self.modified = modified
    }

    /// The last activity a client can see: the latest of the comment timestamps, the resolution
    /// and the creation.
    public var lastVisibleActivity: Date? {
        [LastEndUserCommentTimestamp, LastTechnicianCommentTimestamp, TicketResolvedDate, TicketCreatedDate].compactMap
        { $0 }.max()
    }

    /// `includeComments` false (the default of `/tickets/lastmodified`): the comment texts are null.
    func json(includeComments: Bool = true) -> SimJSON {
        func d(_ v: Date?) -> SimJSON { v.map { .string(SimDate.atera($0)) } ?? .null }
        func text(_ v: String?) -> SimJSON { includeComments ? .string(v) : .null }
        func minutes(_ s: Int?) -> SimJSON { .int(s.map { $0 / 60 }) }
        let total = [OnSiteDurationSeconds, OffSiteDurationSeconds].compactMap { $0 }
        let totalSeconds = total.isEmpty ? nil : total.reduce(0, +)
        return .object([
            ("TicketID", .int(TicketID)), ("TicketTitle", .string(TicketTitle)),
            ("TicketNumber", .string(TicketNumber)),
            ("TicketPriority", .string(TicketPriority)), ("TicketImpact", .string(TicketImpact)),
            ("TicketStatus", .string(TicketStatus)),
            ("TicketSource", .string(TicketSource)), ("TicketType", .string(TicketType)),
            ("EndUserID", .int(EndUserID)), ("EndUserEmail", .string(EndUserEmail)),
            ("EndUserFirstName", .string(EndUserFirstName)),
            ("EndUserLastName", .string(EndUserLastName)), ("EndUserPhone", .string(EndUserPhone)),
            ("TicketResolvedDate", d(TicketResolvedDate)), ("TicketCreatedDate", d(TicketCreatedDate)),
            ("TechnicianFirstCommentDate", d(TechnicianFirstCommentDate)),
            ("FirstResponseDueDate", d(FirstResponseDueDate)),
            ("ClosedTicketDueDate", d(ClosedTicketDueDate)),
            ("FirstComment", text(FirstComment)), ("LastEndUserComment", text(LastEndUserComment)),
            ("LastEndUserCommentTimestamp", d(LastEndUserCommentTimestamp)),
            ("LastTechnicianComment", text(LastTechnicianComment)),
            ("LastTechnicianCommentTimestamp", d(LastTechnicianCommentTimestamp)),
            ("OnSiteDurationSeconds", .int(OnSiteDurationSeconds)),
            ("OnSiteDurationMinutes", minutes(OnSiteDurationSeconds)),
            ("OffSiteDurationSeconds", .int(OffSiteDurationSeconds)),
            ("OffSiteDurationMinutes", minutes(OffSiteDurationSeconds)),
            ("OnSLADurationSeconds", .int(OnSLADurationSeconds)),
            ("OnSLADurationMinutes", minutes(OnSLADurationSeconds)),
            ("OffSLADurationSeconds", .int(OffSLADurationSeconds)),
            ("OffSLADurationMinutes", minutes(OffSLADurationSeconds)),
            ("TotalDurationSeconds", .int(totalSeconds)), ("TotalDurationMinutes", minutes(totalSeconds)),
            ("CustomerID", .int(CustomerID)), ("CustomerName", .string(CustomerName)),
            ("CustomerBusinessNumber", .string(CustomerBusinessNumber)),
            ("TechnicianContactID", .int(TechnicianContactID)), ("TechnicianFullName", .string(TechnicianFullName)),
            ("TechnicianEmail", .string(TechnicianEmail)), ("ContractID", .int(ContractID)),
        ])
    }
}

/// One comment (`TicketCommentDto`).
struct SimAteraComment: Sendable, Equatable {
    var Date: Date
    var Comment: String
    var EndUserID: Int64?
    var TechnicianContactID: Int64?
    var Email: String?
    var FirstName: String?
    var LastName: String?
    var IsInternal: Bool

    var isTechnician: Bool { TechnicianContactID != nil }

    var json: SimJSON {
        let html =
            "<div>"
            + Comment.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\n", with: "<br>") + "</div>"
        return .object([
            ("Date", .string(SimDate.atera(Date))), ("Comment", .string(Comment)), ("CommentHtml", .string(html)),
            ("EndUserID", .int(EndUserID)), ("TechnicianContactID", .int(TechnicianContactID)),
            ("Email", .string(Email)),
            ("FirstName", .string(FirstName)), ("LastName", .string(LastName)), ("IsInternal", .bool(IsInternal)),
        ])
    }
}

/// Atera's answer to a create or an update (`Result`): `ActionID` is a string in both published specs.
enum SimAteraResult {
    static func json(_ id: Int64) -> SimJSON { .object([("ActionID", .string(String(id)))]) }
}

/// The account's own time zone: customers' and contacts' dates are written in it, and
/// `FromLastModifiedDate` is read in it (no offset allowed).
enum SimAteraAccount {
    static let timeZone = TimeZone(identifier: "America/New_York") ?? TimeZone(secondsFromGMT: -5 * 3_600)!

    static func local(_ d: Date) -> String {
        SimDate.atera(d.addingTimeInterval(Double(timeZone.secondsFromGMT(for: d))))
    }

    /// `yyyy-MM-dd` or `yyyy-MM-ddTHH:mm:ss` in the account's zone; nil when an offset or zone is given or it does not parse.
    static func parseLocal(_ text: String) -> Date? {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.hasSuffix("Z"), !t.dropFirst(10).contains("+"), !t.dropFirst(10).contains("-"),
            let naive = SimDate.parse(t)
        else { return nil }
        return naive.addingTimeInterval(-Double(timeZone.secondsFromGMT(for: naive)))
    }
}
