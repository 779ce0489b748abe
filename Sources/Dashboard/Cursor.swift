import Foundation

/// The one cursor every list and scrolled view of the dashboard uses (the tickets, the log, the
/// alerts, a request, a ticket, the attachments to save): the row chosen and the first row shown.
/// In a view scrolled through (a request, a ticket) the row chosen is the first line shown.
public struct Cursor: Equatable, Sendable {
    /// The row chosen (an index into the rows as shown).
    public var index: Int
    /// The first row shown, for a list whose window keeps its place while the cursor moves within
    /// it (the tickets: `keepShown`). The log and the alerts draw from `firstShown` instead.
    public var top: Int

    public init(index: Int = 0, top: Int = 0) {
        self.index = index
        self.top = top
    }

    /// Moves by a movement key: one row, a page of `page` rows, half a page, the first row, the
    /// last of `count`. Returns false (and stays) for an action that is not a movement. The
    /// caller clamps: each list has its own bounds.
    @discardableResult
    mutating func move(_ action: KeyAction, page: Int, count: Int) -> Bool {
        switch action {
        case .down: index += 1
        case .up: index -= 1
        case .pageDown: index += page
        case .pageUp: index -= page
        case .halfDown: index += page / 2
        case .halfUp: index -= page / 2
        case .first: index = 0
        case .last: index = count - 1
        default: return false
        }
        return true
    }

    /// Keeps the row chosen among `count` rows (0 when there are none).
    mutating func clamp(count: Int) { index = max(0, min(index, count - 1)) }

    /// The next (`by` 1) or previous (-1) of `count` rows, round from the last to the first.
    mutating func cycle(by step: Int, count: Int) {
        guard count > 0 else { return }
        index = ((index + step) % count + count) % count
    }

    /// Keeps the row chosen among `count` rows and within the `rows` shown from `top`: the window
    /// moves only when the cursor leaves it, and never shows past the end.
    mutating func keepShown(rows: Int, count: Int) {
        clamp(count: count)
        if index < top { top = index }
        if index >= top + rows { top = index - rows + 1 }
        top = max(0, min(top, max(0, count - rows)))
    }

    /// The first of `count` rows shown in `rows` when the window ends at the row chosen, or
    /// starts at 0 while it fits (the log, the alerts).
    func firstShown(rows: Int, count: Int) -> Int { max(0, min(index - rows + 1, count - rows)) }
}
