import Foundation
import PSACore

/// ConnectWise's `conditions` language as the REST 3.0 docs describe it (apis.md): a field path
/// (`board/name`, `_info/lastUpdated`), an operator (`=`, `!=`, `<`, `<=`, `>`, `>=`, `contains`,
/// `like`, `not like`, `in`, `not in`), a value — a double-quoted string with `\"`/`\\` escapes,
/// a number, `true`/`false`/`null`, a date in brackets `[2026-06-01T00:00:00Z]`, a list `(1,2)` —
/// joined by `and`/`or` (`and` binds tighter) with parentheses. Comparisons of strings ignore
/// case (SQL Server's collation). Written from the docs, not from psatop's encoder.
indirect enum CWCondition: Sendable {
    case compare(path: [String], op: String, value: CWValue)
    case and(CWCondition, CWCondition)
    case or(CWCondition, CWCondition)

    struct Invalid: Error, Sendable { let message: String }

    static func parse(_ text: String) throws -> CWCondition {
        var p = Parser(chars: Array(text))
        let c = try p.orExpr()
        p.skipSpace()
        guard p.i == p.chars.count else { throw Invalid(message: "unexpected text at \(p.i): '\(p.rest)'") }
        return c
    }

    func matches(_ obj: [String: Any]) -> Bool {
        switch self {
        case .and(let a, let b): return a.matches(obj) && b.matches(obj)
        case .or(let a, let b): return a.matches(obj) || b.matches(obj)
        case .compare(let path, let op, let value):
            var cur: Any? = obj
            for (k, key) in path.enumerated() {
                // `lastUpdated` is `_info/lastUpdated` as a condition field.
                var dict = cur as? [String: Any]
                if k == 0, path.count == 1, dict?[key] == nil, let info = dict?["_info"] as? [String: Any] {
                    dict = info
                }
                cur = dict.flatMap { d in d.first { $0.key.lowercased() == key.lowercased() }?.value }
            }
            return value.compare(cur, op: op)
        }
    }

    struct Parser {
        let chars: [Character]
        var i = 0
        var rest: String { String(chars[min(i, chars.count)...].prefix(30)) }

        mutating func skipSpace() { while i < chars.count, chars[i].isWhitespace { i += 1 } }

        mutating func word() -> String {
            skipSpace()
            var w = ""
            while i < chars.count, chars[i].isLetter || chars[i].isNumber || "_/.".contains(chars[i]) {
                w.append(chars[i])
                i += 1
            }
            return w
        }

        mutating func keyword(_ k: String) -> Bool {
            let save = i
            if word().lowercased() == k { return true }
            i = save
            return false
        }

        mutating func orExpr() throws -> CWCondition {
            var left = try andExpr()
            while keyword("or") { left = .or(left, try andExpr()) }
            return left
        }

        mutating func andExpr() throws -> CWCondition {
            var left = try term()
            while keyword("and") { left = .and(left, try term()) }
            return left
        }

        mutating func term() throws -> CWCondition {
            skipSpace()
            if i < chars.count, chars[i] == "(" {
                i += 1
                let c = try orExpr()
                skipSpace()
                guard i < chars.count, chars[i] == ")" else { throw Invalid(message: "missing ) at \(i)") }
                i += 1
                return c
            }
            let field = word()
            guard !field.isEmpty else { throw Invalid(message: "expected a field at \(i): '\(rest)'") }
            let op = try self.op()
            let value = try self.value(list: op.hasSuffix("in"))
            return .compare(path: field.split(separator: "/").map(String.init), op: op, value: value)
        }

        mutating func op() throws -> String {
            skipSpace()
            for sym in ["!=", "<=", ">=", "=", "<", ">"] where String(chars[i...].prefix(sym.count)) == sym {
                i += sym.count
                return sym
            }
            let w = word().lowercased()
            if w == "not" {
                let next = word().lowercased()
                guard next == "like" || next == "in" || next == "contains" else {
                    throw Invalid(message: "unknown operator 'not \(next)'")
                }
                return "not " + next
            }
            guard ["contains", "like", "in"].contains(w) else { throw Invalid(message: "unknown operator '\(w)'") }
            return w
        }

        mutating func value(list: Bool) throws -> CWValue {
            skipSpace()
            guard i < chars.count else { throw Invalid(message: "expected a value at the end") }
            switch chars[i] {
            case "\"":
                i += 1
                var s = ""
                while i < chars.count, chars[i] != "\"" {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    s.append(chars[i])
                    i += 1
                }
                guard i < chars.count else { throw Invalid(message: "unterminated string") }
                i += 1
                return .string(s)
            case "[":
                guard let end = chars[i...].firstIndex(of: "]") else { throw Invalid(message: "unterminated date") }
                let text = String(chars[(i + 1)..<end])
                i = end + 1
                guard let d = CWValue.date(text) else { throw Invalid(message: "invalid date [\(text)]") }
                return .date(d)
            case "(" where list:
                i += 1
                var items: [CWValue] = []
                while true {
                    items.append(try value(list: false))
                    skipSpace()
                    guard i < chars.count else { throw Invalid(message: "unterminated list") }
                    if chars[i] == ")" {
                        i += 1
                        return .list(items)
                    }
                    guard chars[i] == "," else { throw Invalid(message: "expected , in list at \(i)") }
                    i += 1
                }
            default:
                let w = word()
                switch w.lowercased() {
                case "true": return .bool(true)
                case "false": return .bool(false)
                case "null": return .null
                default:
                    if let n = Double(w) { return .number(n) }
                    throw Invalid(message: "expected a value at \(i): '\(w)' (strings are double-quoted)")
                }
            }
        }
    }
}

