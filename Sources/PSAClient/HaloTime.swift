import Foundation
import PSACore

/// Time on HaloPSA tickets: an action with `timetaken`. Halo's OpenAPI document types
/// `timetaken` as a double beside `timetakendays` (days) — hours as a decimal, as the timesheet's
/// `timeTakenHours` reads it — with `actionarrivaldate` / `actioncompletiondate` the start and end.
extension HaloAPI: TimeCapable, TimeReadCapable {
    static func isoDate(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }

    /// `POST /api/Actions` `[{"ticket_id", "note", "timetaken", "actionarrivaldate",
    /// "actioncompletiondate", "hiddenfromuser": true, "sendemail": false, outcome}]`: internal,
    /// as the API's agent. Sent once, then read back (`GET /api/Actions/{id}`).
    @discardableResult
    public func logTime(_ d: TimeEntryDraft) async throws -> String? {
        guard d.end > d.start else {
            throw APIError(kind: .refused, status: nil, detail: "the entry ends before it starts: nothing sent")
        }
        let summary = NoteText.clean(d.summary)
        var action: [String: Any] = [
            "ticket_id": d.ticketID, "note": summary.isEmpty ? "Work on \(d.number)" : summary, "timetaken": d.hours,
            "actionarrivaldate": Self.isoDate(d.start), "actioncompletiondate": Self.isoDate(d.end),
            "hiddenfromuser": true, "sendemail": false,
        ]
        if let o = HaloOutcome.pick(await outcomes(), internal: true) {
            action["outcome_id"] = o.id
            action["outcome"] = o.name
        } else {
            action["outcome"] = "Private Note"
        }
        let r = try await post(
            "Actions", [action], purpose: "time", logPath: "/api/Actions (ticket \(d.ticketID), \(d.hours) h)")
        let answer = try? JSONSerialization.jsonObject(with: r.body)
        let created = (answer as? [[String: Any]])?.first ?? (answer as? [String: Any])
        guard let id = (created?["id"] as? NSNumber)?.int64Value else {
            return "sent, but the answer named no action: check the ticket in Halo"
        }
        guard let back = try? await get("Actions/\(id)?ticket_id=\(d.ticketID)", purpose: "time"),
            let obj = try? JSONSerialization.jsonObject(with: back.body) as? [String: Any],
            let hours = (obj["timetaken"] as? NSNumber)?.doubleValue
        else { return "action \(id) sent, but reading it back showed no time: check it in Halo" }
        if abs(hours - d.hours) > 0.01 { return "action \(id) sent, but the server holds \(hours) h" }
        return nil
    }

    /// The actions with time of each ticket: Halo lists actions one ticket at a time, so one
    /// request per ticket (`GET /api/Actions?ticket_id=…`).
    public func timeEntries(ticketIDs: [Int64], names: Bool) async throws -> [LoggedTime] {
        var out: [LoggedTime] = []
        for tid in Array(Set(ticketIDs)).sorted() {
            let r = try await get("Actions?ticket_id=\(tid)&count=\(Self.maxActions)", purpose: "time")
            let answer = try JSONSerialization.jsonObject(with: r.body)
            let items =
                (answer as? [[String: Any]]) ?? ((answer as? [String: Any])?["actions"] as? [[String: Any]]) ?? []
            for i in items {
                guard let hours = (i["timetaken"] as? NSNumber)?.doubleValue, hours > 0,
                    let id = (i["id"] as? NSNumber)?.int64Value
                else { continue }
                func date(_ k: String) -> Date? { HaloDate.real((i[k] as? String).flatMap(VendorDate.parse)) }
                out.append(
                    LoggedTime(
                        id: id, ticketID: tid, who: names ? (i["who"] as? String) : nil,
                        start: date("actionarrivaldate") ?? date("datetime"), end: date("actioncompletiondate"),
                        hours: hours, summary: i["note"] as? String ?? ""))
            }
        }
        return out.sorted { ($0.start ?? .distantPast, $0.id) < ($1.start ?? .distantPast, $1.id) }
    }
}
