import Foundation

/// The line each table and key starts on in a TOML file (config.toml, a theme), read from the text
/// itself (the TOML parser keeps no positions for values): `[table]` headers and `key =` lines under them.
struct KeyLines {
    private var lines: [String: Int] = [:]

    init(_ text: String) {
        var table: [String] = []
        var arrays: [String: Int] = [:]
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            // `[[views]]`: the n-th table of the array is the path ["views", "n"] (counted from 0).
            if line.hasPrefix("[[") {
                let name = Self.split(String(line.dropFirst(2).prefix { $0 != "]" }))
                let n = arrays[name.joined(separator: "\u{1F}"), default: 0]
                arrays[name.joined(separator: "\u{1F}")] = n + 1
                table = name + [String(n)]
                lines[table.joined(separator: "\u{1F}")] = i + 1
                if lines[name.joined(separator: "\u{1F}")] == nil { lines[name.joined(separator: "\u{1F}")] = i + 1 }
                continue
            }
            if line.hasPrefix("[") && !line.hasPrefix("[[") {
                let inner = line.dropFirst().prefix { $0 != "]" }
                table = Self.split(String(inner))
                let key = table.joined(separator: "\u{1F}")
                if lines[key] == nil { lines[key] = i + 1 }
                continue
            }
            guard let eq = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            let path = table + Self.split(String(line[..<eq]))
            // Dotted keys also name their parents (`profiles.x.vendor = …` defines profile x).
            for n in 1...path.count {
                let key = path.prefix(n).joined(separator: "\u{1F}")
                if lines[key] == nil { lines[key] = i + 1 }
            }
        }
    }

    /// `profiles."my tenant"` → ["profiles", "my tenant"].
    static func split(_ s: String) -> [String] {
        var parts: [String] = [], cur = "", quoted = false
        for c in s {
            if c == "\"" || c == "'" {
                quoted.toggle()
                continue
            }
            if c == ".", !quoted {
                parts.append(cur.trimmingCharacters(in: .whitespaces))
                cur = ""
                continue
            }
            cur.append(c)
        }
        parts.append(cur.trimmingCharacters(in: .whitespaces))
        return parts
    }

    /// The line of a key path, or of its nearest parent that has one (0 when none).
    func line(of path: [String]) -> Int {
        var p = path
        while !p.isEmpty {
            if let l = lines[p.joined(separator: "\u{1F}")] { return l }
            p.removeLast()
        }
        return 0
    }
}
