import Dashboard
import Foundation
import PSACore
import Testing

/// The key tables (KeyTables.swift) drive the handler, the footer and the help: checked both ways.
@Suite("One key table per mode", .timeLimit(.minutes(5)))
struct KeyMapTests {
    static let helpActions = Set(KeyMap.helpRows.flatMap(\.actions))

    /// A state in each mode, reached as a person would where that is short, set directly otherwise.
    static func states() -> [Mode: DashboardState] {
        var out: [Mode: DashboardState] = [:]
        let list = sampleState(width: 200, height: 40)
        out[.list] = list
        var s = list
        _ = s.reduce(.key(.char("?")))
        out[.help] = s
        s = list
        _ = s.reduce(.key(.char("/")))
        out[.filterPrompt] = s
        _ = s.reduce(.key(.char("a")))
        _ = s.reduce(.key(.enter))
        out[.filteredList] = s
        s = list
        _ = s.reduce(.key(.ctrl("p")))
        out[.palette] = s
        s = list
        s.screen.output = CommandOutput(name: "echo")
        s.screen.output?.lines = (1...80).map { "line \($0)" }
        s.screen.output?.status = 0
        out[.output] = s
        s = list
        _ = s.reduce(.key(.char("F")))
        out[.serverFilterPrompt] = s
        s = list
        _ = s.reduce(.key(.tab))
        out[.log] = s
        var history = list
        _ = history.reduce(.key(.char("H")))
        // Spikes to move between (from the middle one, so both ways move) and to open.
        var chart = HistoryViewTests.chart()
        chart.spikes.append(
            .init(start: fixedNow, text: "others +300 in 3 min from 11:00", perMinute: [100, 100, 100]))
        _ = history.reduce(.historyChart(chart))
        history.historyView?.selected = 1
        out[.history] = history
        _ = s.reduce(.key(.enter))
        out[.request] = s
        s = list
        s.alertsPane.list = [
            Alert(id: 1, title: "Disk C: 95% full", severity: .critical, created: fixedNow, ticketID: 7_002)
        ]
        _ = s.reduce(.key(.tab))
        out[.alerts] = s
        _ = s.reduce(.key(.enter))
        out[.alert] = s
        var d = openedDetail()
        d.width = 200
        out[.detail] = d
        s = d
        _ = s.reduce(.key(.char("s")))
        _ = s.reduce(.choices(.status, ["New", "In Progress", "Complete"]))
        out[.picker] = s
        var typing = s
        typing.detail?.flow = .picker(with(s.detail!.edit!) { $0.typed = "Wait" })
        out[.pickerTyping] = typing
        _ = s.reduce(.key(.char("j")))
        _ = s.reduce(.key(.enter))
        out[.pickerConfirm] = s
        s = d
        _ = s.reduce(.key(.char("a")))
        out[.attachPath] = s
        for c in "a.log" { _ = s.reduce(.key(.char(c))) }
        _ = s.reduce(.key(.enter))
        out[.attachConfirm] = s
        s = d
        let files = [
            TicketAttachment(id: 1, name: "one.png", size: 10, author: "Dana", date: fixedNow, isInternal: true),
            TicketAttachment(id: 2, name: "two.png", size: 20, author: "Dana", date: fixedNow, isInternal: true),
        ]
        _ = s.reduce(.attachments(id: d.detail!.id, files))
        _ = s.reduce(.key(.char("w")))
        out[.savePath] = s
        let save = s.detail!.save!
        s.detail?.flow = .save(with(save) { $0.replacing = true })
        out[.saveReplace] = s
        s = d
        s.detail?.flow = .noteTyping(NoteDraft(text: "checked the cable", path: "/tmp/psatop-note.txt"))
        out[.noteTyping] = s
        s = d
        s.detail?.flow = .noteConfirm(NoteDraft(text: "checked the cable", path: "/tmp/psatop-note.txt"))
        out[.noteConfirm] = s
        // A change to the marked tickets: the menu, the picker, the question, the outcomes.
        s = list
        for _ in 0..<3 { _ = s.reduce(.key(.char("x"))) }
        _ = s.reduce(.key(.char("b")))
        out[.bulkMenu] = s
        _ = s.reduce(.key(.char("s")))
        _ = s.reduce(.choices(.status, ["New", "In Progress", "Complete"]))
        out[.bulkPicker] = s
        _ = s.reduce(.key(.enter))
        out[.bulkConfirm] = s
        _ = s.reduce(.key(.char("y")))
        out[.bulkResults] = s
        // The timer: stopped (the summary typed, then the question), and one kept from before.
        s = list
        _ = s.reduce(.key(.char("T")))
        _ = s.reduce(.key(.char("T")))
        for c in "checked the cable" { _ = s.reduce(.key(.char(c))) }
        out[.timerTyping] = s
        _ = s.reduce(.key(.enter))
        out[.timerConfirm] = s
        s = list
        _ = s.reduce(.timerRestored(RunningTimer(ticketID: 7_002, number: "T20261102.0002", start: fixedNow)))
        out[.timerOffer] = s
        // A note to the marked tickets being typed.
        s = list
        _ = s.reduce(.key(.char("x")))
        _ = s.reduce(.key(.char("b")))
        _ = s.reduce(.key(.char("c")))
        for c in "checked" { _ = s.reduce(.key(.char(c))) }
        out[.bulkNote] = s
        // Time logged without a timer: its hours being typed.
        s = list
        _ = s.reduce(.key(.char("L")))
        for c in "1:30" { _ = s.reduce(.key(.char(c))) }
        out[.timeSpan] = s
        return out
    }

