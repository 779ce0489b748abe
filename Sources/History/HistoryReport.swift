import Foundation

/// `psatop history`'s rows: per minute, hour or day, like Autotask's "API Activity by Hour".
public struct HistoryRow: Sendable, Equatable, Codable {
    public var tenant: String
    /// The bucket's start (UTC, ISO 8601 in JSON and CSV).
    public var start: Date
    /// The highest count read in the bucket (nil: no reading).
    public var peak: Int?
    /// `peak` as a percentage of the limit, when both are known.
    public var peakPercent: Double?
    public var limit: Int?
    /// Our requests (every psatop process on the host), and by kind.
    public var ours: Int
    public var oursByKind: [String: Int]
    /// The others' requests, estimated (nil where the server reports no count: Atera, HaloPSA).
    public var others: Int?
    /// Minutes in each latency tier ("0", "1", "2", "3").
    public var tierMinutes: [String: Int]
    public var throttled: Int
    public var suspensions: Int

    enum CodingKeys: String, CodingKey {
        case tenant, start, peak, peakPercent = "peak_percent", limit, ours, oursByKind = "ours_by_kind", others
        case tierMinutes = "tier_minutes", throttled = "429s", suspensions
    }
}

public enum Bucket: String, Sendable, CaseIterable {
    case minute, hour, day
    public var minutes: Int64 {
        switch self {
        case .minute: 1
        case .hour: 60
        case .day: 1440
        }
    }
}

public struct HistoryReport: Sendable {
    public var rows: [HistoryRow]
    public var spikes: [(tenant: String, spike: Spike)]

    /// Rows for each tenant in `[from, to)`, buckets aligned in `timeZone`.
    public static func build(
        store: HistoryStore, tenants: [TenantInfo], from: Date, to: Date, by bucket: Bucket,
        timeZone: TimeZone = .current
    ) throws(HistoryFault) -> HistoryReport {
        var rows: [HistoryRow] = []
        var spikes: [(String, Spike)] = []
        for t in tenants {
            let w = 120.0 * 60  // a window of readings before `from` seeds the attribution
            let readings = try store.readings(t.key, from: from.addingTimeInterval(-w), to: to)
            let ours = try store.requests(t.key, from: from.addingTimeInterval(-w), to: to)
            let events = try store.events(t.key, from: from, to: to)
            let r = rowsFor(
                tenant: t.name, readings: readings, ours: ours, events: events, from: from, to: to, bucket: bucket,
                timeZone: timeZone)
            rows += r.rows
            spikes += r.spikes.map { (t.name, $0) }
        }
        return HistoryReport(rows: rows, spikes: spikes)
    }

    /// One bucket while the rows are counted (arrays, not a row of dictionaries per minute).
    struct Acc {
        var peak: Int?
        var limit: Int?
        var ours = 0
        var byKind = [Int](repeating: 0, count: ProcessKind.allCases.count)
        var others: Double?
        var tiers = [Int](repeating: 0, count: 4)
        var throttled = 0, suspensions = 0
        var used = false
    }

    /// The pure part: rows from what the store holds.
    public static func rowsFor(
        tenant: String, readings: [QuotaReading], ours: [MinuteCount], events: [HistoryEvent], from: Date, to: Date,
        bucket: Bucket, timeZone: TimeZone
    ) -> (rows: [HistoryRow], spikes: [Spike]) {
        let lo = from.epochMinute, hi = to.epochMinute
        guard hi > lo else { return ([], []) }
        let offset = Int64(timeZone.secondsFromGMT(for: from) / 60)
        let size = bucket.minutes
        func key(_ m: Int64) -> Int64 { Attribution.floorDiv(m + offset, size) * size - offset }
        let first = key(lo)
        let count = Int((key(hi - 1) - first) / size) + 1
        func slot(_ m: Int64) -> Int { Int((key(m) - first) / size) }
        var acc = [Acc](repeating: Acc(), count: count)
        let perMinute = Attribution.othersPerMinute(readings: readings, ours: ours).filter {
            $0.key >= lo && $0.key < hi
        }
        let kinds = ProcessKind.allCases
        // Each minute's tier is the last reading's at or before it.
        var tier: Int? = nil
        var next = 0
        if let firstReading = readings.first?.at.epochMinute {
            for m in min(firstReading, lo)..<hi {
                while next < readings.count, readings[next].at.epochMinute <= m {
                    let r = readings[next]
                    tier = max(0, min(3, r.tier))
                    if m >= lo, r.at < to {
                        let i = slot(m)
                        acc[i].peak = max(acc[i].peak ?? 0, r.count)
                        acc[i].limit = r.limit ?? acc[i].limit
                        acc[i].used = true
                    }
                    next += 1
                }
                if m >= lo, let t = tier {
                    let i = slot(m)
                    acc[i].tiers[t] += 1
                    acc[i].used = true
                }
            }
        }
        for m in ours where m.minute >= lo && m.minute < hi {
            let i = slot(m.minute)
            acc[i].ours += m.total
            for (k, n) in m.byKind { acc[i].byKind[kinds.firstIndex(of: k)!] += n }
            acc[i].used = true
        }
        for (m, v) in perMinute {
            let i = slot(m)
            acc[i].others = (acc[i].others ?? 0) + v
            acc[i].used = true
        }
        for e in events where e.at.epochMinute >= lo && e.at.epochMinute < hi {
            let i = slot(e.at.epochMinute)
            if e.kind == .throttled { acc[i].throttled += 1 }
            if e.kind == .suspended { acc[i].suspensions += 1 }
            acc[i].used = true
        }
        var rows: [HistoryRow] = []
        for (i, a) in acc.enumerated() where a.used {
            var byKind: [String: Int] = [:]
            for (k, kind) in kinds.enumerated() where a.byKind[k] > 0 { byKind[kind.rawValue] = a.byKind[k] }
            var tiers: [String: Int] = [:]
            for (t, n) in a.tiers.enumerated() where n > 0 { tiers[String(t)] = n }
            var percent: Double? = nil
            if let l = a.limit, l > 0, let p = a.peak { percent = (Double(p) * 1000 / Double(l)).rounded() / 10 }
            rows.append(
                HistoryRow(
                    tenant: tenant, start: Date(timeIntervalSince1970: Double(first + Int64(i) * size) * 60),
                    peak: a.peak, peakPercent: percent, limit: a.limit, ours: a.ours, oursByKind: byKind,
                    others: a.others.map { max(0, Int($0.rounded())) }, tierMinutes: tiers, throttled: a.throttled,
                    suspensions: a.suspensions))
        }
        let limit = readings.last(where: { $0.limit != nil })?.limit ?? 0
        let w = Double(readings.last?.timeframeMinutes ?? 60)
        let spikes = Attribution.spikes(
            perMinute, floor: max(5, Double(limit) / w * 0.25), minSize: max(50, limit / 50))
        return (rows, spikes)
    }
}
