import Foundation
import PSACore
import Testing

@testable import Dashboard

/// The compact list (TicketList) against the plain tickets it was made from: the same tickets
/// back, the same rows kept by a filter as `TicketFilter.matches` keeps, the same order as a sort
/// by each ticket's own key.
@Suite("TicketList: compact rows give the same tickets, filters and orders")
struct TicketListScanTests {
    /// Tickets with every kind of value the list keeps: non-ASCII texts, missing dates, SLAs with
    /// and without stages met, an SLA without stages (as decoded), assignees by id, e-mail or name.
    static func varied(_ n: Int, _ rng: inout SeededGenerator) -> [Ticket] {
        let titles = [
            "Printer jam", "printer JAM", "VPN down", "Müller's laptop", "MÜLLER", "打印机故障", "🔥 fire", "",
            "Zeta", "\u{E9}clair", "ärger", "Very long title " + String(repeating: "x", count: 40),
        ]
        let labels = ["New", "In Progress", "Complete", "Ärger", "", "Waiting Customer", "critical", "High", "low"]
        let people = ["Dana Whitfield", "dana whitfield", "", "Jörg Ölund", "Sam Ortiz"]
        let emails: [String?] = [nil, "", "dana@msp.example", "DANA@MSP.EXAMPLE", "sam@msp.example"]
        return (0..<n).map { i in
            func pick<T>(_ a: [T]) -> T { a[Int.random(in: 0..<a.count, using: &rng)] }
            func date() -> Date? {
                Bool.random(using: &rng)
                    ? fixedNow.addingTimeInterval(Double(Int.random(in: -90_000...90_000, using: &rng))) : nil
            }
            var t = Ticket(
                id: Int64(i * 3 + 1), number: pick(["T2026.\(i)", "#\(i)", "Ä-\(i)"]), title: pick(titles),
                status: pick(labels), priority: pick(labels), company: pick(labels + ["Acme Dental Group"]),
                assignee: pick(people), created: date(), lastActivity: date(), due: date(),
                description: "dropped by the list", fields: [.init("Queue", "L1")])
            t.sla = randomSLA(&rng)
            if Int.random(in: 0..<10, using: &rng) == 0, var s = t.sla {
                s.stages = []
                t.sla = s
            }
            if var s = t.sla {
                s.vendorSaysMet = pick([nil, true, false])
                t.sla = s
            }
            if Bool.random(using: &rng) { t.assigneeID = Int64(Int.random(in: 1...3, using: &rng)) }
            t.assigneeEmail = pick(emails)
            return t
        }
    }

    static func listCopy(_ t: Ticket) -> Ticket {
        var c = t
        c.description = ""
        c.fields = []
        return c
    }

    @Test("each ticket comes back as the list's copy of it, also after replacements that rewrite the buffers")
    func roundTrip() {
        var rng = SeededGenerator(seed: 11)
        var plain = Self.varied(3_000, &rng).map(Self.listCopy)
        var list = TicketList(plain)
        #expect(Array(list) == plain)
        for _ in 0..<6_000 {
            let i = Int.random(in: 0..<plain.count, using: &rng)
            let t = Self.listCopy(Self.varied(1, &rng)[0])
            var u = t
            u.id = plain[i].id
            plain[i] = u
            list.replace(at: i, with: u)
        }
        #expect(Array(list) == plain)
        #expect(list.indices.allSatisfy { list.nextDeadline(at: $0) == plain[$0].sla?.nextDeadline })
    }

    @Test("a filter keeps exactly the tickets TicketFilter.matches keeps (texts, columns, -, due:, who:me)")
    func filterEqualsMatches() {
        var rng = SeededGenerator(seed: 12)
        let plain = Self.varied(2_000, &rng).map(Self.listCopy)
        let list = TicketList(plain)
        let texts = [
            "p", "printer", "PRINTER jam", "-printer", "müller", "MÜLLER", "打印", "🔥", "status:new", "st:prog",
            "prio:crit", "-prio:high", "company:acme", "co:ärger", "who:dana", "title:\"printer jam\"", "#2026",
            "number:ä-1", "due:overdue", "due:<2h", "due:>1d", "due:sla", "due:<x", "-due:overdue", "who:me",
            "who:me printer", "é", "eclair", "clair", "activity:x", "in progress", "t2026 -vpn", "low",
        ]
        let people: [Person?] = [
            nil, Person(id: 2, name: nil, email: "x@y"),
            Person(id: nil, name: "DANA WHITFIELD", email: "dana@msp.example"),
            Person(id: nil, name: nil, email: "Dana@MSP.example"),
            Person(id: 3, name: "Sam Ortiz", email: "sam@msp.example"),
        ]
        for text in texts {
            for me in people {
                let f = TicketFilter(text, now: fixedNow, me: me)
                let expected = plain.indices.filter { f.matches(plain[$0]) }
                #expect(list.matching(f, among: nil) == expected, "\(text) \(String(describing: me))")
                let some = plain.indices.filter { $0 % 3 != 0 }
                #expect(list.matching(f, among: some) == some.filter { f.matches(plain[$0]) }, "\(text)")
            }
        }
    }

