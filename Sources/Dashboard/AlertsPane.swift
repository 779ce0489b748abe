import Foundation
import PSACore

/// The alerts pane (Atera) and the alert it opens: their state and the pane's keys. (The alert
/// view's keys, which open a ticket, are `DashboardState.handleAlertView`.)
public struct AlertsPane: Equatable, Sendable {
    /// The tenant's open alerts, most urgent first (nil: none read yet, and no alerts pane).
    public var list: [Alert]?
    /// Why the last reading failed, and when the last one came.
    public var error: String?
    public var at: Date?
    public var cursor = Cursor()
    /// The alert shown in full (`Enter`).
    public var open: Alert?

    public init() {}

    mutating func received(_ alerts: [Alert], at: Date) {
        list = alerts
        self.at = at
        error = nil
        cursor.clamp(count: alerts.count)
    }

    mutating func failed(_ message: String) {
        if list == nil { list = [] }
        error = message
    }

    /// The pane's keys, `rows` rows shown: move, and `Enter` shows the alert.
    mutating func handle(_ action: KeyAction, rows: Int) {
        let count = list?.count ?? 0
        switch action {
        case .down, .up, .pageDown, .pageUp, .first, .last: cursor.move(action, page: rows, count: count)
        case .open:
            guard let a = list, a.indices.contains(cursor.index) else { return }
            open = a[cursor.index]
            return
        default: break
        }
        cursor.clamp(count: count)
    }
}

/// Open alerts (Atera), most urgent first: severity, title, device, customer, age, the ticket it opened.
func renderAlerts(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect) {
    let pane = s.alertsPane, list = pane.list ?? []
    var title = "Alerts (\(Format.grouped(list.count)) open"
    let counts = AlertSeverity.allCases.compactMap { sev -> String? in
        let n = list.filter { $0.severity == sev }.count
        return n > 0 && sev != .other ? "\(n) \(sev.label.lowercased())" : nil
    }
    if !counts.isEmpty { title += ": " + counts.joined(separator: ", ") }
    title += ")"
    if let at = pane.at { title += " \(g.dot) \(Format.age(at, now: s.now)) ago" }
    let area = c.box(r, title: title, focused: s.focus == .alerts, theme: theme, glyphs: g)
    let x0 = area.x, inner = area.width
    if let e = pane.error { c.put(x0, r.y + 1, "could not load alerts: \(e)", theme[.error], maxWidth: inner) }
    let top0 = r.y + (pane.error == nil ? 1 : 2)
    let rows = max(0, r.y + r.height - 1 - top0)
    if list.isEmpty {
        if pane.error == nil {
            c.put(x0, top0, pane.at == nil ? "loading alerts…" : "no open alerts", theme[.muted], maxWidth: inner)
        }
        return
    }
    let sevW = 11, ageW = 5, ticketW = 8
    let deviceW = inner >= 100 ? 18 : 12, customerW = inner >= 100 ? 20 : 12
    let titleW = max(10, inner - sevW - ageW - ticketW - deviceW - customerW - 5)
    let first = pane.cursor.firstShown(rows: rows, count: list.count)
    for (row, i) in (first..<min(list.count, first + rows)).enumerated() {
        let a = list[i]
        let y = top0 + row
        let selected = s.focus == .alerts && i == pane.cursor.index
        let base = selected ? theme[.selected] : theme[.base]
        if selected { c.fill(x: r.x + 1, y: y, width: r.width - 2, height: 1, base) }
        let sevStyle: Style =
            selected
            ? base : a.severity == .critical ? theme[.error] : a.severity == .warning ? theme[.warning] : theme[.muted]
        var x = x0
        for (text, w, style, right) in [
            (a.severity.label, sevW, sevStyle, false), (a.title, titleW, base, false), (a.device, deviceW, base, false),
            (a.customer, customerW, base, false),
            (Format.age(a.created, now: s.now), ageW, selected ? base : theme[.muted], true),
            (a.ticketID.map { "#\($0)" } ?? "", ticketW, base, true),
        ] {
            // Sanitize before measuring: escape sequences and invisible characters take no columns.
            c.put(x, y, TextWidth.fit(text.sanitized, w, ascii: s.ascii, alignRight: right), style)
            x += w + 1
        }
    }
}

/// One alert in full, in the body.
func renderAlertView(_ c: inout Canvas, _ s: DashboardState, _ a: Alert, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect)
{
    let area = c.box(r, title: "Alert \(a.id) \(g.dot) \(a.severity.label)", focused: true, theme: theme, glyphs: g)
    let x0 = area.x, inner = area.width, labelW = 12
    var lines: [(String, String)] = [
        ("Title", a.title), ("Severity", a.severity.label), ("Device", a.device), ("Customer", a.customer),
        (
            "Created",
            Format.dateTime(a.created, s.timeZone) + (a.created.map { "  (\(Format.age($0, now: s.now)) ago)" } ?? "")
        ),
        ("Source", a.source), ("Ticket", a.ticketID.map { "#\($0) (Enter opens it)" } ?? "none"),
    ]
    lines = lines.filter { !$0.1.isEmpty }
    var y = r.y + 1
    for (label, value) in lines where y < r.y + r.height - 1 {
        c.put(x0, y, label, theme[.muted], maxWidth: labelW)
        c.put(
            x0 + labelW, y, value.sanitized,
            label == "Severity" && a.severity == .critical ? theme[.error] : theme[.base], maxWidth: inner - labelW)
        y += 1
    }
    if !a.message.isEmpty, y < r.y + r.height - 2 {
        y += 1
        for w in Format.wrap(a.message.sanitized, width: inner) where y < r.y + r.height - 1 {
            c.put(x0, y, w, theme[.base], maxWidth: inner)
            y += 1
        }
    }
}
