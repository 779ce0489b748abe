import Foundation
import PSACore

/// One ticket's outcome in a change to many.
public enum BulkOutcome: Equatable, Sendable {
    /// Sent, and the read-back shows the value asked for (or another value, or could not tell).
    case changed(ChangeOutcome)
    /// Not taken (or not known to be): why. Not retried; the ticket stays marked.
    case failed(String)
    /// A note to many: the server took the ticket's note (BulkNote.swift).
    case noted
}

/// A change to every marked ticket (`b` in the list): which field, the value, one question that
/// shows what it costs, then each ticket's outcome.
public struct BulkState: Equatable, Sendable {
    public enum Stage: Equatable, Sendable { case menu, choosing, noting, confirming, running, done }
    public var stage: Stage = .menu
    /// The tickets the change is for: the marks when `b` was pressed, in the list's order.
    public var ids: [Int64]
    public var field: EditableField?
    /// The labels offered (nil while they load), the row chosen, why they could not be had.
    public var choices: [String]?
    public var cursor = Cursor()
    /// The row chosen (`cursor.index`).
    public var selected: Int {
        get { cursor.index }
        set { cursor.index = newValue }
    }
    public var error: String?
    /// The value being sent (set at the question).
    public var label: String?
    public var outcomes: [Int64: BulkOutcome] = [:]
    public var scroll = 0
    /// A note to all of them instead of a field (`c`): the text typed; always internal.
    public var note: String?

    public init(ids: [Int64]) { self.ids = ids }
}

/// What a change to N tickets costs: N writes + N read-backs, against the hour's limit, at the
/// tier in effect.
public struct BulkCost: Equatable, Sendable {
    public var tickets: Int
    public var requests: Int { tickets * 2 }
    /// Percent of the requests the tenant allows in an hour.
    public var percentOfHour: Double
    /// The tier's words ("+0.5 s tier"), nil when the quota is not read yet.
    public var tier: String?
    /// Seconds the run should take (one request after another).
    public var seconds: Double
}

extension DashboardState {
    /// The write verb of a ticket update on this vendor (Autotask PATCHes; Atera and HaloPSA POST).
    var updateVerb: String {
        switch vendor {
        case .autotask: "PATCH"
        case .atera, .halo: "POST"
        case .connectwise: "PATCH"
        }
    }

    /// The cost of changing `n` tickets now: from the quota as read, the tier in effect and the
    /// requests' own time in the log (0.3 s a request until the log has some).
    public func bulkCost(_ n: Int) -> BulkCost {
        let perHour: Double
        if let q = shownQuota, q.limit > 0, q.windowSeconds > 0 {
            perHour = Double(q.limit) * 3_600 / Double(q.windowSeconds)
        } else {
            perHour = Double(vendor.assumedLimitPerHour)
        }
        let recent = requestLog.records.suffix(20).map(\.duration)
        let each = recent.isEmpty ? 0.3 : recent.reduce(0, +) / Double(recent.count)
        let added = vendor.quotaModel == .tenantThreshold ? (shownTier ?? .none).addedLatency : 0
        return BulkCost(
            tickets: n, percentOfHour: perHour > 0 ? Double(2 * n) / perHour * 100 : 0, tier: tierWords,
            seconds: Double(2 * n) * (each + added))
    }

    /// "3 PATCH + 3 read-backs = 6 requests, 0.06% of the hour, no added latency: about 2s".
    public func bulkCostText(_ n: Int) -> String {
        let c = bulkCost(n)
        let pct = c.percentOfHour < 0.01 && c.percentOfHour > 0 ? "<0.01" : String(format: "%.2f", c.percentOfHour)
        return "\(n) \(updateVerb) + \(n) read-backs = \(c.requests) requests, \(pct)% of the hour, "
            + "\(c.tier ?? "tier not read yet") in effect: about \(Format.duration(max(1, c.seconds)))"
    }

    /// `x`: marks the selected ticket, or unmarks it; the cursor moves on (marking a run of rows).
    mutating func toggleMark() {
        guard let t = selectedTicket else { return }
        if marks.remove(t.id) == nil { marks.insert(t.id) }
        if listCursor.index + 1 < visibleCount { listCursor.index += 1 }
    }

