import Foundation
import PSACore

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

    static let ops: Set<String> = ["eq", "noteq", "gt", "gte", "lt", "lte", "beginswith", "endswith",
                                   "contains", "exist", "notexist", "in", "notin"]

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
        guard AutotaskQueryRules.withinOrLimit(json) else { throw Invalid(message: AutotaskQueryRules.orLimitMessage) }
    }

    static func parse(_ any: Any) throws -> Filter {
        guard let d = any as? [String: Any] else { throw Invalid(message: "Invalid query syntax. A filter item must be an object.") }
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
        if let n = any as? NSNumber { return .number(n.doubleValue) } // true/false arrive as 1/0
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

    func matches(_ t: AutotaskTicket) -> Bool { filter.allSatisfy { Self.eval($0, t) } }

    enum FieldValue { case number(Double), string(String), date(Date), null }

    static func field(_ name: String, of t: AutotaskTicket) -> FieldValue {
        func n<I: BinaryInteger>(_ v: I?) -> FieldValue { v.map { .number(Double($0)) } ?? .null }
        func s(_ v: String?) -> FieldValue { v.map { .string($0) } ?? .null }
        func d(_ v: Date?) -> FieldValue { v.map { .date($0) } ?? .null }
        switch name {
        case "id": return .number(Double(t.id))
        case "ticketnumber": return s(t.ticketNumber)
        case "title": return s(t.title)
        case "description": return s(t.description)
        case "status": return n(t.status)
        case "priority": return n(t.priority)
        case "queueid": return n(t.queueID)
        case "source": return n(t.source)
        case "issuetype": return n(t.issueType)
        case "subissuetype": return n(t.subIssueType)
        case "tickettype": return n(t.ticketType)
        case "ticketcategory": return n(t.ticketCategory)
        case "companyid": return n(t.companyID)
        case "contactid": return n(t.contactID)
        case "assignedresourceid": return n(t.assignedResourceID)
        case "createdate": return d(t.createDate)
        case "lastactivitydate": return d(t.lastActivityDate)
        case "duedatetime": return d(t.dueDateTime)
        case "completeddate": return d(t.completedDate)
        case "estimatedhours": return t.estimatedHours.map { .number($0) } ?? .null
        default: return .null
        }
    }

    static func eval(_ f: Filter, _ t: AutotaskTicket) -> Bool {
        switch f {
        case .group(let op, let items):
            return op == "or" ? items.contains { eval($0, t) } : items.allSatisfy { eval($0, t) }
        case .condition(let op, let name, let value):
            let fv = field(name, of: t)
            switch op {
            case "exist": if case .null = fv { return false } else { return true }
            case "notexist": if case .null = fv { return true } else { return false }
            case "in", "notin":
                guard case .list(let l)? = value else { return false }
                let hit = l.contains { compare(fv, $0) == 0 }
                return op == "in" ? hit : !hit
            default: break
            }
            guard let value else { return false }
            if case .null = fv { return op == "noteq" }
            switch op {
            case "eq": return compare(fv, value) == 0
            case "noteq": return compare(fv, value) != 0
            case "gt": return compare(fv, value).map { $0 > 0 } ?? false
            case "gte": return compare(fv, value).map { $0 >= 0 } ?? false
            case "lt": return compare(fv, value).map { $0 < 0 } ?? false
            case "lte": return compare(fv, value).map { $0 <= 0 } ?? false
            case "beginswith", "endswith", "contains":
                guard case .string(let a) = fv, case .string(let b) = value else { return false }
                let x = a.lowercased(), y = b.lowercased()
                return op == "contains" ? x.contains(y) : op == "beginswith" ? x.hasPrefix(y) : x.hasSuffix(y)
            default: return false
            }
        }
    }

    /// -1, 0, 1, or nil when the two cannot be compared.
    static func compare(_ a: FieldValue, _ b: FilterValue) -> Int? {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : x > y ? 1 : 0 }
        switch (a, b) {
        case (.number(let x), .number(let y)): return cmp(x, y)
        case (.number(let x), .string(let y)): return Double(y).map { cmp(x, $0) }
        case (.number(let x), .bool(let y)): return cmp(x, y ? 1 : 0)
        case (.string(let x), .string(let y)): return cmp(x.lowercased(), y.lowercased())
        case (.string(let x), .number(let y)): return cmp(x, String(Int64(y)))
        case (.date(let x), .string(let y)): return VendorDate.parse(y).map { cmp(x, $0) }
        default: return nil
        }
    }
}
