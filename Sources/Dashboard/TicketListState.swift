import Foundation
import PSACore

/// The ticket list as one value (`TenantState.list`): the loaded tickets, the rows shown under the
/// filter and the order, the cursor, the paging, and the prompts that narrow it (`/`, `F`). The
/// dashboard reaches it in place (`s.list.cursor.index = …`, `s.ticketStore.append(…)` through
/// `_modify`), so the tickets' buffers are never copied to change one field.
public struct TicketListState: Equatable, Sendable {
    /// The loaded tickets as the list keeps them (compact rows, TicketList.swift: no description
    /// or extra fields); `DashboardState.tickets` sets them whole and makes the SLA index again.
    var store = TicketList()
    public var total: Int?
    public var next: PageCursor?
    /// True once the first page arrived and no further page exists.
    public var complete = false
    public var loading = false
    public var error: String?
    /// The rows as indices into the tickets when a filter or an order is set (nil: all, in the server's order).
    public internal(set) var view: [Int]?
    /// The filter prompt (`/`): its text is the list's filter, open or not.
    public var filter = LinePrompt()
    /// Pages loaded by themselves for the current filter (bounded by `filterPageLimit`).
    var filterPages = 0
    /// The server-side filter the list was loaded with (nil: none), and its prompt (`F`: the
    /// text typed, and why the server filter typed does not parse).
    public var serverFilter: ServerFilter?
    public var serverPrompt = LinePrompt()
    /// The list's order (nil: the server's).
    public var order: ListOrder?
    /// The selected row (an index into the visible rows) and the first visible row.
    public var cursor = Cursor()
    /// The rows of the filter texts typed before (Backspace returns to them without a scan).
    var trail = FilterTrail()
    /// Tickets the last incremental refresh found changed.
    public var changedIDs: Set<Int64> = []

    public init() {}

    /// Rows the list shows (after the filter).
    public var visibleCount: Int { view?.count ?? store.count }

    /// The index in the tickets of row `row`.
    public func ticketIndex(row: Int) -> Int { view?[row] ?? row }

    /// The row of a ticket, if it shows.
    func row(ofID id: Int64) -> Int? {
        guard let i = store.index(ofID: id) else { return nil }
        guard let view else { return i }
        return view.firstIndex(of: i)
    }

    public var filterActive: Bool { !filter.text.isEmpty }

    /// The server's total, or what is loaded once the list is complete, else "?".
    var totalText: String { total.map(Format.grouped) ?? (complete ? Format.grouped(store.count) : "?") }

    /// "37/1,204 (loaded 500)": rows shown / the server's total (what is loaded, while not all is).
    public var counts: String {
        var text = "\(Format.grouped(visibleCount))/\(totalText)"
        if !complete || total != store.count { text += " (loaded \(Format.grouped(store.count)))" }
        return text
    }
}