indirect enum CWValue: Sendable {
    case string(String), number(Double), bool(Bool), date(Date), null, list([CWValue])

    /// `2026-06-01T00:00:00Z` (or without the zone: UTC).
    static func date(_ text: String) -> Date? {
        let t = text.hasSuffix("Z") ? String(text.dropLast()) : text
        return VendorDate.parse(t)
    }

    func compare(_ field: Any?, op: String) -> Bool {
        switch op {
        case "in", "not in":
            guard case .list(let items) = self else { return false }
            let hit = items.contains { $0.compare(field, op: "=") }
            return op == "in" ? hit : !hit
        case "contains", "not contains":
            guard case .string(let s) = self, let f = field as? String else { return op != "contains" }
            let hit = f.range(of: s, options: .caseInsensitive) != nil
            return op == "contains" ? hit : !hit
        case "like", "not like":
            guard case .string(let pattern) = self, let f = field as? String else { return op != "like" }
            let hit = Self.like(f.lowercased(), pattern.lowercased())
            return op == "like" ? hit : !hit
        default: break
        }
        let order: ComparisonResult?
        switch (self, field) {
        case (.null, let f): order = (f == nil || f is NSNull) ? .orderedSame : .orderedDescending
        case (.string(let s), let f as String): order = f.caseInsensitiveCompare(s)
        case (.bool(let b), let f as Bool): order = f == b ? .orderedSame : .orderedAscending
        case (.number(let n), let f):
            order = Self.number(f).map { $0 == n ? .orderedSame : ($0 < n ? .orderedAscending : .orderedDescending) }
        case (.date(let d), let f as String):
            order = Self.date(f).map { $0 == d ? .orderedSame : ($0 < d ? .orderedAscending : .orderedDescending) }
        default: order = nil
        }
        guard let order else { return op == "!=" }
        switch op {
        case "=": return order == .orderedSame
        case "!=": return order != .orderedSame
        case "<": return order == .orderedAscending
        case "<=": return order != .orderedDescending
        case ">": return order == .orderedDescending
        case ">=": return order != .orderedAscending
        default: return false
        }
    }

    /// A number as the twin's own objects hold it (never a Bool).
    static func number(_ f: Any?) -> Double? {
        if f is Bool { return nil }
        if let x = f as? Int64 { return Double(x) }
        if let x = f as? Int { return Double(x) }
        return f as? Double
    }

    /// `%` or `*` any run, `_` one character.
    static func like(_ s: String, _ p: String) -> Bool {
        let s = Array(s), p = Array(p)
        var memo: [Int: Bool] = [:]
        func go(_ i: Int, _ j: Int) -> Bool {
            if let m = memo[i * (p.count + 1) + j] { return m }
            let r: Bool
            if j == p.count {
                r = i == s.count
            } else if p[j] == "%" || p[j] == "*" {
                r = go(i, j + 1) || (i < s.count && go(i + 1, j))
            } else {
                r = i < s.count && (p[j] == "_" || p[j] == s[i]) && go(i + 1, j + 1)
            }
            memo[i * (p.count + 1) + j] = r
            return r
        }
        return go(0, 0)
    }
}
