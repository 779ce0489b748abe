import Foundation
import PSACore

/// The filter prompt's keys: the list narrows as you type, Backspace goes back to rows it had.
extension DashboardState {
    /// Backspace back to a text typed before: its rows, kept as the user typed on (false: none kept).
    mutating func widenFromTrail() -> Bool { list.widenFromTrail(rows: listRows) }

    /// Keys while the filter prompt is open: text goes into the filter, the list narrows as you type.
    mutating func handleFilterInput(_ action: KeyAction, _ key: Key) -> [Command] {
        let old = TicketFilter(filterText)
        switch action {
        case .accept:
            list.filter.close()
            return []
        case .cancel:
            list.filter.close()
            filterText = ""
            rebuildView()
            return []
        case .up, .down, .pageUp, .pageDown: return handleList(action)
        case .erase, .eraseAll, .eraseWord, .type:
            // Only visible text: no control or format characters (they would reach the screen).
            let before = filterText
            guard list.filter.edit(key, maxCharacters: 200) else { return [] }
            guard action == .type else {
                if !widenFromTrail() { rebuildView() }
                return []
            }
            // The rows before this key are kept: Backspace back to them costs no scan. (Not for
            // `due:` or `who:me`, whose rows change with the clock or the person.)
            var trail = filterTrail
            let step = FilterTrail.Step(text: before, rows: view)
            rebuildView(narrowingFrom: old)
            if old.terms.allSatisfy({ $0.column != .due && !$0.isMe }) { trail.push(step) }
            filterTrail = trail
            // A page already on its way counts against the new text's few.
            if !loadingPage { filterPages = 0 }
            return filterTopUp()
        default: return []
        }
    }

    /// With a filter that leaves less than a screen of rows, a few more pages load by themselves
    /// (at most `filterPageLimit` per edit, so a filter never walks a large tenant on its own).
    mutating func filterTopUp() -> [Command] {
        guard filterActive, visibleCount < listRows, filterPages < Self.filterPageLimit else { return [] }
        let cmds = nearEndLoad()
        if !cmds.isEmpty { filterPages += 1 }
        return cmds
    }

    public static let filterPageLimit = 3
}
