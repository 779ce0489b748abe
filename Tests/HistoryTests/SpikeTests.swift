import Foundation
import GRDB
import Testing

@testable import History

@Suite("Spikes: found, attributed (ours by command, or others), kept")
struct SpikeTests {
    /// Four hours: the others steady at 20 a minute and the dashboard at 5; a `tickets --all` of
    /// 200 a minute for 12 minutes from m0 + 65, and a burst of the others of 200 a minute for 12
    /// minutes from m0 + 130. A reading at the start of every minute (the rolling hour before it).
    static func world() -> (readings: [QuotaReading], ours: [MinuteCount]) {
        let m0 = t0.epochMinute
        var ours: [MinuteCount] = []
        var all: [Int64: Int] = [:]
        for m in (m0 - 120)..<(m0 + 240) {
            var k: [ProcessKind: Int] = [.dashboard: 5]
            if m >= m0 + 65 && m < m0 + 77 { k[.tickets] = 200 }
            ours.append(MinuteCount(minute: m, byKind: k))
            let others = m >= m0 + 130 && m < m0 + 142 ? 220 : 20
            all[m] = others + k.values.reduce(0, +)
        }
        let readings = ((m0 - 60)...(m0 + 239)).map { m in
            reading(Date(timeIntervalSince1970: Double(m + 1) * 60), ((m - 59)...m).reduce(0) { $0 + (all[$1] ?? 25) })
        }
        return (readings, ours)
    }

    @Test("A burst our own tickets run explains is ours (tickets); the others' burst is theirs")
    func attributed() throws {
        let w = Self.world()
        let m0 = t0.epochMinute
        let r = HistoryReport.rowsFor(
            tenant: "acme", readings: w.readings, ours: w.ours, events: [], from: t0, to: t0 + 4 * 3600,
            bucket: .hour, timeZone: .gmt)
        #expect(r.spikes.count == 2, "\(r.spikes)")
        let mine = try #require(r.spikes.first)
        #expect(mine.whose == "ours (tickets)" && !mine.isOthers)
        #expect(mine.start == m0 + 65 && mine.minutes == 12 && mine.size == 2_400, "\(mine)")
        #expect(mine.perMinute == Array(repeating: 200, count: 12))
        #expect(mine.text(timeZone: .gmt) == "ours (tickets) +2,400 in 12 min from 02:05")
        let theirs = try #require(r.spikes.last)
        #expect(theirs.isOthers && theirs.start == m0 + 130 && theirs.minutes == 12, "\(theirs)")
        // The others' minutes are estimates: the smoothing of a run this short (see
        // `Attribution.smooth`) spreads a burst's edges by a few requests a minute.
        #expect(abs(theirs.size - 2_400) <= 480, "\(theirs)")
        #expect(theirs.text(timeZone: .gmt).hasPrefix("others +"))
        #expect(theirs.text(timeZone: .gmt).hasSuffix(" in 12 min from 03:10"))
    }

