import Dashboard
import Foundation
import PSAClient
import PSACore

/// What a tenant's poller tells whoever listens: the dashboard, the metrics server's book, the
/// quota history. Its own type, so the poller and the metrics server need none of the
/// dashboard's keys, prompts or panes; the dashboard gets it through `DashboardEvent.init(_:)`,
/// the one place the two meet.
public enum PollerEvent: Sendable, Equatable {
    case quota(Quota, at: Date)
    case quotaFailed(String, at: Date)
    /// A page of tickets; `reset` replaces the list (a refresh).
    case page(TicketPage, reset: Bool, at: Date)
    case pageFailed(String)
    case detail(Ticket)
    case detailFailed(id: Int64, String)
    /// What the tenant's client reports: each request, pauses, the ceiling, the measured tier.
    case client(ClientEvent)
    /// The projection of the count between readings, the schedule and its cost.
    case poll(PollStatus)
    /// Tickets an incremental refresh found changed.
    case changed([Ticket], at: Date)
    case choices(EditableField, [String])
    case choicesFailed(String)
    case updated(id: Int64, EditableField, String, ChangeOutcome)
    case updateFailed(id: Int64, EditableField, String, error: String)
    case bulkOutcome(id: Int64, BulkOutcome)
    case bulkEnded
    case comments(id: Int64, [TicketComment])
    case commentsFailed(id: Int64, String)
    case ticketWeb(String?)
    case attached(id: Int64, name: String, bytes: Int, Visibility)
    case attachFailed(id: Int64, name: String, error: String)
    case noteAdded(id: Int64, visibility: Visibility)
    case noteFailed(id: Int64, error: String, path: String)
    case attachments(id: Int64, [TicketAttachment])
    case attachmentsFailed(id: Int64, String)
    case attachmentSaved(id: Int64, name: String, path: String, bytes: Int)
    case attachmentExists(id: Int64, path: String)
    case attachmentSaveFailed(id: Int64, name: String, error: String)
    case alerts([Alert], at: Date)
    case alertsFailed(String)
    case me(Person)
    case actingAs(String)
    case meFailed(String)
    case timeLogged(TimeEntryDraft, caveat: String?)
    case timeFailed(TimeEntryDraft, String)
    case timeEntries(id: Int64, [LoggedTime])
    case timeEntriesFailed(id: Int64, String)
    case historyChart(HistoryChart)
    case historyFailed(String)
}

extension DashboardEvent {
    /// A poller's event as the dashboard applies it (the seam between the two: one case each).
    public init(_ e: PollerEvent) {
        switch e {
        case .quota(let q, let at): self = .quota(q, at: at)
        case .quotaFailed(let m, let at): self = .quotaFailed(m, at: at)
        case .page(let p, let reset, let at): self = .page(p, reset: reset, at: at)
        case .pageFailed(let m): self = .pageFailed(m)
        case .detail(let t): self = .detail(t)
        case .detailFailed(let id, let m): self = .detailFailed(id: id, m)
        case .client(let c): self = .client(c)
        case .poll(let s): self = .poll(s)
        case .changed(let t, let at): self = .changed(t, at: at)
        case .choices(let f, let l): self = .choices(f, l)
        case .choicesFailed(let m): self = .choicesFailed(m)
        case .updated(let id, let f, let l, let o): self = .updated(id: id, f, l, o)
        case .updateFailed(let id, let f, let l, let m): self = .updateFailed(id: id, f, l, error: m)
        case .bulkOutcome(let id, let o): self = .bulkOutcome(id: id, o)
        case .bulkEnded: self = .bulkEnded
        case .comments(let id, let l): self = .comments(id: id, l)
        case .commentsFailed(let id, let m): self = .commentsFailed(id: id, m)
        case .ticketWeb(let t): self = .ticketWeb(t)
        case .attached(let id, let n, let b, let v): self = .attached(id: id, name: n, bytes: b, v)
        case .attachFailed(let id, let n, let m): self = .attachFailed(id: id, name: n, error: m)
        case .noteAdded(let id, let v): self = .noteAdded(id: id, visibility: v)
        case .noteFailed(let id, let m, let p): self = .noteFailed(id: id, error: m, path: p)
        case .attachments(let id, let l): self = .attachments(id: id, l)
        case .attachmentsFailed(let id, let m): self = .attachmentsFailed(id: id, m)
        case .attachmentSaved(let id, let n, let p, let b): self = .attachmentSaved(id: id, name: n, path: p, bytes: b)
        case .attachmentExists(let id, let p): self = .attachmentExists(id: id, path: p)
        case .attachmentSaveFailed(let id, let n, let m): self = .attachmentSaveFailed(id: id, name: n, error: m)
        case .alerts(let a, let at): self = .alerts(a, at: at)
        case .alertsFailed(let m): self = .alertsFailed(m)
        case .me(let p): self = .me(p)
        case .actingAs(let a): self = .actingAs(a)
        case .meFailed(let m): self = .meFailed(m)
        case .timeLogged(let d, let c): self = .timeLogged(d, caveat: c)
        case .timeFailed(let d, let m): self = .timeFailed(d, m)
        case .timeEntries(let id, let l): self = .timeEntries(id: id, l)
        case .timeEntriesFailed(let id, let m): self = .timeEntriesFailed(id: id, m)
        case .historyChart(let c): self = .historyChart(c)
        case .historyFailed(let m): self = .historyFailed(m)
        }
    }
}
