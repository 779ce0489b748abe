import Foundation
import PSAClient
import PSACore

/// What `tickets --all` tells a person on stderr about a long walk: a progress line (on a
/// terminal only, rewritten in place), why it waits, and one summary line at the end.
public struct WalkReport: Sendable {
    public var started: Double
    public var latest = WalkProgress(tickets: 0, total: nil, pages: 0)
    /// Why the walk waits now and until when (the ceiling, a pause, a suspension); nil: it does not.
    public var waiting: (why: String, until: Date?)?

    public init(started: Double) { self.started = started }

    /// "12,000 / 100,000 tickets (12%) · 25 requests · 2,400/s · about 33 s left", then the wait, if any.
    public func progressLine(now: Double) -> String {
        let elapsed = max(0, now - started)
        var parts: [String] = []
        if let total = latest.total, total > 0 {
            let pct = min(100, latest.tickets * 100 / total)
            parts.append("\(Self.count(latest.tickets)) / \(Self.count(total)) tickets (\(pct)%)")
        } else {
            parts.append(Self.count(latest.tickets, "ticket"))
        }
        parts.append(Self.count(latest.pages, "request"))
        if elapsed >= 0.5, latest.tickets > 0 {
            let rate = Double(latest.tickets) / elapsed
            parts.append("\(Self.count(Int(rate.rounded())))/s")
            if let total = latest.total, total > latest.tickets, rate > 0 {
                parts.append("about \(Self.duration(Double(total - latest.tickets) / rate)) left")
            }
        }
        if let w = waiting {
            parts.append(
                "waiting: \(w.why)" + (w.until.map { " until \($0.formatted(date: .omitted, time: .standard))" } ?? ""))
        }
        return parts.joined(separator: " · ")
    }

    /// "60,000 tickets in 121 requests, 4.1 s, tenant at 38%".
    public func summary(now: Double, tickets: Int, usage: (count: Int, threshold: Int)?) -> String {
        var s =
            "\(Self.count(tickets, "ticket")) in \(Self.count(latest.pages, "request")), \(Self.duration(max(0, now - started)))"
        if let u = usage, u.threshold > 0 {
            s += ", tenant at \(Int((Double(u.count) / Double(u.threshold) * 100).rounded()))%"
        }
        return s
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(count(n)) \(noun)\(n == 1 ? "" : "s")" }

    static func count(_ n: Int) -> String {
        n.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))
    }

    /// "4.1 s", "33 s", "4m 12s", "1h 05m".
    static func duration(_ s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "?" }
        if s < 10 { return String(format: "%.1f s", s) }
        if s < 60 { return "\(Int(s.rounded())) s" }
        let t = Int(s.rounded())
        if t < 3_600 { return "\(t / 60)m \(String(format: "%02d", t % 60))s" }
        return "\(t / 3_600)h \(String(format: "%02d", t % 3_600 / 60))m"
    }
}
