import Foundation
import PSACore

/// Draws the whole dashboard into a canvas. Pure: same state, same canvas.
public func render(_ s: DashboardState, theme: Theme) -> Canvas {
    var c = Canvas(width: s.width, height: s.height, style: theme[.base])
    let g = s.ascii ? Glyphs.ascii : Glyphs.unicode
    let layout = s.layout
    if layout.tooSmall {
        renderTooSmall(&c, s, theme)
        return c
    }
    renderTitle(&c, s, theme, g)
    for pane in s.panesShown where pane.rect(layout).height > 0 { pane.draw(&c, s, theme, g, pane.rect(layout)) }
    renderFooter(&c, s, theme, g)
    renderPalette(&c, s, theme, g)
    if s.showHelp { renderHelp(&c, s, theme, g) }
    return c
}

func renderTooSmall(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme) {
    let lines = [
        "Terminal too small: \(s.width)x\(s.height)",
        "psatop needs at least \(Layout.minWidth)x\(Layout.minHeight).",
        "Enlarge the window, or press q to quit.",
    ]
    let top = max(0, (s.height - lines.count) / 2)
    for (i, l) in lines.enumerated() {
        let w = TextWidth.of(l)
        c.put(max(0, (s.width - w) / 2), top + i, l, i == 0 ? theme[.warning] : theme[.base])
    }
}

func renderTitle(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs) {
    c.fill(x: 0, y: 0, width: s.width, height: 1, theme[.title])
    // SLA (loaded tickets breached now, and breaching within the hour), the tier, the clock; on a
    // narrow screen the clock goes first, then the tier words (the gauge shows the tier too), so
    // the right side never runs into the name.
    var parts: [String] = []
    if s.slaBreached + s.slaBreachingSoon > 0 {
        var sla: [String] = []
        if s.slaBreached > 0 { sla.append("\(s.slaBreached) breached") }
        if s.slaBreachingSoon > 0 { sla.append("\(s.slaBreachingSoon) due <1h") }
        parts.append("SLA " + sla.joined(separator: ", "))
    }
    if let critical = s.alertsPane.list?.filter({ $0.severity == .critical }).count, critical > 0 {
        parts.append("\(critical) critical alert\(critical == 1 ? "" : "s")")
    }
    // The running timer first: it is the last part a narrow screen drops.
    if let timer = s.timerTitle { parts.insert(timer, at: 0) }
    if !s.marks.isEmpty { parts.append("\(s.marks.count) marked") }
    if let words = s.tierWords { parts.append(words) }
    parts.append(Format.clock(s.now, s.timeZone))
    var right = parts.joined(separator: "  ")
    while parts.count > 1 && TextWidth.of(right) > s.width / 2 - 1 {
        parts.removeLast()
        right = parts.joined(separator: "  ")
    }
    let w = TextWidth.of(right)
    // The name takes what the tier and the clock leave (at least half the width).
    let acting = s.actingAs.map { " (acting as \($0.sanitized))" } ?? ""
    let badge = s.writePolicy.badge.map { " " + $0 } ?? ""
    c.put(
        1, 0, "psatop \(g.dot) \(s.vendor.label) \(g.dot) \(s.tenant)\(badge)\(acting)", theme[.title],
        maxWidth: max(s.width / 2, s.width - w - 4))
    c.put(max(0, s.width - w - 1), 0, right, theme[.title])
}

