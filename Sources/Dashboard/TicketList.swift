import Foundation
import PSACore

/// The loaded tickets as the list keeps them: one small plain row per ticket (no reference
/// counted field), the labels every ticket repeats (status, priority, company, assignee, e-mail)
/// stored once in a table and named by number, numbers and titles as bytes in one buffer, SLA
/// stages in one pool. What the list filters and sorts on is read from the rows without making a
/// `Ticket`; `list[i]` makes one (the list's copy: no description or extra fields, which the
/// detail view loads). About a third of the memory `[Ticket]` took.
public struct TicketList: RandomAccessCollection, Equatable, Sendable, ExpressibleByArrayLiteral {
    /// A text in `bytes`.
    struct Span: Sendable {
        var start: UInt32
        var count: UInt32
    }
    struct Row: Sendable {
        var id: Int64
        var created: Double
        var lastActivity: Double
        var due: Double
        /// The SLA's nearest deadline of a stage not met (`SLA.nextDeadline`), if `has(.next)`.
        var next: Double
        var assigneeID: Int64
        var number: Span
        var title: Span
        var status: UInt32, priority: UInt32, company: UInt32, assignee: UInt32, email: UInt32
        var slaStart: UInt32
        var slaCount: UInt16
        var flags: UInt16
        func has(_ f: Flag) -> Bool { flags & f.rawValue != 0 }
    }
    struct Flag: OptionSet {
        let rawValue: UInt16
        static let created = Flag(rawValue: 1), lastActivity = Flag(rawValue: 2), due = Flag(rawValue: 4)
        static let sla = Flag(rawValue: 8), next = Flag(rawValue: 16), assigneeID = Flag(rawValue: 32)
        static let email = Flag(rawValue: 64), saysMetKnown = Flag(rawValue: 128), saysMet = Flag(rawValue: 256)
    }
    struct Stage: Sendable {
        var due: Double
        var met: Double
        var kind: UInt8
        var isMet: Bool
    }

    private(set) var rows: [Row] = []
    /// Numbers and titles, as UTF-8, one after the other (a replaced ticket's old bytes stay until
    /// `garbage` outgrows what is live, then the buffer is written again).
    private(set) var bytes: [UInt8] = []
    /// The repeated labels, each once; `labels[0]` is "".
    private(set) var labels: [String] = [""]
    private var labelIndex: [ExactText: UInt32] = [ExactText(""): 0]
    private(set) var stages: [Stage] = []
    private var garbage = 0, stageGarbage = 0

    public init() {}
    public init<S: Sequence>(_ tickets: S) where S.Element == Ticket {
        for t in tickets { append(t) }
    }
    public init(arrayLiteral tickets: Ticket...) { self.init(tickets) }

