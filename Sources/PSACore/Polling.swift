import Foundation

/// Why a background request is made. The poller sets it around its own work, the client copies it
/// into the request log, so every automatic request says why it went out; requests without a tag
/// were asked for by the user.
public struct RequestTag: Sendable, Equatable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    @TaskLocal public static var current: RequestTag?
}

/// Projects a tenant's count between readings: the others' count from the last reading moved on
/// by their measured net rate, plus our own requests in the window, exactly, from the client's log.
///
/// The others' rate is the change of (count − ours) between readings: in a rolling window it is
/// arrivals minus departures, which is what moves the count. It is smoothed over readings.
public struct QuotaProjector: Sendable, Equatable {
    public struct Reading: Sendable, Equatable {
        public var quota: Quota
        /// Clock seconds when the reading was taken.
        public var at: Double
        /// The count minus our own requests in the window at that moment.
        public var others: Int
    }

    public private(set) var last: Reading?
    /// Net change of the others' count, requests per clock second; nil until two readings.
    public private(set) var othersRate: Double?
    /// The fastest the others' count moved (either way) over the last few readings, requests per clock second.
    public var recentSpeed: Double { recentRates.map(abs).max() ?? 0 }
    private var recentRates: [Double] = []

    public init() {}

    public mutating func note(_ q: Quota, at t: Double, ours: Int) {
        let others = max(0, q.used - ours)
        if let l = last, t - l.at > 0.001 {
            let r = Double(others - l.others) / (t - l.at)
            othersRate = othersRate.map { 0.5 * $0 + 0.5 * r } ?? r
            recentRates.append(r)
            if recentRates.count > 6 { recentRates.removeFirst() }
        }
        last = Reading(quota: q, at: t, others: others)
    }

    /// The count now: nil before the first reading. Never below our own count.
    public func projected(at t: Double, ours: Int) -> Quota? {
        guard let l = last else { return nil }
        let moved = Double(l.others) + (othersRate ?? 0) * max(0, t - l.at)
        let others = min(max(0, moved), Double(l.quota.limit) * 2)
        var q = l.quota
        q.used = Int(others.rounded()) + ours
        return q
    }
}

/// When the poller reads the quota and refreshes tickets, within a budget of automatic requests
/// per hour (default 1% of the tenant's threshold). Pure: all times are seconds of the tenant's
/// own hour; the poller divides them by the time scale.
public struct PollPlan: Sendable, Equatable {
    /// Automatic requests the dashboard may spend per hour.
    public var budgetPerHour: Int
    /// Near a tier boundary the shown count is never older than this.
    public var staleLimit: Double = 60
    /// Longest gap between readings far from any boundary.
    public var farInterval: Double = 600
    /// Within this fraction of a boundary the count is "near" it (5 points).
    public var nearBand = 0.05
    /// Share of the budget that quota readings may use; the rest refreshes tickets.
    public var quotaShare = 0.75

    public init(budgetPerHour: Int) { self.budgetPerHour = max(1, budgetPerHour) }

    /// 1% of the threshold (at least one request an hour).
    public static func defaultBudget(threshold: Int, percent: Double = 1) -> Int {
        max(1, Int((Double(threshold) * percent / 100).rounded(.down)))
    }

    /// The shortest spacing of readings the budget allows.
    public var minQuotaInterval: Double { 3600 / (Double(budgetPerHour) * quotaShare) }
    /// Spacing near a boundary: a reading well inside the staleness limit (a reading takes up to
    /// ~1 s more in the tiers), unless the budget allows fewer.
    public var nearInterval: Double { max(staleLimit * 0.8, minQuotaInterval) }
    /// Spacing of incremental ticket refreshes.
    public var refreshInterval: Double { max(120, 3600 / (Double(budgetPerHour) * (1 - quotaShare))) }
    /// True when the budget is too small to keep the staleness limit near a boundary.
    public var budgetLimitsStaleness: Bool { nearInterval > staleLimit - 2 }

    static let boundaries = [0.5, 0.75, 1.0]

    /// Seconds until the next reading, and why, from the projected fraction, the projected total
    /// rate (fraction of the threshold per second; negative when the count falls) and how fast the
    /// count has been seen to move either way lately (`speedBound`, ≥ |rate|): the next reading
    /// comes halfway to the moment the count could reach a boundary's near band, up or down — so a
    /// load that turns between readings is still caught in time.
    public func nextRead(fraction f: Double, ratePerSecond rate: Double, speedBound: Double? = nil) -> (
        seconds: Double, why: String
    ) {
        if let b = Self.boundaries.first(where: { abs(f - $0) < nearBand }) {
            return (nearInterval, "near \(Int(b * 100))%")
        }
        if f >= 1 { return (nearInterval, "suspended") }
        let bound = max(abs(rate), speedBound ?? 0)
        var best: (eta: Double, toward: Double)? = nil
        if let up = Self.boundaries.first(where: { $0 > f }) {
            let speed = max(rate, bound)
            if speed > 1e-9 { best = ((up - nearBand - f) / speed, up) }
        }
        if let down = Self.boundaries.last(where: { $0 < f }) {
            let speed = max(-rate, bound)
            if speed > 1e-9, best == nil || (f - down - nearBand) / speed < best!.eta {
                best = ((f - down - nearBand) / speed, down)
            }
        }
        if let best, best.eta / 2 < farInterval {
            let s = min(farInterval, max(nearInterval, best.eta / 2))
            return (s, "\(Int(best.toward * 100))% in ~\(Self.minutes(best.eta))")
        }
        return (max(nearInterval, farInterval), "far from tiers")
    }

