import Foundation
import PSACore

/// A time entry's summary is kept as a note is: in a 0600 draft (`$XDG_STATE_HOME/psatop/drafts/
/// time-<ticket>-….txt`, made by the terminal: `.openTimeDraft`), written as it is typed (a tick
/// behind at most) and on every way out, written in `$VISUAL`/`$EDITOR` with Ctrl-E, and removed
/// only once the server took the entry. A draft kept from before is offered back on the ticket.
extension DashboardState {
    /// The terminal made (or found) the entry's draft: the entry keeps its path, and an empty
    /// summary takes the text kept from before.
    mutating func timeDraftReady(ticketID: Int64, path: String, text: String) {
        guard var e = screen.timerEntry, e.draft.ticketID == ticketID, e.draft.draftPath == nil else { return }
        e.draft.draftPath = path
        e.saved = text
        if e.draft.summary.isEmpty, !text.isEmpty {
            e.draft.summary = text
            say("the summary kept from before is back (\(path))")
        }
        screen.timerEntry = e
    }

    /// The summary as typed goes to its draft when it changed (on a tick).
    mutating func keepTimeDraft() -> [Command] {
        guard var e = screen.timerEntry, let path = e.draft.draftPath, e.saved != e.draft.summary else { return [] }
        e.saved = e.draft.summary
        screen.timerEntry = e
        return [.keepDraft(path: path, text: e.draft.summary)]
    }

    /// Ctrl-E at the summary: `$VISUAL`/`$EDITOR` on the draft, as the note editor runs.
    mutating func editSummary() -> [Command] {
        guard var e = screen.timerEntry, let path = e.draft.draftPath else {
            say("no draft file for the summary: type it here")
            return []
        }
        e.saved = e.draft.summary
        screen.timerEntry = e
        return [.editTimeSummary(path: path, text: e.draft.summary)]
    }

    /// The editor ended: its text is the summary (then the question), or why not (the draft stays).
    mutating func timeSummaryEdited(path: String, text: String?, failure: String?) {
        guard var e = screen.timerEntry, e.draft.draftPath == path else { return }
        if let failure {
            say("\(failure.sanitized): the summary stays as typed (draft \(path))")
            return
        }
        let t = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        e.draft.summary = t
        e.saved = t
        if !t.isEmpty { e.typing = false }
        screen.timerEntry = e
    }
}
