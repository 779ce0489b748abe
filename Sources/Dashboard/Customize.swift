import Foundation
import PSACore

/// A mouse report (with `mouse = true`): a press of the first button, a double click, the wheel.
public struct MouseEvent: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case press, doubleClick, wheelUp, wheelDown }
    public var kind: Kind
    public var x: Int
    public var y: Int
    public init(_ kind: Kind, x: Int, y: Int) {
        self.kind = kind
        self.x = x
        self.y = y
    }
}

/// What reading the config file again brought: each tenant's views (by the tenant's index), the
/// commands, the mouse, the gauge, the theme, and what changed, in words.
public struct ReloadSettings: Equatable, Sendable {
    public var views: [Int: [SavedView]]
    public var commands: [CustomCommand]
    public var mouse: Bool
    public var gaugeFolded: Bool
    public var theme: String?
    public var changes: [String]
    public init(
        views: [Int: [SavedView]], commands: [CustomCommand], mouse: Bool, gaugeFolded: Bool, theme: String?,
        changes: [String]
    ) {
        self.views = views
        self.commands = commands
        self.mouse = mouse
        self.gaugeFolded = gaugeFolded
        self.theme = theme
        self.changes = changes
    }
}

extension DashboardState {
    /// The keys of the palette, the views, reloading and the layout (Keys.swift sends them here).
    mutating func handleCustomize(_ action: KeyAction) -> [Command]? {
        switch action {
        case .palette:
            screen.palette = PaletteState(kind: .all)
        case .pickView:
            guard !views.list.isEmpty else {
                say("no saved views to pick: add [[views]] to the config file (see the README)")
                return []
            }
            screen.palette = PaletteState(kind: .views)
        case .nextView: return cycleView()
        case .reload: return [.reload]
        case .zoom:
            screen.zoomed.toggle()
            clampSelection()
            return nearEndLoad()
        case .foldGauge:
            screen.gaugeFolded.toggle()
            clampSelection()
            return nearEndLoad()
        default: return nil
        }
        return []
    }

    /// What a custom command printed: j/k and pages scroll, Esc closes it.
    mutating func handleOutput(_ action: KeyAction) -> [Command] {
        guard var o = screen.output else { return [] }
        let page = max(1, layout.body.height - 3)
        switch action {
        case .back:
            screen.output = nil
            return []
        case .down: o.scroll += 1
        case .up: o.scroll -= 1
        case .pageDown: o.scroll += page
        case .pageUp: o.scroll -= page
        case .first: o.scroll = 0
        case .last: o.scroll = .max
        default: break
        }
        o.scroll = max(0, min(o.scroll, max(0, o.lines.count - page)))
        screen.output = o
        return []
    }

    /// The events of this file's features; nil for the others.
    mutating func reduceCustomize(_ event: DashboardEvent) -> [Command]? {
        switch event {
        case .programDone(let name, let text, let status):
            programOutput(name: name, text: text, status: status)
        case .mouse(let m):
            return mouse(m)
        case .reloaded(let r):
            return reloaded(r)
        case .reloadFailed(let message):
            say("config not reloaded (the old settings stay): \(message)")
        default: return nil
        }
        return []
    }

    mutating func reloaded(_ r: ReloadSettings) -> [Command] {
        func apply(_ list: [SavedView], to s: inout DashboardState) -> [Command] {
            let shown = s.views.current?.name
            s.views.list = list
            let keep = shown.flatMap { n in list.firstIndex { $0.name == n } }
            if shown != nil, keep == nil { return s.applyView(nil) }
            s.views.active = keep
            // The same view by name may have changed: applied again as it reads now.
            return keep.map { s.applyView($0) } ?? []
        }
        var commands = apply(r.views[activeTenant] ?? [], to: &self)
        for i in background.keys.sorted() {
            _ = inBackground(i) { apply(r.views[i] ?? [], to: &$0) }
        }
        screen.commands = r.commands
        screen.mouse = r.mouse
        screen.gaugeFolded = r.gaugeFolded
        clampSelection()
        if let t = r.theme { commands.append(.setTheme(t)) }
        say("config reloaded: " + (r.changes.isEmpty ? "nothing changed" : r.changes.joined(separator: "; ")))
        return commands
    }

    /// With `mouse = true`: the wheel moves, a click selects (a column's header sorts by it), a
    /// double click opens.
    mutating func mouse(_ m: MouseEvent) -> [Command] {
        guard screen.mouse, !layout.tooSmall else { return [] }
        let mode = self.mode
        switch m.kind {
        case .wheelUp, .wheelDown:
            guard [.list, .filteredList, .log, .alerts, .detail, .request, .output, .palette].contains(mode) else {
                return []
            }
            var out: [Command] = []
            for _ in 0..<3 { out += reduce(.key(m.kind == .wheelUp ? .up : .down)) }
            return out
        case .press, .doubleClick:
            guard [.list, .filteredList, .log, .alerts].contains(mode) else { return [] }
            let t = layout.tickets, l = layout.log
            if t.height > 0, (t.y..<(t.y + t.height)).contains(m.y) {
                focus = .tickets
                if m.y == t.y + 1 { return sortByHeader(atX: m.x, t) }
                let row = m.y - t.y - 2
                guard row >= 0, row < listRows, listCursor.top + row < visibleCount else { return [] }
                listCursor.index = listCursor.top + row
                clampSelection()
                return m.kind == .doubleClick ? reduce(.key(.enter)) : nearEndLoad()
            }
            if l.height > 0, (l.y..<(l.y + l.height)).contains(m.y) {
                if focus == .tickets { focus = alertsPane.list == nil ? .log : focus }
                let row = m.y - l.y - 1
                // The rows as the log pane draws them (scrolled to keep the selection in view).
                let count = requestLog.visibleCount, first = requestLog.cursor.firstShown(rows: logRows, count: count)
                if focus == .log, row >= 0, first + row < count { requestLog.cursor.index = first + row }
                return m.kind == .doubleClick ? reduce(.key(.enter)) : []
            }
            return []
        }
    }

    /// A click on the list's header: sorted by that column (again: the other way round).
    mutating func sortByHeader(atX x: Int, _ r: Layout.Rect) -> [Command] {
        let cols = TicketColumns(width: r.width - 3, sla: slaSeen, chosen: views.columns).columns
        var left = r.x + 2
        for col in cols {
            if x >= left && x < left + col.width, let c = SortColumn.allCases.first(where: { $0.header == col.title }) {
                if let o = order, o.column == c {
                    order = ListOrder(column: c, descending: !o.descending)
                } else {
                    order = ListOrder(column: c, descending: c.descendingFirst)
                }
                rebuildView()
                return []
            }
            left += col.width + 1
        }
        return []
    }
}
