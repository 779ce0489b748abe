import Foundation
import GRDB

extension HistoryStore {
    /// Every tenant the store knows, by name.
    public func tenants() throws(HistoryFault) -> [TenantInfo] {
        try reading { db in
            try Row.fetchAll(db, sql: "SELECT key, name, vendor FROM tenant ORDER BY name").map {
                TenantInfo(key: TenantKey(hex: $0["key"]), name: $0["name"], vendor: $0["vendor"])
            }
        }
    }

    /// The tenant's quota readings in `[from, to)`, oldest first.
    public func readings(_ tenant: TenantKey, from: Date, to: Date) throws(HistoryFault) -> [QuotaReading] {
        try reading { db in
            // A cursor over typed columns by position (the SELECT's order): a row array, a name
            // look-up per cell or a Codable record each cost more than the reading itself.
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT at, count, lim, timeframe, tier, source FROM reading
                    WHERE tenant = ? AND at >= ? AND at < ? ORDER BY at
                    """, arguments: [tenant.hex, from.timeIntervalSince1970, to.timeIntervalSince1970])
            var out: [QuotaReading] = []
            out.reserveCapacity(min(200_000, Int(max(0, to.timeIntervalSince(from)) / 60) + 1))
            while let row = try rows.next() {
                out.append(
                    QuotaReading(
                        tenant: tenant, at: Date(timeIntervalSince1970: row[0] as Double), count: row[1] as Int,
                        limit: row.hasNull(atIndex: 2) ? nil : row[2] as Int, timeframeMinutes: row[3] as Int,
                        tier: row[4] as Int, source: row[5] as String == "ours" ? .ours : .server))
            }
            return out
        }
    }

    /// Our requests per minute in `[from, to)` from every psatop process, by kind, in dense arrays.
    /// The rows are added up here, not in SQL: SQLite's GROUP BY (or a CASE a row) cost more than
    /// the scan, and a kind's name is a small string (read without an allocation).
    public func oursSeries(_ tenant: TenantKey, from: Date, to: Date) throws(HistoryFault) -> OursSeries {
        let lo = from.epochMinute, hi = to.epochMinute
        guard hi > lo else { return OursSeries(base: lo, minutes: 0) }
        return try reading { db in
            var out = OursSeries(base: lo, minutes: Int(hi - lo))
            let rows = try Row.fetchCursor(
                db, sql: "SELECT minute, kind, n FROM requests WHERE tenant = ? AND minute >= ? AND minute < ?",
                arguments: [tenant.hex, lo, hi])
            while let row = try rows.next() {
                guard let kind = ProcessKind(rawValue: row[1] as String) else { continue }
                out.add(minute: row[0] as Int64, kind: kind.index, row[2] as Int)
            }
            return out
        }
    }

    /// Our requests per minute in `[from, to)` from every psatop process (or all but `excluding`), by kind.
    public func requests(_ tenant: TenantKey, from: Date, to: Date, excluding: String? = nil) throws(HistoryFault)
        -> [MinuteCount]
    {
        try reading { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT minute, kind, SUM(n) AS n FROM requests
                    WHERE tenant = ? AND minute >= ? AND minute < ? AND process != ?
                    GROUP BY minute, kind ORDER BY minute
                    """, arguments: [tenant.hex, from.epochMinute, to.epochMinute, excluding ?? ""])
            var out: [MinuteCount] = []
            for row in rows {
                let minute: Int64 = row[0]
                guard let kind = ProcessKind(rawValue: row[1]) else { continue }
                if out.last?.minute != minute { out.append(MinuteCount(minute: minute, byKind: [:])) }
                out[out.count - 1].byKind[kind, default: 0] += row[2] as Int
            }
            return out
        }
    }

    /// The tenant's newest reading, if any.
    public func latestReading(_ tenant: TenantKey) throws(HistoryFault) -> Date? {
        try reading { db in
            try Double.fetchOne(db, sql: "SELECT MAX(at) FROM reading WHERE tenant = ?", arguments: [tenant.hex])
                .map { Date(timeIntervalSince1970: $0) }
        }
    }

    /// The tenant's events in `[from, to)`, oldest first.
    public func events(_ tenant: TenantKey, from: Date, to: Date) throws(HistoryFault) -> [HistoryEvent] {
        try reading { db in
            try Row.fetchAll(
                db,
                sql: "SELECT at, kind, detail FROM event WHERE tenant = ? AND at >= ? AND at < ? ORDER BY at",
                arguments: [tenant.hex, from.timeIntervalSince1970, to.timeIntervalSince1970]
            ).compactMap { row in
                HistoryEventKind(rawValue: row["kind"]).map {
                    HistoryEvent(
                        tenant: tenant, at: Date(timeIntervalSince1970: row["at"]), kind: $0, detail: row["detail"])
                }
            }
        }
    }

    /// The tenant's spikes that start in `[from, to)`, oldest first.
    public func spikes(_ tenant: TenantKey, from: Date, to: Date) throws(HistoryFault) -> [Spike] {
        try reading { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT start, minutes, size, whose, per_minute FROM spike
                    WHERE tenant = ? AND start >= ? AND start < ? ORDER BY start
                    """, arguments: [tenant.hex, from.epochMinute, to.epochMinute]
            ).map { row in
                Spike(
                    start: row[0], minutes: row[1], size: row[2], whose: row[3],
                    perMinute: (row[4] as String).split(separator: ",").compactMap { Int($0) })
            }
        }
    }

    private func reading<T>(_ body: (Database) throws -> T) throws(HistoryFault) -> T {
        do { return try db.read(body) } catch { throw HistoryFault.from(error, path: path) }
    }
}
