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
    /// day, hourly for a week; the spikes kept in the range (those found now are kept first), with
    /// their minutes. Nil when the history is off.
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
            let ours = try? store.oursSeries(key, from: lead, to: end)
        else { return nil }
        var points = [HistoryChart.Point](repeating: .init(count: nil, ours: 0), count: count)
        var limit: Int?
        for r in readings where r.at >= start {
            let i = Int((r.at.timeIntervalSince(start) / 60).rounded(.down)) / bucket
            guard points.indices.contains(i) else { continue }
            // Ours in the window this count covers.
            let m = r.at.epochMinute
            let mine = ((m - Int64(r.timeframeMinutes) + 1)...m).reduce(0) { $0 + ours.total(at: $1) }
            if r.count >= (points[i].count ?? -1) { points[i] = .init(count: r.count, ours: mine) }
            limit = r.limit ?? limit
        }
        let server = vendor.quotaModel == .tenantThreshold
        var spikes: [HistoryChart.SpikeRow] = []
        if server {
            let others = Attribution.othersSeries(readings: readings, ours: ours)
            let found = Attribution.spikes(
                readings: readings, others: others, ours: ours, from: start.epochMinute, to: end.epochMinute)
            await recorder.spikes(key, found)
            await recorder.flush()
            let kept = (try? store.spikes(key, from: start, to: end)) ?? found
            spikes = kept.sorted { $0.size > $1.size }.map {
                HistoryChart.SpikeRow(start: $0.startDate, text: $0.text(), perMinute: $0.perMinute)
            }
        }
        return HistoryChart(
            days: days, start: start, bucketMinutes: bucket, points: points, limit: limit, spikes: spikes,
            serverCount: server)
    }

    /// The biggest spike of others in the last hour (looked up at most once a minute), for the
    /// quota pane and `--notify` (its start, when it began in this run); every spike found on the
    /// way is kept.
    public func biggestSpike() async -> (text: String, start: Date?)? {
        guard vendor.quotaModel == .tenantThreshold else { return nil }
        let now = clock.now().seconds
        if let c = spikeCache, now - c.at < 60 / scale { return c.value }
        var value: (text: String, start: Date?)?
        if let store = await recorder.openedStore() {
            let to = tenantTime(clock.wall()).addingTimeInterval(60)
            let from = to.addingTimeInterval(-3600 - 60)
            let lead = from.addingTimeInterval(-2 * 3600)
            if let readings = try? store.readings(key, from: lead, to: to),
                let ours = try? store.oursSeries(key, from: lead, to: to)
            {
                let others = Attribution.othersSeries(readings: readings, ours: ours)
                // Looked for over the two hours before as well: a burst's usual rate needs the hour
                // around it (in the last hour alone, two bursts would raise it above both).
                let found = Attribution.spikes(
                    readings: readings, others: others, ours: ours, from: lead.epochMinute, to: to.epochMinute
                ).filter { $0.start + Int64($0.minutes) > from.epochMinute }
                await recorder.spikes(key, found)
                // Its start only when it began in this run: one from before is shown, not news.
                value = found.filter(\.isOthers).max { $0.size < $1.size }.map {
                    ($0.text(), $0.startDate >= base ? $0.startDate : nil)
                }
            }
        }
        spikeCache = (now, value)
        return value
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
