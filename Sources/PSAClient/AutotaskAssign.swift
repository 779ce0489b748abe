import Foundation
import PSACore

/// Assigning a ticket: a resource and the role it works the ticket under, both or neither.
extension AutotaskAPI {
    /// The active resources by name (a name two share gets its `#id`), the person `--me` names first.
    func assigneeChoices() async throws -> [(String)] {
        let list = try await assignableResources()
        let mine = try await whoAmI()?.id
        return (list.filter { $0.id == mine } + list.filter { $0.id != mine }).map(\.label)
    }

    /// `Resources/query` of the active ones (id, name, e-mail), walked by id, once.
    func assignableResources() async throws -> [(label: String, id: Int64)] {
        if let assignable { return assignable }
        var found: [(id: Int64, name: String)] = []
        var after: Int64 = 0
        for _ in 0..<20 {  // 10,000 resources at most
            let body = try JSONSerialization.data(
                withJSONObject: [
                    "MaxRecords": 500, "IncludeFields": ["id", "firstName", "lastName", "email", "isActive"],
                    "filter": [
                        ["op": "gt", "field": "id", "value": after], ["op": "eq", "field": "isActive", "value": true],
                    ],
                ] as [String: Any], options: [.sortedKeys])
            let r = try await send(
                "POST", "Resources/query", body: body, purpose: "assignees",
                logPath: "Resources/query (isActive, id > \(after))")
            guard let obj = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any],
                let items = obj["items"] as? [[String: Any]]
            else {
                throw APIError(kind: .decoding, status: r.status, detail: "Resources/query answer without items")
            }
            var last = after
            for i in items {
                guard let id = (i["id"] as? NSNumber)?.int64Value else { continue }
                let name = (Self.resourceName(i) ?? "Resource #\(id)").withoutControlOrFormat
                found.append((id, name))
                resources[id] = name
                last = max(last, id)
            }
            guard items.count >= 500, last > after else { break }
            after = last
        }
        // The API's own user and the system are not people to assign to.
        let people = found.filter { !["API Integration", "Autotask Administrator"].contains($0.name) }
        let counts = Dictionary(people.map { ($0.name.lowercased(), 1) }, uniquingKeysWith: +)
        let labelled = people.map { p in
            (label: counts[p.name.lowercased(), default: 0] > 1 ? "\(p.name) #\(p.id)" : p.name, id: p.id)
        }
        .sorted { $0.label.localizedCaseInsensitiveCompare($1.label) == .orderedAscending }
        assignable = labelled
        return labelled
    }

    /// Sets `assignedResourceID` and `assignedResourceRoleID` — the resource's default
    /// service-desk role (`ResourceServiceDeskRoles`, active and default); a resource without one
    /// is refused before anything is sent, never given a guessed role. Only those two fields go.
    func assign(ticketID: Int64, to label: String) async throws {
        let list = try await assignableResources()
        let wanted = label.trimmingCharacters(in: .whitespaces)
        let id: Int64
        if let hit = list.first(where: { $0.label.caseInsensitiveCompare(wanted) == .orderedSame }) {
            id = hit.id
        } else if wanted.hasPrefix("#"), let n = Int64(wanted.dropFirst()) {
            id = n
        } else {
            id = try NameMatch.find(
                wanted, in: list.map { ($0.id, $0.label) }, what: "active resource", whereKnown: "on this tenant")
        }
        guard let role = try await defaultRole(of: id) else {
            let name = list.first { $0.id == id }?.label ?? "#\(id)"
            throw APIError(
                kind: .refused, status: nil,
                detail:
                    "\(name) has no default service-desk role in Autotask, so the ticket cannot be assigned to them from here (nothing was sent)"
            )
        }
        try await update(
            ticketID: ticketID,
            fields: ["assignedResourceID": .int(Int(id)), "assignedResourceRoleID": .int(Int(role))])
    }

    /// The resource's default service-desk role (active and default), nil when it has none.
    func defaultRole(of id: Int64) async throws -> Int64? {
        let body = try JSONSerialization.data(
            withJSONObject: [
                "IncludeFields": ["id", "roleID", "isDefault", "isActive", "resourceID"],
                "filter": [
                    ["op": "eq", "field": "resourceID", "value": id], ["op": "eq", "field": "isActive", "value": true],
                ],
            ] as [String: Any], options: [.sortedKeys])
        let r = try await send(
            "POST", "ResourceServiceDeskRoles/query", body: body, purpose: "assign",
            logPath: "ResourceServiceDeskRoles/query (resourceID = \(id))")
        guard let obj = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any],
            let items = obj["items"] as? [[String: Any]]
        else {
            throw APIError(
                kind: .decoding, status: r.status, detail: "ResourceServiceDeskRoles/query answer without items")
        }
        let isTrue: (Any?) -> Bool = { ($0 as? Bool) ?? (($0 as? NSNumber)?.intValue == 1) }
        return items.first(where: {
            isTrue($0["isDefault"]) && ($0["isActive"] == nil || isTrue($0["isActive"]))
        })
        .flatMap({ ($0["roleID"] as? NSNumber)?.int64Value })
    }
}
