import Foundation
import Synchronization

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

    public init(rows: [HistoryRow], spikes: [(tenant: String, spike: Spike)]) {
        self.rows = rows
        self.spikes = spikes
    }

    /// Rows for each tenant in `[from, to)`, buckets aligned in `timeZone`. Tenants are read and
    /// counted at once, each on a connection of its own (WAL readers do not wait for each other).
    public static func build(
        store: HistoryStore, tenants: [TenantInfo], from: Date, to: Date, by bucket: Bucket,
        timeZone: TimeZone = .current
    ) throws(HistoryFault) -> HistoryReport {
        typealias Part = (rows: [HistoryRow], spikes: [Spike])
        @Sendable func part(_ i: Int) -> Result<Part, HistoryFault> {
            Result { () throws(HistoryFault) -> Part in
                var o = HistoryStore.Options()
                o.readOnly = true
                let s = i == 0 ? store : try HistoryStore(path: store.path, process: store.process, options: o)
                let lead = from.addingTimeInterval(-120.0 * 60)  // readings before `from` seed the attribution
                let key = tenants[i].key
                return rowsFor(
                    tenant: tenants[i].name, readings: try s.readings(key, from: lead, to: to),
                    ours: try s.oursSeries(key, from: lead, to: to), events: try s.events(key, from: from, to: to),
                    from: from, to: to, bucket: bucket, timeZone: timeZone)
            }
        }
        var done: [Int: Result<Part, HistoryFault>] = [:]
        if tenants.count > 1 {
            let parts = Mutex([Int: Result<Part, HistoryFault>]())
            DispatchQueue.concurrentPerform(iterations: tenants.count) { i in
                let r = part(i)
                parts.withLock { $0[i] = r }
            }
            done = parts.withLock { $0 }
        } else if !tenants.isEmpty {
            done[0] = part(0)
        }
        var rows: [HistoryRow] = []
        var spikes: [(String, Spike)] = []
        for i in tenants.indices {
            let part = try done[i]!.get()
            rows += part.rows
            spikes += part.spikes.map { (tenants[i].name, $0) }
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
        let minutes = ours.map(\.minute)
        let lo = minutes.min() ?? from.epochMinute, hi = (minutes.max() ?? lo) + 1
        return rowsFor(
            tenant: tenant, readings: readings, ours: OursSeries(ours, from: lo, to: hi), events: events, from: from,
            to: to, bucket: bucket, timeZone: timeZone)
    }

    /// The same from our requests as dense arrays (the store's `oursSeries`).
    public static func rowsFor(
        tenant: String, readings: [QuotaReading], ours: OursSeries, events: [HistoryEvent], from: Date, to: Date,
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
        let others = Attribution.othersSeries(readings: readings, ours: ours)
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
        let oursLo = max(0, Int(lo - ours.base)), oursHi = max(oursLo, min(ours.count, Int(hi - ours.base)))
        for j in oursLo..<oursHi where ours.total[j] > 0 {
            let i = slot(ours.base + Int64(j))
            acc[i].ours += ours.total[j]
            for k in kinds.indices { acc[i].byKind[k] += ours.byKind[k][j] }
            acc[i].used = true
        }
        let othersLo = max(0, Int(lo - others.base))
        let othersHi = max(othersLo, min(others.values.count, Int(hi - others.base)))
        for j in othersLo..<othersHi where others.known[j] {
            let i = slot(others.base + Int64(j))
            acc[i].others = (acc[i].others ?? 0) + others.values[j]
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
        let spikes = Attribution.spikes(readings: readings, others: others, ours: ours, from: lo, to: hi)
        return (rows, spikes)
    }
}
