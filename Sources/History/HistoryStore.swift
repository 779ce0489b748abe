import Foundation
import GRDB

/// What one flush writes, in one transaction.
public struct HistoryBatch: Sendable, Equatable {
    public var tenants: [TenantInfo] = []
    public var readings: [QuotaReading] = []
    /// Requests per (tenant, minute, kind) from this process.
    public var requests: [RequestKey: Int] = [:]
    public var events: [HistoryEvent] = []
    /// Spikes found, per tenant: each replaces the tenant's kept spikes it overlaps (a spike
    /// found again as it grows, or with its start moved by a minute, is kept once).
    public var spikes: [TenantKey: [Spike]] = [:]
    public init() {}
    public var isEmpty: Bool {
        tenants.isEmpty && readings.isEmpty && requests.isEmpty && events.isEmpty && spikes.isEmpty
    }
}

/// One row of the requests table from one process.
public struct RequestKey: Sendable, Hashable {
    public var tenant: TenantKey
    public var minute: Int64
    public var kind: ProcessKind
    public init(tenant: TenantKey, minute: Int64, kind: ProcessKind) {
        self.tenant = tenant
        self.minute = minute
        self.kind = kind
    }
}

/// The quota history on disk: SQLite (through GRDB) in WAL mode, so several psatop processes
/// write and read it at once. Every call throws a `HistoryFault`; none of them waits long for a lock.
public final class HistoryStore: Sendable {
    public let path: String
    /// This process in the `requests` table: its rows are told apart from the other processes'.
    public let process: String
    let db: DatabaseQueue

    public struct Options: Sendable {
        /// How long a write waits for another process's lock before it is a `locked` fault.
        public var busyTimeout: Double = 0.25
        /// Opens the store for reading only (`psatop history`).
        public var readOnly = false
        /// SQLite's page limit: a write past it fails as a full disk would (tests).
        public var maxPageCount: Int? = nil
        public init() {}
    }

