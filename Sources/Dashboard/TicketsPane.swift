import Foundation
import PSACore

/// Ticket list columns for a width: fixed columns shrink or drop, the title takes the rest.
struct TicketColumns {
    struct Column {
        let title: String
        let width: Int
        let value: (Ticket, DashboardState) -> String
        var right = false
    }
    let columns: [Column]

    /// `chosen`: a view's columns, in its order (nil: the default set for the width). Chosen
    /// columns keep their widths and drop from the end until they fit; the title takes the rest.
    init(width inner: Int, sla: Bool = false, chosen: [SortColumn]?) {
        guard let chosen, !chosen.isEmpty else {
            self.init(width: inner, sla: sla)
            return
        }
        let all = TicketColumns(width: inner, sla: true, every: true).columns
        var picked = chosen.compactMap { c in all.first { $0.title == c.header } }
        func used(_ cols: [Column]) -> Int {
            cols.reduce(0) { $0 + ($1.title == SortColumn.title.header ? 10 : $1.width) + 1 }
        }
        while picked.count > 1 && used(picked) > inner { picked.removeLast() }
        let rest = inner - used(picked.filter { $0.title != SortColumn.title.header })
        self.init(
            columns: picked.map { c in
                c.title == SortColumn.title.header
                    ? Column(title: c.title, width: max(10, rest - 1), value: c.value) : c
            })
    }

    private init(columns: [Column]) { self.columns = columns }

    init(width inner: Int, sla: Bool = false, every: Bool = false) {
        // Titles from SortColumn: the header's sort arrow finds its column by them.
        let number = Column(title: SortColumn.number.header, width: 15) { t, _ in t.number }
        let status = Column(title: SortColumn.status.header, width: inner >= 110 ? 17 : 12) { t, _ in t.status }
        let priority = Column(title: SortColumn.priority.header, width: 8) { t, _ in t.priority }
        // With a DUE column a narrow list gives its room from the company.
        let company = Column(title: SortColumn.company.header, width: inner >= 110 ? 22 : sla ? 11 : 14) { t, _ in
            t.company
        }
        let assignee = Column(title: SortColumn.assignee.header, width: 16) { t, _ in t.assignee }
        let age = Column(
            title: SortColumn.activity.header, width: 8, value: { t, s in Format.age(t.lastActivity, now: s.now) },
            right: true)
        // The nearest open SLA deadline, relative ("in 42m", "-3h" overdue), where the tenant sets SLAs.
        let due = Column(
            title: SortColumn.due.header, width: 7,
            value: { t, s in
                t.sla?.nextDeadline.map { SLAText.relative($0, now: s.now) } ?? ""
            }, right: true)
        var fixed = [number, status, priority, company]
        if inner >= 130 || every { fixed.append(assignee) }
        if sla { fixed.append(due) }
        fixed.append(age)
        let used = fixed.reduce(0) { $0 + $1.width + 1 }
        let title = Column(title: SortColumn.title.header, width: max(10, inner - used)) { t, _ in t.title }
        var cols = fixed
        cols.insert(title, at: 1)
        columns = cols
    }
}

func priorityStyle(_ p: String, _ theme: Theme) -> Style? {
    switch p.lowercased() {
    case "critical": theme[.priorityCritical]
    case "high": theme[.priorityHigh]
    case "low": theme[.priorityLow]
    default: nil
    }
}

/// The DUE column's colour by urgency: breached, within the hour, later.
func dueStyle(_ sla: SLA, _ now: Date, _ theme: Theme) -> Style {
    if sla.breached(now: now) { return theme[.overdue] }
    if sla.breaching(within: 3_600, now: now) { return theme[.warning] }
    return theme[.muted]
}

