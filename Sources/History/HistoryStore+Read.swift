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
            try Row.fetchAll(
                db,
                sql: """
                    SELECT at, count, lim, timeframe, tier, source FROM reading
                    WHERE tenant = ? AND at >= ? AND at < ? ORDER BY at
                    """, arguments: [tenant.hex, from.timeIntervalSince1970, to.timeIntervalSince1970]
            ).map {
                // By position (the SELECT's order): a name look-up per cell costs more than the row.
                QuotaReading(
                    tenant: tenant, at: Date(timeIntervalSince1970: $0[0]), count: $0[1], limit: $0[2],
                    timeframeMinutes: $0[3], tier: $0[4], source: ReadingSource(rawValue: $0[5]) ?? .server)
            }
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

    private func reading<T>(_ body: (Database) throws -> T) throws(HistoryFault) -> T {
        do { return try db.read(body) } catch { throw HistoryFault.from(error, path: path) }
    }
}
