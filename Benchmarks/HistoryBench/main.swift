// Quota history figures (the issue's goals in brackets).
//   - recording a reading: the caller's cost (an actor call that appends) and the flush's cost
//     per reading, on a store of its own [≤ 1 ms per reading, off the UI thread];
//   - `psatop history --since 35d --by hour` over 4 busy tenants: the store is filled with 35 days
//     of a reading a minute and requests every minute from two commands [≤ 200 ms];
//   - the store's size for those 4 tenants over 35 days [< 50 MB];
//   - the history view's frame at 120×40 [≤ 2 ms].
//
//   swift run -c release history-bench [days]
import Dashboard
import Foundation
import History
import PSACore

let days = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 35

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s[s.count / 2]
}
func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15 }
/// One machine-readable line per figure (`scripts/bench-compare.sh` reads them).
func bench(_ name: String, _ value: Double, _ unit: String) {
    print("BENCH \(name) \(String(format: "%.3f", value)) \(unit)")
}

let dir = NSTemporaryDirectory() + "psatop-history-bench-\(getpid())"
defer { try? FileManager.default.removeItem(atPath: dir) }
let clock = ContinuousClock()
let end = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 3600).rounded(.down) * 3600)
let tenants = (1...4).map { TenantKey(parts: ["bench", "tenant-\($0)"]) }

// 1. Recording: readings handed to the recorder, then written by its flush.
do {
    var settings = HistoryRecorder.Settings(path: dir + "/record/history.sqlite", kind: .dashboard)
    settings.flushEvery = .seconds(3600)
    let recorder = HistoryRecorder(settings: settings, clock: .continuous) { print("bench: \($0)") }
    var handIn: [Double] = []
    var flushPer: [Double] = []
    for round in 0..<20 {
        let base = end.addingTimeInterval(Double(round) * 60)
        let t0 = clock.now
        for i in 0..<100 {
            await recorder.reading(
                QuotaReading(
                    tenant: tenants[0], at: base.addingTimeInterval(Double(i) * 0.5), count: 4_000 + i, limit: 10_000,
                    timeframeMinutes: 60, tier: 0, source: .server))
            await recorder.request(tenants[0], at: base)
        }
        handIn.append(ms(clock.now - t0) / 100)
        let t1 = clock.now
        await recorder.flush()
        flushPer.append(ms(clock.now - t1) / 100)
    }
    bench("history.record_call", median(handIn) * 1000, "us")
    bench("history.record_flush_per_reading", median(flushPer) * 1000, "us")
}

