import Foundation
import PSACore

/// The gauge folded to one line (`Z`, `gauge = "line"`): the bar, the count, the tier, a pause.
func renderQuotaLine(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect) {
    c.fill(x: r.x, y: r.y, width: r.width, height: 1, theme[.base])
    guard let q = s.shownQuota else {
        // No limit published and no budget: our own figures, folded.
        if !s.vendor.publishesLimit, let own = s.poll?.ownRate {
            let text = "limit not published \(g.dot) " + fitParts(ownRateParts(own, s), g, width: r.width)
            let style = own.waiting(now: s.now) ? theme[.warning] : theme[.muted]
            c.put(r.x + 1, r.y, text, style, maxWidth: r.width - 2)
            return
        }
        let msg = s.quotaError.map { "quota unavailable: \($0)" } ?? "reading the quota…"
        c.put(r.x + 1, r.y, msg, s.quotaError == nil ? theme[.muted] : theme[.error], maxWidth: r.width - 2)
        return
    }
    let tier = s.shownTier ?? q.tier
    let approx = s.isProjected ? "~" : ""
    var text = String(format: "%5.1f%%", q.percent) + " \(approx)\(Format.grouped(q.used))/\(Format.grouped(q.limit))"
    if let words = s.tierWords { text += " \(g.dot) \(words)" }
    if let p = s.pause {
        text +=
            " \(g.dot) \(p.reason == .suspended ? "SUSPENDED" : "paused") \(Format.seconds(max(0, p.until.timeIntervalSince(s.now))))"
    }
    let barW = max(10, min(40, r.width - TextWidth.of(text) - 6))
    let filled = min(barW, Int((q.fraction * Double(barW)).rounded(.down)))
    var x = r.x + 1
    x += c.put(x, r.y, "[", theme[.border])
    for i in 0..<barW {
        c.put(x + i, r.y, i < filled ? g.full : g.empty, i < filled ? theme[tier] : theme[.gaugeEmpty])
    }
    x += barW
    x += c.put(x, r.y, "] ", theme[.border])
    c.put(x, r.y, text, theme[tier], maxWidth: max(0, r.width - x - 1))
}

/// The palette over the panes: what was typed, the rows that match with their keys.
func renderPalette(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs) {
    guard let p = s.screen.palette else { return }
    let matches = s.paletteMatches
    let w = min(s.width - 4, 76), h = min(s.height - 4, max(6, min(matches.count, 16) + 4))
    let r = Layout.Rect(x: (s.width - w) / 2, y: 2, width: w, height: h)
    c.box(r, title: p.kind == .views ? "Views" : "Command palette", focused: true, theme: theme, glyphs: g)
    var x = r.x + 2
    x += c.put(x, r.y + 1, "> ", theme[.key])
    x += c.put(x, r.y + 1, p.query.sanitized, theme[.base], maxWidth: w - 8)
    c.put(x, r.y + 1, g.cursor, theme[.key])
    let rows = h - 4
    guard !matches.isEmpty else {
        c.put(r.x + 2, r.y + 3, p.kind == .views ? "no views match" : "nothing matches", theme[.muted])
        return
    }
    let first = p.cursor.firstShown(rows: rows, count: matches.count)
    for (i, e) in matches.enumerated().dropFirst(first).prefix(rows) {
        let y = r.y + 3 + i - first
        let sel = i == p.selected
        let style = sel ? theme[.selected] : theme[.base]
        if sel { c.fill(x: r.x + 1, y: y, width: w - 2, height: 1, style) }
        let keyW = 12
        let text = e.detail.isEmpty || e.detail == e.name ? e.name : "\(e.name) \(g.dot) \(e.detail)"
        c.put(r.x + 2, y, TextWidth.fit(text, w - keyW - 5, ascii: s.ascii), style)
        c.put(
            r.x + w - keyW - 2, y, TextWidth.fit(e.keys, keyW, ascii: s.ascii, alignRight: true),
            sel ? style : theme[.key])
    }
}

/// What a custom command printed, in the panes' place.
func renderOutput(
    _ c: inout Canvas, _ s: DashboardState, _ o: CommandOutput, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect
) {
    let state = o.status.map { $0 == 0 ? "done" : $0 < 0 ? "could not start" : "exited with \($0)" } ?? "running…"
    let area = c.box(r, title: "\(o.name.sanitized) \(g.dot) \(state)", focused: true, theme: theme, glyphs: g)
    if o.lines.isEmpty {
        c.put(area.x, area.y, o.status == nil ? "…" : "(no output)", theme[.muted])
        return
    }
    for (i, line) in o.lines.dropFirst(o.scroll).prefix(area.height).enumerated() {
        c.put(area.x, area.y + i, line, theme[.base], maxWidth: area.width)
    }
}
