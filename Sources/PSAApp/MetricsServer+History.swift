import Foundation
import PSACore

extension MetricsServer.Scrape {
    /// Counters from the quota history since the exporter started: every psatop process's
    /// requests on this host by command, and the others' estimate (Autotask). Only increases are
    /// added, so a later, lower estimate never makes a counter go back.
    func historyCounters(_ tap: HistoryTap, _ labels: [(String, String)]) async {
        let c = await tap.cumulative(since: started)
        for (kind, n) in c.byKind.sorted(by: { $0.key < $1.key }) {
            counter(
                "host_requests",
                "Requests every psatop process on this host sent the tenant since this exporter started, by command (quota history).",
                labels + [("kind", kind)], total: n)
        }
        if let others = c.others {
            counter(
                "others_requests_estimated",
                "The tenant's other integrations' requests since this exporter started: the server's rolling count less every psatop process's exact count (see README, Quota history).",
                labels, total: others)
        }
    }
}