func renderFooter(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs) {
    let y = s.height - 1
    c.fill(x: 0, y: y, width: s.width, height: 1, theme[.statusBar])
    let mode = s.mode
    let map = KeyMap.of(mode)
    switch mode {
    case .filterPrompt:
        renderFilterPrompt(&c, s, theme, g)
        return
    case .serverFilterPrompt:
        renderPrompt(
            &c, s, theme, g, label: " Server filter: ", typed: s.serverFilterText,
            right: s.serverFilterError ?? "status: queue: company:  " + map.line(s, dot: g.dot),
            rightRole: s.serverFilterError == nil ? .statusBar : .error)
        return
    case .timerOffer:
        guard let t = s.screen.timer else { break }
        c.put(
            0, y, " timer on \(t.number.sanitized) since \(s.hourMinute(t.start)) \(g.dot) " + map.line(s, dot: g.dot),
            theme[.key], maxWidth: s.width)
        return
    case .bulkNote:
        let n = s.bulk?.ids.count ?? 0
        renderPrompt(
            &c, s, theme, g, label: " Internal note to \(n) marked: ", typed: s.bulk?.note ?? "",
            right: map.line(s, dot: g.dot))
        return
    case .timeSpan:
        guard let e = s.screen.timerEntry else { break }
        renderPrompt(&c, s, theme, g, label: s.timeSpanLabel(e), typed: e.spanText, right: map.line(s, dot: g.dot))
        return
    case .timerTyping, .timerConfirm:
        guard let e = s.screen.timerEntry else { break }
        if e.typing {
            renderPrompt(
                &c, s, theme, g, label: s.timerPromptLine(e) + "summary: ", typed: e.draft.summary,
                right: map.line(s, dot: g.dot))
        } else {
            let refused = e.refused.map { " \(g.dot) not logged: \($0)" } ?? ""
            let text =
                s.timerPromptLine(e) + e.draft.summary.sanitized + refused + " \(g.dot) " + map.line(s, dot: g.dot)
            c.put(0, y, text, theme[.key], maxWidth: s.width)
        }
        return
    case .attachPath:
        renderPrompt(
            &c, s, theme, g, label: " Attach file: ", typed: s.detail?.attachPath ?? "", right: map.line(s, dot: g.dot))
        return
    case .savePath, .saveReplace:
        guard let d = s.detail, let save = d.save, let list = d.attachments, list.indices.contains(save.choice.index)
        else {
            break
        }
        let which = list.count > 1 ? "\(save.choice.index + 1)/\(list.count) " : ""
        if save.replacing {
            c.put(
                0, y, " \(save.path.sanitized) exists \(g.dot) " + map.line(s, dot: g.dot), theme[.warning],
                maxWidth: s.width)
        } else {
            let right = map.line(s, dot: g.dot).replacingOccurrences(of: "↑/↓", with: "\(g.up)/\(g.down)")
            renderPrompt(
                &c, s, theme, g, label: " Save \(which)\(list[save.choice.index].name.sanitized) to: ",
                typed: save.path,
                right: right)
        }
        return
    case .noteConfirm:
        // The question names who will see the note before anything is sent.
        guard let d = s.detail, let n = d.noteConfirm else { break }
        let lines = n.text.split(separator: "\n", omittingEmptySubsequences: false).count
        let text =
            " Note on \(d.ticket.number.sanitized): \(lines) line\(lines == 1 ? "" : "s") \(g.dot) \(n.visibility.audience) \(g.dot) "
            + map.line(s, dot: g.dot)
        c.put(0, y, text, n.visibility == .internal ? theme[.key] : theme[.warning], maxWidth: s.width)
        return
    case .attachConfirm:
        // The question names who will see the file before anything is sent.
        guard case .attachConfirm(let path, let visibility) = s.detail?.flow else { break }
        let text =
            " Attach \(DashboardState.fileName(path).sanitized) \(g.dot) \(visibility.audience) \(g.dot) "
            + map.line(s, dot: g.dot)
        c.put(0, y, text, visibility == .internal ? theme[.key] : theme[.warning], maxWidth: s.width)
        return
    default: break
    }
    let keys = map.hints(s)
    if let flash = s.flash {
        // The message takes the keys' place: a URL must show whole to be of use.
        let text = " " + flash.sanitized
        c.put(0, y, text, theme[.key], maxWidth: s.width)
        return
    }
    var status = s.filterActive ? s.listCounts + "  " : ""
    if s.loadingPage { status += g.spinner(s.spinner) + " loading  " }
    if let u = s.lastUpdate { status += "updated \(Format.age(u, now: s.now)) ago" } else { status += "connecting…" }
    let statusW = TextWidth.of(status)
    var x = 0
    for (k, label) in keys {
        let need = TextWidth.of(k) + TextWidth.of(label) + 3
        if x + need > s.width - statusW - 2 { break }
        x += c.put(x, y, " " + k, theme[.key])
        x += c.put(x, y, " " + label + " ", theme[.statusBar])
    }
    c.put(max(x, s.width - statusW - 1), y, status, theme[.statusBar])
}

/// The footer while `/` is open: the typed filter with a cursor, the counts, and the keys.
func renderFilterPrompt(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs) {
    var right = s.listCounts
    if s.loadingPage { right = g.spinner(s.spinner) + " " + right }
    right += "  " + KeyMap.of(.filterPrompt).line(s, dot: g.dot)
    renderPrompt(&c, s, theme, g, label: " /", typed: s.filterText, right: right)
}

/// A prompt in the footer: its label, what was typed with a cursor, and on the right what the keys do.
func renderPrompt(
    _ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs, label: String, typed raw: String,
    right full: String,
    rightRole: Role = .statusBar
) {
    let y = s.height - 1
    // The right part leaves room for at least a dozen typed cells (an error can be long).
    let cap = max(10, s.width - TextWidth.of(label) - 14)
    let right = TextWidth.of(full) > cap ? TextWidth.truncate(full, to: cap, ascii: s.ascii) : full
    let rightW = TextWidth.of(right)
    var x = c.put(0, y, label, theme[.key])
    // What was typed is shown sanitized (it could hold anything pasted) and, when long, its end.
    let room = max(4, s.width - rightW - x - 4)
    var typed = raw.sanitized
    while TextWidth.of(typed) > room - 1 { typed.removeFirst() }
    x += c.put(x, y, typed, theme[.statusBar])
    c.put(x, y, g.cursor, theme[.key])
    c.put(max(x + 2, s.width - rightW - 1), y, right, theme[rightRole])
}

func renderHelp(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs) {
    // The rows are the key tables' (KeyTables.swift), then the gauge's legend.
    let rows =
        KeyMap.helpRows.map { ($0.keys, $0.text) } + [("Gauge marks", "50%: +0.5 s · 75%: +1 s · 100%: suspended")]
    let w = min(s.width - 4, 76), h = min(s.height - 2, rows.count + 4)
    let r = Layout.Rect(x: (s.width - w) / 2, y: (s.height - h) / 2, width: w, height: h)
    // The version in the title (no row of its own: the rows already fill 80×24).
    let title = s.version.map { "Help \(g.dot) psatop \($0.sanitized)" } ?? "Help"
    c.box(r, title: title, focused: true, theme: theme, glyphs: g)
    for (i, row) in rows.enumerated() where i < h - 4 {
        let keyText =
            s.ascii
            ? row.0.replacingOccurrences(of: "↓", with: "Down").replacingOccurrences(of: "↑", with: "Up") : row.0
        c.put(r.x + 2, r.y + 2 + i, TextWidth.fit(keyText, 20), theme[.header])
        let text = s.ascii ? row.1.replacingOccurrences(of: "·", with: "-") : row.1
        c.put(r.x + 23, r.y + 2 + i, text, theme[.base], maxWidth: w - 25)
    }
}