// 2-3. Four busy tenants over `days` days.
let path = dir + "/fleet/history.sqlite"
do {
    let store = try HistoryStore(path: path, process: "bench")
    let minutes = days * 1440
    let start = end.addingTimeInterval(-Double(minutes) * 60)
    let fill = clock.now
    for (n, t) in tenants.enumerated() {
        var b = HistoryBatch()
        b.tenants = [TenantInfo(key: t, name: "tenant-\(n + 1)", vendor: "Autotask")]
        var rng = SeededGenerator(seed: UInt64(n + 1))
        for m in 0..<minutes {
            let at = start.addingTimeInterval(Double(m) * 60)
            let swing = 4_000 + Int(3_000 * sin(Double(m) / 720 * .pi))
            b.readings.append(
                QuotaReading(
                    tenant: t, at: at.addingTimeInterval(Double.random(in: 0..<60, using: &rng)),
                    count: swing + Int.random(in: 0..<200, using: &rng), limit: 10_000, timeframeMinutes: 60,
                    tier: swing >= 5_000 ? 1 : 0, source: .server))
            b.requests[RequestKey(tenant: t, minute: at.epochMinute, kind: .dashboard)] = 2 + m % 3
            if m % 7 < 3 { b.requests[RequestKey(tenant: t, minute: at.epochMinute, kind: .tickets)] = 40 }
            if m % 97 == 0 { b.events.append(HistoryEvent(tenant: t, at: at, kind: .tierEntered, detail: "tier 1")) }
            if b.readings.count >= 20_000 {
                try store.write(b)
                b = HistoryBatch()
            }
        }
        try store.write(b)
    }
    print("filled \(tenants.count) tenants × \(days) days in \(String(format: "%.1f", ms(clock.now - fill) / 1000)) s")
    bench("history.store_size_4x\(days)d", Double(try store.usedBytes()) / 1_048_576, "MB")
    var options = HistoryStore.Options()
    options.readOnly = true
    var times: [Double] = []
    var rows = 0
    for _ in 0..<5 {
        let t0 = clock.now
        let reader = try HistoryStore(path: path, options: options)
        let report = try HistoryReport.build(
            store: reader, tenants: try reader.tenants(), from: end.addingTimeInterval(-Double(days) * 86_400),
            to: end.addingTimeInterval(60), by: .hour, timeZone: .gmt)
        _ = report.table(bucket: .hour, timeZone: .gmt)
        rows = report.rows.count
        times.append(ms(clock.now - t0))
    }
    print("history --since \(days)d --by hour: \(rows) rows")
    bench("history.query_\(days)d_hour_4_tenants", median(times), "ms")
    // Where that time goes, for one tenant (the medians of 5).
    let reader = try HistoryStore(path: path, options: options)
    let from = end.addingTimeInterval(-Double(days) * 86_400), to = end.addingTimeInterval(60)
    let lead = from.addingTimeInterval(-7200)
    var phases: [String: [Double]] = [:]
    func phase<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let t0 = clock.now
        let v = try body()
        phases[name, default: []].append(ms(clock.now - t0))
        return v
    }
    for _ in 0..<5 {
        let readings = try phase("1 read readings") { try reader.readings(tenants[0], from: lead, to: to) }
        let ours = try phase("2 read ours (SQL sums)") { try reader.oursSeries(tenants[0], from: lead, to: to) }
        let others = phase("3 attribution") { Attribution.othersSeries(readings: readings, ours: ours) }
        _ = phase("4 spikes") {
            Attribution.spikes(
                readings: readings, others: others, ours: ours, from: from.epochMinute, to: to.epochMinute)
        }
        let r = phase("5 rows (3 and 4 again)") {
            HistoryReport.rowsFor(
                tenant: "t", readings: readings, ours: ours, events: [], from: from, to: to, bucket: .hour,
                timeZone: .gmt)
        }
        _ = phase("6 table") { HistoryReport(rows: r.rows, spikes: []).table(bucket: .hour, timeZone: .gmt) }
    }
    for (name, xs) in phases.sorted(by: { $0.key < $1.key }) {
        print("  phase \(name): \(String(format: "%.2f", median(xs))) ms")
    }
} catch {
    print("bench: \(error)")
    exit(1)
}

// 4. The history view's frame.
do {
    let now = end
    var s = DashboardState(vendor: .autotask, tenant: "bench", now: now, width: 120, height: 40)
    _ = s.reduce(.key(.char("H")))
    let points = (0..<144).map { i in HistoryChart.Point(count: 4_000 + Int(3_000 * sin(Double(i) / 24)), ours: 300) }
    let spikes = (0..<5).map {
        HistoryChart.SpikeRow(
            start: now.addingTimeInterval(Double(-$0) * 3600), text: "others +2,800 in 12 min from 14:05",
            perMinute: Array(repeating: 230, count: 12))
    }
    _ = s.reduce(
        .historyChart(
            HistoryChart(
                days: 1, start: now.addingTimeInterval(-86_400), bucketMinutes: 10, points: points, limit: 10_000,
                spikes: spikes, serverCount: true)))
    var frames: [Double] = []
    for _ in 0..<500 {
        let t0 = clock.now
        _ = render(s, theme: .fallback)
        frames.append(ms(clock.now - t0))
    }
    bench("history.view_frame_median", median(frames), "ms")
}
