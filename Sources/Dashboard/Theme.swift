import Foundation
import PSACore

/// The named styles a theme sets. Files in `themes/` map these names to colours.
public enum Role: String, CaseIterable, Sendable {
    case base, muted, title, border, borderFocus, header, selected, statusBar, key, error, warning, ok
    case gaugeNone = "gauge.none", gaugeHalf = "gauge.half", gaugeOne = "gauge.one", gaugeSuspended = "gauge.suspended"
    case gaugeEmpty = "gauge.empty", gaugeMark = "gauge.mark"
    case priorityCritical = "priority.critical", priorityHigh = "priority.high"
    case priorityMedium = "priority.medium", priorityLow = "priority.low"
    case overdue
}

/// A theme: a style for every role.
public struct Theme: Sendable, Equatable {
    public var name: String
    public var styles: [Role: Style]

    public subscript(_ role: Role) -> Style { styles[role] ?? styles[.base] ?? .plain }

    /// The gauge's style for a latency tier.
    public subscript(_ tier: LatencyTier) -> Style {
        switch tier {
        case .none: self[.gaugeNone]
        case .half: self[.gaugeHalf]
        case .one: self[.gaugeOne]
        case .suspended: self[.gaugeSuspended]
        }
    }

    public init(name: String, styles: [Role: Style]) {
        self.name = name
        self.styles = styles
    }

    /// Built in so psatop can always draw; `themes/default.toml` says the same in a file.
    public static let fallback = Theme(
        name: "fallback",
        styles: [
            .base: Style(), .muted: Style(fg: .ansi(8)), .title: Style(fg: .ansi(15), bg: .ansi(4), bold: true),
            .border: Style(fg: .ansi(8)), .borderFocus: Style(fg: .ansi(14), bold: true),
            .header: Style(fg: .ansi(14), bold: true),
            .selected: Style(reverse: true), .statusBar: Style(fg: .ansi(0), bg: .ansi(7)),
            .key: Style(fg: .ansi(0), bg: .ansi(6), bold: true),
            .error: Style(fg: .ansi(9), bold: true), .warning: Style(fg: .ansi(11)), .ok: Style(fg: .ansi(10)),
            .gaugeNone: Style(fg: .ansi(2)), .gaugeHalf: Style(fg: .ansi(3)), .gaugeOne: Style(fg: .ansi(1)),
            .gaugeSuspended: Style(fg: .ansi(15), bg: .ansi(1), bold: true), .gaugeEmpty: Style(fg: .ansi(8)),
            .gaugeMark: Style(fg: .ansi(15), bold: true),
            .priorityCritical: Style(fg: .ansi(9), bold: true), .priorityHigh: Style(fg: .ansi(11)),
            .priorityMedium: Style(), .priorityLow: Style(fg: .ansi(8)), .overdue: Style(fg: .ansi(9)),
        ])

    /// No colour at all (NO_COLOR, or a terminal without colours): attributes only.
    public static let mono = Theme(
        name: "mono",
        styles: [
            .base: Style(), .muted: Style(dim: true), .title: Style(bold: true, reverse: true), .border: Style(),
            .borderFocus: Style(bold: true), .header: Style(bold: true), .selected: Style(reverse: true),
            .statusBar: Style(reverse: true), .key: Style(bold: true), .error: Style(bold: true),
            .warning: Style(bold: true),
            .ok: Style(), .gaugeNone: Style(), .gaugeHalf: Style(bold: true), .gaugeOne: Style(bold: true),
            .gaugeSuspended: Style(bold: true, reverse: true), .gaugeEmpty: Style(dim: true),
            .gaugeMark: Style(bold: true),
            .priorityCritical: Style(bold: true), .priorityHigh: Style(bold: true), .priorityMedium: Style(),
            .priorityLow: Style(dim: true), .overdue: Style(underline: true),
        ])
}

/// A theme file error that names the file and line (the same type as the config file's).
public typealias ThemeError = FileLineError

