import Foundation
import PSACore

/// Tickets as CSV (RFC 4180): a header row, CRLF line ends, fields quoted when they hold a
/// delimiter (comma, semicolon, tab, pipe), a quote or a line break. Text from the server is
/// sanitized, and a cell that a spreadsheet would run as a formula is prefixed with an apostrophe.
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

    /// A cell a spreadsheet shows as text whatever its locale: quoted when it holds any delimiter
    /// a spreadsheet may split on (comma, semicolon — the list separator of many locales —, tab,
    /// pipe), a quote or a line break; and neutralised with an apostrophe when it would start a
    /// formula (`= + - @`, their full-width forms, tab or CR — also after leading spaces).
    static func cell(_ s: String) -> String {
        var v = s
        if let f = v.first(where: { $0 != " " }), "=+-@\t\r＝＋－＠".contains(f) { v = "'" + v }
        guard v.contains(where: { ",;\t|\"\n\r".contains($0) }) else { return v }
        return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