    @Test("A burst both sent: whose explains more of it (ours by kind must explain half)")
    func mixed() {
        let m0 = t0.epochMinute
        let n = 240
        var ours = OursSeries(base: m0, minutes: n)
        var values = [Double](repeating: 20, count: n)
        for i in 0..<n { ours.add(minute: m0 + Int64(i), kind: ProcessKind.dashboard.index, 5) }
        // Minutes 100..<110: others +150 a minute, tickets +100 and status +40 a minute.
        for i in 100..<110 {
            values[i] += 150
            ours.add(minute: m0 + Int64(i), kind: ProcessKind.tickets.index, 100)
            ours.add(minute: m0 + Int64(i), kind: ProcessKind.status.index, 40)
        }
        let others = OthersSeries(base: m0, values: values, known: [Bool](repeating: true, count: n))
        let found = Attribution.spikes(
            others: others, ours: ours, from: m0, to: m0 + Int64(n), floor: 40, minSize: 100)
        #expect(
            found == [Spike(start: m0 + 100, minutes: 10, size: 1_500, perMinute: Array(repeating: 170, count: 10))])
        // Ours larger than the others' share: ours, both kinds, the bigger first.
        for i in 100..<110 { values[i] -= 100 }
        let second = Attribution.spikes(
            others: OthersSeries(base: m0, values: values, known: others.known), ours: ours, from: m0,
            to: m0 + Int64(n), floor: 40, minSize: 100)
        #expect(second.map(\.whose) == ["ours (tickets, status)"])
        #expect(second.first?.size == 1_400 && second.first?.perMinute == Array(repeating: 140, count: 10))
    }

    @Test("Kept: a spike found again as it grows replaces the one it overlaps; retention drops old ones")
    func kept() throws {
        let s = try HistoryStore(path: tempStorePath())
        let m0 = t0.epochMinute
        var b = HistoryBatch()
        b.spikes[tenantA] = [Spike(start: m0 + 5, minutes: 4, size: 800, perMinute: [200, 200, 200, 200])]
        b.spikes[tenantB] = [
            Spike(start: m0 + 5, minutes: 3, size: 300, whose: "ours (tickets)", perMinute: [1, 2, 3])
        ]
        try s.write(b)
        var grown = HistoryBatch()
        grown.spikes[tenantA] = [
            Spike(start: m0 + 4, minutes: 12, size: 2_800, perMinute: Array(repeating: 233, count: 12)),
            Spike(start: m0 + 300, minutes: 5, size: 600, perMinute: [120, 120, 120, 120, 120]),
        ]
        try s.write(grown)
        let a = try s.spikes(tenantA, from: t0, to: t0 + 86_400)
        #expect(a == grown.spikes[tenantA]!)
        #expect(a[0].text(timeZone: .gmt) == "others +2,800 in 12 min from 01:04")
        #expect(try s.spikes(tenantB, from: t0, to: t0 + 86_400) == b.spikes[tenantB]!)
        try s.prune(before: t0 + 3600, maxBytes: .max)
        #expect(try s.spikes(tenantA, from: t0, to: t0 + 86_400).map(\.start) == [m0 + 300])
        #expect(try s.spikes(tenantB, from: t0, to: t0 + 86_400).isEmpty)
    }

    @Test("The store's dense path (summed in SQL, read by cursor) gives the rows the records give")
    func densePath() throws {
        let w = Self.world()
        let s = try HistoryStore(path: tempStorePath(), process: "one")
        let other = try HistoryStore(path: s.path, process: "two")
        var b = HistoryBatch(), c = HistoryBatch()
        b.readings = w.readings
        for m in w.ours {
            for (k, n) in m.byKind {
                // Split between two processes: the series sums them.
                b.requests[RequestKey(tenant: tenantA, minute: m.minute, kind: k)] = n - n / 2
                if n / 2 > 0 { c.requests[RequestKey(tenant: tenantA, minute: m.minute, kind: k)] = n / 2 }
            }
        }
        try s.write(b)
        try other.write(c)
        let from = t0 - 7200, to = t0 + 4 * 3600 + 60
        let series = try s.oursSeries(tenantA, from: from, to: to)
        #expect(series == OursSeries(w.ours, from: from.epochMinute, to: to.epochMinute))
        let readings = try s.readings(tenantA, from: from, to: to)
        #expect(readings == w.readings)
        let dense = HistoryReport.rowsFor(
            tenant: "acme", readings: readings, ours: series, events: [], from: t0, to: to, bucket: .hour,
            timeZone: .gmt)
        let records = HistoryReport.rowsFor(
            tenant: "acme", readings: w.readings, ours: w.ours, events: [], from: t0, to: to, bucket: .hour,
            timeZone: .gmt)
        #expect(dense.rows == records.rows && dense.spikes == records.spikes)
        #expect(dense.rows.count == 5 && dense.spikes.count == 2)
    }
}
