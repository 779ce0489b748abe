import Clocks
import Dashboard
import Foundation
import History
import PSAApp
import PSAClient
import PSACore
import Simulator
import Testing

/// `--notify` on a spike of others: the tap finds it in the store (on a test clock), the quota
/// pane's poll status carries it, and the dashboard notifies once per spike that began in this
/// run, never for ours.
@Suite("Quota history: --notify on a spike of others", .timeLimit(.minutes(5)))
struct HistoryNotifyTests {
    /// Readings every minute from `start` (the rolling hour before each, exact) and our requests,
    /// the others steady at 20 a minute and the dashboard at 5, with bursts of 200 a minute for 12
    /// minutes: the others' from each of `othersAt`, a tickets run's from each of `oursAt`
    /// (minutes after `start`); only what falls in `[from, to)` of it.
    static func batch(
        _ key: TenantKey, start: Date, othersAt: [Int], oursAt: [Int], from: Date, to: Date
    ) -> HistoryBatch {
        var b = HistoryBatch()
        let m0 = start.epochMinute
        var all: [Int] = []
        for i in -60..<Int(to.timeIntervalSince(start) / 60) {
            let burst = { (at: [Int]) in at.contains { i >= $0 && i < $0 + 12 } }
            let tickets = burst(oursAt) ? 200 : 0
            all.append(20 + (burst(othersAt) ? 200 : 0) + 5 + tickets)
            let minute = m0 + Int64(i)
            guard i >= 0, minute >= from.epochMinute else { continue }
            b.requests[RequestKey(tenant: key, minute: minute, kind: .dashboard)] = 5
            if tickets > 0 { b.requests[RequestKey(tenant: key, minute: minute, kind: .tickets)] = tickets }
            b.readings.append(
                QuotaReading(
                    tenant: key, at: Date(timeIntervalSince1970: Double(minute + 1) * 60),
                    count: all.suffix(60).reduce(0, +), limit: 10_000, timeframeMinutes: 60, tier: 0, source: .server))
        }
        return b
    }

    @Test("found by the tap on the test clock, notified once per spike, not for ours, not without --notify")
    func spikeOfOthers() async throws {
        var c = SimulatorConfig()
        c.tickets = 5
        c.addLatency = false
        let sim = try await Simulator.start(c)
        defer { Task { await sim.stop() } }
        let conn = try await Connection.open(ConnectionSettings.autotask("acme", at: sim))
        defer { Task { await conn.close() } }
        let clock = TestClock<Duration>()
        let t = Date(timeIntervalSince1970: 1_796_083_200 + 15 * 3600)  // 15:00 UTC, a whole hour
        let psa = PSAClock(clock, epoch: t)
        let path = NSTemporaryDirectory() + "psatop-notify-\(UUID().uuidString)/history.sqlite"
        let recorder = HistoryRecorder(settings: .init(path: path, kind: .dashboard), clock: psa) { _ in }
        let tap = HistoryTap(recorder: recorder, connection: conn, clock: psa, environment: [:])
        let link = tap.link(kind: "dashboard")
        let writer = try HistoryStore(path: path, process: "another")
        // From 12:00: the others' bursts at 14:30 and 16:40, a tickets run's at 16:10 and 17:20;
        // written as time goes on (the store holds up to 15:00 first).
        func write(upTo end: Date, from: Date) throws {
            try writer.write(
                Self.batch(
                    tap.key, start: t - 3 * 3600, othersAt: [150, 280], oursAt: [250, 320], from: from, to: end))
        }
        try write(upTo: t, from: t - 3 * 3600)

        var s = DashboardState(vendor: .autotask, tenant: "acme", now: t, width: 120, height: 40)
        func poll(_ spike: (text: String, start: Date?)?) -> [Command] {
            var p = PollStatus(budgetPerHour: 1_000)
            p.biggestSpike = spike?.text
            p.biggestSpikeStart = spike?.start
            return s.reduce(.poll(p))
        }
        // The burst at 14:30 began before this run (its clock starts at 15:00): shown, not news.
        s.setNotify(true)
        let before = try #require(await link.spike())
        #expect(before.start == nil, "\(before)")
        #expect(before.text.hasPrefix("others +") && before.text.contains(" in 12 min from "), "\(before.text)")
        #expect(poll(before) == [])
        // It was kept in the store (at the recorder's next flush), found by the tap.
        await recorder.flush()
        #expect(try writer.spikes(tap.key, from: t - 3600, to: t).map(\.start) == [(t - 1800).epochMinute])

        // Two hours later: a new burst of the others at 16:40, one of our tickets run at 16:10.
        try write(upTo: t + 7200, from: t)
        await clock.advance(by: .seconds(7200))
        _ = s.reduce(.tick(t + 7200))
        let second = try #require(await link.spike())
        #expect(second.start == t + 100 * 60, "\(second)")
        s.setNotify(false)
        #expect(poll(second) == [], "not asked for")
        s.setNotify(true)
        #expect(poll(second) == [.notify("psatop acme: spike of \(second.text)")])
        // The same spike at the next poll, and once grown with its start a minute earlier: no second one.
        await clock.advance(by: .seconds(30))
        _ = s.reduce(.tick(t + 7200 + 90))
        let again = try #require(await link.spike())
        #expect(again.text == second.text && again.start == second.start)
        #expect(poll(second) == [])
        #expect(poll((second.text, second.start.map { $0 - 60 })) == [])
        await recorder.flush()
        let kept = try writer.spikes(tap.key, from: t, to: t + 7200)
        #expect(kept.map(\.whose) == ["ours (tickets)", "others"], "\(kept)")

        // An hour on, only ours in the last hour: the tap gives no spike of others, nothing is notified.
        try write(upTo: t + 3 * 3600, from: t + 7200)
        await clock.advance(by: .seconds(3600 - 30))
        _ = s.reduce(.tick(t + 3 * 3600))
        #expect(await link.spike() == nil)
        #expect(poll(nil) == [])
        await recorder.flush()
        #expect(try writer.spikes(tap.key, from: t + 7200, to: t + 3 * 3600).map(\.whose) == ["ours (tickets)"])
    }
}
