import Dashboard
import Foundation
import PSAApp
import PSAClient
import PSACore
import Simulator
import Testing

/// The twin's counters, decoded loosely.
private func stats(_ sim: Simulator) async throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: await sim.statsJSON()) as? [String: Any] ?? [:]
}

@Suite("Changes to many and read-only, against the twin (real HTTP on loopback)", .timeLimit(.minutes(10)))
struct BulkAgainstTwinTests {
    /// The dashboard over the demo twin: its keys' commands go to the poller, its events come back.
    struct Rig {
        let conn: Connection
        let mailbox: Mailbox
        let poller: Poller
        var state: DashboardState
        /// Every command handed to the poller, in order.
        var sent: [Command] = []

        static func open(policy: WritePolicy = WritePolicy()) async throws -> Rig {
            let (conn, mailbox, poller) = try await PollerTests.demoPoller(tickets: 30)
            var s = DashboardState(vendor: .autotask, tenant: "demo", now: Date(), width: 120, height: 40)
            s.writePolicy = policy
            _ = s.reduce(.page(try await conn.api.page(after: nil), reset: true, at: Date()))
            return Rig(conn: conn, mailbox: mailbox, poller: poller, state: s)
        }

        /// A key; whatever it asks for is carried out.
        mutating func key(_ k: Key) async {
            for c in state.reduce(.key(k)) {
                sent.append(c)
                await poller.handle(c)
            }
        }

