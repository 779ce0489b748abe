import Foundation
import PSACore

/// The request log, newest first: time, method, path, status, duration, retries and waits.
func renderLog(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect) {
    let log = s.requestLog, shown = log.visible
    var title = "Requests (\(Format.grouped(shown.count))"
    if shown.count != log.records.count { title += " of \(Format.grouped(log.records.count))" }
    if log.errorsOnly { title += ", failures only" }
    if let ep = log.endpoint { title += ", \(ep.sanitized)" }
    let times = s.ascii ? "x" : "×"
    title += ") " + log.statusTotals.map { "\($0.0)\(times)\($0.1)" }.joined(separator: " ")
    let area = c.box(r, title: title, focused: s.focus == .log, theme: theme, glyphs: g)
    let x0 = area.x, inner = area.width
    let rows = s.logRows
    if shown.isEmpty {
        c.put(
            x0, r.y + 1, log.records.isEmpty ? "no requests yet" : "no request matches (e: failures only, f: endpoint)",
            theme[.muted])
        return
    }
    let first = log.cursor.firstShown(rows: rows, count: shown.count)
    for row in 0..<rows {
        let idx = first + row
        guard idx < shown.count else { break }
        let rec = shown[idx]
        let y = r.y + 1 + row
        let selected = s.focus == .log && idx == log.cursor.index
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

/// The request log pane and the request view it opens: their state and the log's keys. (The
/// request view's keys, which say things and copy, are `DashboardState.handleRequestView`.)
public struct RequestLog: Equatable, Sendable {
    /// Requests, oldest first (the newest `capacity`).
    public var records: [RequestRecord] = []
    /// The selected row, counted from the newest.
    public var cursor = Cursor()
    /// The filters: failures only, and one endpoint ("Tickets", "ThresholdInformation"…).
    public var errorsOnly = false
    public var endpoint: String?
    /// The request shown in full (`Enter`), and how far its view is scrolled.
    public var open: RequestRecord?
    public var openCursor = Cursor()
    public static let capacity = 500

    public init() {}

    /// The first part of a logged path: "Tickets", "ThresholdInformation", "tickets"…
    static func endpoint(of path: String) -> String {
        let p = path.drop { $0 == "/" }
        return String(p.prefix { $0 != "/" && $0 != " " && $0 != "?" })
    }

    func shows(_ r: RequestRecord) -> Bool {
        (!errorsOnly || r.isError) && (endpoint.map { Self.endpoint(of: r.path) == $0 } ?? true)
    }

    /// The log as shown, newest first.
    public var visible: [RequestRecord] { records.reversed().filter(shows) }
    var visibleCount: Int { errorsOnly || endpoint != nil ? visible.count : records.count }

    /// Requests per status in the whole log ("200×34", "429×2", "ERR×1"), most first.
    public var statusTotals: [(String, Int)] {
        var counts: [String: Int] = [:]
        for r in records { counts[r.status.map(String.init) ?? "ERR", default: 0] += 1 }
        return counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
    }

    /// A request the client made: kept (the oldest go past `capacity`), the same row kept under
    /// the cursor when the new one is among those shown.
    mutating func append(_ r: RequestRecord) {
        records.append(r)
        if records.count > Self.capacity { records.removeFirst(records.count - Self.capacity) }
        if cursor.index > 0, shows(r) { cursor.index = min(cursor.index + 1, max(0, visibleCount - 1)) }
    }

    /// The log's keys, `rows` rows shown: move, open a request, the filters.
    mutating func handle(_ action: KeyAction, rows: Int) {
        switch action {
        case .down, .up, .pageDown, .pageUp, .first, .last: cursor.move(action, page: rows, count: visibleCount)
        case .open:
            let shown = visible
            guard shown.indices.contains(cursor.index) else { return }
            open = shown[cursor.index]
            openCursor = Cursor()
            return
        case .failuresOnly:
            errorsOnly.toggle()
            cursor = Cursor()
        case .nextEndpoint:
            // The next endpoint seen in the log, then all of them again.
            let all = Array(Set(records.map { Self.endpoint(of: $0.path) })).sorted()
            if let cur = endpoint, let i = all.firstIndex(of: cur) {
                endpoint = i + 1 < all.count ? all[i + 1] : nil
            } else {
                endpoint = all.first
            }
            cursor = Cursor()
        default: break
        }
        cursor.clamp(count: visibleCount)
    }

    /// The next older or newer request of the log as shown, in the request view; false at the end.
    mutating func step(older: Bool) -> Bool {
        let shown = visible
        let i = cursor.index + (older ? 1 : -1)
        guard shown.indices.contains(i) else { return false }
        cursor.index = i
        open = shown[i]
        openCursor = Cursor()
        return true
    }
}

extension DashboardState {
    /// Requests, oldest first (read from outside: the poller's tests, the metrics).
    public var log: [RequestRecord] {
        get { requestLog.records }
        set { requestLog.records = newValue }
    }
}
