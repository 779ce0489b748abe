import Foundation
import PSACore

/// The entry a stopped timer makes: its times, the summary being typed, then the question.
public struct TimerEntry: Equatable, Sendable {
    public var draft: TimeEntryDraft
    /// The summary is being typed (Enter: to the question); false: the question (`y` sends).
    public var typing: Bool
    /// `L`: the hours or start–end as typed, and whether they are being typed (TimeLog.swift).
    public var spanText = ""
    public var askingSpan = false
    /// The summary last written to its draft (TimeDraft.swift).
    public var saved: String?
    /// Why the server refused it (an entry of `L` comes back with it; said on its line).
    public var refused: String?

    public init(draft: TimeEntryDraft, typing: Bool, spanText: String = "", askingSpan: Bool = false) {
        self.draft = draft
        self.typing = typing
        self.spanText = spanText
        self.askingSpan = askingSpan
    }
}

/// Time on tickets (`T`): the timer runs on the injected clock (`screen.now`), is kept in the
/// state folder by the terminal (`.saveTimer`), and its entry is sent once (`.logTime`).
extension DashboardState {
    /// The ticket `T` acts on: the open one, else the list's selected one.
    var timerTicket: Ticket? { detail?.ticket ?? (focus == .tickets ? selectedTicket : nil) }

    /// `T` in the list or a ticket: start the timer on it, or stop the running one (on any ticket).
    mutating func toggleTimer() -> [Command] {
        if let t = screen.timer {
            // The same id is another ticket on another tenant: the entry goes to the timer's own only.
            if let other = t.tenant, other != tenant {
                say("the timer runs on \(t.number.sanitized) of \(other.sanitized): switch to it (:) to stop it")
                return []
            }
            screen.timerOffered = false
            screen.timerEntry = TimerEntry(
                draft: TimeEntryDraft(ticketID: t.ticketID, number: t.number, start: t.start, end: now, summary: ""),
                typing: true)
            return [.openTimeDraft(ticketID: t.ticketID)]
        }
        if let why = vendor.timeRefusal {
            say(why)
            return []
        }
        guard let t = timerTicket else {
            say("no ticket selected: T starts a timer on one")
            return []
        }
        let timer = RunningTimer(ticketID: t.id, number: t.number, start: now, tenant: tenant)
        screen.timer = timer
        say("timer on \(t.number.sanitized) started; T stops it")
        return [.saveTimer(timer)]
    }

    /// The title bar's part: the ticket and the time so far.
    public var timerTitle: String? {
        guard let t = screen.timer else { return nil }
        return "timer \(t.number.sanitized) \(TimeEntryDraft.clock(now.timeIntervalSince(t.start)))"
    }

    /// A timer kept from before (a quit, a crash) is offered back.
    mutating func restoreTimer(_ t: RunningTimer) {
        screen.timer = t
        screen.timerOffered = true
        say("timer on \(t.number.sanitized) since \(hourMinute(t.start)) — T to stop, Esc to drop")
    }

    /// "09:12" in the screen's time zone.
    func hourMinute(_ d: Date) -> String {
        let f = DateFormatter()
        f.dateFormat = "HH:mm"
        f.timeZone = timeZone
        return f.string(from: d)
    }

    mutating func handleTimer(_ action: KeyAction, _ key: Key) -> [Command] {
        switch mode {
        case .timerOffer:
            switch action {
            case .timer: return toggleTimer()
            case .cancel:
                screen.timer = nil
                screen.timerOffered = false
                say("timer dropped: nothing sent")
                return [.saveTimer(nil)]
            case .accept:
                screen.timerOffered = false
                say("timer kept running; T stops it")
            default: break
            }
        case .timeSpan: return handleTimeSpan(action, key)
        case .timerTyping:
            switch action {
            case .accept: screen.timerEntry?.typing = false
            case .editSummary: return editSummary()
            case .cancel: leaveEntry()
            case .erase, .eraseAll, .eraseWord, .type:
                if var e = screen.timerEntry {
                    _ = LineEdit.apply(key, to: &e.draft.summary, maxCharacters: 2_000)
                    screen.timerEntry = e
                }
            default: break
            }
        case .timerConfirm:
            switch action {
            case .yes:
                guard let e = screen.timerEntry else { return [] }
                if let why = refusal(for: .time) {
                    refuseWrite(why)
                    return []
                }
                screen.timerEntry = nil
                screen.timer = nil
                say("sending \(String(format: "%.2f", e.draft.hours)) h on \(e.draft.number.sanitized)…")
                return [.logTime(e.draft)]
            case .editAgain:
                screen.timerEntry?.typing = true
                screen.timerEntry?.refused = nil
                // `L`: the hours first, as typed.
                if screen.timerEntry?.draft.manual == true { screen.timerEntry?.askingSpan = true }
            case .cancel: leaveEntry()
            default: break
            }
        default: break
        }
        return []
    }

    /// The server took the entry (the kept timer goes), or did not: the timer runs again from its
    /// start, so nothing is lost and `T` offers the entry again.
    mutating func timeLogged(_ d: TimeEntryDraft, caveat: String?) -> [Command] {
        let done = "logged \(String(format: "%.2f", d.hours)) h on \(d.number.sanitized)"
        say(caveat.map { done + " — " + $0.sanitized } ?? done)
        // An entry of `L` had no timer behind it: a timer running meanwhile stays kept.
        return (d.manual ? [] : [.saveTimer(screen.timer)]) + relistTime(after: d)
    }

    mutating func timeFailed(_ d: TimeEntryDraft, error: String) {
        if d.manual {
            manualEntryFailed(d, error: error)
            return
        }
        if screen.timer == nil {
            screen.timer = RunningTimer(ticketID: d.ticketID, number: d.number, start: d.start, tenant: tenant)
        }
        say("time not logged on \(d.number.sanitized): \(error.sanitized) (timer kept; T to try again)")
    }

    /// The entry's line: the ticket, start–end, hours, the summary as typed.
    func timerPromptLine(_ e: TimerEntry) -> String {
        let d = e.draft
        return
            " Time on \(d.number.sanitized) \(hourMinute(d.start))–\(hourMinute(d.end)) \(String(format: "%.2f", d.hours)) h: "
    }
}

extension DashboardEvent {
    /// A time entry's outcome: for the screen's timer, whichever tenant is shown.
    var isTimeResult: Bool {
        switch self {
        case .timeLogged, .timeFailed: true
        default: false
        }
    }
}
