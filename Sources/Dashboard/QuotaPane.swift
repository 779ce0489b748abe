import Foundation
import PSACore

/// The threshold gauge: count against threshold (projected between readings), our share of it,
/// the tier marks at 50% and 75%, the tier in words, the timeframe, the state of the queue
/// (paused, suspended), and the poller's schedule and cost.
func renderQuota(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect) {
    let perKey = s.vendor.quotaModel == .perKeyWindow
    let area = c.box(r, title: s.vendor.quotaTitle, focused: false, theme: theme, glyphs: g)
    let x = area.x, inner = area.width
    renderPollLine(&c, s, theme, g, x: x, y: r.y + 5, width: inner)
    renderTrend(&c, s, theme, g, x: x, y: r.y + 4, width: inner)
    guard let q = s.shownQuota else {
        // No limit published and no budget: our own figures are the gauge.
        if !s.vendor.publishesLimit, let own = s.poll?.ownRate {
            renderOwnRateOnly(&c, s, own, theme, g, x: x, y: r.y + 1, width: inner)
            return
        }
        let msg = s.quotaError.map { "quota unavailable: \($0)" } ?? "reading the quota…"
        c.put(x, r.y + 1, msg, s.quotaError == nil ? theme[.muted] : theme[.error], maxWidth: inner)
        return
    }
    let tier = s.shownTier ?? q.tier
    let tierStyle = theme[tier]
    // Line 1: the bar, then the percentage.
    let pct = String(format: "%5.1f%%", q.percent)
    let barW = max(10, inner - TextWidth.of(pct) - 3)
    let filled = min(barW, Int((q.fraction * Double(barW)).rounded(.down)))
    // Our share sits at the end of the filled part (a tenant threshold: the rest is everyone else's).
    let oursCells =
        perKey
        ? 0
        : min(filled, Int((Double(min(s.poll?.ours ?? 0, q.used)) / Double(max(1, q.limit)) * Double(barW)).rounded()))
    let marks = perKey ? [] : [barW / 2, barW * 3 / 4]
    c.put(x, r.y + 1, "[", theme[.border])
    for i in 0..<barW {
        let isMark = marks.contains(i)
        let glyph = isMark ? g.mark : (i < filled - oursCells ? g.full : i < filled ? g.ours : g.empty)
        let style = isMark ? theme[.gaugeMark] : (i < filled ? tierStyle : theme[.gaugeEmpty])
        c.put(x + 1 + i, r.y + 1, glyph, style)
    }
    c.put(x + 1 + barW, r.y + 1, "]", theme[.border])
    c.put(x + barW + 3, r.y + 1, pct, tierStyle)

    // Line 2: numbers, timeframe, tier.
    let window =
        s.vendor.windowPhrase
        ?? (q.windowSeconds == 60
            ? "per minute"
            : q.windowSeconds % 60 == 0 ? "in \(q.windowSeconds / 60) min (rolling)" : "in \(q.windowSeconds)s")
    let serverCount = perKey && q.server?.fresh == true
    let who = !perKey ? "requests, all integrations" : serverCount ? "requests" : "our requests"
    let approx = s.isProjected ? "~" : ""
    let numbers =
        "\(approx)\(Format.grouped(q.used)) / \(Format.grouped(q.limit)) \(who) \(window)"
        + (serverCount ? " (the server's count)" : "")
    c.put(x, r.y + 2, numbers, theme[.base], maxWidth: inner)
    let line2 = perKey ? (s.tierWords ?? "") : "tier: " + tier.label
    let tw = TextWidth.of(line2)
    if TextWidth.of(numbers) + tw + 3 <= inner {
        c.put(x + inner - tw, r.y + 2, line2, tierStyle)
    }

    // Line 3: the queue's state, or how far the next boundary is.
    let y3 = r.y + 3
    // A 429 where no limit is published: who sent it and its Retry-After, with our own figures.
    if !s.vendor.publishesLimit, let own = s.poll?.ownRate, own.waiting(now: s.now), s.pause?.reason != .suspended {
        c.put(x, y3, fitParts(ownRateParts(own, s), g, width: inner), theme[.warning], maxWidth: inner)
        return
    }
    if let p = s.pause {
        let left = max(0, p.until.timeIntervalSince(s.now))
        let text: String
        switch p.reason {
        case .suspended:
            text =
                "SUSPENDED: all traffic stopped; one probe at \(Format.clock(p.until, s.timeZone)) (in \(Format.seconds(left))) — \(p.detail)"
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
        c.put(
            x, y3,
            "attachment waits for the 5-minute budget: \(ByteSize.text(w.used)) of \(ByteSize.text(w.limit)) used; "
                + "sends in \(Format.seconds(w.until.timeIntervalSince(s.now)))", theme[.warning], maxWidth: inner)
        return
    }
    // While attachments are in the tenant's 5-minute window (or refused), that budget comes first.
    if let a = s.poll?.attachments { parts.append(attachmentText(a, s)) }
    if !perKey, let p = s.poll, let others = p.others {
        var who = "ours \(Format.grouped(p.ours)) \(g.ours)  others \(Format.grouped(others))"
        if let kinds = p.oursByKind, kinds.count > 1 {
            // Every psatop process on the host: "ours 412: dashboard 31, tickets 381".
            let split = kinds.sorted { $0.key < $1.key }.map { "\($0.key) \(Format.grouped($0.value))" }
            who =
                "ours \(Format.grouped(p.ours)): \(split.joined(separator: ", ")) \(g.ours)  others \(Format.grouped(others))"
        }
        if let rate = p.othersPerHour, abs(rate) >= 1 {
            who += " (\(rate > 0 ? "+" : "−")\(Format.grouped(Int(abs(rate).rounded())))/h)"
        }
        parts.append(who)
    } else if !perKey, let mine = s.ownLastMinute {
        parts.append("ours: \(mine) in the last minute")
    }
    if let m = s.measuredTier, m > q.tier, m != .suspended { parts.append("measured latency says \(m.label)") }
    if !perKey, let spike = s.poll?.biggestSpike { parts.append("biggest spike: \(spike.sanitized)") }
    if perKey {
        // What 429s without headers taught comes first: it is why the queue runs slower than the limit says.
        if let learned = q.learned { parts.append(learned.text) }
        if let sv = q.server, let remaining = sv.remaining, sv.fresh {
            var text = "X-RateLimit: \(Format.grouped(remaining)) of \(Format.grouped(sv.limit ?? q.limit)) left"
            if let reset = sv.resetAt, reset > s.now {
                text += ", resets in \(Format.seconds(reset.timeIntervalSince(s.now)))"
            }
            parts.append(text)
            // A number held to a sane range is shown with what the server said.
            if let said = sv.clamped { parts.append(said) }
            if let mine = s.ownLastMinute { parts.append("ours \(mine) in the last minute") }
        } else if let sv = q.server {
            parts.append(
                "limit \(Format.grouped(q.limit))\(s.vendor.limitUnit): \(Format.grouped(max(0, q.limit - q.used))) left "
                    + "(our count; the server's X-RateLimit-* \(Format.age(sv.at, now: s.now)) ago)")
        } else {
            parts.append(
                "limit \(Format.grouped(q.limit))\(s.vendor.limitUnit): \(Format.grouped(max(0, q.limit - q.used))) left "
                    + "(our count; no X-RateLimit-* from the server)")
        }
    } else if let b = s.vendor.forecastBoundaries.first(where: { q.fraction < $0.1 }) {
        let at = Int((Double(q.limit) * b.1).rounded(.up))
        parts.append("\(b.0) at \(Format.grouped(at)): \(Format.grouped(max(0, at - q.used))) to go")
    }
    // No limit published: our own rate, in flight, latency and 429s say what the count cannot.
    if !s.vendor.publishesLimit, let own = s.poll?.ownRate { parts = ownRateParts(own, s) }
    if let at = s.poll?.readAt ?? s.quotaAt, !perKey { parts.append("read \(Format.age(at, now: s.now)) ago") }
    if let e = s.quotaError { parts.append("last read failed: \(e)") }
    // Whole parts only: drop the least important ones that do not fit.
    let line = fitParts(parts, g, width: inner)
    let blocked = s.poll?.attachments?.blockedUntil.map { $0 > s.now } ?? false
    c.put(x, y3, line, s.quotaError == nil && !blocked ? theme[.muted] : theme[.warning], maxWidth: inner)
}

/// "attachments 3.2 MB of 10.0 MB per 5 min, clear in 4m12s", or the refusal's countdown.
func attachmentText(_ a: AttachmentUsage, _ s: DashboardState) -> String {
    if let b = a.blockedUntil, b > s.now {
        return "attachments refused by the server for \(Format.seconds(b.timeIntervalSince(s.now)))"
    }
    var text = "attachments \(ByteSize.text(a.used)) of \(ByteSize.text(a.limit)) per 5 min"
    if let at = a.clearsAt, at > s.now { text += ", clear in \(Format.seconds(at.timeIntervalSince(s.now)))" }
    return text
}

/// The timeframe's count as a sparkline (a bar per sixtieth of the timeframe: per minute of
/// an hour's threshold, per second of a one-minute limit; the height is the share of the limit, the
/// colour its tier) and the forecast: the net rate, and when the next boundary and the last come.
func renderTrend(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs, x: Int, y: Int, width: Int) {
    let perKey = s.vendor.quotaModel == .perKeyWindow
    guard let q = s.shownQuota, let h = s.history else { return }
    var parts: [String] = []
    if let f = s.forecast {
        let r = f.perMinute
        let unit = perKey ? "/s" : "/min"
        let rate = perKey ? r / 60 : r
        // Two significant figures and coarse waits: an estimate that does not redraw every second.
        parts.append(
            abs(rate) < 0.5
                ? "steady" : (rate > 0 ? "+" : "−") + Format.grouped(Format.significant(abs(rate), 2)) + unit)
        for b in f.shown {
            parts.append(
                b.name + " "
                    + (b.seconds.map { "in ~" + Format.duration(Format.coarse($0 / s.timeScale)) }
                        ?? "not in this \(s.vendor.windowName)"))
        }
        if f.boundaries.isEmpty { parts.append(perKey ? "at the limit" : "past every boundary") }
    } else {
        parts.append("forecast: measuring the rate")
    }
    // The sparkline's width depends on the pane's only, so the text beside it stays put (a line
    // that shifts is a line redrawn whole).
    // (Wide panes leave the forecast ~68 cells; at 80 columns it gets ~54 and drops what does not fit.)
    let sparkW = max(0, min(QuotaHistory.buckets, width >= 100 ? width - 76 : width - 62))
    let room = width - 6 - (sparkW >= 8 ? sparkW + 2 : 0)
    var text = ""
    for p in parts {
        let next = text.isEmpty ? p : text + "  \(g.dot)  " + p
        if TextWidth.of(next) <= room { text = next } else if text.isEmpty { text = p }
    }
    var cx = c.put(x, y, "trend ", theme[.muted])
    if sparkW >= 8 {
        let levels = g.spark
        for v in h.series(last: sparkW) {
            guard let v else {
                cx += c.put(x + cx, y, " ", theme[.muted])
                continue
            }
            let f = Double(v) / Double(max(1, q.limit))
            let glyph = levels[min(levels.count - 1, max(0, Int(f * Double(levels.count))))]
            let style = theme[LatencyTier(count: v, threshold: q.limit)]
            cx += c.put(x + cx, y, glyph, perKey && v < q.limit ? theme[.gaugeNone] : style)
        }
        cx += 2
    }
    c.put(x + cx, y, text, theme[.muted], maxWidth: max(0, width - cx))
}

/// The poller's line: when it reads next and why, and what it spent of its hourly budget.
func renderPollLine(_ c: inout Canvas, _ s: DashboardState, _ theme: Theme, _ g: Glyphs, x: Int, y: Int, width: Int) {
    let perKey = s.vendor.quotaModel == .perKeyWindow
    guard let p = s.poll else { return }
    var parts = ["own cost \(Format.grouped(p.spentLastHour))/h (budget \(Format.grouped(p.budgetPerHour))/h)"]
    if !perKey, let next = p.nextReadAt {
        let left = next.timeIntervalSince(s.now)
        parts.append(
            "next read " + (left > 0.5 ? "in \(Format.duration(left.rounded(.up)))" : "now")
                + (p.why.isEmpty ? "" : " (\(p.why))"))
    }
    if let at = s.refreshedAt {
        parts.append(
            "tickets refreshed \(Format.age(at, now: s.now)) ago"
                + (s.changedIDs.isEmpty ? "" : ", \(s.changedIDs.count) changed \(g.changed)"))
    }
    var line = ""
    for part in parts {
        let next = line.isEmpty ? part : line + "  \(g.dot)  " + part
        if TextWidth.of(next) <= width { line = next } else if line.isEmpty { line = part }
    }
    c.put(x, y, line, theme[.muted], maxWidth: width)
}
