import Foundation
import GRDB

/// The store's schema, migrated from the first version on. A store whose schema is newer than
/// this psatop knows is refused by name (`HistoryFault.newer`), never migrated down or overwritten.
enum HistorySchema {
    /// The schema this psatop writes; `meta.schema` holds the one the store was last migrated to.
    static let version = 2

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                    CREATE TABLE tenant(
                        key TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, vendor TEXT NOT NULL);
                    CREATE TABLE reading(
                        tenant TEXT NOT NULL, at REAL NOT NULL, count INTEGER NOT NULL, lim INTEGER,
                        timeframe INTEGER NOT NULL, tier INTEGER NOT NULL, source TEXT NOT NULL);
                    CREATE INDEX reading_tenant_at ON reading(tenant, at);
                    CREATE TABLE requests(
                        tenant TEXT NOT NULL, minute INTEGER NOT NULL, kind TEXT NOT NULL,
                        process TEXT NOT NULL, n INTEGER NOT NULL,
                        PRIMARY KEY(tenant, minute, kind, process)) WITHOUT ROWID;
                    CREATE TABLE event(
                        tenant TEXT NOT NULL, at REAL NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL);
                    CREATE INDEX event_tenant_at ON event(tenant, at);
                    """)
        }
        // v2: the spikes found are kept (start, length, size, whose, and their minutes).
        m.registerMigration("v2") { db in
            try db.execute(
                sql: """
                    CREATE TABLE spike(
                        tenant TEXT NOT NULL, start INTEGER NOT NULL, minutes INTEGER NOT NULL,
                        size INTEGER NOT NULL, whose TEXT NOT NULL, per_minute TEXT NOT NULL,
                        PRIMARY KEY(tenant, start)) WITHOUT ROWID;
                    """)
        }
        return m
    }

    /// Refuses a store a newer psatop wrote, then migrates an older (or new) one to `version`.
    static func prepare(_ db: DatabaseQueue, path: String) throws {
        let m = migrator
        try db.read { db in
            if let newest = try newerSchema(db), newest > version {
                throw HistoryFault.newer(schema: newest, known: version)
            }
            if try m.hasBeenSuperseded(db) {
                throw HistoryFault.newer(schema: version + 1, known: version)
            }
        }
        // Nothing is written when the store is already current (a full disk still opens it).
        let current = try db.read { db in
            try !m.hasSchemaChanges(db) && newerSchema(db) == version
        }
        guard !current else { return }
        try m.migrate(db)
        try db.write { db in
            try db.execute(
                sql:
                    "INSERT INTO meta(key, value) VALUES('schema', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [String(version)])
        }
    }

    /// The schema recorded in `meta`, when there is one.
    private static func newerSchema(_ db: Database) throws -> Int? {
        guard try db.tableExists("meta") else { return nil }
        return try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'schema'").flatMap { Int($0) }
    }
}
