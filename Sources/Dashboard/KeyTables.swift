import Foundation
import PSACore

/// The tables. A key's place in its mode's list is its precedence; the footer lists its hints in
/// the order given. Every binding is described by the help overlay (`helpRows`) or by the mode's
/// own footer, and every hint and help row names bound actions (KeyMapTests checks both ways).
extension KeyMap {
    public static func of(_ mode: Mode) -> KeyMap {
        switch mode {
        case .help: help
        case .palette: palette
        case .output: output
        case .list: list
        case .filteredList: filteredList
        case .log: log
        case .alerts: alerts
        case .request: request
        case .alert: alert
        case .detail: detail
        case .picker: picker
        case .pickerTyping: pickerTyping
        case .pickerConfirm: pickerConfirm
        case .attachPath: attachPath
        case .attachConfirm: attachConfirm
        case .savePath: savePath
        case .saveReplace: saveReplace
        case .noteTyping: noteTyping
        case .noteConfirm: noteConfirm
        case .filterPrompt: filterPrompt
        case .bulkMenu: bulkMenu
        case .bulkPicker: bulkPicker
        case .bulkConfirm: bulkConfirm
        case .bulkResults: bulkResults
        case .bulkNote: bulkNote
        case .serverFilterPrompt: serverFilterPrompt
        case .history: historyKeys
        case .timerTyping: timerTyping
        case .timerConfirm: timerConfirm
        case .timerOffer: timerOffer
        case .timeSpan: timeSpan
        }
    }

    typealias B = KeyBinding
    typealias H = FooterHint

    // Shared pieces.
    static let ctrlC = [B(.quit, .ctrl("c"))]
    /// Where no text is typed: quit, this help, the next theme, a refresh.
    static let everywhere =
        ctrlC + [B(.quit, .char("q")), B(.help, .char("?")), B(.nextTheme, .char("t")), B(.refresh, .char("r"))]
    /// The same without `t` (the picker keeps the theme as it is while choosing).
    static let choosing = ctrlC + [B(.quit, .char("q")), B(.help, .char("?")), B(.refresh, .char("r"))]
    static let panes = [B(.nextPane, .tab), B(.previousPane, .backTab)]
    static let tenants = [
        B(.nextTenant, .char(":")),
        B(
            .pickTenant, .char("1"), .char("2"), .char("3"), .char("4"), .char("5"),
            .char("6"), .char("7"), .char("8"), .char("9")),
    ]
    static let upDown = [B(.down, .char("j"), .down), B(.up, .char("k"), .up)]
    static let ends = [B(.first, .char("g"), .home), B(.last, .char("G"), .end)]
    /// Lists that page by the screen (the tickets, the detail, one request).
    static let paging = [B(.pageDown, .pageDown, .ctrl("f"), .char(" ")), B(.pageUp, .pageUp, .ctrl("b"))]
    /// The log and the alerts page without the space bar.
    static let pagingNoSpace = [B(.pageDown, .pageDown, .ctrl("f")), B(.pageUp, .pageUp, .ctrl("b"))]
    static let back = B(.back, .escape, .backspace, .char("h"), .left)
    static let open = B(.open, .enter, .char("l"), .right)
    /// The palette, reloading the config, zooming the pane, folding the gauge: where panes show.
    static let layoutKeys = [
        B(.palette, .ctrl("p")), B(.reload, .char("R")), B(.zoom, .char("z")), B(.foldGauge, .char("Z")),
    ]
    static let lineEdit = [B(.erase, .backspace), B(.eraseAll, .ctrl("u")), B(.eraseWord, .ctrl("w")), B(.type)]

    static let helpHint = H("?", "help", .help)
    static let quitHint = H("q", "quit", .quit)
    static let refreshHint = H("r", "refresh", .refresh)
    static let move = H("j/k", "move", .down, .up)
    static let scroll = H("j/k", "scroll", .down, .up)
    static let topEnd = H("g/G", "top/end", .first, .last)

