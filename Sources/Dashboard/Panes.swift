import Foundation
import PSACore

/// The panes the screen is made of, each drawn by its own function into the rectangle the layout
/// gives it. `render` draws them in place; `renderPane` draws one alone (what the pane-level
/// snapshots compare: a change to the footer or to another pane leaves them be).
public enum PaneID: String, CaseIterable, Sendable {
    /// The gauge (seven rows, or one line folded), the tenants' overview.
    case quota, overview
    /// The ticket list (with a change to the marked tickets over it), the request log, the alerts.
    case tickets, log, alerts
    /// In the body, over the list and the log: one ticket, one request, one alert, a command's
    /// output, the history view.
    case detail, request, alert, output, history
}

extension PaneID {
    /// Where the pane goes at this layout.
    func rect(_ layout: Layout) -> Layout.Rect {
        switch self {
        case .quota: layout.quota
        case .overview: layout.overview
        case .tickets: layout.tickets
        case .log, .alerts: layout.log
        case .detail, .request, .alert, .output, .history: layout.body
        }
    }

    /// Draws the pane into `r`; false when the state has nothing for it (no ticket open…).
    @discardableResult
    func draw(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect) -> Bool {
        switch self {
        case .quota:
            if r.height == 1 { renderQuotaLine(&c, s, theme, g, r) } else { renderQuota(&c, s, theme, g, r) }
        case .overview: renderOverview(&c, s, theme, g, r)
        case .tickets:
            renderTickets(&c, s, theme, g, r)
            if let b = s.bulk { renderBulk(&c, s, b, theme, g, r) }
        case .log: renderLog(&c, s, theme, g, r)
        case .alerts: renderAlerts(&c, s, theme, g, r)
        case .detail:
            guard let d = s.detail else { return false }
            renderDetail(&c, s, d, theme, g, r)
        case .request:
            guard let rec = s.requestLog.open else { return false }
            renderRequest(&c, s, rec, theme, g, r)
        case .alert:
            guard let a = s.alertsPane.open else { return false }
            renderAlertView(&c, s, a, theme, g, r)
        case .output:
            guard let o = s.screen.output else { return false }
            renderOutput(&c, s, o, theme, g, r)
        case .history:
            guard let v = s.historyView else { return false }
            renderHistoryView(&c, s, v, theme, g, r)
        }
        return true
    }
}

extension DashboardState {
    /// The panes on the screen now, in the order they are drawn: what has the body (a command's
    /// output, the history view, a ticket, a request, an alert), else the list and the log, or
    /// the alerts in the log's place while they have the focus.
    public var panesShown: [PaneID] {
        let top: [PaneID] = [.overview, .quota]
        if screen.output != nil { return top + [.output] }
        if historyView != nil { return top + [.history] }
        if detail != nil { return top + [.detail] }
        if requestLog.open != nil { return top + [.request] }
        if alertsPane.open != nil { return top + [.alert] }
        return top + [.tickets, focus == .alerts ? .alerts : .log]
    }
}

/// One pane alone, at the size the layout gives it now, on its own canvas (nil: the state has
/// nothing for that pane, or no room for it).
public func renderPane(_ pane: PaneID, _ s: DashboardState, theme: Theme) -> Canvas? {
    let r = pane.rect(s.layout)
    guard r.width > 0, r.height > 0 else { return nil }
    var c = Canvas(width: r.width, height: r.height, style: theme[.base])
    let g = s.ascii ? Glyphs.ascii : Glyphs.unicode
    guard pane.draw(&c, s, theme, g, Layout.Rect(x: 0, y: 0, width: r.width, height: r.height)) else { return nil }
    return c
}
