import Foundation
import PSACore

/// Atera's work hours on a ticket (`GET /tickets/{id}/workhoursrecords`), in the OpenAPI
/// document's `TicketWorkHoursDto` shape: read-only here (psatop writes no Atera time).
extension SimState {
    /// 0–2 records a ticket (by its id), by its technician, after it was created; nil: no such ticket.
    func ateraWorkHours(id: Int64) -> [SimJSON]? {
        guard let t = data.ateraTickets.first(where: { $0.TicketID == id }) else { return nil }
        let n = Int(id % 3)
        let created = t.TicketCreatedDate ?? clock.wall().addingTimeInterval(-86_400)
        return (0..<n).map { k in
            let start = created.addingTimeInterval(Double(k + 1) * 7_200)
            let minutes = Double((id + Int64(k)) % 4 + 1) * 15
            return .object([
                ("TicketID", .int(id)), ("WorkHoursID", .int(id * 10 + Int64(k))), ("StartWorkHour", .date(start)),
                ("EndWorkHour", .date(start.addingTimeInterval(minutes * 60))),
                ("TechnicianContactID", t.TechnicianContactID.map { .int($0) } ?? .null),
                ("Billiable", .bool(k == 0)), ("OnCustomerSite", .bool(false)),
                ("Description", .string(k == 0 ? "Remote session" : "Follow-up call")),
                ("TechnicianFullName", t.TechnicianFullName.map { .string($0) } ?? .null),
                ("TechnicianEmail", t.TechnicianEmail.map { .string($0) } ?? .null),
                ("RateID", .null), ("RateAmount", .null),
            ])
        }
    }
}