    static let help = KeyMap(
        bindings: ctrlC + [B(.quit, .char("q")), B(.closeHelp, .char("?"), .escape, .enter)],
        footer: [H("?", "close", .closeHelp), H("Esc", "close", .closeHelp), quitHint])

    static let listKeys =
        everywhere + panes + tenants + upDown + paging
        + [B(.halfDown, .ctrl("d")), B(.halfUp, .ctrl("u"))] + ends
        + [
            B(.mine, .char("m")), B(.filter, .char("/")), B(.serverFilter, .char("F")), B(.copy, .char("y")),
            B(.openWeb, .char("o")), B(.sortNext, .char("s")), B(.sortReverse, .char("S")), open,
            B(.nextView, .char("v")), B(.pickView, .char("V")),
            B(.mark, .char("x")), B(.markAll, .char("*")), B(.clearMarks, .char("X")), B(.bulk, .char("b")),
            B(.history, .char("H")),
            B(.timer, .char("T")), B(.logTime, .char("L")),
        ] + layoutKeys

    /// With marked tickets the footer offers the change to them first.
    static let bulkHint = H(
        "b", [.bulk], text: { "change \($0.marks.count) marked" }, shows: { !$0.marks.isEmpty })

    static let list = KeyMap(
        bindings: listKeys,
        footer: [
            bulkHint, move, H("Enter", "open", .open), H("/", "filter", .filter), helpHint, quitHint,
            H("s", "sort", .sortNext),
            H("Tab", "log", .nextPane), refreshHint, topEnd,
        ])

    static let filteredList = KeyMap(
        bindings: listKeys + [B(.clearFilter, .escape)],
        footer: [
            bulkHint, move, H("Enter", "open", .open), H("/", "edit filter", .filter),
            H("Esc", "clear filter", .clearFilter),
            H("s/S", "sort", .sortNext, .sortReverse), helpHint, quitHint,
        ])

    static let log = KeyMap(
        bindings: everywhere + panes + tenants + upDown + pagingNoSpace + ends
            + [open, B(.failuresOnly, .char("e")), B(.nextEndpoint, .char("f")), B(.history, .char("H"))] + layoutKeys,
        footer: [
            move, H("Enter", "show", .open),
            H("e", [.failuresOnly], text: { $0.requestLog.errorsOnly ? "all" : "failures" }),
            H("f", "endpoint", .nextEndpoint), H("Tab", "tickets", .nextPane), helpHint, quitHint,
            H("g/G", "newest/oldest", .first, .last),
        ])

    static let alerts = KeyMap(
        bindings: everywhere + panes + tenants + upDown + pagingNoSpace + ends + [open, B(.history, .char("H"))]
            + layoutKeys,
        footer: [move, H("Enter", "show", .open), H("Tab", "log", .nextPane), helpHint, quitHint, topEnd])

    static let request = KeyMap(
        bindings: everywhere + [B(.back, .escape, .backspace, .enter, .char("h"), .left)] + upDown + paging + ends
            + [B(.older, .char("n")), B(.newer, .char("N")), B(.copyCurl, .char("y"))],
        footer: [
            scroll, H("Esc", "back", .back), H("n/N", "older/newer", .older, .newer), H("y", "copy as curl", .copyCurl),
            helpHint, quitHint, topEnd,
        ])

    static let alert = KeyMap(
        bindings: everywhere + tenants + [back, B(.alertTicket, .enter)],
        footer: [H("Esc", "back", .back), H("Enter", "its ticket", .alertTicket), helpHint, quitHint])

