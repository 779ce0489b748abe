import Foundation
import PSACore

/// The request log, newest first: time, method, path, status, duration, retries and waits.
func renderLog(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect) {
    let shown = s.visibleLog
    var title = "Requests (\(Format.grouped(shown.count))"
    if shown.count != s.log.count { title += " of \(Format.grouped(s.log.count))" }
    if s.logErrorsOnly { title += ", failures only" }
    if let ep = s.logEndpoint { title += ", \(ep.sanitized)" }
    let times = s.ascii ? "x" : "×"
    title += ") " + s.logStatusTotals.map { "\($0.0)\(times)\($0.1)" }.joined(separator: " ")
    let area = c.box(r, title: title, focused: s.focus == .log, theme: theme, glyphs: g)
    let x0 = area.x, inner = area.width
    let rows = s.logRows
    if shown.isEmpty {
        c.put(
            x0, r.y + 1, s.log.isEmpty ? "no requests yet" : "no request matches (e: failures only, f: endpoint)",
            theme[.muted])
        return
    }
    let first = s.logCursor.firstShown(rows: rows, count: shown.count)
    for row in 0..<rows {
        let idx = first + row
        guard idx < shown.count else { break }
        let rec = shown[idx]
        let y = r.y + 1 + row
        let selected = s.focus == .log && idx == s.logCursor.index
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

func label(_ w: WaitReason) -> String { w.label }

extension DashboardState {
    /// The first part of a logged path: "Tickets", "ThresholdInformation", "tickets"…
    static func endpoint(of path: String) -> String {
        let p = path.drop { $0 == "/" }
        return String(p.prefix { $0 != "/" && $0 != " " && $0 != "?" })
    }

    func logShows(_ r: RequestRecord) -> Bool {
        (!logErrorsOnly || r.isError) && (logEndpoint.map { Self.endpoint(of: r.path) == $0 } ?? true)
    }

    /// The log as shown, newest first.
    public var visibleLog: [RequestRecord] { log.reversed().filter(logShows) }
    var visibleLogCount: Int { logErrorsOnly || logEndpoint != nil ? visibleLog.count : log.count }

    /// Requests per status in the whole log ("200×34", "429×2", "ERR×1"), most first.
    public var logStatusTotals: [(String, Int)] {
        var counts: [String: Int] = [:]
        for r in log { counts[r.status.map(String.init) ?? "ERR", default: 0] += 1 }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
    }
}
