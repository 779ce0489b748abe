import Dashboard
import Foundation
import PSACore
import TOMLKit

/// A `[[views]]` table: a saved view, for one profile or (no `profile`) for every tenant.
public struct ConfigView: Sendable, Equatable {
    public var view: SavedView
    public var profile: String?
    public var line: Int
}

/// What the config file says of views, custom commands, the mouse and the gauge.
public struct CustomSettings: Sendable, Equatable {
    public var views: [ConfigView] = []
    public var commands: [CustomCommand] = []
    public var mouse: Bool?
    /// `gauge = "line"`: the gauge on one line.
    public var gaugeFolded: Bool?
    public init() {}

    /// The views a profile's tenant offers: those for every tenant, then its own, in file order.
    public func views(for profile: String?) -> [SavedView] {
        views.filter { $0.profile == nil || $0.profile == profile }.map(\.view)
    }

    static let viewKeys = ["name", "profile", "server_filter", "filter", "sort", "columns"]
    static let commandKeys = ["name", "key", "run", "output", "read_only_safe"]

    mutating func read(
        _ key: String, _ value: any TOMLValueConvertible, lines: KeyLines, fail: ([String], String) -> ConfigError
    ) throws {
        switch key {
        case "mouse":
            guard let b = value.bool else { throw fail([key], "mouse must be true or false") }
            mouse = b
        case "gauge":
            guard let s = value.string, ["full", "line"].contains(s) else {
                throw fail([key], "gauge must be \"full\" (the 7-line gauge) or \"line\" (one line)")
            }
            gaugeFolded = s == "line"
        case "views", "commands":
            guard let array = value.array else { throw fail([key], "\(key) must be tables: [[\(key)]]") }
            for (n, item) in array.enumerated() {
                let at = [key, String(n)]
                guard let t = item.table else { throw fail(at, "each of \(key) must be a table: [[\(key)]]") }
                let known = key == "views" ? Self.viewKeys : Self.commandKeys
                for k in t.keys where !known.contains(k) {
                    throw fail(at + [k], "unknown key '\(k)' in [[\(key)]]; known: \(known.joined(separator: ", "))")
                }
                if key == "views" {
                    views.append(try Self.view(t, at, lines.line(of: at), fail))
                } else {
                    commands.append(try Self.command(t, at, fail))
                }
            }
        default: break
        }
    }

    static func text(_ t: TOMLTable, _ k: String, _ at: [String], _ fail: ([String], String) -> ConfigError) throws
        -> String?
    {
        guard let v = t[k] else { return nil }
        guard let s = v.string else { throw fail(at + [k], "\(k) must be text in quotes") }
        return s
    }

