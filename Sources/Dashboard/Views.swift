import Foundation
import PSACore

/// A named view from the config (`[[views]]`): what the server filters by, the list's own filter,
/// the order and the columns shown. Each part left out is the dashboard's default.
public struct SavedView: Equatable, Sendable {
    public var name: String
    public var serverFilter: ServerFilter?
    public var filter: String
    public var order: ListOrder?
    /// The list's columns in order (nil: the default set for the width).
    public var columns: [SortColumn]?

    public init(
        name: String, serverFilter: ServerFilter? = nil, filter: String = "", order: ListOrder? = nil,
        columns: [SortColumn]? = nil
    ) {
        self.name = name
        self.serverFilter = serverFilter
        self.filter = filter
        self.order = order
        self.columns = columns
    }
}

/// One tenant's views: those it offers, the one applied (nil: none, the whole list).
public struct ViewsState: Equatable, Sendable {
    public var list: [SavedView] = []
    public var active: Int?
    public init(list: [SavedView] = [], active: Int? = nil) {
        self.list = list
        self.active = active
    }

    /// The view applied now, if any.
    public var current: SavedView? { active.flatMap { list.indices.contains($0) ? list[$0] : nil } }
    /// The columns the list shows (nil: the default set).
    public var columns: [SortColumn]? { current?.columns }
}

extension DashboardState {
    /// `v`: the next view, and after the last one the whole list again.
    mutating func cycleView() -> [Command] {
        guard !views.list.isEmpty else {
            say("no saved views: add [[views]] to the config file (see the README)")
            return []
        }
        let next = views.active.map { $0 + 1 < views.list.count ? $0 + 1 : nil } ?? 0
        return applyView(next)
    }

    /// Applies a view by name (`--view NAME`); nil when this tenant has none by that name.
    public mutating func applyView(named name: String) -> [Command]? {
        guard let i = views.list.firstIndex(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) else {
            return nil
        }
        return applyView(i)
    }

    /// Applies view `i` (nil: none): its server filter (the list loads again when that changes),
    /// its filter, its order and its columns. A status or queue the tenant lacks comes back from
    /// the server's side as the list's error, naming it, and the list shows nothing.
    public mutating func applyView(_ i: Int?) -> [Command] {
        views.active = i.flatMap { views.list.indices.contains($0) ? $0 : nil }
        let v = views.current
        filterText = v?.filter ?? ""
        list.filter.open = false
        order = v?.order
        let commands = setServerFilter(v?.serverFilter)
        rebuildView()
        listCursor = Cursor()
        clampSelection()
        say(v.map { "view: \($0.name) (v: next, V: pick)" } ?? "view: all tickets")
        return commands.isEmpty ? (filterActive ? filterTopUp() : nearEndLoad()) : commands
    }
}

extension SavedView {
    /// The view's own filter and order over tickets already fetched (`tickets --view`): what the
    /// dashboard's list would show.
    public func select(_ tickets: [Ticket], now: Date, me: Person? = nil) -> [Ticket] {
        var s = DashboardState(vendor: .autotask, tenant: "", now: now)
        s.tickets = TicketList(tickets)
        s.filterText = filter
        s.order = order
        s.me = me
        s.rebuildView()
        // The tickets as given (the list keeps only what a row shows: no description, no fields).
        let byID = Dictionary(tickets.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return (0..<s.visibleCount).compactMap { byID[s.tickets.id(at: s.ticketIndex(row: $0))] }
    }

    /// A ticket's text in one of the view's columns, for export.
    public static func text(_ t: Ticket, _ c: SortColumn) -> String {
        switch c {
        case .activity: (t.lastActivity ?? t.created).map { ISO8601DateFormatter().string(from: $0) } ?? ""
        case .due: t.sla?.nextDeadline.map { ISO8601DateFormatter().string(from: $0) } ?? ""
        default: TicketFilter.text(t, c)
        }
    }
}

/// `--view NAME` names a view no tenant has.
public struct UnknownView: Error, CustomStringConvertible {
    public var description: String
}

extension DashboardState {
    /// The config's views, commands, mouse and gauge for every tenant, and `--view NAME` applied
    /// where a tenant has it: the commands to send (each tenant's list under the view's filter).
    public mutating func customize(_ r: ReloadSettings, view: String?) throws -> [Command] {
        screen.commands = r.commands
        screen.mouse = r.mouse
        screen.gaugeFolded = r.gaugeFolded
        var commands: [Command] = []
        var found = false
        views.list = r.views[activeTenant] ?? []
        if let view, let c = applyView(named: view) {
            found = true
            commands += routed(c)
        }
        for i in background.keys.sorted() {
            background[i]?.views.list = r.views[i] ?? []
            guard let view, let c = inBackground(i, { $0.applyView(named: view) }) ?? nil else { continue }
            found = true
            commands += c.map { .forTenant(i, $0) }
        }
        if let view, !found {
            let names = Set(r.views.values.flatMap { $0.map(\.name) }).sorted()
            throw UnknownView(
                description:
                    "--view \(view): no such view"
                    + (names.isEmpty
                        ? " (the config file has no [[views]])" : "; views: \(names.joined(separator: ", "))"))
        }
        flash = nil
        flashAt = nil
        return commands
    }
}