    public var startIndex: Int { 0 }
    public var endIndex: Int { rows.count }
    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }

    /// The list's copy of ticket `i` (made on the spot: for the rows drawn, not for a scan).
    public subscript(i: Int) -> Ticket {
        let r = rows[i]
        var t = Ticket(id: r.id, number: "", title: "", status: "", priority: "")
        t.number = text(r.number)
        t.title = text(r.title)
        t.status = labels[Int(r.status)]
        t.priority = labels[Int(r.priority)]
        t.company = labels[Int(r.company)]
        t.assignee = labels[Int(r.assignee)]
        t.created = r.has(.created) ? Date(timeIntervalSinceReferenceDate: r.created) : nil
        t.lastActivity = r.has(.lastActivity) ? Date(timeIntervalSinceReferenceDate: r.lastActivity) : nil
        t.due = r.has(.due) ? Date(timeIntervalSinceReferenceDate: r.due) : nil
        t.assigneeID = r.has(.assigneeID) ? r.assigneeID : nil
        t.assigneeEmail = r.has(.email) ? labels[Int(r.email)] : nil
        t.sla = sla(r)
        return t
    }

    public func id(at i: Int) -> Int64 { rows[i].id }
    /// Every ticket's id, in order, without making the tickets.
    var ids: LazyMapSequence<[Row], Int64> { rows.lazy.map(\.id) }
    /// The index of ticket `id` (a scan of the rows' ids).
    public func index(ofID id: Int64) -> Int? { rows.firstIndex { $0.id == id } }
    /// Ticket `i`'s nearest open SLA deadline (`sla?.nextDeadline`), without making the ticket.
    public func nextDeadline(at i: Int) -> Date? {
        rows[i].has(.next) ? Date(timeIntervalSinceReferenceDate: rows[i].next) : nil
    }

    public mutating func reserveCapacity(_ n: Int) { rows.reserveCapacity(n) }
    var capacity: Int { rows.capacity }

    /// Elements copied to grow a buffer (rows, bytes, stages): what a doubling holds twice for a moment.
    public private(set) var grownCopies = 0

    public mutating func append(_ t: Ticket) {
        let before = (rows.capacity, bytes.capacity, stages.capacity, rows.count, bytes.count, stages.count)
        growBuffers()
        rows.append(row(t))
        if rows.capacity != before.0 { grownCopies += before.3 }
        if bytes.capacity != before.1 { grownCopies += before.4 }
        if stages.capacity != before.2 { grownCopies += before.5 }
    }

    /// With room for more rows reserved (a long walk's total), the byte and stage buffers grow
    /// once to what those rows will take at the size per row so far, rather than by doubling
    /// (which holds the old and the new copy for a moment: the peak memory of a long walk).
    /// The estimate is made from the first rows, so it is generous (a quarter more): room
    /// reserved and not written costs address space, not memory, while growing again near the
    /// end copies the whole buffer (a 100,000-ticket walk's stages, 6 MB, at its last page).
    private mutating func growBuffers() {
        guard rows.count >= 64, rows.capacity > rows.count else { return }
        func want(_ used: Int, _ capacity: Int) -> Int? {
            guard capacity - used < 256 else { return nil }
            let w = Int(Double(used) / Double(rows.count) * Double(rows.capacity) * 1.25) + 256
            return w > capacity ? w : nil
        }
        if let w = want(bytes.count, bytes.capacity) { bytes.reserveCapacity(w) }
        if let w = want(stages.count, stages.capacity) { stages.reserveCapacity(w) }
    }
    public mutating func append<S: Sequence>(contentsOf ts: S) where S.Element == Ticket {
        for t in ts { append(t) }
    }
    public mutating func removeAll() { self = TicketList() }

    /// Ticket `i` replaced: its texts and stages written anew (the old ones left as garbage, the
    /// buffers written again once the garbage is the larger part).
    public mutating func replace(at i: Int, with t: Ticket) {
        let old = rows[i]
        garbage += Int(old.number.count + old.title.count)
        stageGarbage += Int(old.slaCount)
        rows[i] = row(t)
        if garbage > 4_096 && garbage > bytes.count / 2 { compactBytes() }
        if stageGarbage > 1_024 && stageGarbage > stages.count / 2 { compactStages() }
    }

    /// The first `n` rows dropped and `front` put in their place; of the rest, only those `keep` says.
    mutating func replaceFront(_ n: Int, with front: [Ticket], keeping keep: (Int64) -> Bool) {
        var out = TicketList()
        out.reserveCapacity(front.count + rows.count - n)
        out.labels = labels
        out.labelIndex = labelIndex
        for t in front { out.append(t) }
        for i in n..<rows.count where keep(rows[i].id) { out.copyRow(rows[i], from: self) }
        self = out
    }

    private mutating func copyRow(_ r: Row, from other: TicketList) {
        var r = r
        r.number = store(other.slice(r.number))
        r.title = store(other.slice(r.title))
        let start = stages.count
        stages.append(contentsOf: other.stages[Int(r.slaStart)..<Int(r.slaStart) + Int(r.slaCount)])
        r.slaStart = UInt32(start)
        rows.append(r)
    }

    // MARK: - storing

    private mutating func row(_ t: Ticket) -> Row {
        var f: Flag = []
        func date(_ d: Date?, _ flag: Flag) -> Double {
            guard let d else { return 0 }
            f.insert(flag)
            return d.timeIntervalSinceReferenceDate
        }
        var r = Row(
            id: t.id, created: date(t.created, .created), lastActivity: date(t.lastActivity, .lastActivity),
            due: date(t.due, .due), next: date(t.sla?.nextDeadline, .next), assigneeID: t.assigneeID ?? 0,
            number: store(t.number), title: store(t.title), status: label(t.status), priority: label(t.priority),
            company: label(t.company), assignee: label(t.assignee), email: t.assigneeEmail.map { label($0) } ?? 0,
            slaStart: UInt32(stages.count), slaCount: 0, flags: 0)
        if t.assigneeID != nil { f.insert(.assigneeID) }
        if t.assigneeEmail != nil { f.insert(.email) }
        if let sla = t.sla {
            f.insert(.sla)
            if let m = sla.vendorSaysMet { f.formUnion(m ? [.saysMetKnown, .saysMet] : .saysMetKnown) }
            for s in sla.stages.prefix(Int(UInt16.max)) {
                stages.append(
                    Stage(
                        due: s.due.timeIntervalSinceReferenceDate, met: s.met?.timeIntervalSinceReferenceDate ?? 0,
                        kind: UInt8(SLAStage.Kind.allCases.firstIndex(of: s.kind) ?? 0), isMet: s.met != nil))
            }
            r.slaCount = UInt16(Swift.min(sla.stages.count, Int(UInt16.max)))
        }
        r.flags = f.rawValue
        return r
    }

    private mutating func store(_ s: String) -> Span {
        var s = s
        return s.withUTF8 { store($0) }
    }
    private mutating func store<C: Collection>(_ b: C) -> Span where C.Element == UInt8 {
        let start = bytes.count
        bytes.append(contentsOf: b)
        return Span(start: UInt32(start), count: UInt32(bytes.count - start))
    }

    private mutating func label(_ s: String) -> UInt32 {
        let key = ExactText(s)
        if let i = labelIndex[key] { return i }
        let i = UInt32(labels.count)
        labels.append(s)
        labelIndex[key] = i
        return i
    }

    private mutating func compactBytes() {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count - garbage)
        for i in rows.indices {
            for keyPath in [\Row.number, \Row.title] {
                let sp = rows[i][keyPath: keyPath]
                let start = out.count
                out.append(contentsOf: slice(sp))
                rows[i][keyPath: keyPath] = Span(start: UInt32(start), count: sp.count)
            }
        }
        bytes = out
        garbage = 0
    }

    private mutating func compactStages() {
        var out: [Stage] = []
        out.reserveCapacity(stages.count - stageGarbage)
        for i in rows.indices {
            let r = rows[i]
            let start = out.count
            out.append(contentsOf: stages[Int(r.slaStart)..<Int(r.slaStart) + Int(r.slaCount)])
            rows[i].slaStart = UInt32(start)
        }
        stages = out
        stageGarbage = 0
    }

    // MARK: - reading

    func slice(_ sp: Span) -> ArraySlice<UInt8> { bytes[Int(sp.start)..<Int(sp.start + sp.count)] }
    func text(_ sp: Span) -> String { String(decoding: slice(sp), as: UTF8.self) }

    func sla(_ r: Row) -> SLA? {
        guard r.has(.sla) else { return nil }
        let kinds = SLAStage.Kind.allCases
        let list = stages[Int(r.slaStart)..<Int(r.slaStart) + Int(r.slaCount)].map {
            SLAStage(
                kinds[Int($0.kind)], due: Date(timeIntervalSinceReferenceDate: $0.due),
                met: $0.isMet ? Date(timeIntervalSinceReferenceDate: $0.met) : nil)
        }
        let saysMet: Bool? = r.has(.saysMetKnown) ? r.has(.saysMet) : nil
        // (A decoded SLA may hold no stage, which `SLA.init` refuses: made with one, then emptied.)
        guard var sla = SLA(stages: list.isEmpty ? [SLAStage(.resolved, due: .distantPast)] : list) else { return nil }
        sla.stages = list
        sla.vendorSaysMet = saysMet
        return sla
    }

    public static func == (a: TicketList, b: TicketList) -> Bool {
        guard a.count == b.count else { return false }
        return a.indices.allSatisfy { a[$0] == b[$0] }
    }
}

/// A string compared and hashed by its bytes (not by canonical equivalence, as `String` is): a
/// label comes back exactly as the server sent it.
struct ExactText: Hashable, Sendable {
    let s: String
    init(_ s: String) { self.s = s }
    static func == (a: ExactText, b: ExactText) -> Bool { a.s.utf8.elementsEqual(b.s.utf8) }
    func hash(into h: inout Hasher) {
        var s = s
        s.withUTF8 { h.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
