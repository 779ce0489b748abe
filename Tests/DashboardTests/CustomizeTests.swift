import Dashboard
import Foundation
import PSACore
import Testing

/// Saved views and their columns, the palette, custom commands, reload, zoom and the mouse.
@Suite("Views, palette, commands, reload, zoom, mouse", .timeLimit(.minutes(5)))
struct CustomizeTests {
    static let urgent = SavedView(
        name: "Urgent", filter: "prio:critical", order: ListOrder(column: .activity, descending: true),
        columns: [.number, .priority, .title, .activity])
    static let queue = SavedView(name: "Level II", serverFilter: ServerFilter(queue: "Level II Support"))
    static let echo = CustomCommand(name: "echo it", key: "K", argv: ["echo", "{number}", "t={title}"])

    static func customized(width: Int = 120, height: Int = 40) -> DashboardState {
        var s = sampleState(width: width, height: height)
        _ = try? s.customize(
            ReloadSettings(
                views: [0: [urgent, queue]], commands: [echo], mouse: false, gaugeFolded: false, theme: nil,
                changes: []), view: nil)
        return s
    }

    @Test("v applies the next view: its filter, order, columns and name; then the next; then all tickets")
    func cycleViews() {
        var s = Self.customized()
        // (The view's own filter: no new server filter; the list tops up under it.)
        #expect(!s.reduce(.key(.char("v"))).contains { if case .setServerFilter = $0 { true } else { false } })
        #expect(s.views.current?.name == "Urgent" && s.filterText == "prio:critical")
        #expect(s.order == ListOrder(column: .activity, descending: true))
        let shown = (0..<s.visibleCount).map { s.tickets[s.ticketIndex(row: $0)] }
        #expect(!shown.isEmpty && shown.allSatisfy { $0.priority == "Critical" })
        let screen = render(s, theme: .fallback).lines
        #expect(screen.contains { $0.contains("Urgent") && $0.contains("by activity") })
        // Its columns only: no STATUS or COMPANY header.
        let header = screen.first { $0.contains("NUMBER") } ?? ""
        #expect(header.contains("PRIORITY") && header.contains("TITLE") && !header.contains("STATUS"))
        #expect(!header.contains("COMPANY"))
        // The next view asks the server for its queue (the list starts again).
        #expect(s.reduce(.key(.char("v"))) == [.setServerFilter(ServerFilter(queue: "Level II Support"))])
        #expect(s.views.current?.name == "Level II" && s.filterText.isEmpty && s.tickets.isEmpty)
        // A queue the tenant lacks: the server's answer names it, and the list shows nothing.
        _ = s.reduce(.pageFailed("server filter: no queue 'Level II Support' on this tenant; known: Post Sale"))
        let failed = render(s, theme: .fallback).text
        #expect(failed.contains("no queue 'Level II Support'") && s.visibleCount == 0)
        // Then all tickets again, unfiltered.
        #expect(s.reduce(.key(.char("v"))) == [.setServerFilter(nil)])
        #expect(s.views.current == nil)
    }

    @Test("--view NAME applies it at the start; an unknown name is refused with the views there are")
    func viewByName() throws {
        var s = sampleState(width: 120, height: 40)
        let r = ReloadSettings(
            views: [0: [Self.urgent, Self.queue]], commands: [], mouse: false, gaugeFolded: false, theme: nil,
            changes: [])
        #expect(try s.customize(r, view: "level ii") == [.setServerFilter(ServerFilter(queue: "Level II Support"))])
        var t = sampleState(width: 120, height: 40)
        #expect(throws: UnknownView.self) { try t.customize(r, view: "Nope") }
    }

