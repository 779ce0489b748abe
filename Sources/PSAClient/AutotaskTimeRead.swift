import Foundation
import PSACore

/// The time entries of tickets: `TimeEntries/query` with `ticketID in [...]`, walked by id 500 at
/// a time like the notes, so many tickets cost one query (a page of entries), not one each.
extension AutotaskAPI: TimeReadCapable {
    /// The most pages of 500 entries one call reads.
    public static let maxTimePages = 10

    public func timeEntries(ticketIDs: [Int64], names: Bool) async throws -> [LoggedTime] {
        guard !ticketIDs.isEmpty else { return [] }
        try await prepare()
        let ids = Array(Set(ticketIDs)).sorted()
        var out: [LoggedTime] = []
        var resourceIDs: [Int64: Int64] = [:]
        var last: Int64 = 0
        let what = ids.count == 1 ? "ticket #\(ids[0])" : "\(ids.count) tickets"
        for n in 0..<Self.maxTimePages {
            var filter: [[String: Any]] = [
                ids.count == 1
                    ? ["op": "eq", "field": "ticketID", "value": ids[0]]
                    : ["op": "in", "field": "ticketID", "value": ids]
            ]
            if n > 0 { filter.append(["op": "gt", "field": "id", "value": last]) }
            let body = try JSONSerialization.data(
                withJSONObject: [
                    "MaxRecords": 500, "filter": filter,
                    "IncludeFields": [
                        "id", "ticketID", "resourceID", "dateWorked", "startDateTime", "endDateTime", "hoursWorked",
                        "summaryNotes",
                    ],
                ] as [String: Any], options: [.sortedKeys])
            let r = try await send(
                "POST", "TimeEntries/query", body: body, purpose: "time",
                logPath: "TimeEntries/query (\(what)\(n > 0 ? ", after entry \(last)" : ""))")
            guard let obj = try JSONSerialization.jsonObject(with: r.body) as? [String: Any],
                let items = obj["items"] as? [[String: Any]]
            else { throw APIError(kind: .decoding, status: nil, detail: "TimeEntries/query: no items") }
            var top = last
            for i in items {
                guard let id = (i["id"] as? NSNumber)?.int64Value, id > last,
                    let ticket = (i["ticketID"] as? NSNumber)?.int64Value, ids.contains(ticket)
                else { continue }
                top = max(top, id)
                func date(_ k: String) -> Date? { (i[k] as? String).flatMap(VendorDate.parse) }
                if let who = (i["resourceID"] as? NSNumber)?.int64Value { resourceIDs[id] = who }
                out.append(
                    LoggedTime(
                        id: id, ticketID: ticket, start: date("startDateTime") ?? date("dateWorked"),
                        end: date("endDateTime"), hours: (i["hoursWorked"] as? NSNumber)?.doubleValue ?? 0,
                        summary: i["summaryNotes"] as? String ?? ""))
            }
            guard items.count >= 500, top > last else { break }
            last = top
        }
        if names {
            // Who worked: the names known already, one query for the others (a failed lookup: "#id").
            let unknown = Set(resourceIDs.values).subtracting(resources.keys)
            resources.merge(
                try await self.names(of: "Resources", one: "Resource", ids: unknown, name: Self.resourceName) ?? [:]
            ) { $1 }
            for k in out.indices {
                out[k].who = resourceIDs[out[k].id].map { resources[$0] ?? "Resource #\($0)" }
            }
        }
        return out.sorted { ($0.start ?? .distantPast, $0.id) < ($1.start ?? .distantPast, $1.id) }
    }
}