    static let detail = KeyMap(
        bindings: everywhere
            + [
                B(.copy, .char("y")), B(.openWeb, .char("o")), B(.change(.status), .char("s")),
                B(.change(.priority), .char("p")),
                B(.change(.assignee), .char("A")), B(.attach, .char("a")), B(.save, .char("w")), B(.note, .char("c")),
                B(.systemNotes, .char("f")), B(.timer, .char("T")), B(.logTime, .char("L")),
                B(.listTime, .char("E")), back,
            ]
            + upDown + paging + [B(.first, .char("g"), .home)] + layoutKeys,
        footer: [
            scroll, H("s", "status", .change(.status)), H("p", "priority", .change(.priority)), H("c", "note", .note),
            // Offered only where the vendor's API takes attachments (Atera's refuses them).
            H("a", [.attach], text: { _ in "attach" }, shows: { $0.vendor.attachRefusal == nil }),
            H("Esc", "back", .back), H("A", "assign", .change(.assignee)), helpHint,
            quitHint,
            refreshHint,
            // Time where the vendor's API takes it (Atera's has no time writes).
            H("T", [.timer], text: { _ in "timer" }, shows: { $0.vendor.timeRefusal == nil }),
            H("L", [.logTime], text: { _ in "log time" }, shows: { $0.vendor.timeRefusal == nil }),
        ])

    static let picker = KeyMap(
        bindings: choosing + upDown + ends + [B(.accept, .enter), B(.cancel, .escape, .backspace, .char("h"), .left)],
        footer: [H("j/k", "choose", .down, .up), H("Enter", "pick", .accept), H("Esc", "cancel", .cancel)])

    static let palette = KeyMap(
        bindings: ctrlC + [
            B(.accept, .enter), B(.cancel, .escape), B(.down, .down, .ctrl("n")), B(.up, .up, .ctrl("p")),
        ] + lineEdit,
        footer: [H("↑/↓", "choose", .down, .up), H("Enter", "run", .accept), H("Esc", "close", .cancel)])

    static let output = KeyMap(
        bindings: everywhere + [B(.back, .escape, .backspace, .enter, .char("h"), .left)] + upDown + paging + ends,
        footer: [scroll, H("Esc", "close", .back), helpHint, quitHint, topEnd])

    static let pickerTyping = KeyMap(
        bindings: ctrlC + [B(.accept, .enter), B(.cancel, .escape)] + lineEdit,
        footer: [
            H("Enter", "pick", .accept), H("Esc", "back", .cancel), H("Ctrl-U", "erase", .erase, .eraseAll, .eraseWord),
        ])

    static let pickerConfirm = KeyMap(
        bindings: choosing + [B(.yes, .char("y"), .char("Y")), B(.no, .char("n"), .char("N"), .escape, .backspace)],
        footer: [H("y", "send", .yes), H("n", "back", .no)])

    static let attachPath = KeyMap(
        bindings: ctrlC + [B(.accept, .enter), B(.cancel, .escape)] + lineEdit,
        footer: [
            H("Enter", "next", .accept), H("Esc", "cancel", .cancel),
            H("Ctrl-W/U", "erase", .erase, .eraseAll, .eraseWord),
        ])

    static let attachConfirm = KeyMap(
        bindings: everywhere
            + [
                B(.yes, .char("y"), .char("Y")), B(.audience, .char("p"), .char("P")),
                B(.no, .char("n"), .char("N"), .backspace),
                B(.cancel, .escape),
            ],
        footer: [H("y", "attach", .yes), audience, H("n", "back", .no), H("Esc", "", .cancel)])

    static let audience = H("p", [.audience]) { s in
        s.detail?.flow?.visibility == .customers
            ? "internal only" : "let the customer see it"
    }

    static let savePath = KeyMap(
        bindings: ctrlC + [
            B(.accept, .enter), B(.cancel, .escape), B(.previousChoice, .up, .ctrl("p")),
            B(.nextChoice, .down, .ctrl("n")),
        ] + lineEdit,
        footer: [
            H(
                "↑/↓", [.previousChoice, .nextChoice], text: { _ in "which" },
                shows: { ($0.detail?.attachments?.count ?? 0) > 1 }),
            H("Enter", "save", .accept), H("Esc", "", .cancel),
        ])

    static let saveReplace = KeyMap(
        bindings: ctrlC + [
            B(.yes, .char("y"), .char("Y")), B(.no, .char("n"), .char("N"), .backspace), B(.cancel, .escape),
        ],
        footer: [H("y", "replace it", .yes), H("n", "another path", .no), H("Esc", "cancel", .cancel)])

