import Foundation
import PSACore

/// The change to the marked tickets, over the list: the field's choices, the question with its
/// cost, then each ticket's outcome.
func renderBulk(_ c: inout Canvas, _ s: DashboardState, _ b: BulkState, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect) {
    guard r.height > 3, r.width > 20 else { return }
    c.fill(x: r.x, y: r.y, width: r.width, height: r.height, theme[.base])
    let n = b.ids.count
    let what = b.field.map { "\($0.rawValue) of" } ?? "Change"
    let area = c.box(r, title: "\(what) \(n) marked ticket\(n == 1 ? "" : "s")", focused: true, theme: theme, glyphs: g)
    let x = area.x + 1, w = area.width - 2
    var y = area.y
    let bottom = area.y + area.height
    func line(_ text: String, _ style: Style) {
        guard y < bottom else { return }
        c.put(x, y, text, style, maxWidth: w)
        y += 1
    }
    func number(_ id: Int64) -> String { s.tickets.first { $0.id == id }?.number ?? "#\(id)" }
    switch b.stage {
    case .menu:
        line(
            "What to set on all of them: s status \(g.dot) p priority \(g.dot) A assignee \(g.dot) c an internal note",
            theme[.key])
        line(b.ids.prefix(max(0, bottom - y)).map(number).joined(separator: "  "), theme[.muted])
    case .choosing:
        if let e = b.error { line(e, theme[.error]) }
        guard let choices = b.choices else {
            line("loading the \(b.field?.rawValue ?? "") labels…", theme[.muted])
            return
        }
        let rows = max(1, bottom - y)
        let first = b.cursor.firstShown(rows: rows, count: choices.count)
        for (i, label) in choices.enumerated().dropFirst(first).prefix(rows) {
            line((i == b.selected ? "> " : "  ") + label, i == b.selected ? theme[.selected] : theme[.base])
        }
    case .noting:
        line("An internal note (your team only) to each of them: type it on the line below, Enter", theme[.key])
    case .confirming where b.note != nil:
        line("internal note on \(n) ticket\(n == 1 ? "" : "s"), each once: “\((b.note ?? "").sanitized)”", theme[.key])
        for l in TextWidth.wrap(s.bulkNoteCostText(n), width: max(1, w)) { line(l, theme[.warning]) }
        line("y sends \(g.dot) n back (nothing has been sent)", theme[.muted])
    case .confirming:
        let arrow = s.ascii ? "->" : "→"
        line(
            "\(b.field?.rawValue ?? "") \(arrow) \(b.label ?? "") on \(n) ticket\(n == 1 ? "" : "s"), each once:",
            theme[.key])
        for l in TextWidth.wrap(s.bulkCostText(n), width: max(1, w)) { line(l, theme[.warning]) }
        line("y sends \(g.dot) n back (nothing has been sent)", theme[.muted])
    case .running, .done:
        let done = b.outcomes.count
        line(
            b.stage == .done ? "done: \(done)/\(n)" : "sending \(done)/\(n) \(g.spinner(s.spinner))",
            theme[.key])
        for id in b.ids.dropFirst(b.scroll) {
            let (text, style): (String, Style)
            switch b.outcomes[id] {
            case nil: (text, style) = ("waiting", theme[.muted])
            case .changed(.confirmed): (text, style) = ("confirmed", theme[.ok])
            case .changed(.differs(let held)):
                (text, style) = ("the server holds \(held.isEmpty ? "nothing" : held)", theme[.warning])
            case .changed(.notConfirmed(let why)): (text, style) = ("sent, not confirmed: \(why)", theme[.warning])
            case .failed(let why): (text, style) = ("failed: \(why) (still marked)", theme[.error])
            case .noted: (text, style) = ("note added", theme[.ok])
            }
            line(TextWidth.fit(number(id), 18, ascii: s.ascii) + " " + text.sanitized, style)
        }
    }
}