    /// `*`: marks every ticket the filter shows (every loaded ticket without one).
    mutating func markAllShown() {
        let before = marks.count
        for row in 0..<visibleCount {
            let i = ticketIndex(row: row)
            if i < tickets.count { marks.insert(tickets[i].id) }
        }
        say("\(marks.count - before) marked (\(marks.count) in all)")
    }

    /// `b`: a change to the marked tickets (the marks in the list's order; ones not loaded last).
    mutating func startBulk() {
        guard !marks.isEmpty else {
            say("no marked tickets: x marks one, * every one shown")
            return
        }
        var ids = tickets.map(\.id).filter { marks.contains($0) }
        ids += marks.subtracting(ids).sorted()
        bulk = BulkState(ids: ids)
    }

    mutating func handleBulk(_ action: KeyAction) -> [Command] {
        guard var b = bulk else { return [] }
        switch (b.stage, action) {
        case (.menu, .change(let field)):
            b.field = field
            b.stage = .choosing
            bulk = b
            return [.loadChoices(field)]
        case (.menu, .note):
            b.note = ""
            b.stage = .noting
        case (.menu, .cancel), (.done, .back):
            bulk = nil
            return []
        case (.choosing, .down), (.choosing, .up), (.choosing, .first), (.choosing, .last):
            b.cursor.move(action, page: 0, count: b.choices?.count ?? 0)
            b.cursor.clamp(count: b.choices?.count ?? 0)
        case (.choosing, .accept):
            guard let c = b.choices, c.indices.contains(b.selected) else { return [] }
            b.label = c[b.selected]
            b.stage = .confirming
        case (.choosing, .cancel):
            b.stage = .menu
            b.choices = nil
            b.error = nil
        case (.confirming, .no): b.stage = b.note != nil ? .noting : .choosing
        case (.confirming, .yes) where b.note != nil:
            b.stage = .running
            bulk = b
            return [.bulkNote(ids: b.ids, text: b.note ?? "")]
        case (.confirming, .yes):
            // Sent once: the stage moves on before the command leaves, so a second y finds no question.
            guard let field = b.field, let label = b.label else { return [] }
            b.stage = .running
            bulk = b
            return [.bulkChange(ids: b.ids, field, to: label)]
        case (.running, .back):
            say("still sending \(b.outcomes.count)/\(b.ids.count): the outcomes close once all are in")
            return []
        case (.running, .down), (.done, .down): b.scroll = min(b.scroll + 1, max(0, b.ids.count - 1))
        case (.running, .up), (.done, .up): b.scroll = max(0, b.scroll - 1)
        default: return []
        }
        bulk = b
        return []
    }

    /// The picker's labels, when the bulk change asked for them.
    mutating func bulkChoices(_ field: EditableField, _ labels: [String]?, error: String?) -> Bool {
        guard var b = bulk, b.stage == .choosing, b.field == field, b.choices == nil else { return false }
        b.choices = labels ?? []
        b.error = error ?? (labels?.isEmpty == true ? "no \(field.rawValue) labels known" : nil)
        bulk = b
        return true
    }

    /// One ticket's outcome: the list shows what the server holds; the ticket stays marked only
    /// when it failed (for a retry).
    mutating func bulkOutcome(_ id: Int64, _ outcome: BulkOutcome) {
        if bulk?.note != nil { return noteOutcome(id, outcome) }
        guard var b = bulk, let field = b.field, let label = b.label else { return }
        b.outcomes[id] = outcome
        bulk = b
        switch outcome {
        case .changed(let o):
            changedIDs.insert(id)
            switch o {
            case .confirmed, .notConfirmed: apply(field, label, toTicket: id)
            case .differs(let held): apply(field, held, toTicket: id)
            }
            marks.remove(id)
        case .failed: marks.insert(id)
        case .noted: marks.remove(id)
        }
    }

    mutating func bulkEnded() {
        guard var b = bulk else { return }
        b.stage = .done
        bulk = b
        let failed = b.outcomes.values.filter { if case .failed = $0 { true } else { false } }.count
        say(
            "\(b.note != nil ? "note" : b.field?.rawValue ?? "change") on \(b.ids.count) tickets: \(b.ids.count - failed) sent"
                + (failed > 0 ? ", \(failed) failed (still marked)" : ""))
    }
}
