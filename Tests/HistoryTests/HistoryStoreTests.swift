import Foundation
import GRDB
import Testing

@testable import History

/// A fresh folder under the temporary directory for one test's store.
func tempStorePath(_ name: String = #function) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
        "psatop-history-\(UUID().uuidString)", isDirectory: true)
    return dir.appendingPathComponent("state/psatop/history.sqlite").path
}

let tenantA = TenantKey(parts: ["autotask", "CODE-A", "api@a.example"])
let tenantB = TenantKey(parts: ["autotask", "CODE-B", "api@b.example"])
let t0 = Date(timeIntervalSince1970: 1_796_000_400)  // a whole hour

func reading(_ at: Date, _ count: Int, tenant: TenantKey = tenantA, limit: Int = 10_000) -> QuotaReading {
    QuotaReading(tenant: tenant, at: at, count: count, limit: limit, timeframeMinutes: 60, tier: 0, source: .server)
}

@Suite("History store: file, schema, faults, retention")
struct HistoryStoreTests {
    @Test("SHA-256 matches the FIPS 180-4 examples; the tenant key never holds the secret")
    func sha() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        let long = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(SHA256.hex(Array(long.utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        let k = TenantKey(parts: ["autotask", "CODE", "user@x", "s3cret-value"])
        #expect(k.hex.count == 16 && !k.hex.contains("s3cret"))
        #expect(k == TenantKey(parts: ["autotask", "CODE", "user@x", "s3cret-value"]))
        #expect(k != TenantKey(parts: ["autotask", "CODE2", "user@x", "s3cret-value"]))
    }

    @Test("A new store: folder 0700, file 0600, WAL, the current schema, what is written reads back")
    func create() throws {
        let path = tempStorePath()
        let store = try HistoryStore(path: path)
        let fm = FileManager.default
        let dirMode = try fm.attributesOfItem(atPath: (path as NSString).deletingLastPathComponent)[.posixPermissions]
        let fileMode = try fm.attributesOfItem(atPath: path)[.posixPermissions]
        #expect((dirMode as? NSNumber)?.intValue == 0o700)
        #expect((fileMode as? NSNumber)?.intValue == 0o600)
        let mode = try store.db.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        var b = HistoryBatch()
        b.tenants = [TenantInfo(key: tenantA, name: "acme", vendor: "Autotask")]
        b.readings = [reading(t0, 1_200)]
        b.requests = [RequestKey(tenant: tenantA, minute: t0.epochMinute, kind: .tickets): 7]
        b.events = [HistoryEvent(tenant: tenantA, at: t0, kind: .throttled, detail: "429")]
        try store.write(b)
        try store.write(b)
        #expect(try store.tenants().map(\.name) == ["acme"])
        #expect(try store.readings(tenantA, from: t0, to: t0 + 60).map(\.count) == [1_200, 1_200])
        #expect(
            try store.requests(tenantA, from: t0, to: t0 + 60) == [
                MinuteCount(minute: t0.epochMinute, byKind: [.tickets: 14])
            ])
        #expect(try store.events(tenantA, from: t0, to: t0 + 60).count == 2)
        #expect(try store.readings(tenantB, from: t0, to: t0 + 60).isEmpty)
    }

    @Test("Reopening migrates nothing twice and keeps the data; the schema is recorded")
    func reopen() throws {
        let path = tempStorePath()
        do {
            let s = try HistoryStore(path: path)
            var b = HistoryBatch()
            b.readings = [reading(t0, 5)]
            try s.write(b)
        }
        let s = try HistoryStore(path: path)
        #expect(try s.readings(tenantA, from: t0, to: t0 + 1).count == 1)
        let (schema, applied) = try s.db.read { db in
            (
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'"),
                try HistorySchema.migrator.appliedIdentifiers(db)
            )
        }
        #expect(schema == "2")
        #expect(applied == ["v1", "v2"])
    }

    @Test("A store the first schema wrote is migrated to keep spikes, its data kept")
    func fromV1() throws {
        let path = tempStorePath()
        try HistoryStore.makeFile(path)
        // What a psatop of schema 1 left: its migration applied, its schema recorded, a reading.
        do {
            let q = try DatabaseQueue(path: path)
            try HistorySchema.migrator.migrate(q, upTo: "v1")
            try q.write { db in
                try db.execute(sql: "INSERT INTO meta(key, value) VALUES('schema', '1')")
                try db.execute(
                    sql:
                        "INSERT INTO reading(tenant, at, count, lim, timeframe, tier, source) VALUES(?, ?, 7, 10000, 60, 0, 'server')",
                    arguments: [tenantA.hex, t0.timeIntervalSince1970])
            }
            #expect(try q.read { try $0.tableExists("spike") } == false)
        }
        let s = try HistoryStore(path: path)
        #expect(try s.readings(tenantA, from: t0, to: t0 + 1).map(\.count) == [7])
        var b = HistoryBatch()
        b.spikes[tenantA] = [Spike(start: t0.epochMinute, minutes: 2, size: 90, perMinute: [50, 40])]
        try s.write(b)
        #expect(try s.spikes(tenantA, from: t0, to: t0 + 60) == b.spikes[tenantA]!)
        let (schema, applied) = try s.db.read { db in
            (
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'"),
                try HistorySchema.migrator.appliedIdentifiers(db)
            )
        }
        #expect(schema == "2" && applied == ["v1", "v2"])
    }

    @Test("A store a newer psatop wrote is refused by name and left as it was")
    func newerRefused() throws {
        let path = tempStorePath()
        _ = try HistoryStore(path: path)
        // What a psatop with schema 3 leaves: its migration applied, its schema recorded.
        do {
            let q = try DatabaseQueue(path: path)
            try q.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES('v3')")
                try db.execute(sql: "UPDATE meta SET value = '3' WHERE key = 'schema'")
            }
            try q.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        }
        #expect(throws: HistoryFault.newer(schema: 3, known: 2)) { try HistoryStore(path: path) }
        #expect(throws: HistoryFault.newer(schema: 3, known: 2)) {
            var o = HistoryStore.Options()
            o.readOnly = true
            return try HistoryStore(path: path, options: o)
        }
        // Left as the newer psatop wrote it: its schema, its migration, nothing migrated down.
        let (schema, applied) = try DatabaseQueue(path: path).read { db in
            (
                try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'"),
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            )
        }
        #expect(schema == "3" && applied == ["v1", "v2", "v3"])
        #expect(HistoryFault.newer(schema: 2, known: 1).description.contains("newer psatop"))
    }

    @Test("A file that is not a database: history off, the file is not replaced")
    func corrupt() throws {
        let path = tempStorePath()
        try HistoryStore.makeFile(path)
        let junk = Data(repeating: 0x5A, count: 8192)
        try junk.write(to: URL(fileURLWithPath: path))
        #expect(throws: HistoryFault.corrupt(path)) { try HistoryStore(path: path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == junk)
    }

    @Test("A read-only store refuses writes as read-only")
    func readOnly() throws {
        let path = tempStorePath()
        _ = try HistoryStore(path: path)
        var o = HistoryStore.Options()
        o.readOnly = true
        let ro = try HistoryStore(path: path, options: o)
        var b = HistoryBatch()
        b.readings = [reading(t0, 1)]
        #expect(throws: HistoryFault.readOnly(path)) { try ro.write(b) }
        #expect(try ro.readings(tenantA, from: t0, to: t0 + 1).isEmpty)
    }

    @Test("A folder that cannot be written (not root): read-only, said by path")
    func readOnlyFolder() throws {
        guard getuid() != 0 else { return }  // root writes anywhere: the Options.readOnly test covers the error path
        let path = tempStorePath()
        let dir = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o500], ofItemAtPath: dir)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir) }
        #expect(throws: HistoryFault.readOnly(path)) { try HistoryStore(path: path) }
    }

    @Test("A full store (SQLite's page limit) is a full fault, and what was written stays")
    func full() throws {
        let path = tempStorePath()
        _ = try HistoryStore(path: path)
        var o = HistoryStore.Options()
        o.maxPageCount = 20
        let s = try HistoryStore(path: path, options: o)
        var b = HistoryBatch()
        b.readings = (0..<20_000).map { reading(t0 + Double($0), $0) }
        #expect(throws: HistoryFault.full) { try s.write(b) }
        var small = HistoryBatch()
        small.readings = [reading(t0, 1)]
        try s.write(small)
        #expect(try s.readings(tenantA, from: t0, to: t0 + 1).count == 1)
    }

    @Test("Locked by another process: a locked fault, the write waits no longer than the busy timeout")
    func locked() throws {
        let path = tempStorePath()
        let s = try HistoryStore(path: path)
        let other = try DatabaseQueue(path: path)
        var b = HistoryBatch()
        b.readings = [reading(t0, 1)]
        try other.inDatabase { db in
            try db.execute(sql: "BEGIN EXCLUSIVE")
            try db.execute(sql: "INSERT INTO meta(key, value) VALUES('x', 'y')")
            #expect(throws: HistoryFault.locked) { try s.write(b) }
            try db.execute(sql: "COMMIT")
        }
        try s.write(b)
        #expect(try s.readings(tenantA, from: t0, to: t0 + 1).count == 1)
    }

    @Test("Retention drops what is older than the cutoff; the size bound drops the oldest days")
    func retention() throws {
        let path = tempStorePath()
        let s = try HistoryStore(path: path)
        var b = HistoryBatch()
        for day in 0..<40 {
            let at = t0 + Double(day) * 86_400
            b.readings.append(reading(at, day))
            b.requests[RequestKey(tenant: tenantA, minute: at.epochMinute, kind: .dashboard)] = day + 1
            b.events.append(HistoryEvent(tenant: tenantA, at: at, kind: .throttled, detail: ""))
        }
        try s.write(b)
        let end = t0 + 40 * 86_400
        try s.prune(before: end - 35 * 86_400, maxBytes: .max)
        let left = try s.readings(tenantA, from: t0 - 1, to: end)
        #expect(left.map(\.count) == Array(5..<40))
        #expect(try s.requests(tenantA, from: t0 - 1, to: end).count == 35)
        #expect(try s.events(tenantA, from: t0 - 1, to: end).count == 35)
        // Fill with many readings, then bound the size below what they take.
        var big = HistoryBatch()
        big.readings = (0..<30_000).map { reading(t0 + 5 * 86_400 + Double($0) * 100, $0) }
        try s.write(big)
        let before = try s.usedBytes()
        try s.prune(before: t0, maxBytes: before / 2)
        #expect(try s.usedBytes() <= before / 2)
        let kept = try s.readings(tenantA, from: t0 - 1, to: end + 86_400 * 40)
        #expect(!kept.isEmpty)
        // The oldest went first: what is left is the newest run, without a hole.
        #expect(kept.last?.count == 29_999)
    }

    @Test("Two writers at once (two connections, as two processes): every request counted, each sees the other's")
    func twoWriters() async throws {
        let path = tempStorePath()
        let a = try HistoryStore(path: path, process: "A", options: Self.patient)
        let b = try HistoryStore(path: path, process: "B", options: Self.patient)
        let minute = t0.epochMinute
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (store, kind) in [(a, ProcessKind.dashboard), (b, ProcessKind.tickets)] {
                group.addTask {
                    for i in 0..<200 {
                        var batch = HistoryBatch()
                        batch.requests = [RequestKey(tenant: tenantA, minute: minute + Int64(i % 3), kind: kind): 2]
                        batch.readings = [reading(t0 + Double(i), i)]
                        try store.write(batch)
                    }
                }
            }
            try await group.waitForAll()
        }
        let all = try a.requests(tenantA, from: t0, to: t0 + 180)
        #expect(all.reduce(0) { $0 + ($1.byKind[.dashboard] ?? 0) } == 400)
        #expect(all.reduce(0) { $0 + ($1.byKind[.tickets] ?? 0) } == 400)
        let seenByA = try a.requests(tenantA, from: t0, to: t0 + 180, excluding: "A")
        #expect(seenByA.allSatisfy { $0.byKind[.dashboard] == nil })
        #expect(seenByA.reduce(0) { $0 + $1.total } == 400)
        #expect(try b.readings(tenantA, from: t0, to: t0 + 400).count == 400)
    }

    static var patient: HistoryStore.Options {
        var o = HistoryStore.Options()
        o.busyTimeout = 10
        return o
    }
}