    @Test("a view's columns fit 80 columns and the title grows with the terminal")
    func columnsFit() {
        for w in [80, 120, 200] {
            var s = Self.customized(width: w, height: 24)
            s.views.list[0].columns = [.number, .title, .status, .priority, .company, .assignee, .due, .activity]
            _ = s.reduce(.key(.char("v")))
            let lines = render(s, theme: .fallback).lines
            let header = lines.first { $0.contains("NUMBER") } ?? ""
            #expect(TextWidth.of(header) <= w, "\(w): \(header)")
            #expect(header.contains("TITLE") && header.contains("NUMBER"))
            if w >= 200 { #expect(header.contains("ASSIGNEE") && header.contains("ACTIVIT")) }
        }
    }

    @Test("the palette lists every action of the mode's table (the same the footer and help read), with its keys")
    func paletteFromTables() {
        for mode in [Mode.list, .detail, .log] {
            var s = Self.customized()
            if mode == .detail { _ = s.reduce(.key(.enter)) }
            if mode == .log { _ = s.reduce(.key(.tab)) }
            #expect(s.mode == mode)
            _ = s.reduce(.key(.ctrl("p")))
            #expect(s.mode == .palette)
            let names = Set(s.paletteMatches.map(\.name))
            for b in KeyMap.of(mode).bindings where !b.keys.isEmpty {
                if [.type, .palette, .pickTenant, .nextTenant].contains(b.action) { continue }
                #expect(names.contains(KeyMap.name(of: b.action)), "\(mode): \(b.action) not in the palette")
            }
            #expect(names.contains("command: echo it"))
        }
    }

    @Test("typing narrows the palette (a name first); Enter runs the row as its key would")
    func paletteRuns() {
        var s = Self.customized()
        _ = s.reduce(.key(.ctrl("p")))
        for c in "zoom" { _ = s.reduce(.key(.char(c))) }
        #expect(s.paletteMatches.first?.name == "zoom")
        #expect(render(s, theme: .fallback).text.contains("> zoom"))
        _ = s.reduce(.key(.enter))
        #expect(s.screen.zoomed && s.mode == .list)
        // A view from the palette; Esc closes it without doing anything.
        _ = s.reduce(.key(.char("V")))
        #expect(s.paletteMatches.map(\.name) == ["view: Urgent", "view: Level II", "view: all tickets"])
        _ = s.reduce(.key(.enter))
        #expect(s.views.current?.name == "Urgent")
        _ = s.reduce(.key(.ctrl("p")))
        _ = s.reduce(.key(.escape))
        #expect(s.mode == .filteredList && s.screen.palette == nil)
    }

    @Test("a custom command: its key runs the program with the ticket's text as one argument each, no shell")
    func customCommand() {
        var s = Self.customized()
        var t = s.selectedTicket!
        t.title = "$(touch pwned); rm -rf x"
        s.tickets.replace(at: s.ticketIndex(row: s.listCursor.index), with: t)
        let commands = s.reduce(.key(.char("K")))
        #expect(
            commands == [
                .runProgram(
                    ProgramRun(
                        name: "echo it", argv: ["echo", t.number, "t=$(touch pwned); rm -rf x"], foreground: false))
            ])
        #expect(s.mode == .output)
        _ = s.reduce(.programDone(name: "echo it", output: "one\ntwo\n", status: 0))
        let text = render(s, theme: .fallback).text
        #expect(text.contains("echo it · done") && text.contains("one") && text.contains("two"))
        _ = s.reduce(.key(.escape))
        #expect(s.mode == .list)
    }

    @Test("read-only: a command not marked read_only_safe is refused by the write policy, a safe one runs")
    func readOnly() {
        var s = Self.customized()
        s.writePolicy = WritePolicy(readOnly: true, profile: "acme")
        #expect(s.reduce(.key(.char("K"))).isEmpty)
        #expect(s.flash?.contains("read-only (profile acme)") == true, "\(s.flash ?? "")")
        s.screen.commands[0].readOnlySafe = true
        #expect(!s.reduce(.key(.char("K"))).isEmpty)
    }

    @Test("placeholders go inside their argument; unknown ones are named")
    func placeholders() {
        let c = CustomCommand(name: "x", key: nil, argv: ["open", "{web_url}", "--id={id}", "{nope}"])
        #expect(c.arguments(["web_url": "a b;c", "id": "7"]) == ["open", "a b;c", "--id=7", "{nope}"])
        #expect(CustomCommand.unknownPlaceholders(in: "{nope} {id}") == ["nope"])
        #expect(KeyMap.owner(of: "v") == .nextView && KeyMap.owner(of: "K") == nil)
    }