    static func minutes(_ s: Double) -> String {
        s < 90 ? "\(Int(s.rounded())) s" : "\(Int((s / 60).rounded())) min"
    }
}

/// The poller's own automatic requests over the last hour, against its budget.
public struct BudgetLog: Sendable, Equatable {
    public let budget: Int
    /// Length of the budget's hour in clock seconds (3,600 divided by the time scale).
    public let window: Double
    public private(set) var times: [Double] = []

    public init(budget: Int, window: Double) {
        self.budget = budget
        self.window = window
    }

    public mutating func note(at t: Double) {
        times.append(t)
        trim(t)
    }

    public func spent(at t: Double) -> Int { times.reduce(0) { $0 + ($1 > t - window ? 1 : 0) } }

    /// When `count` more requests fit the budget (now if they do).
    public func available(for count: Int = 1, at t: Double) -> Double {
        let live = times.filter { $0 > t - window }
        let over = live.count + count - budget
        guard over > 0 else { return t }
        guard over <= live.count else { return t + window }
        return live[over - 1] + window
    }

    private mutating func trim(_ t: Double) {
        if times.count > 4 * budget + 64 { times.removeAll { $0 <= t - window } }
    }
}

/// Autotask's attachment budget as it stands: bytes in the rolling window against its limit,
/// when the window is clear again, and until when the server refuses attachments (after a refusal).
public struct AttachmentUsage: Sendable, Equatable {
    public var used: Int
    public var limit: Int
    public var clearsAt: Date?
    public var blockedUntil: Date?
    public init(used: Int, limit: Int, clearsAt: Date? = nil, blockedUntil: Date? = nil) {
        self.used = used
        self.limit = limit
        self.clearsAt = clearsAt
        self.blockedUntil = blockedUntil
    }
}

/// What the poller tells the dashboard about its schedule and its cost.
public struct PollStatus: Sendable, Equatable {
    /// The count projected now (Autotask), nil before a reading or where the count is our own (Atera).
    public var projected: Quota?
    /// When the last reading was taken.
    public var readAt: Date?
    /// When the next reading is due, and why then.
    public var nextReadAt: Date?
    public var why: String
    /// Automatic requests per hour allowed, and spent in the last hour.
    public var budgetPerHour: Int
    public var spentLastHour: Int
    /// Our requests (every kind) in the tenant's rolling window, and everyone else's.
    public var ours: Int
    public var others: Int?
    /// Net change of the others' count per hour of the tenant, when measured.
    public var othersPerHour: Double?
    /// The tenant's attachment budget while it is in use (Autotask), nil when untouched.
    public var attachments: AttachmentUsage?
    /// How many times faster the tenant's time runs than the wall clock (the demo: 20).
    public var timeScale: Double = 1
    /// Our requests in the last minute of the tenant (exact, from the client's log).
    public var oursPerMinute: Int?
    /// psatop's own rate from its client's records (1/5/60 minutes, in flight, latency, 429s).
    public var ownRate: OwnRate?
    /// `ours` by psatop command when other psatop processes on the host also talk to the tenant
    /// (from the quota history: "dashboard" 31, "tickets" 381); nil when this process is alone.
    public var oursByKind: [String: Int]?
    /// The biggest spike of others in the last hour, from the quota history ("others +2,800 in 12 min from 14:05").
    public var biggestSpike: String?
    /// That spike's first minute (tenant time): which spike it is, for `--notify`.
    public var biggestSpikeStart: Date?

    public init(
        projected: Quota? = nil, readAt: Date? = nil, nextReadAt: Date? = nil, why: String = "", budgetPerHour: Int,
        spentLastHour: Int = 0, ours: Int = 0, others: Int? = nil, othersPerHour: Double? = nil
    ) {
        self.projected = projected
        self.readAt = readAt
        self.nextReadAt = nextReadAt
        self.why = why
        self.budgetPerHour = budgetPerHour
        self.spentLastHour = spentLastHour
        self.ours = ours
        self.others = others
        self.othersPerHour = othersPerHour
    }
}
