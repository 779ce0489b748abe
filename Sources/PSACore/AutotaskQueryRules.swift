import Foundation

/// Autotask's rules for a query body, checked the same way by the client (before sending) and
/// by the simulator (as the server would).
public enum AutotaskQueryRules {
    public static let maxOrConditions = 500
    /// The vendor's wording.
    public static let orLimitMessage = "Invalid query syntax. Queries are limited to 500 or fewer 'OR' conditions."

    /// OR conditions in a query body: each condition inside an `or` group, and each value of an
    /// `in`/`notIn` list (the server expands those into ORs).
    public static func orConditions(inQuery json: Data) -> Int {
        guard let obj = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else { return 0 }
        let filter = obj.first { $0.key.lowercased() == "filter" }?.value as? [Any] ?? []
        return filter.reduce(0) { $0 + count($1, insideOr: false) }
    }

    static func count(_ item: Any, insideOr: Bool) -> Int {
        guard let d = item as? [String: Any] else { return 0 }
        var lower: [String: Any] = [:]
        for (k, v) in d { lower[k.lowercased()] = v }
        let op = ((lower["op"] as? String) ?? "").lowercased()
        if op == "and" || op == "or" {
            return ((lower["items"] as? [Any]) ?? []).reduce(0) { $0 + count($1, insideOr: op == "or") }
        }
        if op == "in" || op == "notin", let values = lower["value"] as? [Any] { return values.count }
        return insideOr ? 1 : 0
    }

    /// True when the body is within the OR limit.
    public static func withinOrLimit(_ json: Data) -> Bool { orConditions(inQuery: json) <= maxOrConditions }
}
