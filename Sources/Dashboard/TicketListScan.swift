import Foundation
import PSACore

/// Filtering and sorting over the rows, without making a `Ticket` per row: a label is matched
/// (or ranked) once per distinct label, not once per ticket; numbers and titles are scanned in
/// place; dates and deadlines are read as numbers. The same answers as `TicketFilter.matches`
/// and the per-ticket keys (`TicketListScanTests` compares both).
extension TicketList {
    /// One term, made ready for the rows.
    private struct Plan {
        enum Kind {
            case text(SortColumn?)
            case due(TicketFilter.DueCondition?)
            case me
        }
        var kind: Kind
        var term: TicketFilter.Term
        /// Per label: the term's needle is in it (text terms), or it names "me" (by e-mail / by name).
        var labelHit: [Bool] = []
        var emailHit: [Bool] = []
        var nameHit: [Bool] = []
    }

    /// The indices (among `candidates`, else among all) of the tickets `filter` keeps, in order.
    func matching(_ filter: TicketFilter, among candidates: [Int]?) -> [Int] {
        let plans = filter.terms.map { plan($0, filter) }
        let nowTI = filter.now.timeIntervalSinceReferenceDate
        let meID = filter.me?.id
        var out: [Int] = []
        rows.withUnsafeBufferPointer { rs in
            bytes.withUnsafeBufferPointer { bs in
                func contains(_ sp: Span, _ p: Plan) -> Bool {
                    let hay = UnsafeBufferPointer(rebasing: bs[Int(sp.start)..<Int(sp.start + sp.count)])
                    if let needle = p.term.ascii { return TicketFilter.scan(hay, needle) }
                    return String(decoding: hay, as: UTF8.self).range(of: p.term.needle, options: [.caseInsensitive])
                        != nil
                }
                func keeps(_ r: Row) -> Bool {
                    for p in plans {
                        let hit: Bool
                        switch p.kind {
                        case .due(let c):
                            hit = c.map { Self.due($0, r, nowTI) } ?? false
                        case .me:
                            if let meID, r.has(.assigneeID) {
                                hit = meID == r.assigneeID
                            } else if r.has(.email), !labels[Int(r.email)].isEmpty {
                                hit = p.emailHit[Int(r.email)]
                            } else {
                                hit = p.nameHit[Int(r.assignee)]
                            }
                        case .text(nil):
                            hit =
                                p.labelHit[Int(r.status)] || p.labelHit[Int(r.priority)] || p.labelHit[Int(r.company)]
                                || p.labelHit[Int(r.assignee)] || contains(r.number, p) || contains(r.title, p)
                        case .text(.number?): hit = contains(r.number, p)
                        case .text(.title?): hit = contains(r.title, p)
                        case .text(.status?): hit = p.labelHit[Int(r.status)]
                        case .text(.priority?): hit = p.labelHit[Int(r.priority)]
                        case .text(.company?): hit = p.labelHit[Int(r.company)]
                        case .text(.assignee?): hit = p.labelHit[Int(r.assignee)]
                        case .text(.activity?), .text(.due?): hit = false
                        }
                        if hit == p.term.negated { return false }
                    }
                    return true
                }
                if let candidates {
                    out.reserveCapacity(candidates.count)
                    for i in candidates where keeps(rs[i]) { out.append(i) }
                } else {
                    for i in rs.indices where keeps(rs[i]) { out.append(i) }
                }
            }
        }
        return out
    }

    private func plan(_ term: TicketFilter.Term, _ filter: TicketFilter) -> Plan {
        if term.column == .due { return Plan(kind: .due(term.due), term: term) }
        if term.isMe {
            var p = Plan(kind: .me, term: term)
            let me = filter.me
            p.emailHit = labels.map { me != nil && $0.caseInsensitiveCompare(me!.email) == .orderedSame }
            p.nameHit = labels.map { l in
                guard let name = me?.name, !name.isEmpty else { return false }
                return l.caseInsensitiveCompare(name) == .orderedSame
            }
            // (Without a person, `who:me` matches nothing.)
            if me == nil { p.kind = .due(nil) }
            return p
        }
        var p = Plan(kind: .text(term.column), term: term)
        switch term.column {
        case nil, .status?, .priority?, .company?, .assignee?:
            p.labelHit = labels.map { TicketFilter.contains($0, term) }
        default: break
        }
        return p
    }

