import Foundation
import PSACore

/// Tickets as CSV (RFC 4180): a header row, CRLF line ends, fields quoted when they hold a comma,
/// quote or line break. Text from the server is sanitized, and a cell that a spreadsheet would
/// run as a formula (starting with = + - @) is prefixed with an apostrophe.
public enum TicketCSV {
    public static let header = [
        "id", "number", "title", "status", "priority", "company", "assignee", "created", "last_activity", "due",
        "sla_next_due", "sla_breached",
    ]

    /// - Parameter now: the moment SLA breaches are judged at (the export's).
    public static func text(_ tickets: [Ticket], now: Date = Date()) -> String {
        var out = header.joined(separator: ",") + "\r\n"
        for t in tickets {
            let dates = [t.created, t.lastActivity, t.due, t.sla?.nextDeadline].map { $0.map(VendorDate.format) ?? "" }
            // No SLA: empty, not "false".
            let breached = t.sla.map { $0.breached(now: now) ? "true" : "false" } ?? ""
            let row =
                [String(t.id), t.number, t.title, t.status, t.priority, t.company, t.assignee].map {
                    cell($0.sanitized)
                } + dates + [breached]
            out += row.joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func cell(_ s: String) -> String {
        var v = s
        if let f = v.first, "=+-@".contains(f) { v = "'" + v }
        guard v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return v }
        return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
