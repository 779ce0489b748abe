import Foundation
import PSACore

/// What has the keys now. Worked out once (`DashboardState.mode`) and read by the key handler, the
/// footer and the help overlay alike, so the precedence help > prompt > picker > detail > request >
/// list / log is written in one place.
public enum Mode: Equatable, Sendable, CaseIterable {
    /// The help overlay.
    case help
    /// The command palette (`Ctrl-P`, `V`), and what a custom command printed.
    case palette, output
    /// Typing the list's filter (`/`), or the server filter (`F`).
    case filterPrompt, serverFilterPrompt
    /// Typing a path to attach (`a`), then the question naming who will see the file.
    case attachPath, attachConfirm
    /// Typing where to save an attachment (`w`), then the question before replacing a file.
    case savePath, saveReplace
    /// The picker for a status, priority or assignee (`s` / `p` / `A`): choosing, typing another
    /// value where the vendor takes free text, and the question before sending.
    case picker, pickerTyping, pickerConfirm
    /// Typing a note inline (no editor), then the question before it is sent.
    case noteTyping, noteConfirm
    /// One ticket.
    case detail
    /// One request of the log, and one alert.
    case request, alert
    /// A change to the marked tickets: which field, the value, the question with its cost, the outcomes.
    case bulkMenu, bulkPicker, bulkConfirm, bulkResults
    /// A note to the marked tickets being typed (`c` in the change's menu).
    case bulkNote
    /// The ticket list (narrowed by a filter or not), the request log, the alerts pane.
    case list, filteredList, log, alerts
    /// The quota history view (`H`).
    case history
    /// The timer's entry: typing its summary, then the question before it is sent; a timer kept
    /// from before offered back at the start.
    case timerTyping, timerConfirm, timerOffer
    /// `L`: typing the hours (or start–end) of time logged without a timer.
    case timeSpan

    /// Keys here are text being typed: only Ctrl-C and the prompt's own keys do anything else.
    public var isTyping: Bool {
        switch self {
        case .filterPrompt, .serverFilterPrompt, .attachPath, .savePath, .pickerTyping, .noteTyping, .palette,
            .timerTyping, .timeSpan, .bulkNote:
            true
        case .help, .output, .attachConfirm, .saveReplace, .picker, .pickerConfirm, .noteConfirm, .detail, .request,
            .alert, .list, .filteredList, .log, .alerts, .bulkMenu, .bulkPicker, .bulkConfirm, .bulkResults, .history,
            .timerConfirm, .timerOffer:
            false
        }
    }
}

extension DashboardState {
    /// The mode the keys, the footer and the help go by.
    public var mode: Mode {
        if showHelp { return .help }
        if screen.palette != nil { return .palette }
        if screen.output != nil { return .output }
        if let e = screen.timerEntry { return e.askingSpan ? .timeSpan : e.typing ? .timerTyping : .timerConfirm }
        if screen.timerOffered { return .timerOffer }
        return paneMode
    }

    /// The mode of what is under the palette and a command's output.
    var paneMode: Mode {
        if historyView != nil { return .history }
        if let d = detail {
            switch d.flow {
            case nil: return .detail
            case .attachPath: return .attachPath
            case .attachConfirm: return .attachConfirm
            case .save(let s): return s.replacing ? .saveReplace : .savePath
            case .picker(let e): return e.typed != nil ? .pickerTyping : e.confirming ? .pickerConfirm : .picker
            case .noteTyping: return .noteTyping
            case .noteConfirm: return .noteConfirm
            }
        }
        if let b = bulk {
            switch b.stage {
            case .menu: return .bulkMenu
            case .choosing: return .bulkPicker
            case .noting: return .bulkNote
            case .confirming: return .bulkConfirm
            case .running, .done: return .bulkResults
            }
        }
        if filterEditing { return .filterPrompt }
        if serverFilterEditing { return .serverFilterPrompt }
        if requestLog.open != nil { return .request }
        if alertsPane.open != nil { return .alert }
        switch focus {
        case .tickets: return filterActive ? .filteredList : .list
        case .log: return .log
        case .alerts: return .alerts
        }
    }
}
