import Foundation
import PSACore

/// One ticket in full: every field with labels, dates in local time, the description as text.
func renderDetail(_ c: inout Canvas, _ s: DashboardState, _ d: DetailState, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect) {
    let t = d.ticket
    var title = "Ticket \(t.number)"
    if d.loading { title += " " + g.spinner[s.spinner % g.spinner.count] + " loading" }
    c.box(r, title: title, focused: true, theme: theme, glyphs: g)
    let x0 = r.x + 2, inner = r.width - 4
    var lines: [(String, String, Style?)] = []
    if let e = d.error { lines.append(("Error", e, theme[.error])) }
    lines.append(("Title", t.title, theme[.header]))
    lines.append(("Status", t.status, nil))
    lines.append(("Priority", t.priority, priorityStyle(t.priority, theme)))
    lines.append(("Company", t.company, nil))
    lines.append(("Assigned to", t.assignee.isEmpty ? "—" : t.assignee, nil))
    lines.append(("Created", Format.dateTime(t.created, s.timeZone), nil))
    lines.append(("Last activity", Format.dateTime(t.lastActivity, s.timeZone) + (t.lastActivity.map { "  (\(Format.age($0, now: s.now)) ago)" } ?? ""), nil))
    let overdue = t.due.map { $0 < s.now } ?? false
    lines.append(("Due", Format.dateTime(t.due, s.timeZone) + (overdue ? "  OVERDUE" : ""), overdue ? theme[.overdue] : nil))
    for f in t.fields { lines.append((f.name, f.value, nil)) }
    let labelW = min(24, max(12, lines.map { TextWidth.of($0.0) }.max() ?? 12) + 1)
    var out: [(String, String, Style?)] = []
    for l in lines {
        let wrapped = Format.wrap(l.1, width: inner - labelW)
        for (i, w) in wrapped.enumerated() { out.append((i == 0 ? l.0 : "", w, l.2)) }
    }
    out.append(("", "", nil))
    out.append(("Description", "", theme[.header]))
    for w in Format.wrap(t.description.isEmpty ? (d.loading ? "(loading…)" : "(none)") : t.description, width: inner) { out.append(("\u{0}", w, nil)) }
    let rows = r.height - 2
    let start = min(d.scroll, max(0, out.count - rows))
    for (i, l) in out.dropFirst(start).prefix(rows).enumerated() {
        let y = r.y + 1 + i
        if l.0 == "\u{0}" {
            c.put(x0, y, l.1, theme[.base], maxWidth: inner)
        } else {
            c.put(x0, y, l.0, theme[.muted], maxWidth: labelW)
            c.put(x0 + labelW, y, l.1, l.2 ?? theme[.base], maxWidth: inner - labelW)
        }
    }
    if out.count > rows {
        let more = "\(start + 1)-\(min(out.count, start + rows))/\(out.count)"
        c.put(r.x + r.width - TextWidth.of(more) - 3, r.y + r.height - 1, " " + more + " ", theme[.border])
    }
}
