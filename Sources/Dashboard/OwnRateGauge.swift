import Foundation
import PSACore

// The gauge of a vendor that publishes no limit (ConnectWise): psatop's own rate from its
// client's records, said once to be ours and the limit unpublished.

/// The parts of the own-rate line, most important first: a running 429 countdown, our rate over
/// 1, 5 and 60 minutes, what is in flight and the latency, what 429s taught.
func ownRateParts(_ own: OwnRate, _ s: DashboardState, rate: Bool = true) -> [String] {
    var parts: [String] = []
    let throttle = own.throttleText(now: s.now, apiName: s.vendor.label)
    if let t = throttle, own.waiting(now: s.now) { parts.append(t) }
    if rate { parts.append(ownRateText(own)) }
    parts.append(own.flightText)
    if let learned = own.learned { parts.append(learned.text) }
    if let t = throttle, !own.waiting(now: s.now) { parts.append(t) }
    return parts
}

/// "ours 42/min, 180/5 min, 1,250/h": our requests in the last 1, 5 and 60 minutes.
func ownRateText(_ own: OwnRate) -> String {
    "ours \(Format.grouped(own.lastMinute))/min, \(Format.grouped(own.last5Minutes))/5 min, "
        + "\(Format.grouped(own.lastHour))/h"
}

/// Whole parts joined by the dot, dropping from the end what does not fit.
func fitParts(_ parts: [String], _ g: Glyphs, width: Int) -> String {
    var line = ""
    for p in parts {
        let next = line.isEmpty ? p : line + "  \(g.dot)  " + p
        if TextWidth.of(next) <= width { line = next } else if line.isEmpty { line = p }
    }
    return line
}

/// The gauge without a budget: no limit to draw a bar against, so our own figures only, and
/// how to have a bar (a budget in the profile).
func renderOwnRateOnly(
    _ c: inout Canvas, _ s: DashboardState, _ own: OwnRate, _ theme: Theme, _ g: Glyphs, x: Int, y: Int, width: Int
) {
    c.put(
        x, y, "limit not published — no budget set (rate_limit = N per minute draws one)",
        theme[.muted], maxWidth: width)
    c.put(x, y + 1, ownRateText(own), theme[.base], maxWidth: width)
    let style = own.waiting(now: s.now) ? theme[.warning] : theme[.muted]
    c.put(x, y + 2, fitParts(ownRateParts(own, s, rate: false), g, width: width), style, maxWidth: width)
}
