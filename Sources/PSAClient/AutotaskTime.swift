import Foundation
import PSACore

/// Time on tickets: `POST /TimeEntries` as the person `--me` names, under their default
/// service-desk role, sent once and read back.
extension AutotaskAPI {
    /// The body of a new entry: the fields django-autotask and the Swagger's `TimeEntryModel`
    /// name (`resourceID`, `roleID` and `dateWorked` are required by the entity's fields).
    static func timeEntryBody(_ d: TimeEntryDraft, resourceID: Int64, roleID: Int64) throws -> Data {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime]
        var day = Calendar(identifier: .gregorian)
        day.timeZone = TimeZone(identifier: "UTC")!
        let summary = NoteText.clean(d.summary)
        return try JSONSerialization.data(
            withJSONObject: [
                "ticketID": d.ticketID, "resourceID": resourceID, "roleID": roleID,
                "dateWorked": iso.string(from: day.startOfDay(for: d.start)),
                "startDateTime": iso.string(from: d.start), "endDateTime": iso.string(from: d.end),
                "hoursWorked": d.hours, "summaryNotes": summary.isEmpty ? "Work on \(d.number)" : summary,
            ] as [String: Any], options: [.sortedKeys])
    }

    @discardableResult
    public func logTime(_ d: TimeEntryDraft) async throws -> String? {
        guard d.end > d.start else {
            throw APIError(kind: .refused, status: nil, detail: "the entry ends before it starts: nothing sent")
        }
        guard let me = try await whoAmI(), let resource = me.id else {
            throw APIError(
                kind: .refused, status: nil,
                detail: "time is logged as you: set me = your Autotask e-mail (or --me); nothing sent")
        }
        guard let role = try await defaultRole(of: resource) else {
            throw APIError(
                kind: .refused, status: nil,
                detail: "you have no default service-desk role in Autotask, which a time entry needs: nothing sent")
        }
        let body = try Self.timeEntryBody(d, resourceID: resource, roleID: role)
        let r = try await send(
            "POST", "TimeEntries", body: body, purpose: "time",
            logPath: "TimeEntries (#\(d.ticketID), \(d.hours) h)")
        let id = try r.decode(AutotaskItemIDResponse.self).itemId
        // Read back: the entry is there with the hours sent.
        let query = try JSONSerialization.data(
            withJSONObject: [
                "IncludeFields": ["id", "ticketID", "hoursWorked"],
                "filter": [["op": "eq", "field": "id", "value": id]],
            ] as [String: Any], options: [.sortedKeys])
        let back = try await send(
            "POST", "TimeEntries/query", body: query, purpose: "time", logPath: "TimeEntries/query (id = \(id))")
        guard let obj = try? JSONSerialization.jsonObject(with: back.body) as? [String: Any],
            let items = obj["items"] as? [[String: Any]], let item = items.first,
            let hours = (item["hoursWorked"] as? NSNumber)?.doubleValue
        else {
            return "entry \(id) sent, but reading it back showed nothing: check it in Autotask"
        }
        if abs(hours - d.hours) > 0.01 { return "entry \(id) sent, but the server holds \(hours) h" }
        return nil
    }
}