    /// Every key a person can press, near enough: printable ASCII, a few others, the specials, Ctrl-letters.
    static let universe: [Key] =
        (32...126).map { .char(Character(UnicodeScalar($0)!)) } + [.char("é"), .char("日")]
        + [.up, .down, .left, .right, .pageUp, .pageDown, .home, .end, .enter, .escape, .tab, .backTab, .backspace]
        + "abcdefghijklmnopqrstuvwxyz".map { .ctrl($0) }

    @Test("every state the tests reach is in the mode it is built for, and every mode is reached")
    func modes() {
        let states = Self.states()
        for (mode, s) in states { #expect(s.mode == mode, "built for \(mode), is \(s.mode)") }
        #expect(Set(states.keys) == Set(Mode.allCases))
    }

    @Test("every bound key is described: by the help overlay, or by its mode's own footer or prompt")
    func boundIsDescribed() {
        for mode in Mode.allCases {
            let map = KeyMap.of(mode)
            let footer = Set(map.footer.flatMap(\.actions))
            for b in map.bindings where b.action != .type {
                #expect(
                    Self.helpActions.contains(b.action) || footer.contains(b.action),
                    "\(mode): \(b.keys) → \(b.action) is in neither the help nor the footer")
            }
        }
    }

    @Test("every help row and every footer hint names bound keys only")
    func describedIsBound() {
        let bound = Set(Mode.allCases.flatMap { KeyMap.of($0).bindings.map(\.action) })
        for row in KeyMap.helpRows {
            #expect(!row.actions.isEmpty, "help row \(row.keys) describes no key")
            for a in row.actions { #expect(bound.contains(a), "help row \(row.keys): \(a) is bound in no mode") }
        }
        for mode in Mode.allCases {
            let here = Set(KeyMap.of(mode).bindings.map(\.action))
            for hint in KeyMap.of(mode).footer {
                for a in hint.actions {
                    #expect(here.contains(a), "\(mode): footer '\(hint.keys)' names \(a), not bound here")
                }
            }
        }
    }

    @Test("the footer (or the prompt) shows the table's hints, and the help overlay its rows")
    func footerFromTable() {
        for (mode, s) in Self.states() {
            let screen = render(s, theme: .fallback).lines
            let bottom = screen.last ?? ""
            for (keys, text) in KeyMap.of(mode).hints(s) {
                let shown = keys
                #expect(
                    bottom.contains(text.isEmpty ? shown : "\(shown) \(text)"),
                    "\(mode): '\(keys) \(text)' not in \(bottom)")
            }
            if mode == .help {
                for row in KeyMap.helpRows {
                    #expect(screen.contains { $0.contains(row.keys) && $0.contains(row.text) }, "\(row.keys)")
                }
            }
        }
    }

