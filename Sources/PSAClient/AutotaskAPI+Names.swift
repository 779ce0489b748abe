import Foundation
import PSACore

/// Who is who: `--me`, and the names of the companies and resources tickets refer to.
extension AutotaskAPI {
    /// The resource whose e-mail `--me` gives: one `Resources/query` the first time; an unknown
    /// e-mail is a clear error (nothing is guessed).
    public func whoAmI() async throws -> Person? {
        guard let email = meEmail else { return nil }
        if let me { return me }
        let body = try JSONSerialization.data(
            withJSONObject: [
                "MaxRecords": 2, "IncludeFields": ["id", "firstName", "lastName", "email"],
                "filter": [["op": "eq", "field": "email", "value": email]],
            ], options: [.sortedKeys])
        let r = try await send(
            "POST", "Resources/query", body: body, purpose: "names", logPath: "Resources/query (email = me)")
        guard let obj = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any],
            let items = obj["items"] as? [[String: Any]]
        else {
            throw APIError(kind: .decoding, status: r.status, detail: "Resources/query answer without items")
        }
        guard let first = items.first, let id = (first["id"] as? NSNumber)?.int64Value else {
            throw APIError(
                kind: .refused, status: nil,
                detail: "no resource with the e-mail \(email.sanitized) on this tenant (--me / me)")
        }
        let person = Person(id: id, name: Self.resourceName(first), email: email)
        resources[id] = person.name ?? resources[id]
        me = person
        return person
    }

    /// Fetches company and resource names not yet known, one query each.
    /// One lookup at a time: pages fetched side by side (the parallel walk) would otherwise ask
    /// for the same new names twice.
    func resolveNames(_ tickets: [AutotaskTicket]) async throws {
        while resolvingNames { await withCheckedContinuation { nameWaiters.append($0) } }
        resolvingNames = true
        defer {
            resolvingNames = false
            let waiting = nameWaiters
            nameWaiters = []
            for w in waiting { w.resume() }
        }
        let newCompanies =
            try await names(
                of: "Companies", one: "Company", ids: Set(tickets.compactMap(\.companyID)).subtracting(companies.keys)
            ) { i in
                i["companyName"] as? String
            } ?? [:]
        companies.merge(newCompanies) { $1 }
        let newResources =
            try await names(
                of: "Resources", one: "Resource",
                ids: Set(tickets.compactMap(\.assignedResourceID)).subtracting(resources.keys),
                name: Self.resourceName) ?? [:]
        resources.merge(newResources) { $1 }
    }

    /// "First Last" of a `Resources/query` item.
    static func resourceName(_ i: [String: Any]) -> String? {
        let name = [i["firstName"] as? String, i["lastName"] as? String].compactMap { $0 }.joined(separator: " ")
        return name.isEmpty ? nil : name
    }

    /// A `Contacts/query` item as Atera's end user is shown: "Name <e-mail>", then the phone.
    static func contactText(_ i: [String: Any]) -> String? {
        let email = (i["emailAddress"] as? String).flatMap { $0.isEmpty ? nil : "<\($0)>" }
        let who = [resourceName(i), email].compactMap { $0 }.joined(separator: " ")
        let parts = [who, i["phone"] as? String ?? ""].filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }

    /// id → display name for the ids of one entity, in a single `in` query; nil when the lookup
    /// failed. A failed lookup only costs the names (the list shows "Company #id"), never the page.
    func names(of entity: String, one: String, ids: Set<Int64>, name: ([String: Any]) -> String?) async throws
        -> [Int64: String]?
    {
        guard !ids.isEmpty else { return [:] }
        let body = try JSONSerialization.data(withJSONObject: [
            "filter": [["op": "in", "field": "id", "value": ids.sorted()]]
        ])
        guard let r = try? await send("POST", "\(entity)/query", body: body, purpose: "names"),
            let obj = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any],
            let items = obj["items"] as? [[String: Any]]
        else { return nil }
        var out: [Int64: String] = [:]
        for i in items {
            guard let id = (i["id"] as? NSNumber)?.int64Value else { continue }
            out[id] = name(i) ?? "\(one) #\(id)"
        }
        return out
    }
}
