import Foundation
import Testing

@testable import History

@Suite("psatop history: rows, JSON, CSV, table")
struct HistoryReportTests {
    /// Three hours of a steady tenant: others 1,200 an hour (20 a minute), ours 5 a minute of the
    /// dashboard and 10 of tickets in the second hour; readings every 5 minutes, exact.
    static func world() -> (readings: [QuotaReading], ours: [MinuteCount], events: [HistoryEvent]) {
        var ours: [MinuteCount] = []
        var perMinute: [Int64: Int] = [:]
        let m0 = t0.epochMinute
        for m in (m0 - 120)..<(m0 + 180) {
            var k: [ProcessKind: Int] = [:]
            if m >= m0 { k[.dashboard] = 5 }
            if m >= m0 + 60 && m < m0 + 120 { k[.tickets] = 10 }
            if !k.isEmpty { ours.append(MinuteCount(minute: m, byKind: k)) }
            perMinute[m] = 20 + k.values.reduce(0, +)
        }
        var readings: [QuotaReading] = []
        for m in stride(from: m0 - 60, through: m0 + 180, by: 5) {
            // The rolling hour ending with minute m (read at the start of m + 1).
            let count = ((m - 59)...m).reduce(0) { $0 + (perMinute[$1] ?? 20) }
            readings.append(reading(Date(timeIntervalSince1970: Double(m + 1) * 60), count))
        }
        let events = [HistoryEvent(tenant: tenantA, at: t0 + 3_700, kind: .throttled, detail: "429")]
        return (readings, ours, events)
    }

    @Test("Per hour: peak, ours by kind, others exact for a steady load, 429s counted")
    func hourly() {
        let w = Self.world()
        let r = HistoryReport.rowsFor(
            tenant: "acme", readings: w.readings, ours: w.ours, events: w.events, from: t0, to: t0 + 3 * 3600,
            bucket: .hour, timeZone: .gmt)
        #expect(r.rows.map(\.start) == [t0, t0 + 3600, t0 + 7200])
        #expect(r.rows.map(\.ours) == [300, 900, 300])
        #expect(r.rows[1].oursByKind == ["dashboard": 300, "tickets": 600])
        #expect(r.rows.map(\.others) == [1_200, 1_200, 1_200])
        #expect(r.rows.map(\.throttled) == [0, 1, 0])
        #expect(r.rows[1].peak == 2_060)
        #expect(r.rows[1].peakPercent == 20.6)
        #expect(r.rows[0].tierMinutes["0"] == 60)
        #expect(r.spikes.isEmpty)
    }

    @Test("Per day and per minute add up to the same others")
    func buckets() {
        let w = Self.world()
        let day = HistoryReport.rowsFor(
            tenant: "acme", readings: w.readings, ours: w.ours, events: [], from: t0, to: t0 + 3 * 3600, bucket: .day,
            timeZone: .gmt)
        let minute = HistoryReport.rowsFor(
            tenant: "acme", readings: w.readings, ours: w.ours, events: [], from: t0, to: t0 + 3 * 3600,
            bucket: .minute, timeZone: .gmt)
        #expect(day.rows.count == 1)
        #expect(day.rows[0].others == 3_600)
        #expect(minute.rows.count == 180)
        #expect(minute.rows.compactMap(\.others).reduce(0, +) == 3_600)
    }

    @Test("Atera-like readings (our own count): others is unknown, not zero")
    func perKey() {
        var rs = [reading(t0, 10)]
        rs[0].source = .ours
        let r = HistoryReport.rowsFor(
            tenant: "rmm", readings: rs, ours: [MinuteCount(minute: t0.epochMinute, byKind: [.dashboard: 10])],
            events: [], from: t0, to: t0 + 60, bucket: .minute, timeZone: .gmt)
        #expect(r.rows.count == 1 && r.rows[0].others == nil && r.rows[0].ours == 10)
    }

    @Test("JSON rows carry tenant, start, peak, ours, others; CSV has its header and one line a row")
    func formats() throws {
        let w = Self.world()
        let rows = HistoryReport.rowsFor(
            tenant: "acme, inc", readings: w.readings, ours: w.ours, events: [], from: t0, to: t0 + 3600,
            bucket: .hour, timeZone: .gmt)
        let report = HistoryReport(rows: rows.rows, spikes: [])
        let json = try #require(try JSONSerialization.jsonObject(with: report.json()) as? [[String: Any]])
        #expect(json.count == 1)
        for key in ["tenant", "start", "peak", "ours", "others"] { #expect(json[0][key] != nil, "\(key)") }
        #expect(json[0]["start"] as? String == "2026-11-30T01:00:00Z")
        let csv = report.csv().split(separator: "\r\n").map(String.init)
        #expect(csv[0] == HistoryReport.csvHeader)
        #expect(csv.count == 2)
        #expect(csv[1].hasPrefix("\"acme, inc\",2026-11-30T01:00:00Z,"))
        let table = report.table(bucket: .hour, timeZone: .gmt)
        #expect(table.contains("2026-11-30 01:00") && table.contains("1200"))
    }

    @Test(
        "The table's dates by arithmetic are the calendar's, across DST changes and time zones",
        arguments: ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"])
    func localTime(zone: String) throws {
        let tz = try #require(TimeZone(identifier: zone))
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        var local = LocalTime(tz)
        // Every 37 minutes over two years (both DST changes of each), then back to the start (a
        // second tenant's rows), and a few dates long before 1970.
        let dates =
            stride(from: 0.0, to: 2 * 365 * 86_400, by: 37 * 60).map { t0.addingTimeInterval($0) }
            + [t0, t0 + 3_600, Date(timeIntervalSince1970: -86_400 * 800 - 61), Date(timeIntervalSince1970: 0)]
        for d in dates {
            let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: d)
            let p = local.parts(d)
            let got: [Int?] = [p.year, p.month, p.day, p.hour, p.minute]
            #expect(got == [c.year, c.month, c.day, c.hour, c.minute], "\(zone) \(d)")
        }
        #expect(pad(7, 2) == "07" && pad(2026, 4) == "2026" && pad(12345, 4) == "12345")
    }

    @Test("--since accepts m, h, d, w and nothing else")
    func since() {
        #expect(HistoryReport.parseSince("90m") == 5_400)
        #expect(HistoryReport.parseSince("24h") == 86_400)
        #expect(HistoryReport.parseSince("35d") == 3_024_000.0)
        #expect(HistoryReport.parseSince("2w") == 1_209_600.0)
        for bad in ["", "h", "-1h", "3y", "abc", "0d"] { #expect(HistoryReport.parseSince(bad) == nil, "\(bad)") }
    }

    @Test("A spike of others is found with its start, length and size")
    func spike() {
        let m0 = t0.epochMinute
        var perMinute: [Int64: Double] = [:]
        for m in m0..<(m0 + 180) { perMinute[m] = 20 }
        for m in (m0 + 65)..<(m0 + 77) { perMinute[m] = 20 + 2_400.0 / 12 }
        let spikes = Attribution.spikes(perMinute, floor: 5, minSize: 100)
        #expect(
            spikes == [Spike(start: m0 + 65, minutes: 12, size: 2_400, perMinute: Array(repeating: 220, count: 12))])
        #expect(spikes[0].text(timeZone: .gmt) == "others +2,400 in 12 min from 02:05")
    }
}
