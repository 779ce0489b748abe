import Foundation
import PSACore

/// One tenant's line in the overview: its gauge, tier and suspension state.
public struct TenantSummary: Equatable, Sendable {
    public var name: String
    public var vendor: Vendor
    public var quota: Quota?
    public var projected = false
    public var tierWords: String?
    public var tier: LatencyTier?
    public var pause: PauseInfo?
    public var error: String?
    public var readAt: Date?
    /// The forecast's next boundary in this window ("+1 s tier in ~28m"), nil when none comes.
    public var next: String?
    /// The profile is read-only (`[RO]` after its name).
    public var readOnly = false

    public init(name: String, vendor: Vendor) {
        self.name = name
        self.vendor = vendor
    }

    mutating func update(from s: DashboardState) {
        quota = s.shownQuota
        readOnly = s.writePolicy.readOnly
        projected = s.isProjected
        tierWords = s.tierWords
        tier = s.shownTier
        pause = s.pause
        error = s.quotaError
        readAt = s.poll?.readAt ?? s.quotaAt
        next = s.forecast?.boundaries.first.flatMap { b in
            b.seconds.map { "\(b.name) in ~" + Format.duration(Format.coarse($0 / s.timeScale)) }
        }
    }
}

extension DashboardState {
    /// A dashboard over several tenants: the first one's panes are shown, the others wait in `background`.
    public static func multi(_ tenants: [(vendor: Vendor, name: String)], now: Date, width: Int = 80, height: Int = 24)
        -> DashboardState
    {
        let first = tenants.first ?? (vendor: Vendor.autotask, name: "")
        var s = DashboardState(vendor: first.vendor, tenant: first.name, now: now, width: width, height: height)
        guard tenants.count > 1 else { return s }
        // (`notify` is the screen's: every tenant gets it when its events are applied.)
        s.tenants = tenants.map { TenantSummary(name: $0.name, vendor: $0.vendor) }
        for (i, t) in tenants.enumerated().dropFirst() {
            s.background[i] = TenantState(vendor: t.vendor, tenant: t.name)
        }
        return s
    }

    /// `--notify` for every tenant, shown or not (the screen's, which every tenant gets).
    public mutating func setNotify(_ on: Bool) {
        notify = on
    }

    /// Applies one tenant's event to its panes, shown or not, and refreshes its overview line.
    mutating func reduceTenant(_ i: Int, _ event: DashboardEvent) -> [Command] {
        guard tenants.indices.contains(i) else { return [] }
        // The timer is the screen's, whichever tenant its entry went to (and is told on screen).
        if i == activeTenant || event.isTimeResult {
            let commands = reduce(event)
            tenants[i].update(from: self)
            return commands.map { .forTenant(i, $0) }
        }
        var line = tenants[i]
        let commands = inBackground(i) { other in
            let commands = other.reduce(event)
            line.update(from: other)
            return commands
        }
        tenants[i] = line
        return (commands ?? []).map { .forTenant(i, $0) }
    }

    /// Runs `body` on tenant `i` in the background as a dashboard of its own: the screen lent (what
    /// `body` changes on it is dropped), no overview, as if it were the only tenant. The tenant's
    /// state is moved out and back, not copied, so its lists change in place.
    mutating func inBackground<R>(_ i: Int, _ body: (inout DashboardState) -> R) -> R? {
        guard background[i] != nil else { return nil }
        // (Straight from the dictionary into `other`: no second binding holds the tenant's buffers,
        // so the reducer's first change to its tickets does not copy them.)
        var other = DashboardState(screen: screen, current: background.removeValue(forKey: i)!)
        let r = body(&other)
        background[i] = other.current
        return r
    }

    /// Shows tenant `j` in the main panes; the current one's panes wait in the background.
    public mutating func switchTenant(to j: Int) {
        guard j != activeTenant, tenants.indices.contains(j), let next = background.removeValue(forKey: j) else {
            return
        }
        background[activeTenant] = current
        current = next
        activeTenant = j
        clampSelection()
    }

    /// Commands from keys go to the tenant on screen.
    func routed(_ commands: [Command]) -> [Command] {
        tenants.count > 1
            ? commands.map { if case .forTenant = $0 { $0 } else { .forTenant(activeTenant, $0) } } : commands
    }
}

/// The overview: one line per tenant — gauge, percentage, tier or suspension, age of the reading.
func renderOverview(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect) {
    guard r.height > 2 else { return }
    c.box(
        r, title: "Tenants (\(s.tenants.count)) \(g.dot) : next \(g.dot) 1-\(min(9, s.tenants.count)) pick",
        focused: false, theme: theme, glyphs: g)
    let rows = r.height - 2
    // Keep the active tenant in view when there are more tenants than rows.
    let first = max(0, min(s.activeTenant - rows + 1, s.tenants.count - rows))
    let nameW = min(18, max(8, s.tenants.map { TextWidth.of($0.name) }.max() ?? 8))
    let anyReadOnly = s.tenants.contains { $0.readOnly }
    for row in 0..<rows {
        let i = first + row
        guard i < s.tenants.count else { break }
        let t = s.tenants[i]
        let y = r.y + 1 + row
        var x = r.x + 2
        let active = i == s.activeTenant
        x += c.put(x, y, active ? ">" : " ", theme[.header])
        x += c.put(x, y, "\(i + 1) ", theme[.muted])
        x += c.put(
            x, y, TextWidth.fit(t.name.sanitized, nameW, ascii: s.ascii) + " ", active ? theme[.header] : theme[.base])
        if anyReadOnly { x += c.put(x, y, t.readOnly ? "[RO] " : "     ", theme[.warning]) }
        x += c.put(x, y, TextWidth.fit(t.vendor.label, 9), theme[.muted])
        let tierStyle = t.tier.map { theme[$0] } ?? theme[.muted]
        let barW = max(10, min(30, r.width - x - 44))
        if let q = t.quota {
            let filled = min(barW, Int((q.fraction * Double(barW)).rounded(.down)))
            x += c.put(x, y, "[", theme[.border])
            for b in 0..<barW {
                c.put(x + b, y, b < filled ? g.full : g.empty, b < filled ? tierStyle : theme[.gaugeEmpty])
            }
            x += barW
            x += c.put(x, y, "] ", theme[.border])
            x += c.put(x, y, String(format: "%@%5.1f%% ", t.projected ? "~" : " ", q.percent), tierStyle)
            var state: String
            if let p = t.pause, p.reason == .suspended {
                state = "SUSPENDED, probe in \(Format.seconds(max(0, p.until.timeIntervalSince(s.now))))"
            } else {
                state = t.tierWords ?? ""
            }
            if let n = t.next, t.pause?.reason != .suspended { state += " \(g.dot) " + n }
            if let e = t.error { state += " \(g.dot) read failed: \(e)" }
            c.put(
                x, y, state,
                t.pause?.reason == .suspended ? theme[.error] : t.error != nil ? theme[.warning] : tierStyle,
                maxWidth: r.x + r.width - 2 - x)
        } else {
            c.put(
                x, y, t.error.map { "quota unavailable: \($0)" } ?? "reading the quota…",
                t.error == nil ? theme[.muted] : theme[.error],
                maxWidth: r.x + r.width - 2 - x)
        }
    }
}