        /// Events until `done` holds, each one's commands carried out. Real time, at most 2 minutes:
        /// a bound for a hang, not a timing check (10 s ran out on a loaded machine).
        mutating func until(
            _ done: (DashboardState) -> Bool, sourceLocation: SourceLocation = #_sourceLocation
        ) async throws {
            defer { if !done(state) { Issue.record("not reached in 2 minutes", sourceLocation: sourceLocation) } }
            for _ in 0..<6_000 where !done(state) {
                for e in mailbox.drain() {
                    for c in state.reduce(e) {
                        sent.append(c)
                        await poller.handle(c)
                    }
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        }

        func close() async {
            await poller.stop()
            await conn.close()
        }
    }

    func ticketRequests(_ rig: Rig) async -> [RequestRecord] {
        await rig.conn.api.client.log.filter { $0.path.contains("Tickets") && !$0.path.contains("query") }
    }

    @Test(
        "a bulk status change on 3 marked tickets: the cost shown before y, exactly 3 PATCH + 3 read-backs at the twin")
    func threeMarked() async throws {
        var rig = try await Rig.open()
        let sim = try #require(rig.conn.simulator)
        let before = try await stats(sim)["updatedFields"] as? [String: Int] ?? [:]
        let requestsBefore = await ticketRequests(rig).count
        for _ in 0..<3 { await rig.key(.char("x")) }
        let ids = Array(rig.state.tickets.prefix(3).map(\.id))
        await rig.key(.char("b"))
        await rig.key(.char("s"))
        try await rig.until { $0.bulk?.choices != nil }
        let target = try #require(rig.state.bulk?.choices?.firstIndex(of: "Complete"))
        for _ in 0..<target { await rig.key(.char("j")) }
        await rig.key(.enter)
        #expect(rig.state.mode == .bulkConfirm)
        #expect(render(rig.state, theme: .fallback).text.contains("3 PATCH + 3 read-backs = 6 requests"))
        // Nothing was written before y.
        #expect(await ticketRequests(rig).filter { $0.method == "PATCH" }.isEmpty)
        await rig.key(.char("y"))
        await rig.key(.char("y"))
        try await rig.until { $0.bulk?.stage == .done }
        let sent = await ticketRequests(rig).dropFirst(requestsBefore)
        #expect(sent.filter { $0.method == "PATCH" }.count == 3, "\(sent.map { "\($0.method) \($0.path)" })")
        #expect(sent.filter { $0.method == "GET" }.count == 3, "\(sent.map { "\($0.method) \($0.path)" })")
        let after = try await stats(sim)["updatedFields"] as? [String: Int] ?? [:]
        #expect(after["status", default: 0] - before["status", default: 0] == 3)
        let held = await sim.autotaskTickets().filter { ids.contains($0.id) }
        #expect(held.count == 3 && Set(held.map(\.status)).count == 1)
        #expect(rig.state.bulk?.outcomes.count == 3 && rig.state.marks.isEmpty)
        await rig.close()
    }

    @Test("one ticket of three is gone at the server: it fails with the reason, stays marked, the others land once")
    func oneFails() async throws {
        var rig = try await Rig.open()
        let sim = try #require(rig.conn.simulator)
        await rig.key(.char("x"))
        await rig.key(.char("x"))
        let gone: Int64 = 999_999_999
        rig.state.marks.insert(gone)
        await rig.key(.char("b"))
        await rig.key(.char("p"))
        try await rig.until { $0.bulk?.choices != nil }
        await rig.key(.char("G"))
        await rig.key(.enter)
        await rig.key(.char("y"))
        try await rig.until { $0.bulk?.stage == .done }
        let outcomes = try #require(rig.state.bulk?.outcomes)
        guard case .failed(let why) = outcomes[gone] else {
            Issue.record("\(outcomes)")
            return
        }
        // (Autotask answers a missing ticket's PATCH with 500 "Ticket could not be found".)
        #expect(why.contains("could not be found"), "\(why)")
        #expect(rig.state.marks == [gone])
        let patches = await ticketRequests(rig).filter { $0.method == "PATCH" }
        #expect(patches.count == 3, "each sent once, the failed one too, none again")
        let fields = try await stats(sim)["updatedFields"] as? [String: Int] ?? [:]
        #expect(fields["priority"] == 2)
        await rig.close()
    }

    @Test("read-only: every write key (s p A a c in a ticket, b on marks, T, L) is refused and 0 writes reach the twin")
    func readOnlyWritesNothing() async throws {
        var rig = try await Rig.open(policy: WritePolicy(readOnly: true, profile: "acme"))
        let sim = try #require(rig.conn.simulator)
        // On the list: marks, then the change to them.
        await rig.key(.char("x"))
        await rig.key(.char("b"))
        #expect(rig.state.bulk == nil && rig.state.flash == "read-only (profile acme): nothing sent")
        // Time: the timer and time logged without one.
        for k in ["T", "L"] {
            rig.state.flash = nil
            await rig.key(.char(Character(k)))
            #expect(rig.state.flash == "read-only (profile acme): nothing sent", "\(k)")
            #expect(rig.state.screen.timer == nil && rig.state.screen.timerEntry == nil, "\(k)")
        }
        // In a ticket: each write key, then y and Enter in case a question had opened.
        await rig.key(.enter)
        try await rig.until { $0.detail?.loading == false }
        for k in ["s", "p", "A", "a", "c"] {
            await rig.key(.char(Character(k)))
            #expect(rig.state.detail?.notice == "read-only (profile acme): nothing sent", "\(k)")
            await rig.key(.enter)
            await rig.key(.char("y"))
        }
        // No write was handed to the poller (so none can arrive later), and none reached the twin.
        let writes = rig.sent.filter {
            switch $0 {
            case .change, .attach, .addNote, .writeNote, .bulkChange, .logTime, .saveTimer: true
            default: false
            }
        }
        #expect(writes.isEmpty, "\(writes)")
        await rig.poller.stop()
        let s = try await stats(sim)
        #expect((s["updatedFields"] as? [String: Int] ?? [:]).isEmpty)
        #expect(s["notesAdded"] as? Int == 0 && s["attachmentsStored"] as? Int == 0)
        let sentWrites = await rig.conn.api.client.log.filter { $0.method != "GET" && !$0.path.contains("query") }
        #expect(sentWrites.isEmpty, "\(sentWrites.map { "\($0.method) \($0.path)" })")
        await rig.close()
    }
}