    static let noteTyping = KeyMap(
        bindings: ctrlC + [
            B(.done, .ctrl("d")), B(.cancel, .escape), B(.newLine, .enter), B(.type, .tab), B(.erase, .backspace),
            B(.type),
        ],
        footer: [H("Ctrl-D", "done", .done), H("Enter", "new line", .newLine), H("Esc", "keep as draft", .cancel)])

    static let noteConfirm = KeyMap(
        bindings: everywhere
            + [
                B(.yes, .char("y"), .char("Y")), B(.audience, .char("p"), .char("P")),
                B(.editAgain, .char("e"), .char("E")),
                B(.cancel, .escape, .char("n"), .char("N")),
            ],
        footer: [H("y", "send", .yes), audience, H("e", "edit", .editAgain), H("Esc", "keep", .cancel)])

    static let filterPrompt = KeyMap(
        bindings: ctrlC + [
            B(.accept, .enter), B(.cancel, .escape), B(.down, .down), B(.up, .up), B(.pageDown, .pageDown),
            B(.pageUp, .pageUp),
        ] + lineEdit,
        footer: [H("Enter", "keep", .accept), H("Esc", "clear", .cancel)])

    static let serverFilterPrompt = KeyMap(
        bindings: ctrlC + [B(.accept, .enter), B(.cancel, .escape)] + lineEdit,
        footer: [H("Enter", "apply", .accept), H("empty:", "all", .accept), H("Esc", "", .cancel)])

    static let bulkMenu = KeyMap(
        bindings: choosing + [
            B(.change(.status), .char("s")), B(.change(.priority), .char("p")), B(.change(.assignee), .char("A")),
            B(.note, .char("c")), B(.cancel, .escape, .backspace),
        ],
        footer: [
            H("s", "status", .change(.status)), H("p", "priority", .change(.priority)),
            H("A", "assignee", .change(.assignee)), H("c", "note", .note), H("Esc", "cancel", .cancel),
        ])

    static let bulkNote = KeyMap(
        bindings: ctrlC + [B(.accept, .enter), B(.cancel, .escape)] + lineEdit,
        footer: [H("Enter", "next", .accept), H("Esc", "back", .cancel)])

    static let bulkPicker = KeyMap(
        bindings: choosing + upDown + ends + [B(.accept, .enter), B(.cancel, .escape, .backspace, .char("h"), .left)],
        footer: [H("j/k", "choose", .down, .up), H("Enter", "pick", .accept), H("Esc", "back", .cancel)])

    static let bulkConfirm = KeyMap(
        bindings: choosing + [B(.yes, .char("y"), .char("Y")), B(.no, .char("n"), .char("N"), .escape, .backspace)],
        footer: [H("y", "send to all", .yes), H("n", "back", .no)])

    static let bulkResults = KeyMap(
        bindings: choosing + upDown + [B(.back, .escape, .enter, .char("h"), .left)],
        footer: [
            H("j/k", "scroll", .down, .up),
            H("Esc", [.back], text: { _ in "close" }, shows: { $0.bulk?.stage == .done }),
        ])

    static let historyKeys = KeyMap(
        bindings: everywhere + tenants
            + [
                B(.closeHistory, .escape, .char("H"), .backspace, .char("h"), .left), B(.open, .enter),
                B(.historyRange, .char("w")),
            ] + upDown,
        footer: [
            H("j/k", "spike", .down, .up), H("Enter", "its minutes", .open),
            H("w", [.historyRange], text: { ($0.historyView?.days ?? 1) == 1 ? "7 days" : "24 hours" }),
            H("Esc", "back", .closeHistory), helpHint, quitHint,
        ])

    /// Esc at an entry: a timer's keeps running, one of `L` is dropped.
    static let leaveEntry = H("Esc", [.cancel]) { s in
        s.screen.timerEntry?.draft.manual == true ? "cancel" : "keep timing"
    }

