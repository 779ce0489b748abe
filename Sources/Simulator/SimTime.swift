import Foundation
import PSACore

/// Time entries created through the API (`POST /TimeEntries`), checked against the entity's
/// fields as the server checks them (`resourceID`, `roleID`, `dateWorked` required; the ticket
/// must exist), then served by `TimeEntries/query` with the generated ones.
extension SimState {
    func createTimeEntry(body: Data) -> Result<Int64, AutotaskWriteError> {
        guard let obj = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return .failure(.invalid("The request body could not be read as a TimeEntry entity."))
        }
        let fields: [(AutotaskField, SimJSON)]
        switch Self.checked(obj, fields: AutotaskSchema.timeEntryFields, entity: "TimeEntry", creating: true) {
        case .failure(let e): return .failure(e)
        case .success(let f): fields = f
        }
        var values: [String: SimJSON] = [:]
        for (f, v) in fields { values[f.name] = v }
        guard let ticketID = values["ticketID"]?.int64 else {
            return .failure(.invalid("A time entry needs a ticketID or a taskID."))
        }
        guard let i = data.autotaskTickets.firstIndex(where: { $0.id == ticketID }) else {
            return .failure(.notFound)
        }
        if values["hoursWorked"] == nil || values["hoursWorked"]?.isNull == true,
            case .date(let s)? = values["startDateTime"], case .date(let e)? = values["endDateTime"]
        {
            values["hoursWorked"] = .double((e.timeIntervalSince(s) / 36).rounded() / 100)
        }
        let now = clock.wall()
        values["createDateTime"] = .date(now)
        values["lastModifiedDateTime"] = .date(now)
        values["creatorUserID"] = .int(SimData.apiUserResource)
        values["hoursToBill"] = values["hoursWorked"] ?? .double(0)
        values["timeEntryType"] = .int(2)
        let id = nextTimeEntryID
        nextTimeEntryID += 1
        addedTimeEntries[ticketID, default: []].append(SimAutotaskValues(id: id, values: values))
        data.autotaskTickets[i].lastActivityDate = now
        stats.timeEntriesAdded += 1
        return .success(id)
    }
}

/// A time entry created through the API, as the twin holds it.
public struct SimTimeEntry: Sendable, Equatable {
    public var id: Int64
    public var ticketID: Int64
    public var resourceID: Int64?
    public var roleID: Int64?
    public var hoursWorked: Double?
    public var start: Date?
    public var end: Date?
    public var summary: String?
}

extension SimState {
    func addedTimeEntryList() -> [SimTimeEntry] {
        addedTimeEntries.values.joined().sorted { $0.id < $1.id }.map { e in
            func date(_ k: String) -> Date? { if case .date(let d)? = e.values[k] { d } else { nil } }
            let hours: Double? =
                switch e.values["hoursWorked"] {
                case .double(let d)?: d
                case .int(let n)?: Double(n)
                default: nil
                }
            return SimTimeEntry(
                id: e.id, ticketID: e.values["ticketID"]?.int64 ?? 0, resourceID: e.values["resourceID"]?.int64,
                roleID: e.values["roleID"]?.int64, hoursWorked: hours, start: date("startDateTime"),
                end: date("endDateTime"), summary: e.values["summaryNotes"]?.stringValue)
        }
    }
}
