import Foundation
import PSACore

/// What a key does, whatever key it is bound to.
public enum KeyAction: Hashable, Sendable {
    case quit, help, closeHelp, nextTheme, refresh
    case down, up, pageDown, pageUp, halfDown, halfUp, first, last
    case open, back, nextPane, previousPane, nextTenant, pickTenant
    case filter, serverFilter, clearFilter, sortNext, sortReverse, mine, copy, openWeb
    case change(EditableField), attach, save, note, systemNotes
    case failuresOnly, nextEndpoint, older, newer, copyCurl, alertTicket
    /// Marks (`x`, `*`, `X`) and a change to the marked tickets (`b`).
    case mark, markAll, clearMarks, bulk
    /// The quota history view: open it, close it, 24 hours / 7 days.
    case history, closeHistory, historyRange
    /// A question's answers: yes, no (back a step), who sees it, edit again, cancel.
    case yes, no, audience, editAgain, cancel
    /// A prompt's keys: accept what was typed, erase a character / all / a word, a new line,
    /// done (a note), the next or previous choice (the save prompt's attachment).
    case accept, erase, eraseAll, eraseWord, newLine, done, nextChoice, previousChoice
    /// A character typed into a prompt (every printable key in a typing mode).
    case type
    /// The command palette, the next saved view, the views' picker, reloading the config, the
    /// focused pane on the whole screen, the gauge on one line.
    case palette, nextView, pickView, reload, zoom, foldGauge
    /// `T`: start the timer on the ticket, or stop the running one (Timer.swift).
    case timer
    /// `L`: log time on the ticket without a timer (TimeLog.swift); `E`: its time entries (TicketTime.swift).
    case logTime, listTime
    /// Ctrl-E at a time entry's summary: write it in `$VISUAL`/`$EDITOR` (TimeDraft.swift).
    case editSummary
}

/// Keys and the action they take in one mode.
public struct KeyBinding: Sendable {
    public let keys: [Key]
    public let action: KeyAction

    init(_ action: KeyAction, _ keys: Key...) {
        self.action = action
        self.keys = keys
    }

    func matches(_ key: Key) -> Bool {
        if action == .type, case .char = key { return true }
        return keys.contains(key)
    }
}

/// One entry of the footer (or a prompt's line): the keys as shown, what they do, the actions
/// they stand for, and when it shows (a hint that only applies sometimes).
public struct FooterHint: Sendable {
    public let keys: String
    public let actions: [KeyAction]
    let describe: @Sendable (DashboardState) -> String
    let shows: @Sendable (DashboardState) -> Bool

    init(_ keys: String, _ text: String, _ actions: KeyAction...) {
        self.init(keys, actions, text: { _ in text })
    }

    init(
        _ keys: String, _ actions: [KeyAction], text: @escaping @Sendable (DashboardState) -> String,
        shows: @escaping @Sendable (DashboardState) -> Bool = { _ in true }
    ) {
        self.keys = keys
        self.actions = actions
        self.describe = text
        self.shows = shows
    }

    public func text(_ s: DashboardState) -> String { describe(s) }
}

/// A row of the help overlay: the keys as shown, what they do, and the actions it describes.
public struct HelpRow: Sendable {
    public let keys: String
    public let text: String
    public let actions: [KeyAction]
}

/// The one table per mode that the key handler, the footer and the help read: a key is bound
/// here or nowhere, and what the footer or help says comes from the same entries.
public struct KeyMap: Sendable {
    public let bindings: [KeyBinding]
    public let footer: [FooterHint]

    /// The action of the first binding that takes the key, if any.
    public func action(for key: Key) -> KeyAction? { bindings.first { $0.matches(key) }?.action }

    /// The footer's hints that apply now, as "keys text" pairs.
    public func hints(_ s: DashboardState) -> [(keys: String, text: String)] {
        footer.filter { $0.shows(s) }.map { ($0.keys, $0.text(s)) }
    }

    /// The hints as one line, "Enter next · Esc cancel" (a hint without text shows its keys).
    func line(_ s: DashboardState, dot: String) -> String {
        hints(s).map { $0.text.isEmpty ? $0.keys : "\($0.keys) \($0.text)" }.joined(separator: " \(dot) ")
    }
}
