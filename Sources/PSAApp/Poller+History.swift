import Dashboard
import Foundation
import PSACore

/// What the poller asks the quota history (HistoryTap): this process's kind ("dashboard"), the
/// other psatop processes' requests to the tenant by kind over the last `minutes` of tenant time,
/// the history view's chart, and the biggest spike of others in the last hour.
public struct HostOurs: Sendable {
    public var kind: String
    public var others: @Sendable (_ minutes: Int) async -> [String: Int]
    public var chart: @Sendable (_ days: Int) async -> HistoryChart? = { _ in nil }
    /// The biggest spike of others in the last hour: its text, and its start (a spike's identity for
    /// `--notify`) when it began in this run.
    public var spike: @Sendable () async -> (text: String, start: Date?)? = { nil }
    public init(kind: String, others: @escaping @Sendable (_ minutes: Int) async -> [String: Int]) {
        self.kind = kind
        self.others = others
    }
}

extension Poller {
    public func setHostOurs(_ h: HostOurs?) { hostOurs = h }

    /// Adds the other processes' requests to `ours` (so the gauge's ours is all of psatop on the
    /// host, and others is what is left), split by command; and the last hour's biggest spike.
    func addHostOurs(_ s: inout PollStatus, window: Double) async {
        guard let h = hostOurs else { return }
        let spike = await h.spike()
        s.biggestSpike = spike?.text
        s.biggestSpikeStart = spike?.start
        let minutes = max(1, Int((window * timeScale / 60).rounded()))
        let others = await h.others(minutes).filter { $0.value > 0 }
        guard !others.isEmpty else { return }
        var byKind = others
        byKind[h.kind, default: 0] += s.ours
        s.ours += others.values.reduce(0, +)
        s.oursByKind = byKind
        if let p = s.projected { s.others = max(0, p.used - s.ours) }
    }
}
