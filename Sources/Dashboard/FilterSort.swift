import Foundation
import PSACore

/// A column the list can be sorted by.
public enum SortColumn: String, CaseIterable, Sendable {
    case activity, priority, status, company, assignee, title, number, due

    /// The column's header in the list.
    var header: String {
        switch self {
        case .due: "DUE"
        case .activity: "ACTIVITY"
        case .priority: "PRIORITY"
        case .status: "STATUS"
        case .company: "COMPANY"
        case .assignee: "ASSIGNEE"
        case .title: "TITLE"
        case .number: "NUMBER"
        }
    }

    /// Newest activity and the most urgent priority come first; text columns A to Z; the nearest
    /// SLA deadline first.
    public var descendingFirst: Bool { self == .activity || self == .priority }
}

public struct ListOrder: Equatable, Sendable {
    public var column: SortColumn
    public var descending: Bool
    public init(column: SortColumn, descending: Bool) {
        self.column = column
        self.descending = descending
    }

    /// `s` walks the columns and then back to the server's order (nil).
    static func next(after o: ListOrder?) -> ListOrder? {
        let all = SortColumn.allCases
        guard let o else { return ListOrder(column: all[0], descending: all[0].descendingFirst) }
        guard let i = all.firstIndex(of: o.column), i + 1 < all.count else { return nil }
        return ListOrder(column: all[i + 1], descending: all[i + 1].descendingFirst)
    }
}

/// What the user typed after `/`: words that must all appear (any column, case-insensitive);
/// `column:word` for one column (`status:`, `priority:`/`prio:`, `company:`/`customer:`,
/// `assignee:`/`who:`, `title:`, `number:`/`#`); a leading `-` excludes; "double quotes" keep
/// spaces in a word. `due:` takes a condition on the SLA's nearest open deadline: `due:overdue`
/// (a stage breached), `due:<2h` (a deadline within two hours, passed ones included), `due:>1d`,
/// `due:sla` (any SLA at all).
public struct TicketFilter: Equatable, Sendable {
    public struct Term: Equatable, Sendable {
        public var column: SortColumn?
        /// Lowercased.
        public var needle: String
        public var negated: Bool
        /// The needle's bytes when all ASCII (the fast, byte-wise comparison), else nil.
        let ascii: [UInt8]?
        /// For `due:`: the condition (nil: an unreadable one, which matches nothing).
        var due: DueCondition? = nil
        /// `who:me` / `assignee:me`: the person resolved (nil while unknown: matches nothing).
        var isMe = false
    }

    /// What `due:` asks of a ticket's SLA.
    enum DueCondition: Equatable, Sendable {
        case overdue, any
        case within(TimeInterval)
        case beyond(TimeInterval)

        init?(_ text: String) {
            switch text {
            case "overdue", "breached", "late": self = .overdue
            case "sla", "any", "yes": self = .any
            default:
                guard let op = text.first, op == "<" || op == ">", let d = Self.duration(text.dropFirst()) else {
                    return nil
                }
                self = op == "<" ? .within(d) : .beyond(d)
            }
        }

        /// "90m", "2h", "1d", "30s"; a bare number is hours.
        static func duration(_ s: Substring) -> TimeInterval? {
            let unit = s.last.flatMap { $0.isLetter ? $0 : nil }
            guard let n = Double(unit == nil ? s : s.dropLast()), n >= 0, n.isFinite else { return nil }
            switch unit {
            case "s": return n
            case "m": return n * 60
            case nil, "h": return n * 3_600
            case "d": return n * 86_400
            default: return nil
            }
        }

        func matches(_ sla: SLA?, now: Date) -> Bool {
            guard let sla else { return false }
            switch self {
            case .any: return true
            case .overdue: return sla.breached(now: now)
            case .within(let d): return sla.nextDeadline.map { $0.timeIntervalSince(now) < d } ?? false
            case .beyond(let d): return sla.nextDeadline.map { $0.timeIntervalSince(now) > d } ?? false
            }
        }
    }

    public let terms: [Term]
    /// The moment `due:` is judged at.
    public let now: Date
    /// Who `who:me` is.
    public let me: Person?
    public var isEmpty: Bool { terms.isEmpty }

    static let columnNames: [String: SortColumn] = [
        "status": .status, "st": .status, "priority": .priority, "prio": .priority, "p": .priority,
        "company": .company, "customer": .company, "co": .company, "assignee": .assignee, "who": .assignee,
        "title": .title, "number": .number, "no": .number, "due": .due, "sla": .due,
    ]

    public init(_ text: String, now: Date = Date(), me: Person? = nil) {
        self.now = now
        self.me = me
        var terms: [Term] = []
        // Control and format characters never take part (a NUL in a needle also crashed
        // Foundation's String.contains on Linux: found by the fuzz test).
        let text = text.withoutControlOrFormat
        for var word in Self.words(text) where word != "-" && word != "#" && word != "-#" {
            var negated = false
            if word.hasPrefix("-"), word.count > 1 {
                negated = true
                word.removeFirst()
            }
            var column: SortColumn? = nil
            if word.hasPrefix("#"), word.count > 1 {
                column = .number
                word.removeFirst()
            } else if let colon = word.firstIndex(of: ":"), let c = Self.columnNames[word[..<colon].lowercased()] {
                column = c
                word = String(word[word.index(after: colon)...])
            }
            let needle = word.lowercased()
            // "status:" with nothing after it yet constrains nothing.
            guard !needle.isEmpty else { continue }
            let bytes = Array(needle.utf8)
            terms.append(
                Term(
                    column: column, needle: needle, negated: negated,
                    ascii: bytes.allSatisfy { $0 < 0x80 } ? bytes : nil,
                    due: column == .due ? DueCondition(needle) : nil, isMe: column == .assignee && needle == "me"))
        }
        self.terms = terms
    }

