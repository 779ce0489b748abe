import Foundation

/// An Autotask query body: `{"MaxRecords":500,"IncludeFields":[…],"filter":[…]}`.
struct AutotaskQuery: Sendable {
    indirect enum Filter: Sendable {
        case condition(op: String, field: String, value: FilterValue?)
        case group(op: String, items: [Filter])
    }

    enum FilterValue: Sendable {
        case number(Double)
        case string(String)
        case bool(Bool)
        case list([FilterValue])
    }

    var maxRecords: Int?
    var includeFields: [String]?
    var filter: [Filter]

    struct Invalid: Error { var message: String }

    static let ops: Set<String> = [
        "eq", "noteq", "gt", "gte", "lt", "lte", "beginswith", "endswith",
        "contains", "exist", "notexist", "in", "notin",
    ]

    /// Parses the JSON text of a query; errors carry the vendor's wording where there is one.
    init(json: Data) throws {
        guard let obj = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else {
            throw Invalid(message: "Invalid query syntax. The query could not be parsed as JSON.")
        }
        var lower: [String: Any] = [:]
        for (k, v) in obj { lower[k.lowercased()] = v }
        if let m = lower["maxrecords"] {
            guard let n = (m as? NSNumber)?.intValue ?? (m as? String).flatMap(Int.init) else {
                throw Invalid(message: "MaxRecords must be an integer.")
            }
            maxRecords = n
        }
        includeFields = (lower["includefields"] as? [Any])?.compactMap { $0 as? String }
        let items = (lower["filter"] as? [Any]) ?? []
        filter = try items.map(Self.parse)
        guard Self.orConditions(filter) <= 500 else {
            throw Invalid(message: "Invalid query syntax. Queries are limited to 500 or fewer 'OR' conditions.")
        }
    }

    /// OR conditions as the server counts them: each condition inside an `or` group, and each
    /// value of an `in`/`notIn` list (expanded into ORs).
    static func orConditions(_ items: [Filter], insideOr: Bool = false) -> Int {
        items.reduce(0) { n, f in
            switch f {
            case .group(let op, let inner): n + orConditions(inner, insideOr: op == "or")
            case .condition(let op, _, .list(let l)?) where op == "in" || op == "notin": n + l.count
            case .condition: n + (insideOr ? 1 : 0)
            }
        }
    }

    static func parse(_ any: Any) throws -> Filter {
        guard let d = any as? [String: Any] else {
            throw Invalid(message: "Invalid query syntax. A filter item must be an object.")
        }
        var lower: [String: Any] = [:]
        for (k, v) in d { lower[k.lowercased()] = v }
        let op = ((lower["op"] as? String) ?? "").lowercased()
        if op == "and" || op == "or" {
            let items = (lower["items"] as? [Any]) ?? []
            return .group(op: op, items: try items.map(parse))
        }
        guard ops.contains(op) else { throw Invalid(message: "Invalid query syntax. Unknown operator '\(op)'.") }
        guard let field = lower["field"] as? String, !field.isEmpty else {
            throw Invalid(message: "Invalid query syntax. A filter condition needs a field.")
        }
        return .condition(op: op, field: field.lowercased(), value: lower["value"].flatMap(value))
    }

    static func value(_ any: Any) -> FilterValue? {
        if let n = any as? NSNumber { return .number(n.doubleValue) }  // true/false arrive as 1/0
        if let s = any as? String { return .string(s) }
        if let a = any as? [Any] { return .list(a.compactMap(value)) }
        return nil
    }

    /// Top-level items are ANDed.
    /// The ids an `eq` or `in` condition on `field` (lowercase) names, in any group: how the
    /// lookups (`Companies/query` … by `id`, `TicketNotes/query` by `ticketid`) pick their items.
    func ids(of field: String) -> Set<Int64> {
        var ids: Set<Int64> = []
        func collect(_ f: Filter) {
            switch f {
            case .condition("eq", field, .number(let n)?): ids.insert(Int64(n))
            case .condition("in", field, .list(let l)?): for case .number(let n) in l { ids.insert(Int64(n)) }
            case .group(_, let items): items.forEach(collect)
            default: break
            }
        }
        filter.forEach(collect)
        return ids
    }

    /// Whether a record passes every top-level item; `value` gives a field by its lowercase name.
    func matches(_ value: (String) -> SimJSON) -> Bool { filter.allSatisfy { Self.eval($0, value) } }

    /// The lowercase field names the filter mentions (to refuse the ones the entity lacks).
    var fieldNames: Set<String> {
        var out: Set<String> = []
        func collect(_ f: Filter) {
            switch f {
            case .condition(_, let field, _): out.insert(field)
            case .group(_, let items): items.forEach(collect)
            }
        }
        filter.forEach(collect)
        return out
    }

    static func eval(_ f: Filter, _ value: (String) -> SimJSON) -> Bool {
        switch f {
        case .group(let op, let items):
            return op == "or" ? items.contains { eval($0, value) } : items.allSatisfy { eval($0, value) }
        case .condition(let op, let name, let filterValue):
            let fv = value(name)
            switch op {
            case "exist": return !fv.isNull
            case "notexist": return fv.isNull
            case "in", "notin":
                guard case .list(let l)? = filterValue else { return false }
                let hit = l.contains { compare(fv, $0) == 0 }
                return op == "in" ? hit : !hit
            default: break
            }
            guard let filterValue else { return false }
            if fv.isNull { return op == "noteq" }
            switch op {
            case "eq": return compare(fv, filterValue) == 0
            case "noteq": return compare(fv, filterValue) != 0
            case "gt": return compare(fv, filterValue).map { $0 > 0 } ?? false
            case "gte": return compare(fv, filterValue).map { $0 >= 0 } ?? false
            case "lt": return compare(fv, filterValue).map { $0 < 0 } ?? false
            case "lte": return compare(fv, filterValue).map { $0 <= 0 } ?? false
            case "beginswith", "endswith", "contains":
                guard case .string(let a) = fv, case .string(let b) = filterValue else { return false }
                let x = a.lowercased(), y = b.lowercased()
                return op == "contains" ? x.contains(y) : op == "beginswith" ? x.hasPrefix(y) : x.hasSuffix(y)
            default: return false
            }
        }
    }

    /// -1, 0, 1, or nil when the two cannot be compared.
    static func compare(_ a: SimJSON, _ b: FilterValue) -> Int? {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : x > y ? 1 : 0 }
        func number(_ v: SimJSON) -> Double? {
            switch v {
            case .int(let i): Double(i)
            case .double(let d): d
            case .bool(let b): b ? 1 : 0
            default: nil
            }
        }
        switch (a, b) {
        case (.int, .number(let y)), (.double, .number(let y)), (.bool, .number(let y)):
            return number(a).map { cmp($0, y) }
        case (.int, .string(let y)), (.double, .string(let y)):
            return Double(y).flatMap { d in number(a).map { cmp($0, d) } }
        case (.int, .bool(let y)), (.double, .bool(let y)), (.bool, .bool(let y)):
            return number(a).map { cmp($0, y ? 1 : 0) }
        case (.bool(let x), .string(let y)):
            return ["true", "false", "1", "0"].contains(y.lowercased())
                ? cmp(x ? 1 : 0, ["true", "1"].contains(y.lowercased()) ? 1 : 0) : nil
        case (.string(let x), .string(let y)): return cmp(x.lowercased(), y.lowercased())
        case (.string(let x), .number(let y)): return cmp(x, String(Int64(y)))
        case (.date(let x), .string(let y)): return SimDate.parse(y).map { cmp(x, $0) }
        default: return nil
        }
    }
}