    /// `DueCondition.matches` on a row's nearest open deadline (breached: one passed).
    private static func due(_ c: TicketFilter.DueCondition, _ r: Row, _ now: Double) -> Bool {
        guard r.has(.sla) else { return false }
        switch c {
        case .any: return true
        case .overdue: return r.has(.next) && r.next < now
        case .within(let d): return r.has(.next) && r.next - now < d
        case .beyond(let d): return r.has(.next) && r.next - now > d
        }
    }

    // MARK: - sorting

    /// `rows` sorted by `order`: equal keys keep the server's order.
    func sort(_ rowIndices: inout [Int], _ order: ListOrder) {
        let desc = order.descending
        switch order.column {
        case .activity:
            sortByKey(&rowIndices, desc) { r in
                r.has(.lastActivity)
                    ? r.lastActivity : r.has(.created) ? r.created : Date.distantPast.timeIntervalSinceReferenceDate
            }
        case .number: sortByKey(&rowIndices, desc) { $0.id }
        case .due:
            // Tickets without an open deadline go last either way round.
            let none = (desc ? Date.distantPast : Date.distantFuture).timeIntervalSinceReferenceDate
            sortByKey(&rowIndices, desc) { $0.has(.next) ? $0.next : none }
        case .priority:
            let rank = labels.map { DashboardState.priorityRank($0) }
            sortByKey(&rowIndices, desc) { rank[Int($0.priority)] }
        case .status: sortByLabel(&rowIndices, desc) { $0.status }
        case .company: sortByLabel(&rowIndices, desc) { $0.company }
        case .assignee: sortByLabel(&rowIndices, desc) { $0.assignee }
        case .title: sortByTitle(&rowIndices, desc)
        }
    }

    /// By a key read from the row.
    /// (Equal keys in row order: the rows are put in that order first, then sorted stably by
    /// key; descending is ascending by the inverted key, so ties still go by row.)
    private func sortByKey<K: RadixKey>(_ rowIndices: inout [Int], _ desc: Bool, _ key: (Row) -> K) {
        var inRowOrder = true
        for i in rowIndices.indices.dropFirst() where rowIndices[i - 1] > rowIndices[i] {
            inRowOrder = false
            break
        }
        if !inRowOrder { rowIndices.sort() }
        let keys = rows.withUnsafeBufferPointer { rs in
            rowIndices.map { desc ? ~key(rs[$0]).radixBits : key(rs[$0]).radixBits }
        }
        rowIndices = RadixSort.order(keys: keys, rows: rowIndices.map { Int32($0) }).map { Int($0) }
    }

    /// By a label: each distinct label lowercased and ranked once (as `String`s, so two spellings
    /// `String` holds equal share the first one's rank), the rows by rank.
    private func sortByLabel(_ rowIndices: inout [Int], _ desc: Bool, _ field: (Row) -> UInt32) {
        var rankOf = [Int](repeating: -1, count: labels.count)
        var index: [String: Int] = [:]
        var distinct: [[UInt8]] = []
        for i in rowIndices {
            let l = Int(field(rows[i]))
            guard rankOf[l] < 0 else { continue }
            if let k = index[labels[l]] {
                rankOf[l] = k
            } else {
                index[labels[l]] = distinct.count
                rankOf[l] = distinct.count
                distinct.append(Array(labels[l].lowercased().utf8))
            }
        }
        let rank = Self.ranks(distinct)
        sortByKey(&rowIndices, desc) { rank[rankOf[Int(field($0))]] }
    }

    /// Rank of each text: equal texts the same rank, in byte order.
    private static func ranks(_ distinct: [[UInt8]]) -> [Int] {
        let byText = distinct.indices.sorted { distinct[$0].lexicographicallyPrecedes(distinct[$1]) }
        var rank = [Int](repeating: 0, count: distinct.count)
        for (n, i) in byText.enumerated() where n > 0 {
            let prev = byText[n - 1]
            rank[i] = distinct[i] == distinct[prev] ? rank[prev] : n
        }
        return rank
    }