    @Test("every sort gives the order of a sort by each ticket's own key (equal keys: the server's order)")
    func sortEqualsKeys() {
        var rng = SeededGenerator(seed: 13)
        let plain = Self.varied(2_500, &rng).map(Self.listCopy)
        let list = TicketList(plain)
        for column in SortColumn.allCases {
            for descending in [false, true] {
                let o = ListOrder(column: column, descending: descending)
                func ordered<K: Comparable>(_ key: (Ticket) -> K) -> [Int] {
                    plain.indices.sorted { a, b in
                        let x = key(plain[a]), y = key(plain[b])
                        if x != y { return descending ? x > y : x < y }
                        return a < b
                    }
                }
                let expected: [Int]
                switch column {
                case .activity: expected = ordered { $0.lastActivity ?? $0.created ?? .distantPast }
                case .priority: expected = ordered { DashboardState.priorityRank($0.priority) }
                case .number: expected = ordered { $0.id }
                case .due: expected = ordered { $0.sla?.nextDeadline ?? (descending ? .distantPast : .distantFuture) }
                case .title: expected = ordered { Array($0.title.lowercased().utf8).lexicographicKey }
                case .status: expected = ordered { Array($0.status.lowercased().utf8).lexicographicKey }
                case .company: expected = ordered { Array($0.company.lowercased().utf8).lexicographicKey }
                case .assignee: expected = ordered { Array($0.assignee.lowercased().utf8).lexicographicKey }
                }
                var rows = Array(list.indices)
                list.sort(&rows, o)
                #expect(rows == expected, "\(o)")
                var some = rows.filter { $0 % 4 != 1 }.shuffled(using: &rng)
                list.sort(&some, o)
                #expect(some == expected.filter { $0 % 4 != 1 }, "\(o), a part of the rows")
            }
        }
    }

    @Test("the list holds each repeated label once, not once per ticket")
    func labelsOnce() {
        var rng = SeededGenerator(seed: 14)
        let list = TicketList(workTickets(5_000, &rng))
        #expect(list.labels.count <= 4)  // "", "New", "High", "Acme"
        #expect(list.rows.count == 5_000)
    }

    /// Where the list's rows are stored: the same address after a change means no copy was made.
    static func rowsAddress(_ list: TicketList) -> UnsafeRawPointer? {
        list.rows.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    @Test("the old names lend the list in place, and a background tenant's event changes its list in place: no copy")
    func changedInPlace() throws {
        var rng = SeededGenerator(seed: 5)
        let plain = Self.varied(2_000, &rng).map(Self.listCopy)
        var s = DashboardState.multi([(vendor: .autotask, name: "a"), (vendor: .atera, name: "b")], now: fixedNow)
        s.tickets = TicketList(plain)
        var u = Self.listCopy(Self.varied(1, &rng)[0])
        u.id = plain[7].id
        u.title = "changed in place"
        // Through DashboardState.ticketStore (TenantFields.swift): the shown tenant's buffer.
        let shown = Self.rowsAddress(s.current.list.store)
        s.ticketStore.replace(at: 7, with: u)
        #expect(Self.rowsAddress(s.current.list.store) == shown)
        #expect(s.tickets[7] == u)

        // Tenant "a" waits in the background; a refresh there changes one of its tickets.
        s.switchTenant(to: 1)
        let waiting = Self.rowsAddress(try #require(s.background[0]).list.store)
        u.title = "changed in the background"
        _ = s.reduce(.tenant(0, .changed([u], at: fixedNow)))
        let after = try #require(s.background[0])
        #expect(after.list.store[7] == u)
        #expect(after.list.changedIDs == [u.id])
        #expect(Self.rowsAddress(after.list.store) == waiting)
    }
}

extension Array where Element == UInt8 {
    /// Byte order as a Comparable (what a text column sorts by).
    var lexicographicKey: ByteKey { ByteKey(bytes: self) }
}

struct ByteKey: Comparable {
    var bytes: [UInt8]
    static func < (a: ByteKey, b: ByteKey) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