    /// `$XDG_STATE_HOME/psatop/history.sqlite`, else `~/.local/state/psatop/history.sqlite`.
    public static func defaultPath(environment env: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base =
            env["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? "~") + "/.local/state")
        return base + "/psatop/history.sqlite"
    }

    /// Opens (creating the folder 0700 and the file 0600 when missing) and migrates the store.
    public init(path: String, process: String = UUID().uuidString, options: Options = Options()) throws(HistoryFault) {
        self.path = path
        self.process = process
        do {
            if !options.readOnly { try Self.makeFile(path) }
            var config = Configuration()
            config.journalMode = options.readOnly ? .default : .wal
            config.busyMode = .timeout(options.busyTimeout)
            config.readonly = options.readOnly
            config.label = "psatop-history"
            if let pages = options.maxPageCount {
                config.prepareDatabase { db in try db.execute(sql: "PRAGMA max_page_count = \(pages)") }
            }
            db = try DatabaseQueue(path: path, configuration: config)
            if options.readOnly {
                try db.read { db in
                    if let v = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'").flatMap({
                        Int($0)
                    }), v > HistorySchema.version {
                        throw HistoryFault.newer(schema: v, known: HistorySchema.version)
                    }
                }
            } else {
                try HistorySchema.prepare(db, path: path)
            }
        } catch {
            throw HistoryFault.from(error, path: path)
        }
    }

    /// The folder (0700) and an empty file (0600) before SQLite opens it, so it is never readable by others.
    static func makeFile(_ path: String) throws {
        let fm = FileManager.default
        let dir = (path as NSString).deletingLastPathComponent
        if !fm.fileExists(atPath: dir) {
            try fm.createDirectory(
                atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        if !fm.fileExists(atPath: path) {
            let fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0o600)
            if fd < 0 {
                if errno == EEXIST { return }
                throw HistoryFault.readOnly(path)
            }
            close(fd)
        }
    }

    /// Writes a batch in one transaction. Requests add to what other flushes of this process wrote.
    public func write(_ batch: HistoryBatch) throws(HistoryFault) {
        guard !batch.isEmpty else { return }
        do {
            try db.write { db in
                for t in batch.tenants {
                    try db.execute(
                        sql: """
                            INSERT INTO tenant(key, name, vendor) VALUES(?, ?, ?)
                            ON CONFLICT(key) DO UPDATE SET name = excluded.name, vendor = excluded.vendor
                            """, arguments: [t.key.hex, t.name, t.vendor])
                }
                let reading = try db.makeStatement(
                    sql:
                        "INSERT INTO reading(tenant, at, count, lim, timeframe, tier, source) VALUES(?, ?, ?, ?, ?, ?, ?)"
                )
                for r in batch.readings {
                    try reading.execute(arguments: [
                        r.tenant.hex, r.at.timeIntervalSince1970, r.count, r.limit, r.timeframeMinutes, r.tier,
                        r.source.rawValue,
                    ])
                }
                let request = try db.makeStatement(
                    sql: """
                        INSERT INTO requests(tenant, minute, kind, process, n) VALUES(?, ?, ?, ?, ?)
                        ON CONFLICT(tenant, minute, kind, process) DO UPDATE SET n = n + excluded.n
                        """)
                for (k, n) in batch.requests.sorted(by: { $0.key.minute < $1.key.minute }) {
                    try request.execute(arguments: [k.tenant.hex, k.minute, k.kind.rawValue, process, n])
                }
                let event = try db.makeStatement(sql: "INSERT INTO event(tenant, at, kind, detail) VALUES(?, ?, ?, ?)")
                for e in batch.events {
                    try event.execute(arguments: [e.tenant.hex, e.at.timeIntervalSince1970, e.kind.rawValue, e.detail])
                }
                for (tenant, spikes) in batch.spikes.sorted(by: { $0.key.hex < $1.key.hex }) {
                    for sp in spikes { try Self.keep(db, tenant, sp) }
                }
            }
        } catch {
            throw HistoryFault.from(error, path: path)
        }
    }

    static func keep(_ db: Database, _ tenant: TenantKey, _ sp: Spike) throws {
        try db.execute(
            sql: "DELETE FROM spike WHERE tenant = ? AND start < ? AND start + minutes > ?",
            arguments: [tenant.hex, sp.start + Int64(sp.minutes), sp.start])
        try db.execute(
            sql: "INSERT INTO spike(tenant, start, minutes, size, whose, per_minute) VALUES(?, ?, ?, ?, ?, ?)",
            arguments: [
                tenant.hex, sp.start, sp.minutes, sp.size, sp.whose,
                sp.perMinute.map(String.init).joined(separator: ","),
            ])
    }

    /// Drops everything older than `cutoff`, then the oldest days while the store holds more than `maxBytes`.
    /// Returns the rows removed.
    @discardableResult
    public func prune(before cutoff: Date, maxBytes: Int) throws(HistoryFault) -> Int {
        do {
            return try db.write { db in
                var removed = try Self.deleteBefore(db, cutoff)
                while try Self.usedBytes(db) > maxBytes {
                    guard let oldest = try Double.fetchOne(db, sql: "SELECT MIN(at) FROM reading") else { break }
                    let next = Date(timeIntervalSince1970: oldest + 86_400)
                    let n = try Self.deleteBefore(db, next)
                    removed += n
                    if n == 0 { break }
                }
                return removed
            }
        } catch {
            throw HistoryFault.from(error, path: path)
        }
    }

    private static func deleteBefore(_ db: Database, _ cutoff: Date) throws -> Int {
        let t = cutoff.timeIntervalSince1970
        try db.execute(sql: "DELETE FROM reading WHERE at < ?", arguments: [t])
        var n = db.changesCount
        try db.execute(sql: "DELETE FROM requests WHERE minute < ?", arguments: [cutoff.epochMinute])
        n += db.changesCount
        try db.execute(sql: "DELETE FROM event WHERE at < ?", arguments: [t])
        n += db.changesCount
        try db.execute(sql: "DELETE FROM spike WHERE start < ?", arguments: [cutoff.epochMinute])
        return n + db.changesCount
    }

    /// Bytes in use (pages that hold data; freed pages are reused by later writes).
    static func usedBytes(_ db: Database) throws -> Int {
        let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let size = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        return (pages - free) * size
    }

    /// Bytes the store holds now.
    public func usedBytes() throws(HistoryFault) -> Int {
        do { return try db.read { try Self.usedBytes($0) } } catch { throw HistoryFault.from(error, path: path) }
    }
}