    static func view(_ t: TOMLTable, _ at: [String], _ line: Int, _ fail: ([String], String) -> ConfigError) throws
        -> ConfigView
    {
        guard let name = try text(t, "name", at, fail), !name.isEmpty else {
            throw fail(at, "a view needs name = \"…\"")
        }
        var v = SavedView(name: name)
        if let f = try text(t, "server_filter", at, fail) {
            do {
                let parsed = try ServerFilter.parse(f)
                v.serverFilter = parsed.isEmpty ? nil : parsed
            } catch { throw fail(at + ["server_filter"], "view '\(name)': \(error.description)") }
        }
        v.filter = try text(t, "filter", at, fail) ?? ""
        if let s = try text(t, "sort", at, fail) {
            // "priority" (its own direction), "-priority" or "priority desc" (descending), "priority asc".
            var word = s.lowercased().trimmingCharacters(in: .whitespaces)
            var descending: Bool?
            if word.hasPrefix("-") {
                descending = true
                word.removeFirst()
            }
            for (suffix, d) in [(" desc", true), (" asc", false)] where word.hasSuffix(suffix) {
                descending = d
                word = String(word.dropLast(suffix.count))
            }
            guard let c = SortColumn(rawValue: word) else {
                throw fail(
                    at + ["sort"],
                    "view '\(name)': sort must be one of \(SortColumn.allCases.map(\.rawValue).joined(separator: ", ")) (\"-\" before it: descending)"
                )
            }
            v.order = ListOrder(column: c, descending: descending ?? c.descendingFirst)
        }
        if let c = t["columns"] {
            guard let list = c.array, !list.isEmpty else {
                throw fail(at + ["columns"], "view '\(name)': columns must be a list, e.g. [\"number\", \"title\"]")
            }
            var cols: [SortColumn] = []
            for item in list {
                guard let s = item.string, let col = SortColumn(rawValue: s.lowercased()) else {
                    throw fail(
                        at + ["columns"],
                        "view '\(name)': columns are \(SortColumn.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if !cols.contains(col) { cols.append(col) }
            }
            v.columns = cols
        }
        return ConfigView(view: v, profile: try text(t, "profile", at, fail), line: line)
    }

    static func command(_ t: TOMLTable, _ at: [String], _ fail: ([String], String) -> ConfigError) throws
        -> CustomCommand
    {
        guard let name = try text(t, "name", at, fail), !name.isEmpty else {
            throw fail(at, "a command needs name = \"…\"")
        }
        guard let run = t["run"]?.array, !run.isEmpty else {
            throw fail(
                at + ["run"],
                "command '\(name)': run must be a list: the program, then its arguments, e.g. run = [\"echo\", \"{number}\"] (no shell runs it)"
            )
        }
        var argv: [String] = []
        for item in run {
            guard let s = item.string else { throw fail(at + ["run"], "command '\(name)': run holds text only") }
            let unknown = CustomCommand.unknownPlaceholders(in: s)
            guard unknown.isEmpty else {
                throw fail(
                    at + ["run"],
                    "command '\(name)': unknown placeholder {\(unknown[0])}; known: \(CustomCommand.placeholders.map { "{\($0)}" }.joined(separator: ", "))"
                )
            }
            argv.append(s)
        }
        guard !argv[0].isEmpty, CustomCommand.unknownPlaceholders(in: argv[0]).isEmpty, !argv[0].contains("{") else {
            throw fail(at + ["run"], "command '\(name)': the program (run's first item) must be a name or a path")
        }
        var key: Character?
        if let k = try text(t, "key", at, fail) {
            guard k.count == 1, let ch = k.first, ch.isTypable, ch != " " else {
                throw fail(at + ["key"], "command '\(name)': key must be one character, e.g. key = \"K\"")
            }
            if let owner = KeyMap.owner(of: ch) {
                throw fail(
                    at + ["key"],
                    "command '\(name)': key '\(ch)' is psatop's own (\(KeyMap.name(of: owner))); choose another")
            }
            key = ch
        }
        var output = CustomCommand.Output.pane
        if let o = try text(t, "output", at, fail) {
            guard let parsed = CustomCommand.Output(rawValue: o) else {
                throw fail(at + ["output"], "command '\(name)': output must be \"pane\" or \"foreground\"")
            }
            output = parsed
        }
        var safe = false
        if let r = t["read_only_safe"] {
            guard let b = r.bool else { throw fail(at + ["read_only_safe"], "read_only_safe must be true or false") }
            safe = b
        }
        return CustomCommand(name: name, key: key, argv: argv, output: output, readOnlySafe: safe)
    }

    /// What can only be checked with the whole file read: profiles named, names and keys once.
    func check(profiles: [String], fail: ([String], String) -> ConfigError) throws {
        for (n, v) in views.enumerated() {
            let at = ["views", String(n)]
            if let p = v.profile, !profiles.contains(p) {
                throw fail(
                    at + ["profile"],
                    "view '\(v.view.name)' is for profile '\(p)', which is not defined; profiles: \(profiles.joined(separator: ", "))"
                )
            }
            if views[..<n].contains(where: {
                $0.view.name.caseInsensitiveCompare(v.view.name) == .orderedSame
                    && ($0.profile == nil || v.profile == nil || $0.profile == v.profile)
            }) {
                throw fail(at + ["name"], "a second view named '\(v.view.name)'")
            }
        }
        for (n, c) in commands.enumerated() {
            if let k = c.key, let other = commands[..<n].first(where: { $0.key == k }) {
                throw fail(
                    ["commands", String(n), "key"], "command '\(c.name)': key '\(k)' is '\(other.name)''s already")
            }
        }
    }
}
