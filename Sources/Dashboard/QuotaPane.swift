import Foundation
import PSACore

/// The threshold gauge: count against threshold, the tier marks at 50% and 75%, the tier in
/// words, the timeframe, and the state of the queue (paused, suspended).
func renderQuota(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect) {
    c.box(r, title: s.vendor == "Atera" ? "Quota (per-key limit)" : "Quota (ThresholdInformation)", focused: false, theme: theme, glyphs: g)
    let x = r.x + 2, inner = r.width - 4
    guard let q = s.quota else {
        let msg = s.quotaError.map { "quota unavailable: \($0)" } ?? "reading the quota…"
        c.put(x, r.y + 1, msg, s.quotaError == nil ? theme[.muted] : theme[.error], maxWidth: inner)
        return
    }
    let tier = s.shownTier ?? q.tier
    let tierStyle: Style = switch tier {
    case .none: theme[.gaugeNone]
    case .half: theme[.gaugeHalf]
    case .one: theme[.gaugeOne]
    case .suspended: theme[.gaugeSuspended]
    }
    // Line 1: the bar, then the percentage.
    let pct = String(format: "%5.1f%%", q.percent)
    let barW = max(10, inner - TextWidth.of(pct) - 3)
    let filled = min(barW, Int((q.fraction * Double(barW)).rounded(.down)))
    let marks = [barW / 2, barW * 3 / 4]
    c.put(x, r.y + 1, "[", theme[.border])
    for i in 0..<barW {
        let isMark = marks.contains(i)
        let glyph = isMark ? g.mark : (i < filled ? g.full : g.empty)
        let style = isMark ? theme[.gaugeMark] : (i < filled ? tierStyle : theme[.gaugeEmpty])
        c.put(x + 1 + i, r.y + 1, glyph, style)
    }
    c.put(x + 1 + barW, r.y + 1, "]", theme[.border])
    c.put(x + barW + 3, r.y + 1, pct, tierStyle)

    // Line 2: numbers, timeframe, tier.
    let window = q.windowSeconds == 60 ? "per minute" : q.windowSeconds % 60 == 0 ? "in \(q.windowSeconds / 60) min (rolling)" : "in \(q.windowSeconds)s"
    let who = s.vendor == "Atera" ? "our requests" : "requests, all integrations"
    var line2 = "\(Format.grouped(q.used)) / \(Format.grouped(q.limit)) \(who) \(window)"
    c.put(x, r.y + 2, line2, theme[.base], maxWidth: inner)
    line2 = s.vendor == "Atera" ? (s.tierWords ?? "") : "tier: " + tier.label
    let tw = TextWidth.of(line2)
    if TextWidth.of("\(Format.grouped(q.used)) / \(Format.grouped(q.limit)) \(who) \(window)") + tw + 3 <= inner {
        c.put(x + inner - tw, r.y + 2, line2, tierStyle)
    }

    // Line 3: the queue's state, or how far the next boundary is.
    let y3 = r.y + 3
    if let p = s.pause {
        let left = max(0, p.until.timeIntervalSince(s.now))
        let text: String
        switch p.reason {
        case .suspended:
            text = "SUSPENDED: all traffic stopped; one probe at \(Format.clock(p.until, s.timeZone)) (in \(Format.seconds(left))) — \(p.detail)"
        default:
            text = "Paused by the server (\(p.reason.rawValue)): resuming in \(Format.seconds(left)) — \(p.detail)"
        }
        c.put(x, y3, text, p.reason == .suspended ? theme[.error] : theme[.warning], maxWidth: inner)
        return
    }
    var parts: [String] = []
    if let ceiling = s.ceiling {
        c.put(x, y3, ceiling.text, theme[.warning], maxWidth: inner)
        return
    }
    if let w = s.attachmentWait, w.until > s.now {
        c.put(x, y3, "attachment waits for the 5-minute budget: \(ByteSize.text(w.used)) of \(ByteSize.text(w.limit)) used; "
              + "sends in \(Format.seconds(w.until.timeIntervalSince(s.now)))", theme[.warning], maxWidth: inner)
        return
    }
    if s.vendor != "Atera" { parts.append("ours: \(s.ownLastMinute) in the last minute") }
    if let m = s.measuredTier, m > q.tier, m != .suspended { parts.append("measured latency says \(m.label)") }
    let boundaries: [(Double, String)] = [(0.5, "+0.5 s tier"), (0.75, "+1 s tier"), (1.0, "suspension")]
    if s.vendor == "Atera" {
        parts.append("limit \(Format.grouped(q.limit))/min: \(Format.grouped(max(0, q.limit - q.used))) left")
    } else if let b = boundaries.first(where: { q.fraction < $0.0 }) {
        let at = Int((Double(q.limit) * b.0).rounded(.up))
        parts.append("\(b.1) at \(Format.grouped(at)): \(Format.grouped(max(0, at - q.used))) to go")
    }
    if let at = s.quotaAt { parts.append("read \(Format.age(at, now: s.now)) ago") }
    if let e = s.quotaError { parts.append("last read failed: \(e)") }
    // Whole parts only: drop the least important ones that do not fit.
    var line = ""
    for p in parts {
        let next = line.isEmpty ? p : line + "  \(g.dot)  " + p
        if TextWidth.of(next) <= inner { line = next } else if line.isEmpty { line = p }
    }
    c.put(x, y3, line, s.quotaError == nil ? theme[.muted] : theme[.warning], maxWidth: inner)
}