    static let timerTyping = KeyMap(
        bindings: ctrlC + [B(.accept, .enter), B(.cancel, .escape), B(.editSummary, .ctrl("e"))] + lineEdit,
        footer: [H("Enter", "next", .accept), H("^E", "editor", .editSummary), leaveEntry])

    static let timeSpan = KeyMap(
        bindings: ctrlC + [B(.accept, .enter), B(.cancel, .escape)] + lineEdit,
        footer: [H("Enter", "next", .accept), H("Esc", "cancel", .cancel)])

    static let timerConfirm = KeyMap(
        bindings: choosing + [
            B(.yes, .char("y"), .char("Y")), B(.editAgain, .char("e"), .char("E")),
            B(.cancel, .escape, .char("n"), .char("N")),
        ],
        footer: [H("y", "send", .yes), H("e", "edit", .editAgain), leaveEntry])

    static let timerOffer = KeyMap(
        bindings: choosing + [B(.timer, .char("T")), B(.cancel, .escape), B(.accept, .enter)],
        footer: [H("T", "stop", .timer), H("Esc", "drop", .cancel), H("Enter", "keep timing", .accept)])

    /// The help overlay, in order. Kept to what fits 80×24 with the gauge's legend: one row a key group.
    public static let helpRows: [HelpRow] = [
        HelpRow(
            keys: "j / k, ↓ / ↑", text: "move; PgDn / PgUp, Ctrl-F / B page; Ctrl-D / U half",
            actions: [.down, .up, .pageDown, .pageUp, .halfDown, .halfUp]),
        HelpRow(keys: "g / G, Home / End", text: "first / last loaded", actions: [.first, .last]),
        HelpRow(keys: "Enter", text: "open the ticket / the request (log) / the alert", actions: [.open, .accept]),
        HelpRow(keys: "Esc", text: "back; clears the filter", actions: [.back, .clearFilter, .cancel]),
        HelpRow(
            keys: "Tab", text: "switch pane: tickets, alerts (Atera), request log", actions: [.nextPane, .previousPane]),
        HelpRow(keys: "/", text: "filter: words, status:new, -prio:low, due:<2h", actions: [.filter]),
        HelpRow(keys: "F", text: "server filter: status:New queue:L1 assignee:me", actions: [.serverFilter]),
        HelpRow(keys: "s / S", text: "sort by the next column / reverse", actions: [.sortNext, .sortReverse]),
        HelpRow(
            keys: "s/p/A (ticket), b", text: "status / priority / assignee; b: of the marked",
            actions: [.change(.status), .change(.priority), .change(.assignee), .bulk]),
        HelpRow(
            keys: "a/w/c/f/E, T/L", text: "ticket: attach/save/note/sys notes/time; timer/log",
            actions: [.attach, .save, .note, .systemNotes, .listTime, .timer, .logTime]),
        HelpRow(
            keys: "m, x / * / X", text: "mine (who:me) / all; mark / all shown / unmark",
            actions: [.mine, .mark, .markAll, .clearMarks]),
        HelpRow(
            keys: "y / o / t / r / ?, H", text: "copy no. / web / theme / refresh / help; history",
            actions: [.copy, .openWeb, .nextTheme, .refresh, .help, .closeHelp, .history, .closeHistory, .historyRange]),
        HelpRow(
            keys: "v / V, Ctrl-P", text: "next saved view / pick a view; command palette",
            actions: [.nextView, .pickView, .palette]),
        HelpRow(
            keys: "z / Z / R", text: "zoom the pane / gauge on one line / reload config",
            actions: [.zoom, .foldGauge, .reload]),
        HelpRow(
            keys: ": / 1-9", text: "next tenant / tenant N (several tenants)", actions: [.nextTenant, .pickTenant]),
        HelpRow(
            keys: "Backspace, ^U / ^W", text: "in a prompt: erase a character / all / a word",
            actions: [.erase, .eraseAll, .eraseWord]),
        HelpRow(keys: "q, Ctrl-C", text: "quit", actions: [.quit]),
    ]
}
