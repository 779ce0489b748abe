import Foundation
import PSACore

/// The history view: the count as bars (ours at the bottom of each, others above it, coloured by
/// tier), the tier lines where no bar reaches, the time axis, and the spikes kept, each with whose
/// it is (the others', or ours by command; Enter: a spike's minutes).
func renderHistoryView(
    _ c: inout Canvas, _ s: DashboardState, _ v: HistoryViewState, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect
) {
    let range = v.days == 1 ? "last 24 h" : "last 7 days"
    let title = "Quota history \(g.dot) \(range) \(g.dot) \(g.ours) ours \(g.full) others"
    let area = c.box(r, title: title, focused: true, theme: theme, glyphs: g)
    guard area.height >= 4, area.width >= 20 else { return }
    guard let chart = v.chart else {
        c.put(
            area.x, area.y, v.error.map { "history: \($0)" } ?? "loading\u{2026}",
            theme[v.error == nil ? .muted : .error])
        return
    }
    if let e = v.error { c.put(area.x, area.y + area.height - 1, e, theme[.error], maxWidth: area.width) }
    guard chart.points.contains(where: { $0.count != nil }) else {
        c.put(area.x, area.y, "no readings in the \(range) yet: the history fills as psatop runs", theme[.muted])
        return
    }
    let spikeRows = min(max(2, area.height / 3), chart.spikes.isEmpty ? 1 : chart.spikes.count + 1)
    let rows = max(2, area.height - spikeRows - 1)
    let gutter = 5
    let cols = max(1, area.width - gutter)
    let columns = historyColumns(chart.points, cols: cols)
    let peak = columns.compactMap { $0?.count }.max() ?? 0
    let top = max(1, chart.limit ?? 0, peak)
    func height(_ n: Int) -> Int { Int((Double(n) / Double(top) * Double(rows)).rounded()) }
    // The tier lines and their labels (Autotask's 50% and 75%, and the limit).
    var lines: [Int: LatencyTier] = [:]
    if let l = chart.limit, l > 0 {
        for (f, tier, label) in [(0.5, LatencyTier.half, "50%"), (0.75, .one, "75%"), (1.0, .suspended, "100%")] {
            let y = rows - height(Int(Double(l) * f))
            guard y >= 0, y < rows else { continue }
            lines[y] = tier
            c.put(area.x, area.y + y, label, theme[.muted], maxWidth: gutter - 1)
        }
    }
    for (x, col) in columns.enumerated() {
        let total = col.flatMap(\.count).map(height) ?? 0
        let ours = col.map { height(min($0.ours, $0.count ?? 0)) } ?? 0
        let tier = col?.count.map { LatencyTier(count: $0, threshold: max(1, chart.limit ?? top)) } ?? .none
        for y in 0..<rows {
            let fromBottom = rows - y
            let cx = area.x + gutter + x, cy = area.y + y
            if fromBottom <= ours {
                c.put(cx, cy, g.ours, theme[.muted])
            } else if fromBottom <= total {
                c.put(cx, cy, g.full, theme[tier])
            } else if let t = lines[y] {
                c.put(cx, cy, g.h, theme[t])
            }
        }
    }
    renderHistoryAxis(&c, s, chart, theme, x: area.x + gutter, y: area.y + rows, cols: cols)
    let listY = area.y + rows + 1
    renderSpikes(&c, v, chart, theme, g, Layout.Rect(x: area.x, y: listY, width: area.width, height: spikeRows))
}

/// One value per column: the points are spread over the columns (a column holding several takes
/// the highest count).
func historyColumns(_ points: [HistoryChart.Point], cols: Int) -> [HistoryChart.Point?] {
    guard !points.isEmpty else { return [] }
    return (0..<cols).map { x in
        let lo = x * points.count / cols, hi = max(lo + 1, (x + 1) * points.count / cols)
        return points[lo..<min(hi, points.count)].max { ($0.count ?? -1) < ($1.count ?? -1) }
    }
}

func renderHistoryAxis(
    _ c: inout Canvas, _ s: DashboardState, _ chart: HistoryChart, _ theme: Theme, x: Int, y: Int, cols: Int
) {
    var cal = Calendar(identifier: .gregorian)
    cal.timeZone = s.timeZone
    let span = Double(chart.points.count * chart.bucketMinutes) * 60
    var next = 0
    for col in stride(from: 0, to: cols, by: 1) where col >= next {
        let d = chart.start.addingTimeInterval(span * Double(col) / Double(cols))
        let k = cal.dateComponents([.month, .day, .hour, .minute], from: d)
        let label =
            chart.days == 1
            ? String(format: "%02d:%02d", k.hour ?? 0, k.minute ?? 0)
            : String(format: "%02d-%02d", k.month ?? 0, k.day ?? 0)
        guard col + label.count <= cols else { break }
        c.put(x + col, y, label, theme[.muted])
        next = col + label.count + 6
    }
}

func renderSpikes(
    _ c: inout Canvas, _ v: HistoryViewState, _ chart: HistoryChart, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect
) {
    guard r.height > 0 else { return }
    if !chart.serverCount {
        c.put(r.x, r.y, "the server reports no tenant count here: ours only, others unknown", theme[.muted])
        return
    }
    if chart.spikes.isEmpty {
        c.put(r.x, r.y, "no spikes in this range", theme[.muted], maxWidth: r.width)
        return
    }
    if let i = v.openSpike, chart.spikes.indices.contains(i) {
        let spike = chart.spikes[i]
        c.put(r.x, r.y, "\(spike.text.sanitized) \(g.dot) per minute:", theme[.header], maxWidth: r.width)
        let text = spike.perMinute.map { Format.grouped($0) }.joined(separator: " ")
        c.put(r.x, r.y + 1, text, theme[.base], maxWidth: r.width)
        return
    }
    c.put(r.x, r.y, "Spikes, whose (\(chart.spikes.count)):", theme[.header], maxWidth: r.width)
    let shown = max(0, r.height - 1)
    let first = v.cursor.firstShown(rows: shown, count: chart.spikes.count)
    for (k, spike) in chart.spikes.enumerated().dropFirst(first).prefix(shown) {
        let y = r.y + 1 + k - first
        let mine = k == v.selected
        c.put(
            r.x, y, (mine ? "\(g.arrow) " : "  ") + spike.text.sanitized, theme[mine ? .selected : .base],
            maxWidth: r.width)
    }
}
