import Clocks
import Foundation
import GRDB
import PSACore
import Synchronization
import Testing

@testable import History

/// What a recorder said ("history off: …"), collected.
final class Said: Sendable {
    let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func say(_ s: String) { lines.withLock { $0.append(s) } }
}

@Suite("History recorder: batched, off the caller's path, faults said once", .timeLimit(.minutes(5)))
struct HistoryRecorderTests {
    func recorder(_ path: String, clock: TestClock<Duration>, said: Said, options: HistoryStore.Options = .init())
        -> HistoryRecorder
    {
        var s = HistoryRecorder.Settings(path: path, kind: .dashboard)
        s.flushEvery = .seconds(5)
        s.options = options
        return HistoryRecorder(settings: s, clock: PSAClock(clock, epoch: t0), process: "me") { said.say($0) }
    }

    @Test("Nothing is written until the flush interval passes on the clock; then one batch")
    func batched() async throws {
        let path = tempStorePath()
        let clock = TestClock<Duration>()
        let said = Said()
        let r = recorder(path, clock: clock, said: said)
        await r.start()
        await r.tenant(TenantInfo(key: tenantA, name: "acme", vendor: "Autotask"))
        for i in 0..<10 { await r.request(tenantA, at: t0 + Double(i)) }
        await r.reading(reading(t0, 100))
        #expect(await r.flushes == 0)
        #expect(!FileManager.default.fileExists(atPath: path))
        await clock.advance(by: .seconds(4))
        #expect(await r.flushes == 0)
        await clock.advance(by: .seconds(1))
        // The loop runs on its own task: wait for its flush (bounded, by yielding, not by time).
        for _ in 0..<100_000 where await r.flushes == 0 { await Task.yield() }
        #expect(await r.flushes == 1)
        let store = try HistoryStore(path: path, process: "reader")
        #expect(try store.requests(tenantA, from: t0, to: t0 + 60).map(\.total) == [10])
        #expect(try store.readings(tenantA, from: t0, to: t0 + 1).count == 1)
        #expect(try store.tenants().map(\.name) == ["acme"])
        await r.stop()
        #expect(said.all.isEmpty)
    }

    @Test("A store a newer psatop wrote: said once, nothing written, recording goes on quietly")
    func newerSaidOnce() async throws {
        let path = tempStorePath()
        _ = try HistoryStore(path: path)
        let q = try DatabaseQueue(path: path)
        try await q.write { try $0.execute(sql: "UPDATE meta SET value = '9' WHERE key = 'schema'") }
        let said = Said()
        let r = recorder(path, clock: TestClock(), said: said)
        for i in 0..<3 {
            await r.reading(reading(t0 + Double(i), i))
            await r.flush()
        }
        #expect(said.all == ["history off: \(HistoryFault.newer(schema: 9, known: HistorySchema.version))"])
        #expect(await r.offText?.hasPrefix("history off: the store was written by a newer psatop") == true)
        let rows = try await q.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM reading") }
        #expect(rows == 0)
    }

    @Test("A damaged file: said once; the file is left as it was")
    func corruptSaidOnce() async throws {
        let path = tempStorePath()
        try HistoryStore.makeFile(path)
        try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: path))
        let said = Said()
        let r = recorder(path, clock: TestClock(), said: said)
        await r.reading(reading(t0, 1))
        await r.flush()
        await r.flush()
        #expect(said.all.count == 1 && said.all[0].hasPrefix("history off: the store is damaged"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(repeating: 7, count: 4096))
    }

    /// A recorder that gives up on a lock after 50 ms.
    func impatientRecorder(_ path: String, said: Said) -> HistoryRecorder {
        var o = HistoryStore.Options()
        o.busyTimeout = 0.05
        return recorder(path, clock: TestClock(), said: said, options: o)
    }

    /// Another process's exclusive lock on the store, held across the test's awaits until the
    /// returned queue commits (GRDB allows that only when told).
    func otherProcessLock(_ path: String) async throws -> DatabaseQueue {
        var config = Configuration()
        config.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: path, configuration: config)
        try await other.writeWithoutTransaction { try $0.execute(sql: "BEGIN EXCLUSIVE") }
        return other
    }

    @Test("Locked: said once, the batch kept and written when the lock is gone")
    func lockedThenWritten() async throws {
        let path = tempStorePath()
        _ = try HistoryStore(path: path)
        let said = Said()
        let r = impatientRecorder(path, said: said)
        let other = try await otherProcessLock(path)
        await r.request(tenantA, at: t0, count: 3)
        await r.flush()
        await r.request(tenantA, at: t0, count: 2)
        await r.flush()
        #expect(said.all == ["history off: the store is locked by another process"])
        try await other.writeWithoutTransaction { try $0.execute(sql: "COMMIT") }
        await r.flush()
        #expect(await r.fault == nil)
        let store = try HistoryStore(path: path, process: "reader")
        #expect(try store.requests(tenantA, from: t0, to: t0 + 60).map(\.total) == [5])
    }

    @Test("Locked as the run ends: the last write waits for the lock instead of dropping the run's counts")
    func lockedAtStop() async throws {
        let path = tempStorePath()
        _ = try HistoryStore(path: path)
        let said = Said()
        let r = impatientRecorder(path, said: said)
        let other = try await otherProcessLock(path)
        await r.request(tenantA, at: t0, count: 7)
        // The other process lets go a moment after the stop began (real time: it is SQLite's
        // busy wait that is tested, not a clock of ours).
        let release = Task {
            try await Task.sleep(for: .milliseconds(300))
            try await other.writeWithoutTransaction { try $0.execute(sql: "COMMIT") }
        }
        await r.stop()
        try await release.value
        let store = try HistoryStore(path: path, process: "reader")
        #expect(try store.requests(tenantA, from: t0, to: t0 + 60).map(\.total) == [7])
    }

    @Test("A full disk: said once, later readings dropped, the caller never waits")
    func fullSaidOnce() async throws {
        let path = tempStorePath()
        _ = try HistoryStore(path: path)
        let said = Said()
        var o = HistoryStore.Options()
        o.maxPageCount = 10
        let r = recorder(path, clock: TestClock(), said: said, options: o)
        for i in 0..<20_000 { await r.reading(reading(t0 + Double(i), i)) }
        await r.flush()
        await r.reading(reading(t0, 1))
        await r.flush()
        #expect(said.all == ["history off: the disk is full"])
    }

    @Test("Ours from the other processes: their rows, not this process's own")
    func othersOurs() async throws {
        let path = tempStorePath()
        let other = try HistoryStore(path: path, process: "cron")
        var b = HistoryBatch()
        b.requests = [RequestKey(tenant: tenantA, minute: t0.epochMinute, kind: .tickets): 381]
        try other.write(b)
        let r = recorder(path, clock: TestClock(), said: Said())
        await r.request(tenantA, at: t0, count: 31)
        await r.flush()
        #expect(await r.othersOurs(tenantA, minutes: 60, now: t0 + 30) == [.tickets: 381])
    }
}
