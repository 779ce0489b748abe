import Foundation
import PSAClient
import PSACore
import Simulator
import Synchronization
import Testing

@Suite("The id walk shared among thread slots", .timeLimit(.minutes(10)))
struct ParallelWalkTests {
    /// A server's ids (ascending) and what `id gt after [and id lte upTo]` with `pageSize` answers.
    struct IDServer {
        let ids: [Int64]
        let pageSize: Int
        func page(after: Int64, upTo: Int64?) -> [Int64] {
            var lo = 0, hi = ids.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if ids[mid] <= after { lo = mid + 1 } else { hi = mid }
            }
            let start = lo
            return Array(ids[start...].prefix { upTo == nil || $0 <= upTo! }.prefix(pageSize))
        }
        var serialPages: Int { ids.count / pageSize + 1 }
    }

    /// Runs the plan as `workers` workers would, each page's answer arriving in a random order
    /// (a seeded generator picks which in-flight page lands next; the page was asked with the
    /// range as it was when sent, as a real request is). Returns the ids kept and the pages asked.
    static func run(_ server: IDServer, workers: Int, seed: UInt64) -> (ids: [Int64], pages: Int)? {
        let first = Array(server.ids.prefix(server.pageSize))
        guard
            var plan = IDWalkPlan(
                firstPage: first, total: server.ids.count, pageSize: server.pageSize, workers: workers)
        else { return nil }
        var rng = SeededGenerator(seed: seed)
        var kept = first
        var pages = 1
        // In flight: (range, the answer as the server gave it when asked).
        var inFlight: [(Int, [Int64])] = []
        var idle = plan.ranges.count
        func ask(_ i: Int) {
            let q = plan.query(i)
            inFlight.append((i, server.page(after: q.after, upTo: q.upTo)))
            pages += 1
        }
        while true {
            while idle > 0, let i = plan.claim() {
                ask(i)
                idle -= 1
            }
            if inFlight.isEmpty { break }
            let (i, answer) = inFlight.remove(at: Int(rng.next() % UInt64(inFlight.count)))
            let (keep, done) = plan.record(i, ids: answer)
            kept += answer[keep]
            if done { idle += 1 } else { ask(i) }
        }
        return (kept, pages)
    }

    /// Ids as tenants have them: dense, gaps everywhere, dense early and sparse late (and the
    /// reverse), a hole in the middle, one lonely id far above the rest.
    static func shapes(seed: UInt64) -> [(String, [Int64])] {
        var rng = SeededGenerator(seed: seed)
        func walk(_ n: Int, from: Int64, gap: (Int) -> Int64) -> [Int64] {
            var id = from, out: [Int64] = []
            for i in 0..<n {
                id += gap(i)
                out.append(id)
            }
            return out
        }
        return [
            ("dense", walk(20_000, from: 1) { _ in 1 }),
            ("random gaps", walk(20_000, from: 7_000) { _ in Int64(rng.next() % 5) + 1 }),
            ("dense then sparse", walk(20_000, from: 100) { $0 < 2_000 ? 1 : 40 }),
            ("sparse then dense", walk(20_000, from: 100) { $0 < 2_000 ? 40 : 1 }),
            ("a hole", walk(10_000, from: 1) { _ in 1 } + walk(10_000, from: 5_000_000) { _ in 2 }),
            ("one far above", walk(19_999, from: 1) { _ in 1 } + [9_000_000_000]),
        ]
    }

    @Test("every id once, in any arrival order, within the serial walk's pages + 3", arguments: [2, 3])
    func everyIDOnce(workers: Int) throws {
        for seed in UInt64(1)...8 {
            for (name, ids) in Self.shapes(seed: seed) {
                let server = IDServer(ids: ids, pageSize: 500)
                let r = try #require(Self.run(server, workers: workers, seed: seed), "\(name)")
                #expect(r.ids.sorted() == ids, "\(name), seed \(seed): \(r.ids.count) of \(ids.count)")
                #expect(Set(r.ids).count == r.ids.count, "\(name): an id fetched twice")
                #expect(
                    r.pages <= server.serialPages + 3,
                    "\(name), seed \(seed): \(r.pages) pages, serial \(server.serialPages)")
            }
        }
    }

    @Test("a worker that runs out takes the upper half of the busiest range (while the budget allows)")
    func splitsTheBusiest() throws {
        // Dense early, sparse late: the estimate puts the top far too low, so the open range holds most.
        let early: [Int64] = (0..<2_000).map { Int64(100 + $0) }
        let late: [Int64] = (1...18_000).map { Int64(2_100 + $0 * 40) }
        let ids = early + late
        let made = IDWalkPlan(firstPage: Array(ids.prefix(500)), total: ids.count, pageSize: 500, workers: 2)
        var plan = try #require(made)
        #expect(plan.ranges.count == 2 && plan.ranges[1].upTo == nil)
        let a = plan.claim() ?? -1, b = plan.claim() ?? -1
        #expect(a == 0 && b == 1)
        // The first range is small: done at once.
        let server = IDServer(ids: ids, pageSize: 500)
        var q = plan.query(a)
        var done = false
        while !done {
            done = plan.record(a, ids: server.page(after: q.after, upTo: q.upTo)).done
            q = plan.query(a)
        }
        // The free worker splits the open range; the open top moves to the new one.
        let c = plan.claim() ?? -1
        #expect(c == 2 && plan.ranges[b].upTo != nil && plan.ranges[c].upTo == nil)
        #expect(plan.ranges[c].after == plan.ranges[b].upTo)
        // Budget spent (3 ranges): nothing more to take.
        #expect(plan.claim() == nil)
    }

    @Test("not worth it: one worker, little left past the first page, ids not ascending")
    func serialWhenNotWorthIt() {
        let ids = (1...500).map(Int64.init)
        #expect(IDWalkPlan(firstPage: ids, total: 20_000, pageSize: 500, workers: 1) == nil)
        #expect(IDWalkPlan(firstPage: ids, total: 1_499, pageSize: 500, workers: 2) == nil)
        #expect(IDWalkPlan(firstPage: ids.reversed(), total: 20_000, pageSize: 500, workers: 2) == nil)
        #expect(IDWalkPlan(firstPage: Array(ids.prefix(400)), total: 20_000, pageSize: 500, workers: 2) == nil)
        #expect(IDWalkPlan(firstPage: ids, total: 20_000, pageSize: 500, workers: 2) != nil)
    }

    @Test("a server that ignores the id filter cannot make a range loop")
    func serverIgnoringTheFilter() throws {
        let ids = (1...500).map(Int64.init)
        let made = IDWalkPlan(firstPage: ids, total: 20_000, pageSize: 500, workers: 2)
        var plan = try #require(made)
        let i = plan.claim() ?? 0
        // The same first page again, whatever was asked: below `after`, so the range ends, none kept twice.
        let (keep, done) = plan.record(i, ids: ids)
        #expect(done)
        #expect(keep.isEmpty)
    }

    // MARK: against the simulator

    /// A simulator whose every Autotask answer carries the +0.5 s tier (scaled to 125 ms), so
    /// requests overlap as they would on a busy tenant.
    /// Holds the walk's first range pages (queries past id 0) until `width` of them wait together
    /// (or a generous while passes), then lets everything through: whether the client sends that
    /// many side by side no longer depends on how the machine schedules its tasks. A client that
    /// sends fewer still shows fewer (the hold ends by time, and the count is what was seen).
    actor Barrier: HTTPTransport {
        let inner = AHCTransport()
        let width: Int
        var waiting = 0
        var open = false
        var waiters: [CheckedContinuation<Void, Never>] = []
        init(width: Int) { self.width = width }

        nonisolated func send(_ request: HTTPRequestSpec, timeout: Duration) async throws -> HTTPResult {
            let body = request.body.map { String(decoding: $0, as: UTF8.self) } ?? ""
            if request.url.hasSuffix("Tickets/query"), !body.contains(#""op":"gt","value":0}"#) {
                await hold()
            }
            return try await inner.send(request, timeout: timeout)
        }

        func hold() async {
            guard !open else { return }
            waiting += 1
            if waiting >= width {
                release()
                return
            }
            let patience = Task {
                try? await Task.sleep(for: .seconds(20))
                self.release()
            }
            await withCheckedContinuation { waiters.append($0) }
            patience.cancel()
        }

        func release() {
            open = true
            let all = waiters
            waiters = []
            all.forEach { $0.resume() }
        }
    }

    static func slowTenant(tickets: Int) async throws -> Simulator {
        var c = SimulatorConfig()
        c.tickets = tickets
        c.timeScale = 4
        c.background = .steady(perHour: 6_000)
        return try await Simulator.start(c)
    }

    /// Another process on the same integration code: one request at a time on /Tickets, until told to stop.
    static func otherProcess(_ sim: Simulator, ids: [Int64]) -> Task<Int, Never> {
        let other = SimulatorWalkTests.autotask(sim, discover: false)
        return Task {
            var n = 0
            while !Task.isCancelled {
                _ = try? await other.ticket(id: ids[n % ids.count])
                n += 1
            }
            return n
        }
    }

    @Test(
        "2 threads by default: the same tickets as the serial walk, in id order, while another process holds the third slot"
    )
    func besideAnotherProcess() async throws {
        let sim = try await Self.slowTenant(tickets: 12_000)
        defer { Task { await sim.stop() } }
        let serialAPI = SimulatorWalkTests.autotask(sim, discover: false)
        let serial = try await serialAPI.allTickets(filter: ServerFilter(), options: WalkOptions(threads: 1))
        let serialPages = await serialAPI.client.log.filter { $0.path.hasPrefix("/Tickets/query (id >") }.count
        #expect(serial.count == 12_000)
        #expect(await serialAPI.client.maxInFlightSeen["Tickets"] == 1)

        let api = SimulatorWalkTests.autotask(sim, discover: false, transport: Barrier(width: 2))
        let before = try JSONSerialization.jsonObject(with: await sim.statsJSON()) as? [String: Any]
        let other = Self.otherProcess(sim, ids: serial.prefix(50).map(\.id))
        let progress = ProgressLog()
        let parallel = try await api.allTickets(
            filter: ServerFilter(), options: WalkOptions(progress: { p in progress.add(p) }))
        other.cancel()
        let otherRequests = await other.value
        let stats = try JSONSerialization.jsonObject(with: await sim.statsJSON()) as? [String: Any]
        #expect(parallel.map(\.id) == serial.map(\.id))
        #expect(parallel == serial)
        let pages = await api.client.log.filter { $0.path.hasPrefix("/Tickets/query (id >") }.count
        #expect(pages <= serialPages + 3, "\(pages) pages, serial \(serialPages)")
        #expect(await api.client.maxInFlightSeen["Tickets"] == 2)
        #expect(otherRequests > 0)
        // Never more than the 3 threads at the server, so nothing was refused.
        // (Both read for real: two missing counters would compare nil == nil and pass.)
        let rejectedBefore = try #require(before?["threadLimitRejections"] as? Int)
        let rejectedAfter = try #require(stats?["threadLimitRejections"] as? Int)
        #expect(rejectedAfter == rejectedBefore)
        let maxConcurrent = try #require((stats?["maxConcurrent"] as? [String: Int])?["tickets"])
        #expect(maxConcurrent >= 2 && maxConcurrent <= 3)
        // Progress: rising to the count.
        let seen = progress.all
        #expect(seen.last?.tickets == 12_000 && seen.last?.total == 12_000)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.tickets <= $1.tickets })
        await sim.stop()
    }

    @Test("--threads 3 takes every slot (the walk alone has three in flight); the tickets all there")
    func threeThreads() async throws {
        let sim = try await Self.slowTenant(tickets: 8_000)
        defer { Task { await sim.stop() } }
        let api = SimulatorWalkTests.autotask(sim, discover: false, transport: Barrier(width: 3))
        let all = try await api.allTickets(filter: ServerFilter(), options: WalkOptions(threads: 3))
        #expect(all.count == 8_000)
        #expect(Set(all.map(\.id)).count == 8_000)
        #expect(await api.client.maxInFlightSeen["Tickets"] == 3)
        await sim.stop()
    }

    @Test("a limit below the count keeps the walk serial: the first tickets by id")
    func limitStaysSerial() async throws {
        let sim = try await Self.slowTenant(tickets: 3_000)
        defer { Task { await sim.stop() } }
        let api = SimulatorWalkTests.autotask(sim, discover: false)
        let some = try await api.allTickets(limit: 1_200, filter: ServerFilter())
        #expect(some.count == 1_200)
        #expect(zip(some, some.dropFirst()).allSatisfy { $0.id < $1.id })
        #expect(await api.client.maxInFlightSeen["Tickets"] == 1)
        await sim.stop()
    }
}

/// Progress reports as they came (the walk calls from several tasks).
final class ProgressLog: Sendable {
    private let reports = Mutex<[WalkProgress]>([])
    func add(_ p: WalkProgress) { reports.withLock { $0.append(p) } }
    var all: [WalkProgress] { reports.withLock { $0 } }
}
