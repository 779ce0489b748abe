import Foundation

/// A timer running on a ticket (`T`): kept in the state folder so it survives a quit or a crash.
public struct RunningTimer: Codable, Equatable, Sendable {
    public var ticketID: Int64
    /// The ticket's number as shown ("T20240101.0001", "#1234").
    public var number: String
    public var start: Date
    /// The tenant the ticket is on (as the title bar names it): the entry goes there only.
    public var tenant: String?

    public init(ticketID: Int64, number: String, start: Date, tenant: String? = nil) {
        self.ticketID = ticketID
        self.number = number
        self.start = start
        self.tenant = tenant
    }
}

/// A time entry as confirmed: the ticket, when the work started and ended, what was done.
public struct TimeEntryDraft: Equatable, Sendable {
    public var ticketID: Int64
    public var number: String
    public var start: Date
    public var end: Date
    public var summary: String
    /// Logged with `L`, no timer behind it: a refusal keeps the entry itself, not a timer.
    public var manual: Bool
    /// The summary's 0600 draft file (nil: none): removed only once the server took the entry.
    public var draftPath: String?

    public init(ticketID: Int64, number: String, start: Date, end: Date, summary: String, manual: Bool = false) {
        self.ticketID = ticketID
        self.number = number
        self.start = start
        self.end = end
        self.summary = summary
        self.manual = manual
    }

    /// The hours worked, to the minute (at least one minute: an entry of 0 h is refused by the PSAs).
    public var hours: Double {
        let minutes = max(1, (end.timeIntervalSince(start) / 60).rounded())
        return (minutes / 60 * 10_000).rounded() / 10_000
    }

    /// "1:05" for 65 minutes.
    public static func clock(_ seconds: TimeInterval) -> String {
        let m = max(0, Int(seconds / 60))
        return "\(m / 60):\(String(format: "%02d", m % 60))"
    }
}

/// A time entry as the PSA holds it: the detail's list (`E`), `tickets --with-time`.
public struct LoggedTime: Equatable, Sendable {
    public var id: Int64
    public var ticketID: Int64
    /// Who worked (a name where the PSA gives one or it was looked up; nil: unknown).
    public var who: String?
    /// When (the start where there is one, else the day worked) and until when.
    public var start: Date?
    public var end: Date?
    public var hours: Double
    public var summary: String

    public init(
        id: Int64, ticketID: Int64, who: String? = nil, start: Date?, end: Date? = nil, hours: Double, summary: String
    ) {
        self.id = id
        self.ticketID = ticketID
        self.who = who
        self.start = start
        self.end = end
        self.hours = hours
        self.summary = summary
    }

    /// The hours of entries, to the hundredth (as the PSAs show them).
    public static func total(_ entries: [LoggedTime]) -> Double {
        (entries.reduce(0) { $0 + $1.hours } * 100).rounded() / 100
    }
}