/// A theme file as read by psatop's one TOML reader (TOMLKit, in PSAApp: `ThemeFile`): its
/// top-level keys and each table's keys, with the lines they are on, so every error names one.
public struct ThemeSource: Sendable {
    public enum Value: Sendable, Equatable {
        case string(String), int(Int), bool(Bool)
        /// Any other TOML type, described (`an array`, `a float`…).
        case other(String)
    }

    public struct Entry: Sendable {
        public var key: String
        public var value: Value
        public var line: Int
        public init(key: String, value: Value, line: Int) {
            self.key = key
            self.value = value
            self.line = line
        }
    }

    /// A table: a style's `[role]` (dotted names such as `gauge.none` joined back).
    public struct Section: Sendable {
        public var name: String
        public var line: Int
        public var entries: [Entry]
        public init(name: String, line: Int, entries: [Entry]) {
            self.name = name
            self.line = line
            self.entries = entries
        }
    }

    public var top: [Entry]
    public var sections: [Section]
    public init(top: [Entry], sections: [Section]) {
        self.top = top
        self.sections = sections
    }
}

/// Builds a theme from a theme file: `[role]` sections with `fg`, `bg`, `bold`, `underline`,
/// `reverse`, `dim`; a top-level `name`. Roles not set fall back to the built-in theme.
public enum ThemeLoader {
    public static func build(_ source: ThemeSource, file: String) throws -> Theme {
        var theme = Theme.fallback
        theme.name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        for entry in source.top.sorted(by: { $0.line < $1.line }) {
            let fail = { (m: String) in ThemeError(file: file, line: entry.line, message: m) }
            switch entry.key {
            case "name":
                guard case .string(let s) = entry.value else { throw fail("name must be a string") }
                theme.name = s
            case "description": break
            default: throw fail("unknown key '\(entry.key)' outside a section (expected name or description)")
            }
        }
        for section in source.sections.sorted(by: { $0.line < $1.line }) {
            guard let r = Role(rawValue: section.name) else {
                throw ThemeError(
                    file: file, line: section.line,
                    message:
                        "unknown style '\(section.name)'; known: \(Role.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            var s = Style()
            for entry in section.entries.sorted(by: { $0.line < $1.line }) {
                try apply(entry, to: &s, fail: { ThemeError(file: file, line: entry.line, message: $0) })
            }
            theme.styles[r] = s
        }
        return theme
    }

    static func apply(_ entry: ThemeSource.Entry, to s: inout Style, fail: (String) -> ThemeError) throws {
        let key = entry.key
        switch (key, entry.value) {
        case ("fg", .string(let c)): s.fg = try color(c, fail: fail)
        case ("bg", .string(let c)): s.bg = try color(c, fail: fail)
        case ("fg", .int(let c)), ("bg", .int(let c)):
            guard (0...255).contains(c) else { throw fail("colour index \(c) is outside 0–255") }
            let col: TermColor = c < 16 ? .ansi(UInt8(c)) : .indexed(UInt8(c))
            if key == "fg" { s.fg = col } else { s.bg = col }
        case ("bold", .bool(let b)): s.bold = b
        case ("underline", .bool(let b)): s.underline = b
        case ("reverse", .bool(let b)): s.reverse = b
        case ("dim", .bool(let b)): s.dim = b
        case ("fg", _), ("bg", _): throw fail("\(key) must be a colour name, \"#rrggbb\" or 0–255")
        case ("bold", _), ("underline", _), ("reverse", _), ("dim", _): throw fail("\(key) must be true or false")
        default: throw fail("unknown key '\(key)' (expected fg, bg, bold, underline, reverse, dim)")
        }
    }

    static let names: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "gray": 8, "grey": 8, "bright-black": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11,
        "bright-blue": 12, "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15,
    ]

    static func color(_ s: String, fail: (String) -> ThemeError) throws -> TermColor {
        let l = s.lowercased()
        if l == "default" || l == "none" { return .default }
        if let n = names[l] { return .ansi(n) }
        if l.hasPrefix("#"), l.count == 7, let v = UInt32(l.dropFirst(), radix: 16) {
            return .rgb(UInt8(v >> 16), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF))
        }
        throw fail("unknown colour '\(s)' (use a name like bright-red, \"#rrggbb\", or 0–255)")
    }
}
