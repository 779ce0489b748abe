import Dashboard
import Foundation
import TOMLKit

/// Reads a theme file with the same TOML reader as the config (TOMLKit): a syntax error names
/// the line TOML reports; a wrong value names the line of its key (`themes/x.toml:12: unknown
/// colour 'purpleish'`). What the keys mean is the Dashboard's (`ThemeLoader.build`).
public enum ThemeFile {
    /// A theme file is small: anything larger is refused, not read.
    public static let maxBytes = 256 << 10

    public static func load(path: String) throws -> Theme {
        // Opened once without blocking and judged by what was opened: a FIFO, a device or a
        // directory is refused (never waited on), and so is a file past `maxBytes`.
        let file: OpenedFile
        do { file = try OpenedFile.openForReading(path) } catch {
            throw ThemeError(file: path, line: 0, message: "cannot read the theme file (missing or unreadable)")
        }
        defer { file.release() }
        guard file.isRegular else {
            throw ThemeError(
                file: path, line: 0, message: "the theme is \(OpenedFile.describe(file.kind)), not a regular file")
        }
        guard let data = file.readAll(upTo: maxBytes + 1) else {
            throw ThemeError(file: path, line: 0, message: "cannot read the theme file (missing or unreadable)")
        }
        guard data.count <= maxBytes else {
            throw ThemeError(
                file: path, line: 0, message: "the theme file is larger than \(maxBytes / 1_024) KB: refused")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ThemeError(file: path, line: 0, message: "the theme file is not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) throws -> Theme {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw ThemeError(file: file, line: e.source.begin.line, message: e.description)
        } catch {
            throw ThemeError(file: file, line: 0, message: String(describing: error))
        }
        let lines = KeyLines(text)
        var source = ThemeSource(top: [], sections: [])
        func walk(_ t: TOMLTable, _ path: [String]) {
            var entries: [ThemeSource.Entry] = []
            var tables = 0
            for key in t.keys {
                guard let v = t[key] else { continue }
                if let sub = v.table {
                    tables += 1
                    walk(sub, path + [key])
                } else {
                    entries.append(ThemeSource.Entry(key: key, value: value(v), line: lines.line(of: path + [key])))
                }
            }
            if path.isEmpty {
                source.top = entries
            } else if !entries.isEmpty || tables == 0 {
                // `[gauge.none]` is the table `none` in `gauge`: the style's name is the joined path.
                source.sections.append(
                    ThemeSource.Section(
                        name: path.joined(separator: "."), line: lines.line(of: path),
                        entries: entries))
            }
        }
        walk(table, [])
        return try ThemeLoader.build(source, file: file)
    }

    static func value(_ v: any TOMLValueConvertible) -> ThemeSource.Value {
        switch v.type {
        case .string: v.string.map { .string($0) } ?? .other("a string")
        case .int: v.int.map { .int($0) } ?? .other("a number")
        case .bool: v.bool.map { .bool($0) } ?? .other("true or false")
        case .double: .other("a fraction")
        case .array: .other("a list")
        case .table: .other("a table")
        default: .other("a date or time")
        }
    }
}
