import Foundation
import PSACore

/// What the history view (`H`) shows: one tenant's count over the last 24 hours or 7 days from
/// the quota history, ours and others, and the others' spikes.
public struct HistoryChart: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        /// The last count read in the bucket (nil: none).
        public var count: Int?
        /// Our requests (every psatop process on the host) in the window that count covers.
        public var ours: Int
        public init(count: Int?, ours: Int) {
            self.count = count
            self.ours = ours
        }
    }

    public struct SpikeRow: Sendable, Equatable {
        public var start: Date
        /// "others +2,800 in 12 min from 14:05".
        public var text: String
        /// The others' estimate in each of its minutes.
        public var perMinute: [Int]
        public init(start: Date, text: String, perMinute: [Int]) {
            self.start = start
            self.text = text
            self.perMinute = perMinute
        }
    }

    public var days: Int
    public var start: Date
    public var bucketMinutes: Int
    public var points: [Point]
    public var limit: Int?
    public var spikes: [SpikeRow]
    /// False where the server reports no tenant count (Atera, HaloPSA): the points are our own count.
    public var serverCount: Bool

    public init(
        days: Int, start: Date, bucketMinutes: Int, points: [Point], limit: Int?, spikes: [SpikeRow],
        serverCount: Bool
    ) {
        self.days = days
        self.start = start
        self.bucketMinutes = bucketMinutes
        self.points = points
        self.limit = limit
        self.spikes = spikes
        self.serverCount = serverCount
    }
}

/// A reading from the quota history, dated in this run's wall time (earlier than its start).
public struct PastReading: Sendable, Equatable {
    public var at: Date
    public var count: Int
    public init(at: Date, count: Int) {
        self.at = at
        self.count = count
    }
}

/// The history view while it is open.
public struct HistoryViewState: Sendable, Equatable {
    /// 1 (the last 24 hours) or 7.
    public var days = 1
    public var chart: HistoryChart?
    public var error: String?
    /// The spike the cursor is on, and the one whose minutes are shown (Enter).
    public var cursor = Cursor()
    /// The spike chosen (`cursor.index`).
    public var selected: Int {
        get { cursor.index }
        set { cursor.index = newValue }
    }
    public var openSpike: Int?
    public init(days: Int = 1) { self.days = days }
}

extension DashboardState {
    /// `H`: opens the history view and asks for the last 24 hours.
    mutating func openHistory() -> [Command] {
        historyView = HistoryViewState()
        return [.loadHistory(days: 1)]
    }

    /// The history view's keys.
    mutating func handleHistory(_ action: KeyAction) -> [Command] {
        guard var v = historyView else { return [] }
        let count = v.chart?.spikes.count ?? 0
        switch action {
        case .closeHistory:
            if v.openSpike != nil {
                v.openSpike = nil
            } else {
                historyView = nil
                return []
            }
        case .down, .up:
            v.cursor.move(action, page: 0, count: count)
            v.cursor.clamp(count: count)
        case .open: if count > 0 { v.openSpike = v.openSpike == nil ? v.selected : nil }
        case .historyRange:
            v = HistoryViewState(days: v.days == 1 ? 7 : 1)
            historyView = v
            return [.loadHistory(days: v.days)]
        default: return []
        }
        historyView = v
        return []
    }

    /// `--notify`: a new spike of others (the quota pane's biggest of the last hour), once per
    /// spike: one whose start moved by a few minutes as it grew is the same spike.
    mutating func notifySpike(_ status: PollStatus) -> [Command] {
        guard let text = status.biggestSpike, let start = status.biggestSpikeStart else { return [] }
        if let last = notified["spike start"], abs(start.timeIntervalSince(last)) < 15 * 60 { return [] }
        let out = notifyOnce("spike", "spike of \(text)")
        if !out.isEmpty { notified["spike start"] = start }
        return out
    }

    /// The trend line starts from the history's readings (the tenant time convention of `noteHistory`).
    mutating func seedTrend(_ past: [PastReading], windowSeconds: Int, timeScale: Double) {
        var h = QuotaHistory(windowSeconds: windowSeconds)
        for p in past { h.note(p.count, at: p.at.timeIntervalSinceReferenceDate * max(0.001, timeScale)) }
        history = h
    }

    /// The answer to `.loadHistory`: kept when it is for the range still shown.
    mutating func reduceHistory(_ event: DashboardEvent) {
        guard var v = historyView else { return }
        switch event {
        case .historyChart(let chart) where chart.days == v.days:
            v.chart = chart
            v.error = nil
            v.cursor.clamp(count: chart.spikes.count)
        case .historyFailed(let why): v.error = why
        default: return
        }
        historyView = v
    }
}