    @Test("a key the mode's table does not bind changes nothing and sends nothing")
    func unboundIsInert() async {
        for (mode, s) in Self.states() {
            let map = KeyMap.of(mode)
            let before = render(s, theme: .fallback)
            for key in Self.universe where map.action(for: key) == nil {
                // Thousands of renders: the thread goes back to the pool between keys, so the
                // timed tests beside this one are not starved on a 2-core runner.
                await Task.yield()
                var t = s
                let commands = t.reduce(.key(key))
                #expect(commands.isEmpty, "\(mode): \(key) sent \(commands)")
                #expect(
                    t.mode == mode && render(t, theme: .fallback) == before,
                    "\(mode): unbound \(key) changed the screen")
            }
        }
    }

    @Test("a bound key does what its table says: q quits where it is bound, and is a letter where typed")
    func boundActs() {
        for (mode, s) in Self.states() {
            var t = s
            let commands = t.reduce(.key(.char("q")))
            switch KeyMap.of(mode).action(for: .char("q")) {
            case .quit?: #expect(commands.contains(.quit) && t.quit, "\(mode)")
            case .type?: #expect(!t.quit && mode.isTyping, "\(mode)")
            default: #expect(!t.quit, "\(mode)")
            }
            var u = s
            if mode == .noteTyping {
                // Typing a note: the first Ctrl-C keeps the note as a draft and asks; the second quits.
                let first = u.reduce(.key(.ctrl("c")))
                #expect(
                    !u.quit && first == [.keepDraft(path: u.detail!.noteTyping!.path, text: u.detail!.noteTyping!.text)]
                )
                #expect(u.detail?.noteTyping?.interrupted == true)
                #expect(u.reduce(.key(.ctrl("c"))).contains(.quit) && u.quit, "\(mode): a second Ctrl-C quits")
            } else {
                #expect(u.reduce(.key(.ctrl("c"))).contains(.quit), "\(mode): Ctrl-C quits everywhere")
            }
        }
    }

    @Test("precedence: the help over a prompt over the picker over the ticket over the list")
    func precedence() {
        var s = Self.states()[.picker]!
        // (One sub-flow of a ticket at a time: a prompt replaces the picker, which comes back as it was.)
        let picker = s.detail?.flow
        s.showHelp = true
        #expect(s.mode == .help)
        s.showHelp = false
        s.detail?.flow = .attachPath("x", .internal)
        #expect(s.mode == .attachPath)
        s.detail?.flow = picker
        #expect(s.mode == .picker)
        s.detail?.flow = nil
        #expect(s.mode == .detail)
        s.detail = nil
        #expect(s.mode == .list)
    }

    /// A state per mode where every bound key has something to do: mid-list, scrolled, typed into.
    static func busyStates() -> [Mode: DashboardState] {
        var out = states()
        out[.list]?.listCursor.index = 5
        let shown = out[.filteredList]?.visibleCount ?? 1
        out[.filteredList]?.listCursor.index = min(1, max(0, shown - 1))
        out[.log]?.requestLog.cursor.index = 2
        out[.request]?.requestLog.cursor.index = 2
        // (The smallest screen keys act on, and an answer of 80 lines: every scroll key has room.)
        _ = out[.request]?.reduce(.resize(width: 80, height: 24))
        var long = sampleLog()[3]
        long.exchange?.responseBody = (1...80).map { "line \($0) of the answer" }.joined(separator: "\n")
        out[.request]?.requestLog.open = long
        out[.request]?.requestLog.openCursor.index = 2
        out[.detail]?.detail?.scroll.index = 3
        let picking = out[.picker]!.detail!.edit!
        out[.picker]?.detail?.flow = .picker(with(picking) { $0.selected = 1 })
        out[.bulkPicker]?.bulk?.selected = 1
        out[.bulkResults]?.bulk?.scroll = 1
        out[.filterPrompt]?.filterText = "ab/cd"
        out[.palette]?.screen.palette?.query = "e pa"
        out[.palette]?.screen.palette?.selected = 1
        out[.output]?.screen.output?.scroll = 2
        out[.serverFilterPrompt]?.serverFilterText = "status:New"
        out[.attachPath]?.detail?.flow = .attachPath("logs/app.log", .internal)
        var alerts = out[.alerts]!
        alerts.alertsPane.list = (1...3).map {
            Alert(id: Int64($0), title: "Disk \($0)", severity: .warning, created: fixedNow, ticketID: 7_002)
        }
        alerts.alertsPane.cursor.index = 1
        out[.alerts] = alerts
        return out
    }

    /// What a key did: the commands it sent and the state it left.
    struct Effect: Equatable {
        var commands: [Command]
        var state: DashboardState
    }

    @Test(
        "every bound key acts where it is bound, and does its own action: keys of one action act alike, keys of two differ"
    )
    func everyBindingActs() async {
        for (mode, s) in Self.busyStates() {
            var byAction: [(action: KeyAction, key: Key, effect: Effect)] = []
            for b in KeyMap.of(mode).bindings {
                // The tenant keys need several tenants (the overview tests press them).
                if b.action == .nextTenant || b.action == .pickTenant { continue }
                for key in b.keys.isEmpty ? [Key.char("x")] : b.keys {
                    await Task.yield()
                    var t = s
                    let commands = t.reduce(.key(key))
                    #expect(!commands.isEmpty || t != s, "\(mode): \(key) (\(b.action)) did nothing")
                    byAction.append((b.action, key, Effect(commands: commands, state: t)))
                }
            }
            // Any change would pass the check above; a key wired to another action of its mode
            // does not pass these: it acts like that action's keys, and unlike its own action's.
            for (i, a) in byAction.enumerated() {
                for b in byAction[(i + 1)...] {
                    if a.action == b.action, a.action != .type {  // (typed keys insert themselves)
                        #expect(
                            a.effect == b.effect,
                            "\(mode): \(a.key) and \(b.key) are both \(a.action) but act differently")
                    } else if !Self.alike(mode, a.action, b.action) {
                        #expect(a.effect != b.effect, "\(mode): \(a.key) (\(a.action)) acts as \(b.key) (\(b.action))")
                    }
                }
            }
        }
    }

    /// Actions that may act alike at an edge: moves the same way (j and G both reach the end of
    /// a short list), the two pane keys when there are two panes, the two erasers on one word.
    /// A move down and a move up never may: that is what a swapped wiring would look like.
    static func family(_ a: KeyAction) -> String? {
        switch a {
        case .down, .pageDown, .halfDown, .last: return "toward the end"
        case .up, .pageUp, .halfUp, .first: return "toward the start"
        case .nextPane, .previousPane: return "panes"
        case .eraseAll, .eraseWord: return "erase"
        case .nextChoice, .previousChoice: return "choices"
        default: return nil
        }
    }

    static func alike(_ mode: Mode, _ a: KeyAction, _ b: KeyAction) -> Bool {
        family(a) != nil && family(a) == family(b)
    }

    @Test("the tables as a golden text: a key added, moved or dropped is a change someone reviewed")
    func tablesGolden() {
        var lines: [String] = []
        for mode in Mode.allCases {
            lines.append("[\(mode)]")
            for b in KeyMap.of(mode).bindings {
                lines.append(
                    "  \(b.keys.isEmpty ? "<typed>" : b.keys.map { "\($0)" }.joined(separator: " ")) -> \(b.action)")
            }
            lines.append(
                "  footer: "
                    + KeyMap.of(mode).footer.map { "\($0.keys) \($0.actions.map { "\($0)" })" }.joined(separator: " | ")
            )
        }
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__")
        let here: SourceLocation = #_sourceLocation
        compareGolden(
            lines.joined(separator: "\n") + "\n", dir.appendingPathComponent("key-tables.txt"), "the key tables", here)
    }
}