    @Test("a reload takes the new views and commands and says what changed; a failed one keeps them")
    func reload() {
        var s = Self.customized()
        _ = s.reduce(.key(.char("v")))
        #expect(s.reduce(.key(.char("R"))) == [.reload])
        _ = s.reduce(.reloadFailed("/x/config.toml:7: unknown key 'colums'"))
        #expect(s.views.list.count == 2 && s.flash?.contains("config.toml:7") == true)
        let r = ReloadSettings(
            views: [0: [Self.queue]], commands: [], mouse: true, gaugeFolded: true, theme: "nord",
            changes: ["views -Urgent"])
        let commands = s.reduce(.reloaded(r))
        #expect(commands.contains(.setTheme("nord")))
        #expect(s.views.list == [Self.queue] && s.views.current == nil && s.filterText.isEmpty)
        #expect(s.screen.commands.isEmpty && s.screen.mouse && s.screen.gaugeFolded)
        #expect(s.flash == "config reloaded: views -Urgent")
    }

    @Test("z gives the focused pane the whole screen and back; Z folds the gauge to one line")
    func zoom() {
        var s = Self.customized(width: 80, height: 24)
        let rows = s.listRows
        _ = s.reduce(.key(.char("z")))
        #expect(s.listRows > rows && s.layout.quota.height == 0 && s.layout.log.height == 0)
        _ = s.reduce(.key(.tab))
        #expect(s.layout.tickets.height == 0 && s.layout.log.height == s.layout.body.height)
        _ = s.reduce(.key(.char("z")))
        _ = s.reduce(.key(.char("Z")))
        #expect(s.layout.quota.height == 1)
    }

    @Test("the mouse, when on: a click selects, a header click sorts, a double click opens, the wheel moves")
    func mouse() {
        var s = Self.customized()
        let t = s.layout.tickets
        // Off by default: nothing.
        var off = s
        #expect(off.reduce(.mouse(MouseEvent(.press, x: 10, y: t.y + 5))).isEmpty && off == s)
        s.screen.mouse = true
        _ = s.reduce(.mouse(MouseEvent(.press, x: 10, y: t.y + 5)))
        #expect(s.listCursor.index == s.listCursor.top + 3)
        _ = s.reduce(.mouse(MouseEvent(.wheelDown, x: 10, y: t.y + 5)))
        #expect(s.listCursor.index == s.listCursor.top + 6 || s.listCursor.index == 6)
        // The header's PRIORITY column.
        let header = render(s, theme: .fallback).lines[t.y + 1]
        let x = TextWidth.of(String(header[..<header.range(of: "PRIORITY")!.lowerBound]))
        _ = s.reduce(.mouse(MouseEvent(.press, x: x + 1, y: t.y + 1)))
        #expect(s.order?.column == .priority)
        let commands = s.reduce(.mouse(MouseEvent(.doubleClick, x: 10, y: t.y + 2)))
        #expect(s.mode == .detail && commands.contains { if case .loadDetail = $0 { true } else { false } })
    }

    @Test("the mouse on the request log: a click gives it the focus and selects the row drawn there")
    func mouseLog() {
        var s = Self.customized()
        s.screen.mouse = true
        let l = s.layout.log
        _ = s.reduce(.mouse(MouseEvent(.press, x: 10, y: l.y + 3)))
        #expect(s.focus == .log)
        _ = s.reduce(.mouse(MouseEvent(.press, x: 10, y: l.y + 3)))
        #expect(s.requestLog.cursor.index == 2)
        let row = render(s, theme: .fallback).lines[l.y + 3]
        #expect(row.contains(s.requestLog.visible[2].path.prefix(10)))
    }

    static let sizes = [(80, 24), (120, 40)]

    @Test("snapshots: the palette, a view, a zoomed pane", arguments: sizes)
    func snapshots(w: Int, h: Int) {
        var s = Self.customized(width: w, height: h)
        _ = s.reduce(.key(.ctrl("p")))
        assertSnapshot(render(s, theme: .fallback), "palette-\(w)x\(h)")
        s = Self.customized(width: w, height: h)
        _ = s.reduce(.key(.char("v")))
        s.flash = nil
        assertSnapshot(render(s, theme: .fallback), "view-\(w)x\(h)")
        s = Self.customized(width: w, height: h)
        _ = s.reduce(.key(.char("z")))
        assertSnapshot(render(s, theme: .fallback), "zoomed-\(w)x\(h)")
    }
}
