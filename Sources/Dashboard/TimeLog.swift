import Foundation
import PSACore

/// `L`: time logged without a timer. The hours (or start–end) are typed first, then the summary
/// and the question as for a timer's entry (Timer.swift), sent the same way (`.logTime`). The
/// entry has no timer behind it: Esc drops it, a refusal brings the entry back with its reason.
extension DashboardState {
    /// `L` in the list or a ticket: the entry on that ticket, its hours asked first.
    mutating func startTimeLog() -> [Command] {
        if let why = vendor.timeRefusal {
            say(why)
            return []
        }
        guard let t = timerTicket else {
            say("no ticket selected: L logs time on one")
            return []
        }
        screen.timerOffered = false
        screen.timerEntry = TimerEntry(
            draft: TimeEntryDraft(ticketID: t.id, number: t.number, start: now, end: now, summary: "", manual: true),
            typing: true, askingSpan: true)
        return [.openTimeDraft(ticketID: t.id)]
    }

    mutating func handleTimeSpan(_ action: KeyAction, _ key: Key) -> [Command] {
        guard var e = screen.timerEntry else { return [] }
        switch action {
        case .accept:
            do {
                let span = try TimeSpan.parse(e.spanText, now: now, timeZone: timeZone)
                e.draft.start = span.start
                e.draft.end = span.end
                e.askingSpan = false
                screen.timerEntry = e
            } catch { say(error.message) }
        case .cancel: leaveEntry()
        case .erase, .eraseAll, .eraseWord, .type:
            _ = LineEdit.apply(key, to: &e.spanText, maxCharacters: 40)
            screen.timerEntry = e
        default: break
        }
        return []
    }

    /// Esc at an entry: a timer's keeps running; one of `L` is dropped, nothing sent.
    mutating func leaveEntry() {
        let manual = screen.timerEntry?.draft.manual == true
        let kept = screen.timerEntry.map { !$0.draft.summary.isEmpty && $0.draft.draftPath != nil } ?? false
        screen.timerEntry = nil
        say(
            (manual ? "time not logged: nothing sent" : "timer still running; T stops it")
                + (kept ? " (the summary is kept as a draft)" : ""))
    }

    /// The server refused an entry of `L`: it comes back at its question as it was, with the
    /// server's reason (which names the field), unless another entry is open meanwhile.
    mutating func manualEntryFailed(_ d: TimeEntryDraft, error: String) {
        let why = "time not logged on \(d.number.sanitized): \(error.sanitized)"
        guard screen.timerEntry == nil else {
            say("\(why) (\(String(format: "%.2f", d.hours)) h, “\(d.summary.sanitized)”)")
            return
        }
        var back = TimerEntry(draft: d, typing: false, spanText: "\(hourMinute(d.start))-\(hourMinute(d.end))")
        back.saved = d.summary
        back.refused = error.sanitized
        screen.timerEntry = back
        say("\(why) (entry kept: e edits, y sends again)")
    }

    /// The hours prompt's label.
    func timeSpanLabel(_ e: TimerEntry) -> String {
        " Time on \(e.draft.number.sanitized), hours or start–end (1.5, 1:30, 9:00-10:30): "
    }
}
