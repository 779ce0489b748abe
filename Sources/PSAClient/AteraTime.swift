import Foundation
import PSACore

/// Atera's work hours on a ticket, read only: `GET /tickets/{id}/workhoursrecords` (the OpenAPI
/// document's `TicketWorkHoursDto`: `StartWorkHour`, `EndWorkHour`, `TechnicianFullName`,
/// `Description`), 50 a page. One request per ticket (and page): Atera lists them per ticket only.
extension AteraAPI: TimeReadCapable {
    /// The most pages of 50 records one ticket reads.
    static let maxWorkHourPages = 10

    public func timeEntries(ticketIDs: [Int64], names: Bool) async throws -> [LoggedTime] {
        var out: [LoggedTime] = []
        for tid in Array(Set(ticketIDs)).sorted() {
            for page in 1...Self.maxWorkHourPages {
                let r = try await get(
                    "tickets/\(tid)/workhoursrecords?page=\(page)&itemsInPage=50", purpose: "time")
                guard let obj = try JSONSerialization.jsonObject(with: r.body) as? [String: Any],
                    let items = obj["items"] as? [[String: Any]]
                else {
                    throw APIError(
                        kind: .decoding, status: r.status, detail: "tickets/\(tid)/workhoursrecords: no items")
                }
                for (k, i) in items.enumerated() {
                    func date(_ key: String) -> Date? { (i[key] as? String).flatMap(VendorDate.parse) }
                    let start = date("StartWorkHour"), end = date("EndWorkHour")
                    let hours = start.flatMap { s in end.map { ($0.timeIntervalSince(s) / 36).rounded() / 100 } } ?? 0
                    out.append(
                        LoggedTime(
                            id: (i["WorkHoursID"] as? NSNumber)?.int64Value ?? Int64(page * 100 + k), ticketID: tid,
                            who: names ? (i["TechnicianFullName"] as? String ?? i["TechnicianEmail"] as? String) : nil,
                            start: start, end: end, hours: max(0, hours), summary: i["Description"] as? String ?? ""))
                }
                let next = obj["nextLink"] as? String ?? ""
                guard !next.isEmpty, !items.isEmpty else { break }
            }
        }
        return out.sorted { ($0.start ?? .distantPast, $0.id) < ($1.start ?? .distantPast, $1.id) }
    }
}
