import Foundation
import PSACore

/// A note to the marked tickets (`b`, then `c`): typed on one line, then the change's one
/// question with what it costs, then each ticket's outcome. Always internal (no customer is
/// written to in bulk); each note is sent once, never retried, at bulk priority.
extension DashboardState {
    mutating func handleBulkNote(_ action: KeyAction, _ key: Key) -> [Command] {
        guard var b = bulk, b.stage == .noting else { return [] }
        switch action {
        case .accept:
            let text = NoteText.clean(b.note ?? "")
            guard !text.isEmpty else {
                say("an empty note is not sent")
                return []
            }
            b.note = text
            b.stage = .confirming
        case .cancel:
            b.note = nil
            b.stage = .menu
        default:
            var text = b.note ?? ""
            _ = LineEdit.apply(key, to: &text, maxCharacters: 2_000)
            b.note = text
        }
        bulk = b
        return []
    }

    /// "3 notes (POST) = 3 requests, 0.03% of the hour, …": one write a ticket, no read-back.
    public func bulkNoteCostText(_ n: Int) -> String {
        let c = bulkCost(n)
        let share = c.percentOfHour / 2
        let pct = share < 0.01 && share > 0 ? "<0.01" : String(format: "%.2f", share)
        return "\(n) note\(n == 1 ? "" : "s") (POST) = \(n) request\(n == 1 ? "" : "s"), \(pct)% of the hour, "
            + "\(c.tier ?? "tier not read yet") in effect: about \(Format.duration(max(1, c.seconds / 2)))"
    }

    /// One ticket's note taken (unmarked) or not (still marked, for a retry).
    mutating func noteOutcome(_ id: Int64, _ outcome: BulkOutcome) {
        bulk?.outcomes[id] = outcome
        if case .noted = outcome { marks.remove(id) } else { marks.insert(id) }
    }
}
