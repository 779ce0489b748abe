import Foundation
import PSACore

/// Small text helpers shared by the panes.
enum Format {
    /// 12345 → "12,345".
    static func grouped(_ n: Int) -> String {
        let s = String(abs(n))
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0, (s.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// Age like "45s", "12m", "3h", "5d".
    static func age(_ from: Date?, now: Date) -> String {
        guard let from else { return "" }
        let s = max(0, Int(now.timeIntervalSince(from)))
        switch s {
        case ..<60: return "\(s)s"
        case ..<3600: return "\(s / 60)m"
        case ..<86_400: return "\(s / 3600)h"
        default: return "\(s / 86_400)d"
        }
    }

    static func clock(_ d: Date, _ tz: TimeZone) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        let c = cal.dateComponents([.hour, .minute, .second], from: d)
        return String(format: "%02d:%02d:%02d", c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// A field's value with a leading vendor date (`2026-11-28T10:02:00Z`, or one before " · "
    /// and a text) shown as the detail's other dates are, in the screen's time zone.
    static func localDates(_ value: String, _ tz: TimeZone) -> String {
        let head = value.range(of: " · ").map { String(value[..<$0.lowerBound]) } ?? value
        guard head.count >= 10, head.first?.isNumber == true, !head.contains(" "), let d = VendorDate.parse(head)
        else { return value }
        return dateTime(d, tz) + value.dropFirst(head.count)
    }

    static func dateTime(_ d: Date?, _ tz: TimeZone) -> String {
        guard let d else { return "—" }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: d)
        let zone = tz.abbreviation(for: d) ?? tz.identifier
        return String(
            format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0) + " "
            + zone
    }

    static func millis(_ seconds: Double) -> String {
        seconds < 10 ? "\(Int((seconds * 1000).rounded()))ms" : String(format: "%.1fs", seconds)
    }

    /// 193 → 190, 7.4 → 7, 12,345 → 12,000.
    static func significant(_ v: Double, _ digits: Int) -> Int {
        guard v >= 1 else { return Int(v.rounded()) }
        let scale = pow(10, Double(Int(log10(v)) + 1 - digits))
        return Int(((v / scale).rounded() * scale).rounded())
    }

    /// A wait rounded as people say it: to 5 s under a minute, 10 s under ten minutes, a minute after.
    static func coarse(_ s: Double) -> Double {
        let step: Double = s < 60 ? 5 : s < 600 ? 10 : 60
        return s < 10 ? s.rounded() : (s / step).rounded() * step
    }

    /// "45s", "3m10s", "2h05m": how long to wait, in a few characters.
    static func duration(_ s: Double) -> String {
        let t = Int(max(0, s).rounded())
        if t < 60 { return "\(t)s" }
        if t < 3_600 { return t % 60 == 0 || t >= 600 ? "\(t / 60)m" : "\(t / 60)m\(String(format: "%02d", t % 60))s" }
        return "\(t / 3_600)h\(String(format: "%02d", (t % 3_600) / 60))m"
    }

    static func seconds(_ s: Double) -> String {
        s < 10 ? String(format: "%.1fs", s) : "\(Int(s.rounded()))s"
    }

    /// Word-wraps text to a width, keeping paragraph breaks (linear, remembered: see `TextWidth.wrap`).
    static func wrap(_ text: String, width: Int) -> [String] { TextWidth.wrap(text, width: width) }
}

/// Box-drawing characters, Unicode or ASCII.
struct Glyphs {
    let tl, tr, bl, br, h, v: String
    let full, empty, mark: String
    /// Our own share of the filled bar.
    let ours: String
    let spinnerFrames: [String]
    let dot: String
    /// Marks a ticket row that the last refresh found changed.
    let changed: String
    /// Sort direction in a column header.
    let up: String, down: String
    /// The text cursor in a prompt.
    let cursor: String
    let arrow: String
    /// The spinner's frame at a tick count (`Screen.spinner`).
    func spinner(_ tick: Int) -> String { spinnerFrames[tick % spinnerFrames.count] }
    /// Eight levels of a sparkline, lowest first.
    var spark: [String] {
        tl == "+" ? ["_", ".", ",", ":", "-", "=", "*", "#"] : ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    }

    static let unicode = Glyphs(
        tl: "┌", tr: "┐", bl: "└", br: "┘", h: "─", v: "│", full: "█", empty: "░", mark: "┃",
        ours: "▓", spinnerFrames: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"], dot: "·", changed: "●",
        up: "↑", down: "↓", cursor: "▏", arrow: "→")
    static let ascii = Glyphs(
        tl: "+", tr: "+", bl: "+", br: "+", h: "-", v: "|", full: "#", empty: ".", mark: "|",
        ours: "@", spinnerFrames: ["-", "\\", "|", "/"], dot: "-", changed: "*",
        up: "^", down: "v", cursor: "_", arrow: "->")
}

extension Canvas {
    /// A box with a title on its top border. Returns the area inside it for the pane's text: within
    /// the border, `padding` columns in from each side (panes place their text by it, not by the box).
    @discardableResult
    mutating func box(_ r: Layout.Rect, title: String, focused: Bool, theme: Theme, glyphs g: Glyphs, padding: Int = 1)
        -> Layout.Rect
    {
        let area = Layout.Rect(
            x: r.x + 1 + padding, y: r.y + 1, width: max(0, r.width - 2 - 2 * padding), height: max(0, r.height - 2))
        guard r.width >= 2, r.height >= 2 else { return area }
        let style = focused ? theme[.borderFocus] : theme[.border]
        let inner = r.width - 2
        repeated(r.x, r.y, g.tl, count: 1, style)
        repeated(r.x + 1, r.y, g.h, count: inner, style)
        repeated(r.x + r.width - 1, r.y, g.tr, count: 1, style)
        for y in (r.y + 1)..<(r.y + r.height - 1) {
            repeated(r.x, y, g.v, count: 1, style)
            fill(x: r.x + 1, y: y, width: inner, height: 1, theme[.base])
            repeated(r.x + r.width - 1, y, g.v, count: 1, style)
        }
        repeated(r.x, r.y + r.height - 1, g.bl, count: 1, style)
        repeated(r.x + 1, r.y + r.height - 1, g.h, count: inner, style)
        repeated(r.x + r.width - 1, r.y + r.height - 1, g.br, count: 1, style)
        if !title.isEmpty {
            put(r.x + 2, r.y, " " + title + " ", focused ? theme[.borderFocus] : theme[.header], maxWidth: r.width - 4)
        }
        return area
    }
}
