import Foundation
import PSACore

/// The request log, newest first: time, method, path, status, duration, retries and waits.
func renderLog(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect) {
    let errors = s.log.reduce(0) { $0 + ($1.isError ? 1 : 0) }
    c.box(r, title: "Requests (\(Format.grouped(s.log.count)) shown, \(errors) failed)", focused: s.focus == .log, theme: theme, glyphs: g)
    let x0 = r.x + 2, inner = r.width - 4
    let rows = s.logRows
    if s.log.isEmpty {
        c.put(x0, r.y + 1, "no requests yet", theme[.muted])
        return
    }
    let first = max(0, min(s.logSelected - rows + 1, s.log.count - rows))
    for row in 0..<rows {
        let idx = first + row
        guard idx < s.log.count else { break }
        let rec = s.log[s.log.count - 1 - idx]
        let y = r.y + 1 + row
        let selected = s.focus == .log && idx == s.logSelected
        let status = rec.status.map(String.init) ?? "ERR"
        let statusStyle = selected ? theme[.selected] : rec.isError ? theme[.error] : theme[.ok]
        var tail = Format.millis(rec.duration)
        if rec.attempt > 0 { tail += " retry \(rec.attempt)" }
        if let w = rec.waitReason, rec.waited > 0 { tail += " waited \(Format.seconds(rec.waited)) (\(label(w)))" }
        if let b = rec.background { tail += " \(g.dot) " + b }
        if let e = rec.error, rec.isError { tail += " \(g.dot) " + e }
        let base = selected ? theme[.selected] : theme[.base]
        if selected { c.fill(x: r.x + 1, y: y, width: r.width - 2, height: 1, base) }
        var x = x0
        x += c.put(x, y, Format.clock(rec.time, s.timeZone) + " ", selected ? base : theme[.muted])
        x += c.put(x, y, TextWidth.fit(rec.method, 6), base)
        let pathW = min(40, max(16, inner - 50))
        x += c.put(x, y, TextWidth.fit(rec.path, pathW, ascii: s.ascii) + " ", base)
        x += c.put(x, y, TextWidth.fit(status, 4), statusStyle)
        c.put(x, y, tail, rec.isError && !selected ? theme[.warning] : base, maxWidth: x0 + inner - x)
    }
}

func label(_ w: WaitReason) -> String {
    switch w {
    case .paced: "paced"
    case .threadSlot: "thread slot"
    case .backoff: "backing off"
    case .retryAfter: "Retry-After"
    case .suspended: "suspended"
    case .ceiling: "ceiling"
    case .attachmentBudget: "attachment budget"
    }
}