    /// Splits on spaces outside double quotes; the quotes go.
    static func words(_ text: String) -> [String] {
        var out: [String] = [], cur = "", quoted = false
        for ch in text {
            if ch == "\"" {
                quoted.toggle()
                continue
            }
            if ch.isWhitespace && !quoted {
                if !cur.isEmpty {
                    out.append(cur)
                    cur = ""
                }
            } else {
                cur.append(ch)
            }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    public func matches(_ t: Ticket) -> Bool {
        for term in terms {
            let hit: Bool
            if term.column == .due {
                hit = term.due?.matches(t.sla, now: now) ?? false
            } else if term.isMe {
                hit = me?.isAssignee(of: t) ?? false
            } else if let c = term.column {
                hit = Self.contains(Self.text(t, c), term)
            } else {
                hit =
                    Self.contains(t.number, term) || Self.contains(t.title, term) || Self.contains(t.status, term)
                    || Self.contains(t.priority, term) || Self.contains(t.company, term)
                    || Self.contains(t.assignee, term)
            }
            if hit == term.negated { return false }
        }
        return true
    }

    /// True when every ticket this filter keeps, `old` kept too (so the new view can be taken
    /// from the old one as the user types on): each of old's terms is implied by one of ours.
    public func narrows(_ old: TicketFilter) -> Bool {
        // A `due:` condition is not a substring ("<1" is narrower than "<10"): never narrowed from.
        old.terms.allSatisfy { o in
            !o.negated && o.column != .due && !o.isMe
                && terms.contains { n in
                    !n.negated && n.column == o.column
                        && Self.bytes(Array(n.needle.utf8), contain: Array(o.needle.utf8))
                }
        }
    }

    /// Byte-wise containment (the needles are lowercased already).
    static func bytes(_ hay: [UInt8], contain needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= hay.count else { return false }
        for i in 0...(hay.count - needle.count)
        where hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return true }
        return false
    }

    static func text(_ t: Ticket, _ c: SortColumn) -> String {
        switch c {
        case .number: t.number
        case .title: t.title
        case .status: t.status
        case .priority: t.priority
        case .company: t.company
        case .assignee: t.assignee
        case .activity, .due: ""
        }
    }

    /// Case-insensitive containment: byte-wise with ASCII folding for an ASCII needle (the
    /// common case, and fast enough for 100,000 tickets per key press), else Foundation's.
    static func contains(_ hay: String, _ term: Term) -> Bool {
        guard let needle = term.ascii else { return hay.range(of: term.needle, options: [.caseInsensitive]) != nil }
        if let hit = hay.utf8.withContiguousStorageIfAvailable({ scan($0, needle) }) { return hit }
        var copy = hay
        return copy.withUTF8 { scan($0, needle) }
    }

    @inline(__always) static func scan(_ h: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        let n = needle.count
        guard n <= h.count else { return false }
        let first = needle[0]
        var i = 0
        let last = h.count - n
        while i <= last {
            if fold(h[i]) == first {
                var j = 1
                while j < n && fold(h[i + j]) == needle[j] { j += 1 }
                if j == n { return true }
            }
            i += 1
        }
        return false
    }

    @inline(__always) static func fold(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }
}

extension DashboardState {
    /// Rows the list shows (after the filter).
    public var visibleCount: Int { list.visibleCount }

    /// The index in `tickets` of the list's row `row`.
    public func ticketIndex(row: Int) -> Int { list.ticketIndex(row: row) }

    /// The list's row of a ticket, if it shows.
    func row(ofID id: Int64) -> Int? { list.row(ofID: id) }

    public var filterActive: Bool { list.filterActive }

    /// Recomputes the rows after the tickets, the filter or the order changed; the selection
    /// stays on the same ticket where it still shows. A key that narrows the filter looks only
    /// at the rows shown (`work.filterVisits` counts what was looked at).
    mutating func rebuildView(narrowingFrom old: TicketFilter? = nil) {
        filterTrail = FilterTrail()
        let keep = selectedTicket?.id
        let keepIndex = visibleCount > 0 ? ticketIndex(row: listCursor.index) : nil
        let filter = TicketFilter(filterText, now: now, me: me)
        if filter.isEmpty && order == nil {
            view = nil
        } else {
            var rows: [Int]
            if let old, let current = view, filter.narrows(old) {
                work.filterVisits += filter.isEmpty ? 0 : current.count
                rows = filter.isEmpty ? current : tickets.matching(filter, among: current)
            } else {
                work.filterVisits += filter.isEmpty ? 0 : tickets.count
                rows = filter.isEmpty ? Array(tickets.indices) : tickets.matching(filter, among: nil)
                if let order { tickets.sort(&rows, order) }
            }
            view = rows
        }
        reselect(keep, at: keepIndex)
    }

    /// Puts the selection back on ticket `id`, last seen at index `i` of the list (found by the
    /// index when the list did not change under it, else by the id).
    mutating func reselect(_ id: Int64?, at i: Int?) { list.reselect(id, at: i, rows: listRows) }

    /// Higher is more urgent; unknown labels rank with "medium".
    static func priorityRank(_ label: String) -> Int {
        switch label.lowercased() {
        case "critical", "urgent": 4
        case "high": 3
        case "low": 1
        default: 2
        }
    }
}