func renderTickets(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect) {
    let position = s.visibleCount == 0 ? 0 : s.listCursor.index + 1
    var title: String
    let name = s.views.current.map { $0.name.sanitized } ?? "Tickets"
    if s.filterActive {
        // The counts against the whole list are in the footer; here, what the filter is.
        title =
            "\(name) \(Format.grouped(position))/\(Format.grouped(s.visibleCount)) \(g.dot) /\(s.filterText.sanitized)"
    } else {
        title = "\(name) \(Format.grouped(position))/\(s.totalText)"
        if !s.listComplete || s.total != s.tickets.count { title += " (loaded \(Format.grouped(s.tickets.count)))" }
    }
    if !s.marks.isEmpty { title += " \(g.dot) \(s.marks.count) marked" }
    if let f = s.serverFilter { title += " \(g.dot) server: \(f.text.sanitized)" }
    if let o = s.order { title += " \(g.dot) by \(o.column.rawValue) \(o.descending ? g.down : g.up)" }
    if s.loadingPage { title += " loading " + g.spinner(s.spinner) }
    let area = c.box(r, title: title, focused: s.focus == .tickets, theme: theme, glyphs: g, padding: 0)
    let x0 = area.x, inner = area.width
    let cols = TicketColumns(width: inner - 1, sla: s.slaSeen, chosen: s.views.columns).columns
    var x = x0 + 1
    for col in cols {
        var header = col.title
        if let o = s.order, o.column.header == col.title {
            header = String(header.prefix(col.width - 1)) + (o.descending ? g.down : g.up)
        }
        c.put(x, r.y + 1, TextWidth.fit(header, col.width, ascii: s.ascii, alignRight: col.right), theme[.header])
        x += col.width + 1
    }
    let rows = s.listRows
    if s.visibleCount == 0 {
        var msg =
            s.listError.map { "could not load tickets: \($0)" } ?? (s.listComplete ? "no tickets" : "loading tickets…")
        if s.filterActive && !s.tickets.isEmpty {
            msg =
                s.listComplete
                ? "no ticket matches"
                : "no loaded ticket matches (j loads more; the server filters status with --status)"
        }
        // Wrapped over the pane's rows: an error that lists what is valid is read whole, not cut at the edge.
        let lines = TextWidth.wrap(msg.sanitized, width: max(1, inner - 2)).prefix(max(1, rows))
        for (k, line) in lines.enumerated() {
            c.put(x0 + 1, r.y + 2 + k, line, s.listError == nil ? theme[.muted] : theme[.error], maxWidth: inner - 2)
        }
        return
    }
    for row in 0..<rows {
        let i = s.listCursor.top + row
        let y = r.y + 2 + row
        guard i < s.visibleCount else {
            if i == s.visibleCount {
                if let e = s.listError {
                    c.put(x0 + 1, y, "next page failed: \(e) (r: now)", theme[.error], maxWidth: inner - 2)
                } else if s.loadingPage {
                    c.put(x0 + 1, y, "\(g.spinner(s.spinner)) loading more…", theme[.muted])
                }
            }
            break
        }
        let t = s.tickets[s.ticketIndex(row: i)]
        c.work.ticketsVisited += 1
        let isSel = i == s.listCursor.index
        let base = isSel && s.focus == .tickets ? theme[.selected] : isSel ? Style(underline: true) : theme[.base]
        if isSel { c.fill(x: x0, y: y, width: inner, height: 1, base) }
        if s.marks.contains(t.id) {
            // A mark is shown over the changed mark (the one the person set matters more here).
            c.put(x0, y, s.ascii ? "*" : "●", isSel && s.focus == .tickets ? base : theme[.key])
        } else if s.changedIDs.contains(t.id) {
            c.put(x0, y, g.changed, isSel && s.focus == .tickets ? base : theme[.warning])
        }
        var x = x0 + 1
        for col in cols {
            var style = base
            if !isSel || s.focus != .tickets {
                if col.title == SortColumn.priority.header, let p = priorityStyle(t.priority, theme) { style = p }
                if col.title == SortColumn.activity.header { style = theme[.muted] }
                if col.title == SortColumn.due.header, let sla = t.sla { style = dueStyle(sla, s.now, theme) }
                if col.title == SortColumn.number.header, let due = t.due, due < s.now,
                    !["complete", "closed", "resolved"].contains(t.status.lowercased())
                {
                    style = theme[.overdue]
                }
            }
            // Sanitize before measuring: escape sequences and invisible characters take no columns.
            c.put(
                x, y, TextWidth.fit(col.value(t, s).sanitized, col.width, ascii: s.ascii, alignRight: col.right), style)
            x += col.width + 1
        }
    }
}

extension DashboardState {
    /// The server's total, or what is loaded once the list is complete, else "?".
    var totalText: String { list.totalText }

    /// "37/1,204 (loaded 500)": rows shown / the server's total (what is loaded, while not all is).
    public var listCounts: String { list.counts }
}
