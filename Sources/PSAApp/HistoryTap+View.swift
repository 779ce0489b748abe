import Dashboard
import Foundation
import History
import PSACore

extension HistoryTap {
    /// What a poller of this tenant asks the history.
    public nonisolated func link(kind: String) -> HostOurs {
        var h = HostOurs(kind: kind) { await self.hostOurs(minutes: $0) }
        h.chart = { await self.chart(days: $0) }
        h.spike = { await self.biggestSpike() }
        return h
    }

    /// The last `days` (1 or 7) of the tenant as the history view draws it: 10-minute points for a
    /// day, hourly for a week; the others' spikes with their minutes. Nil when the history is off.
    public func chart(days: Int) async -> HistoryChart? {
        guard let store = await recorder.openedStore() else { return nil }
        await recorder.flush()
        let bucket = days <= 1 ? 10 : 60
        let now = tenantTime(clock.wall())
        let count = days * 1440 / bucket
        let end = Date(timeIntervalSince1970: Double((now.epochMinute / Int64(bucket) + 1) * Int64(bucket)) * 60)
        let start = end.addingTimeInterval(-Double(count * bucket) * 60)
        let lead = start.addingTimeInterval(-2 * 3600)
        guard let readings = try? store.readings(key, from: lead, to: end),
            let ours = try? store.requests(key, from: lead, to: end)
        else { return nil }
        var oursAt: [Int64: Int] = [:]
        for m in ours { oursAt[m.minute] = m.total }
        var points = [HistoryChart.Point](repeating: .init(count: nil, ours: 0), count: count)
        var limit: Int?
        for r in readings where r.at >= start {
            let i = Int((r.at.timeIntervalSince(start) / 60).rounded(.down)) / bucket
            guard points.indices.contains(i) else { continue }
            // Ours in the window this count covers.
            let m = r.at.epochMinute
            let mine = ((m - Int64(r.timeframeMinutes) + 1)...m).reduce(0) { $0 + (oursAt[$1] ?? 0) }
            if r.count >= (points[i].count ?? -1) { points[i] = .init(count: r.count, ours: mine) }
            limit = r.limit ?? limit
        }
        let server = vendor.quotaModel == .tenantThreshold
        var spikes: [HistoryChart.SpikeRow] = []
        if server {
            let report = HistoryReport.rowsFor(
                tenant: name, readings: readings, ours: ours, events: [], from: start, to: end, bucket: .day,
                timeZone: .gmt)
            let perMinute = Attribution.othersPerMinute(readings: readings, ours: ours)
            spikes = report.spikes.sorted { $0.size > $1.size }.map { sp in
                HistoryChart.SpikeRow(
                    start: Date(timeIntervalSince1970: Double(sp.start) * 60), text: sp.text(),
                    perMinute: (0..<Int64(sp.minutes)).map { max(0, Int((perMinute[sp.start + $0] ?? 0).rounded())) })
            }
        }
        return HistoryChart(
            days: days, start: start, bucketMinutes: bucket, points: points, limit: limit, spikes: spikes,
            serverCount: server)
    }

    /// The biggest spike of others in the last hour (looked up at most once a minute), for the quota pane.
    public func biggestSpike() async -> String? {
        guard vendor.quotaModel == .tenantThreshold else { return nil }
        let now = clock.now().seconds
        if let c = spikeCache, now - c.at < 60 / scale { return c.text }
        var text: String?
        if let store = await recorder.openedStore() {
            let to = tenantTime(clock.wall()).addingTimeInterval(60)
            let from = to.addingTimeInterval(-3600 - 60)
            let lead = from.addingTimeInterval(-2 * 3600)
            if let readings = try? store.readings(key, from: lead, to: to),
                let ours = try? store.requests(key, from: lead, to: to)
            {
                let r = HistoryReport.rowsFor(
                    tenant: name, readings: readings, ours: ours, events: [], from: from, to: to, bucket: .hour,
                    timeZone: .gmt)
                text = r.spikes.max { $0.size < $1.size }?.text()
            }
        }
        spikeCache = (now, text)
        return text
    }
}

extension HistoryTap {
    /// The readings of the last timeframe before this run, for the trend line to continue from
    /// (dated in this run's wall time, as the dashboard dates its own), its window, and the time scale.
    public func pastReadings() async -> DashboardEvent? {
        guard let store = await recorder.openedStore() else { return nil }
        let now = tenantTime(clock.wall())
        guard let last = try? store.readings(key, from: now.addingTimeInterval(-2 * 3600), to: now).last else {
            return nil
        }
        let window = Double(last.timeframeMinutes * 60)
        let rs = (try? store.readings(key, from: now.addingTimeInterval(-window), to: now)) ?? []
        guard !rs.isEmpty else { return nil }
        return .pastQuota(
            rs.map { PastReading(at: wallTime($0.at), count: $0.count) }, windowSeconds: Int(window), timeScale: scale)
    }
}
