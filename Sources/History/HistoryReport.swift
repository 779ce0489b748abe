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

    /// The pure part: rows from what the store holds.
    public static func rowsFor(
        tenant: String, readings: [QuotaReading], ours: [MinuteCount], events: [HistoryEvent], from: Date, to: Date,
        bucket: Bucket, timeZone: TimeZone
    ) -> (rows: [HistoryRow], spikes: [Spike]) {
        let lo = from.epochMinute, hi = to.epochMinute
        let offset = Int64(timeZone.secondsFromGMT(for: from) / 60)
        let size = bucket.minutes
        func key(_ m: Int64) -> Int64 { Attribution.floorDiv(m + offset, size) * size - offset }
        let perMinute = Attribution.othersPerMinute(readings: readings, ours: ours).filter {
            $0.key >= lo && $0.key < hi
        }
        var rows: [Int64: HistoryRow] = [:]
        func row(_ b: Int64) -> HistoryRow {
            rows[b]
                ?? HistoryRow(
                    tenant: tenant, start: Date(timeIntervalSince1970: Double(b) * 60), peak: nil, peakPercent: nil,
                    limit: nil, ours: 0, oursByKind: [:], others: nil, tierMinutes: [:], throttled: 0, suspensions: 0)
        }
        // Each minute's tier is the last reading's at or before it (within the bucket range).
        var tierAt: [Int64: Int] = [:]
        for r in readings where r.at < to {
            let m = r.at.epochMinute
            if m >= lo {
                var x = row(key(m))
                x.peak = max(x.peak ?? 0, r.count)
                x.limit = r.limit ?? x.limit
                if let l = x.limit, l > 0, let p = x.peak {
                    x.peakPercent = (Double(p) * 1000 / Double(l)).rounded() / 10
                }
                rows[key(m)] = x
            }
            tierAt[m] = r.tier
        }
        if let first = readings.first?.at.epochMinute {
            var tier: Int? = nil
            for m in min(first, lo)..<hi {
                if let t = tierAt[m] { tier = t }
                guard m >= lo, let t = tier else { continue }
                rows[key(m)] = row(key(m))
                rows[key(m)]!.tierMinutes[String(t), default: 0] += 1
            }
        }
        for m in ours where m.minute >= lo && m.minute < hi {
            var x = row(key(m.minute))
            x.ours += m.total
            for (k, n) in m.byKind { x.oursByKind[k.rawValue, default: 0] += n }
            rows[key(m.minute)] = x
        }
        for (b, v) in Attribution.sum(perMinute, bucketMinutes: size, offsetMinutes: offset) {
            var x = row(b)
            x.others = max(0, Int(v.rounded()))
            rows[b] = x
        }
        for e in events {
            let b = key(e.at.epochMinute)
            var x = row(b)
            if e.kind == .throttled { x.throttled += 1 }
            if e.kind == .suspended { x.suspensions += 1 }
            rows[b] = x
        }
        let limit = readings.last(where: { $0.limit != nil })?.limit ?? 0
        let w = Double(readings.last?.timeframeMinutes ?? 60)
        let spikes = Attribution.spikes(
            perMinute, floor: max(5, Double(limit) / w * 0.25), minSize: max(50, limit / 50))
        return (rows.keys.sorted().map { rows[$0]! }, spikes)
    }
}