    /// By title, case-insensitively, in the bytes of the lowercased text: an ASCII title is folded
    /// as it is compared (its first 24 folded bytes are the first keys); the others are lowercased
    /// once each (as `String`s: two spellings `String` holds equal take the first's).
    private func sortByTitle(_ rowIndices: inout [Int], _ desc: Bool) {
        struct Key {
            /// The first 24 folded bytes, 8 a number (equal titles compare as three numbers).
            var p0: UInt64, p1: UInt64, p2: UInt64
            var row: Int32
            /// The text: in `bytes` (an ASCII title), else in `lowered`.
            var start: UInt32, count: UInt32
            var isLowered: Bool
        }
        var lowered: [UInt8] = []
        var loweredIndex: [String: Span] = [:]
        var keys: [Key] = []
        keys.reserveCapacity(rowIndices.count)
        bytes.withUnsafeBufferPointer { bs in
            for i in rowIndices {
                let sp = rows[i].title
                let hay = UnsafeBufferPointer(rebasing: bs[Int(sp.start)..<Int(sp.start + sp.count)])
                if hay.allSatisfy({ $0 < 0x80 }) {
                    let p = Self.prefixes(hay.lazy.map(TicketFilter.fold))
                    keys.append(
                        Key(
                            p0: p.0, p1: p.1, p2: p.2, row: Int32(i), start: sp.start, count: sp.count, isLowered: false
                        ))
                } else {
                    let s = String(decoding: hay, as: UTF8.self)
                    let low: Span
                    if let known = loweredIndex[s] {
                        low = known
                    } else {
                        let start = lowered.count
                        lowered.append(contentsOf: s.lowercased().utf8)
                        low = Span(start: UInt32(start), count: UInt32(lowered.count - start))
                        loweredIndex[s] = low
                    }
                    let p = Self.prefixes(lowered[Int(low.start)..<Int(low.start + low.count)])
                    keys.append(
                        Key(
                            p0: p.0, p1: p.1, p2: p.2, row: Int32(i), start: low.start, count: low.count,
                            isLowered: true))
                }
            }
            lowered.withUnsafeBufferPointer { ls in
                /// -1, 0, 1: a's text before, equal to, after b's. (Folding leaves lowercased bytes as they are.)
                func compare(_ a: Key, _ b: Key) -> Int {
                    if a.p0 != b.p0 { return a.p0 < b.p0 ? -1 : 1 }
                    if a.p1 != b.p1 { return a.p1 < b.p1 ? -1 : 1 }
                    if a.p2 != b.p2 { return a.p2 < b.p2 ? -1 : 1 }
                    let x = a.isLowered ? ls : bs, y = b.isLowered ? ls : bs
                    let n = Int(Swift.min(a.count, b.count))
                    var j = 24
                    while j < n {
                        let p = TicketFilter.fold(x[Int(a.start) + j]), q = TicketFilter.fold(y[Int(b.start) + j])
                        if p != q { return p < q ? -1 : 1 }
                        j += 1
                    }
                    return a.count == b.count ? 0 : a.count < b.count ? -1 : 1
                }
                keys.sort { a, b in
                    let c = compare(a, b)
                    if c != 0 { return desc ? c > 0 : c < 0 }
                    return a.row < b.row
                }
            }
        }
        rowIndices = keys.map { Int($0.row) }
    }

    /// The first 24 bytes as three big-endian numbers (shorter: zeros after).
    private static func prefixes<C: Sequence>(_ b: C) -> (UInt64, UInt64, UInt64) where C.Element == UInt8 {
        var v: (UInt64, UInt64, UInt64) = (0, 0, 0), n = 0
        for x in b {
            guard n < 24 else { break }
            let shift = UInt64(8 * (7 - n % 8))
            switch n / 8 {
            case 0: v.0 |= UInt64(x) << shift
            case 1: v.1 |= UInt64(x) << shift
            default: v.2 |= UInt64(x) << shift
            }
            n += 1
        }
        return v
    }
}
