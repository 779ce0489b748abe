import Dashboard
import Foundation
import PSACore
import Testing

@Suite("History view (H) and the quota pane's history lines", .timeLimit(.minutes(5)))
struct HistoryViewTests {
    /// A day in 10-minute points: the count swinging between 2,000 and 7,200 with ours about 300,
    /// a spike of others at 14:05, and no readings for the first two hours (psatop was not running).
    static func chart(days: Int = 1) -> HistoryChart {
        let start = fixedNow.addingTimeInterval(-86_400)
        let points = (0..<144).map { i -> HistoryChart.Point in
            guard i >= 12 else { return .init(count: nil, ours: 0) }
            let swing = 4_600 + Int(2_600 * sin(Double(i) / 144 * 4 * .pi))
            // A `tickets --all` from 10:00 to 12:00 spends 1,800 of the hour.
            let walk = i >= 60 && i < 72 ? 1_800 : 0
            return .init(count: swing + walk + (i >= 84 && i < 87 ? 2_800 : 0), ours: 300 + walk + (i % 6) * 20)
        }
        let spikes = [
            HistoryChart.SpikeRow(
                start: start.addingTimeInterval(84 * 600), text: "others +2,800 in 12 min from 14:05",
                perMinute: [230, 240, 235, 228, 231, 236, 233, 229, 238, 234, 232, 254]),
            // The `tickets --all` from 10:00: ours, by command (its own counts explain it).
            HistoryChart.SpikeRow(
                start: start.addingTimeInterval(60 * 600), text: "ours (tickets) +1,800 in 120 min from 10:00",
                perMinute: Array(repeating: 15, count: 120)),
            HistoryChart.SpikeRow(
                start: start.addingTimeInterval(40 * 600), text: "others +640 in 5 min from 06:40",
                perMinute: [120, 130, 128, 131, 131]),
        ]
        return HistoryChart(
            days: days, start: start, bucketMinutes: days == 1 ? 10 : 60, points: points, limit: 10_000,
            spikes: spikes, serverCount: true)
    }

    static func opened(width: Int, height: Int) -> DashboardState {
        var s = sampleState(width: width, height: height)
        #expect(s.reduce(.key(.char("H"))) == [.loadHistory(days: 1)])
        _ = s.reduce(.historyChart(chart()))
        return s
    }

    @Test(
        "the last 24 hours: bars with ours under others, the tier lines, the time axis, the spikes",
        arguments: SnapshotTests.sizes)
    func day(w: Int, h: Int) {
        let s = Self.opened(width: w, height: h)
        #expect(s.mode == .history)
        assertSnapshot(render(s, theme: .fallback), "history-\(w)x\(h)")
    }

    @Test("Enter on a spike shows its minutes; Esc goes back to the list, then out", arguments: [(80, 24)])
    func spikeMinutes(w: Int, h: Int) {
        var s = Self.opened(width: w, height: h)
        _ = s.reduce(.key(.char("j")))
        _ = s.reduce(.key(.char("k")))
        _ = s.reduce(.key(.enter))
        #expect(s.historyView?.openSpike == 0)
        assertSnapshot(render(s, theme: .fallback), "history-spike-\(w)x\(h)")
        _ = s.reduce(.key(.escape))
        #expect(s.historyView?.openSpike == nil && s.mode == .history)
        _ = s.reduce(.key(.escape))
        #expect(s.historyView == nil && s.mode == .list)
    }

    @Test("w asks for 7 days; a late answer for the other range is not shown")
    func range() {
        var s = Self.opened(width: 120, height: 40)
        #expect(s.reduce(.key(.char("w"))) == [.loadHistory(days: 7)])
        #expect(s.historyView?.chart == nil)
        _ = s.reduce(.historyChart(Self.chart(days: 1)))
        #expect(s.historyView?.chart == nil)
        _ = s.reduce(.historyChart(Self.chart(days: 7)))
        #expect(s.historyView?.chart?.days == 7)
        let text = render(s, theme: .fallback).lines.joined(separator: "\n")
        #expect(text.contains("last 7 days"))
    }

    @Test("the history off: the view says so instead of a chart")
    func off() {
        var s = sampleState(width: 80, height: 24)
        _ = s.reduce(.key(.char("H")))
        _ = s.reduce(.historyFailed("off (--no-history)"))
        #expect(render(s, theme: .fallback).lines.joined().contains("history: off (--no-history)"))
    }

    @Test("the quota pane: ours by command across the host, and the last hour's biggest spike")
    func quotaPane() {
        var s = sampleState(width: 120, height: 40)
        s.poll?.ours = 412
        s.poll?.oursByKind = ["dashboard": 31, "tickets": 381]
        s.poll?.biggestSpike = "others +2,800 in 12 min from 14:05"
        let text = render(s, theme: .fallback).lines.joined(separator: "\n")
        #expect(text.contains("ours 412: dashboard 31, tickets 381"))
        #expect(text.contains("biggest spike: others +2,800 in 12 min from 14:05"))
    }

    @Test("the trend continues from the store: past readings are the first bars")
    func trendSeed() {
        var s = DashboardState(vendor: .autotask, tenant: "t", now: fixedNow, width: 120, height: 40)
        let past = (1...30).map { PastReading(at: fixedNow.addingTimeInterval(-Double($0) * 60), count: 1_000 + $0) }
        _ = s.reduce(.pastQuota(past.reversed(), windowSeconds: 3_600, timeScale: 1))
        #expect(s.history?.points.count == 30)
        _ = s.reduce(.quota(Quota(used: 999, limit: 10_000, windowSeconds: 3_600), at: fixedNow))
        #expect(s.history?.points.count == 31)
        #expect(s.history?.series(last: 31).first == 1_030)
    }
}
