import Foundation

/// How bad an alert is, most urgent first (Atera's `Severity`: Critical, Warning, Information).
public enum AlertSeverity: Int, Sendable, Codable, Comparable, CaseIterable {
    case critical = 0, warning, information, other

    public init(_ text: String?) {
        switch text?.lowercased() {
        case "critical": self = .critical
        case "warning": self = .warning
        case "information", "info": self = .information
        default: self = .other
        }
    }

    public var label: String {
        switch self {
        case .critical: "Critical"
        case .warning: "Warning"
        case .information: "Information"
        case .other: "Other"
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// An open monitoring alert (Atera's RMM side), as the alerts pane shows it.
public struct Alert: Sendable, Equatable, Codable, Identifiable {
    public var id: Int64
    public var title: String
    public var severity: AlertSeverity
    public var created: Date?
    public var device: String
    public var customer: String
    /// The ticket the alert opened, if any.
    public var ticketID: Int64?
    public var source: String
    public var message: String

    public init(
        id: Int64, title: String, severity: AlertSeverity, created: Date?, device: String = "", customer: String = "",
        ticketID: Int64? = nil, source: String = "", message: String = ""
    ) {
        // Bounded once, like ticket text: a hostile alert costs neither memory nor frame time.
        self.id = id
        self.title = Ticket.clamp(title, 500)
        self.severity = severity
        self.created = created
        self.device = Ticket.clamp(device, 200)
        self.customer = Ticket.clamp(customer, 200)
        self.ticketID = ticketID
        self.source = Ticket.clamp(source, 200)
        self.message = Ticket.clamp(message, 10_000)
    }

    /// Most urgent first, then the newest.
    public static func ordered(_ alerts: [Alert]) -> [Alert] {
        alerts.sorted {
            ($0.severity, -($0.created?.timeIntervalSince1970 ?? 0), $0.id) < (
                $1.severity, -($1.created?.timeIntervalSince1970 ?? 0), $1.id
            )
        }
    }
}

/// Atera's `AlertDto` (PascalCase, nullable, ids sometimes strings), read leniently.
public struct AteraAlert: Sendable, Codable, Equatable {
    public var AlertID: Int64
    public var Title: String?
    public var Severity: String?
    public var Created: Date?
    public var DeviceName: String?
    public var CustomerName: String?
    public var TicketID: Int64?
    public var Source: String?
    public var AlertMessage: String?
    public var Archived: Bool?

    enum CodingKeys: String, CodingKey {
        case AlertID, Title, Severity, Created, DeviceName, CustomerName, TicketID, Source, AlertMessage, Archived
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let id = try c.lenientInt64(.AlertID) else {
            throw DecodingError.keyNotFound(
                CodingKeys.AlertID, .init(codingPath: c.codingPath, debugDescription: "alert without AlertID"))
        }
        AlertID = id
        Title = try c.lenientString(.Title)
        Severity = try c.lenientString(.Severity)
        Created = try c.lenientDate(.Created)
        DeviceName = try c.lenientString(.DeviceName)
        CustomerName = try c.lenientString(.CustomerName)
        TicketID = try c.lenientInt64(.TicketID).flatMap { $0 > 0 ? $0 : nil }
        Source = try c.lenientString(.Source)
        AlertMessage = try c.lenientString(.AlertMessage)
        Archived = try? c.decodeIfPresent(Bool.self, forKey: .Archived)
    }

    public var display: Alert {
        Alert(
            id: AlertID, title: Title ?? "", severity: AlertSeverity(Severity), created: Created,
            device: DeviceName ?? "",
            customer: CustomerName ?? "", ticketID: TicketID, source: Source ?? "", message: AlertMessage ?? "")
    }
}
