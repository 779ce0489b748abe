import Foundation
import PSACore

/// `E` in a ticket: its time entries with their total, asked for on the key only (opening a
/// ticket costs no more), kept while the ticket is open.
public enum TicketTime: Equatable, Sendable {
    case loading
    case loaded([LoggedTime])
    case failed(String)
}

extension DashboardState {
    /// `E`: the ticket's time entries (one request; again on each `E`, to see an entry just logged).
    /// Also while the ticket itself is still loading (a slow tier): the key is not lost.
    mutating func listTime() -> [Command] {
        guard var d = detail, d.time != .loading else { return [] }
        d.time = .loading
        detail = d
        return [.loadTime(d.id)]
    }

    mutating func reduceTime(_ event: DashboardEvent) {
        switch event {
        case .timeEntries(let id, let list): if detail?.id == id { detail?.time = .loaded(list) }
        case .timeEntriesFailed(let id, let message): if detail?.id == id { detail?.time = .failed(message) }
        default: break
        }
    }

    /// An entry logged on the open ticket whose entries are listed: they are asked again (one
    /// request), so the list shows it. (With several tenants the entry's may be another's: not asked.)
    mutating func relistTime(after d: TimeEntryDraft) -> [Command] {
        guard tenants.count <= 1, detail?.id == d.ticketID, case .loaded = detail?.time else { return [] }
        return listTime()
    }
}

/// The detail's lines for the entries: the total, then each, newest first.
func timeLines(_ s: DashboardState, _ d: DetailState, _ theme: Theme, _ g: Glyphs, width: Int) -> [DetailLine] {
    guard let time = d.time else { return [] }
    var out: [DetailLine] = [.blank]
    switch time {
    case .loading: out.append(.field("Time", "loading… " + g.spinner(s.spinner), theme[.muted]))
    case .failed(let e): out.append(.field("Time", "could not be listed: \(e.sanitized)", theme[.error]))
    case .loaded(let list):
        let total = String(format: "%.2f", LoggedTime.total(list))
        out.append(
            .field(
                "Time",
                list.isEmpty
                    ? "no entries" : "\(total) h in \(list.count) entr\(list.count == 1 ? "y" : "ies"), newest first",
                theme[.header]))
        for e in list.reversed() {
            var head = Format.dateTime(e.start, s.timeZone)
            if let end = e.end, e.start != nil { head += "–" + s.hourMinute(end) }
            head += " \(g.dot) " + String(format: "%.2f h", e.hours)
            if let who = e.who { head += " \(g.dot) " + who.sanitized }
            out.append(.full(head, theme[.muted]))
            let summary = e.summary.sanitized
            for w in Format.wrap(summary.isEmpty ? "(no summary)" : summary, width: max(10, width - 2)) {
                out.append(.full("  " + w, nil))
            }
        }
    }
    return out
}
