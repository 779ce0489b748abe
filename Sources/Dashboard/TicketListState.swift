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

    /// The ticket on the selected row (nil: none).
    var selectedTicket: Ticket? {
        let selected = cursor.index
        guard selected >= 0 && selected < visibleCount else { return nil }
        let i = ticketIndex(row: selected)
        return i < store.count ? store[i] : nil  // (a view not yet rebuilt after a refresh may point past the end)
    }

    /// Keeps the selection inside the rows and within the `rows` shown.
    mutating func clamp(rows: Int) {
        cursor.keepShown(rows: rows, count: visibleCount)
    }

    /// Puts the selection back on ticket `id`, last seen at index `i` of the tickets (found by the
    /// index when the tickets did not change under it, else by the id), `rows` shown.
    mutating func reselect(_ id: Int64?, at i: Int?, rows: Int) {
        if let id {
            if let i, i < store.count, store.id(at: i) == id {
                if let view {
                    if let r = view.firstIndex(of: i) { cursor.index = r }
                } else {
                    cursor.index = i
                }
            } else if let r = row(ofID: id) {
                cursor.index = r
            }
        }
        clamp(rows: rows)
    }

    /// Backspace back to a filter text typed before: its rows, kept as the user typed on (false:
    /// none kept), `rows` shown.
    mutating func widenFromTrail(rows: Int) -> Bool {
        guard let step = trail.steps.last, step.text == filter.text else { return false }
        let keep = selectedTicket?.id
        let keepIndex = visibleCount > 0 ? ticketIndex(row: cursor.index) : nil
        trail.steps.removeLast()
        view = step.rows
        reselect(keep, at: keepIndex, rows: rows)
        return true
    }

    /// The next page, when the selection comes within `rows` (a screen) of the end of what is
    /// loaded and one is not on its way already.
    mutating func nearEndLoad(rows: Int) -> [Command] {
        guard !loading, !complete, let next, error == nil else { return [] }
        guard cursor.index >= visibleCount - rows - 1 else { return [] }
        loading = true
        return [.loadPage(next)]
    }

    /// The server's total, or what is loaded once the list is complete, else "?".
    var totalText: String { total.map(Format.grouped) ?? (complete ? Format.grouped(store.count) : "?") }

    /// "37/1,204 (loaded 500)": rows shown / the server's total (what is loaded, while not all is).
    public var counts: String {
        var text = "\(Format.grouped(visibleCount))/\(totalText)"
        if !complete || total != store.count { text += " (loaded \(Format.grouped(store.count)))" }
        return text
    }
}
