import Foundation
import PSACore

/// The command palette (`Ctrl-P`; `V` opens it on the views): what was typed, the row chosen.
public struct PaletteState: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case all, views }
    public var kind: Kind
    public var query = ""
    public var cursor = Cursor()
    /// The entry chosen (`cursor.index`).
    public var selected: Int {
        get { cursor.index }
        set { cursor.index = newValue }
    }
    public init(kind: Kind) { self.kind = kind }
}

/// One row of the palette: what it does, its keys as shown, and how Enter runs it.
public struct PaletteEntry: Equatable, Sendable {
    public enum Run: Equatable, Sendable {
        /// A key of the mode under the palette, pressed as if typed (the key tables say what it does).
        case key(Key)
        case view(Int?), tenant(Int), theme(String), command(Int)
    }
    public var name: String
    public var detail: String
    public var keys: String
    public var run: Run
}

extension DashboardState {
    /// The palette's rows for the mode under it, in the key tables' order (the same tables the
    /// footer and the help read), then the views, tenants, themes and custom commands.
    public func paletteEntries(_ kind: PaletteState.Kind) -> [PaletteEntry] {
        var out: [PaletteEntry] = []
        if kind == .all {
            let under = paneMode
            let map = KeyMap.of(under)
            var order: [KeyAction] = []
            var keys: [KeyAction: [Key]] = [:]
            for b in map.bindings where !b.keys.isEmpty && !Self.notInPalette.contains(b.action) {
                if keys[b.action] == nil { order.append(b.action) }
                keys[b.action, default: []] += b.keys
            }
            for a in order {
                let ks = keys[a] ?? []
                out.append(
                    PaletteEntry(
                        name: KeyMap.name(of: a), detail: KeyMap.describe(a, in: map, self),
                        keys: ks.prefix(3).map(\.shown).joined(separator: " "), run: .key(ks[0])))
            }
        }
        let viewKeys = paneMode == .list || paneMode == .filteredList
        for (i, v) in views.list.enumerated() {
            out.append(
                PaletteEntry(
                    name: "view: \(v.name.sanitized)", detail: views.active == i ? "(shown)" : "",
                    keys: viewKeys ? "v" : "", run: .view(i)))
        }
        if !views.list.isEmpty {
            out.append(
                PaletteEntry(name: "view: all tickets", detail: "no view", keys: viewKeys ? "v" : "", run: .view(nil)))
        }
        guard kind == .all else { return out }
        if tenants.count > 1 {
            for (i, t) in tenants.enumerated() {
                out.append(
                    PaletteEntry(
                        name: "tenant: \(t.name.sanitized)", detail: t.vendor.label, keys: i < 9 ? "\(i + 1)" : "",
                        run: .tenant(i)))
            }
        }
        for name in screen.themeNames {
            out.append(PaletteEntry(name: "theme: \(name.sanitized)", detail: "", keys: "t", run: .theme(name)))
        }
        for (i, c) in screen.commands.enumerated() {
            out.append(
                PaletteEntry(
                    name: "command: \(c.name.sanitized)", detail: c.argv.first.map { $0.sanitized } ?? "",
                    keys: c.key.map { String($0) } ?? "", run: .command(i)))
        }
        return out
    }

    /// Actions the palette leaves out: typing, the palette itself, the tenants by number (each tenant has its row).
    static let notInPalette: Set<KeyAction> = [
        .type, .palette, .pickTenant, .nextTenant, .erase, .eraseAll, .eraseWord,
    ]

    /// The rows that match what was typed, best first (all of them, in order, before anything is typed).
    public var paletteMatches: [PaletteEntry] {
        guard let p = screen.palette else { return [] }
        let all = paletteEntries(p.kind)
        let q = p.query.lowercased().filter { !$0.isWhitespace }
        guard !q.isEmpty else { return all }
        // A match in the name ranks above one in the description.
        let scored = all.enumerated().compactMap { i, e in
            (Self.fuzzy(q, e.name.lowercased()).map { $0 + 1_000 }
                ?? Self.fuzzy(q, "\(e.name) \(e.detail) \(e.keys)".lowercased())).map { (score: $0, i: i, e: e) }
        }
        return scored.sorted { $0.score != $1.score ? $0.score > $1.score : $0.i < $1.i }.map(\.e)
    }

    /// The letters of `query` in order in `text`: a score (runs of letters and word starts count
    /// more), or nil when they are not all there.
    static func fuzzy(_ query: String, _ text: String) -> Int? {
        var score = 0, run = 0
        var q = query.makeIterator()
        var want = q.next()
        var previous: Character = " "
        for ch in text {
            guard let w = want else { break }
            if ch == w {
                run += 1
                score += 1 + run * 2 + (previous == " " || previous == ":" ? 3 : 0)
                want = q.next()
            } else {
                run = 0
            }
            previous = ch
        }
        return want == nil ? score : nil
    }

    /// A key while the palette is open: typing narrows it, ↑/↓ choose, Enter runs the row, Esc
    /// closes it. A row that stands for a key comes back to be pressed in the mode under the palette.
    mutating func paletteKey(_ key: Key) -> (commands: [Command], replay: Key?) {
        guard var p = screen.palette, let action = KeyMap.of(.palette).action(for: key) else { return ([], nil) }
        let count = paletteMatches.count
        switch action {
        case .quit:
            quit = true
            return ([.quit], nil)
        case .cancel:
            screen.palette = nil
            return ([], nil)
        case .down, .up:
            p.cursor.move(action, page: 0, count: count)
            p.cursor.clamp(count: count)
        case .erase, .eraseAll, .eraseWord, .type:
            guard LineEdit.apply(key, to: &p.query, maxCharacters: 100) else { return ([], nil) }
            p.selected = 0
        case .accept:
            let matches = paletteMatches
            guard matches.indices.contains(p.selected) else { return ([], nil) }
            screen.palette = nil
            switch matches[p.selected].run {
            case .key(let k): return ([], k)
            case .view(let i): return (applyView(i), nil)
            case .tenant(let i):
                switchTenant(to: i)
                return ([], nil)
            case .theme(let name): return ([.setTheme(name)], nil)
            case .command(let i): return (runCustom(i), nil)
            }
        default: break
        }
        screen.palette = p
        return ([], nil)
    }
}

extension Key {
    /// The key as the footer and the help write it.
    public var shown: String {
        switch self {
        case .char(" "): "Space"
        case .char(let c): String(c)
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .backspace: "Bksp"
        case .ctrl(let c): "Ctrl-\(c.uppercased())"
        }
    }
}

extension KeyMap {
    /// An action's name in words: `sortNext` → "sort next", `change(status)` → "change status".
    public static func name(of a: KeyAction) -> String {
        var raw = "\(a)"
        if let open = raw.firstIndex(of: "(") {
            let inner = raw[raw.index(after: open)...].dropLast()
            raw = String(raw[..<open]) + " " + (inner.split(separator: ".").last.map(String.init) ?? "")
        }
        var out = ""
        for ch in raw {
            if ch.isUppercase { out += " " + ch.lowercased() } else { out.append(ch) }
        }
        return out
    }

    /// What the tables say of an action: its footer hint in this mode, else its help row.
    static func describe(_ a: KeyAction, in map: KeyMap, _ s: DashboardState) -> String {
        if let h = map.footer.first(where: { $0.actions.contains(a) && $0.shows(s) }) {
            let text = h.text(s)
            if !text.isEmpty { return text }
        }
        return helpRows.first { $0.actions.contains(a) }?.text ?? ""
    }
}
