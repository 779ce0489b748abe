import Foundation
import PSACore

/// A ticket's attachments: `GET /Tickets/{id}/Attachments` (the list, `data` null), and one with
/// its data, `GET /Tickets/{id}/Attachments/{attachmentId}` (a list envelope, `items[0].data`).
extension AutotaskAPI {
    public func attachments(ticketID: Int64) async throws -> [TicketAttachment] {
        let r = try await send("GET", "Tickets/\(ticketID)/Attachments", purpose: "attachments")
        guard let obj = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any],
            let items = obj["items"] as? [[String: Any]]
        else {
            throw APIError(
                kind: .decoding, status: r.status, detail: "Tickets/\(ticketID)/Attachments answer without items")
        }
        var out: [TicketAttachment] = []
        for i in items.prefix(1_000) {
            guard let id = (i["id"] as? NSNumber)?.int64Value else { continue }
            let name =
                (i["title"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? (i["fullPath"] as? String)
                ?? "attachment-\(id)"
            let size = (i["fileSize"] as? NSNumber).flatMap { n in
                n.doubleValue.isFinite && n.doubleValue >= 0 && n.doubleValue < 1e15 ? Int(n.doubleValue) : nil
            }
            let by = ((i["attachedByResourceID"] as? NSNumber)?.int64Value).map { resources[$0] ?? "Resource #\($0)" }
            let publish = (i["publish"] as? NSNumber)?.intValue
            out.append(
                TicketAttachment(
                    id: id, name: name, size: size, author: by,
                    date: (i["attachDate"] as? String).flatMap(VendorDate.parse),
                    isInternal: publish.map { $0 != 1 }, url: nil))
        }
        return out.sorted { ($0.date ?? .distantPast, $0.id ?? 0) < ($1.date ?? .distantPast, $1.id ?? 0) }
    }

    public func attachmentData(ticketID: Int64, _ attachment: TicketAttachment) async throws -> Data {
        guard let id = attachment.id else {
            throw APIError(kind: .refused, status: nil, detail: "this attachment has no id to fetch it by")
        }
        let r = try await send("GET", "Tickets/\(ticketID)/Attachments/\(id)", purpose: "attachment data")
        guard let obj = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any],
            let items = obj["items"] as? [[String: Any]],
            let text = items.first?["data"] as? String,
            let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters)
        else {
            throw APIError(kind: .decoding, status: r.status, detail: "the attachment's answer holds no data")
        }
        return data
    }
}
