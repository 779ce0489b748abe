import Foundation
import PSACore

/// HaloPSA's actions: the detail's notes (system ones told apart by the server) and new notes.
extension HaloAPI {
    /// The most actions one detail reads.
    static let maxActions = 500

    /// `GET /api/Actions?ticket_id=…`, oldest first. System actions are the ones the server leaves
    /// out with `excludesys=true` ("exclude system actions" in the OpenAPI document): a second,
    /// smaller request. Should that one fail, system actions are guessed and labelled "system?".
    public func ticketComments(id: Int64) async throws -> [TicketComment] {
        let r = try await get("Actions?ticket_id=\(id)&count=\(Self.maxActions)", purpose: "actions")
        let actions = Array(try HaloList<HaloAction>.decode(r.body).prefix(1_000))
        var people: Set<Int64>?
        if actions.contains(where: { $0.id != nil }) {
            if let p = try? await get(
                "Actions?ticket_id=\(id)&count=\(Self.maxActions)&excludesys=true", purpose: "actions"),
                let list = try? HaloList<HaloAction>.decode(p.body)
            {
                people = Set(list.compactMap(\.id))
            }
        }
        return
            actions.map { a in
                if let people, let aid = a.id { return a.display(system: !people.contains(aid)) }
                return a.display(system: a.looksSystem, confirmed: false)
            }
            .sorted { ($0.date ?? .distantPast) < ($1.date ?? .distantPast) }
    }

    /// The tenant's outcomes (`/api/Outcome`), once; empty when they cannot be read.
    func outcomes() async -> [HaloOutcome] {
        if let known = await session.outcomes { return known }
        let list: [HaloOutcome]
        do {
            list = Array(
                try HaloList<HaloOutcome>.decode(try await get("Outcome", purpose: "lookups").body).prefix(500))
        } catch {
            // Not cached: a rate-limited or failed read is tried again with the next note.
            return []
        }
        await session.setOutcomes(list)
        return list
    }

    /// `POST /api/Actions` `[{"ticket_id", "outcome_id", "outcome", "note", "hiddenfromuser",
    /// "sendemail"}]`: internal (`hiddenfromuser: true`, `sendemail: false`) unless customers were
    /// chosen. The outcome is the tenant's own ("Private Note"/"Note" from `/api/Outcome`); only
    /// when it defines none of them is the name sent alone. Sent once.
    public func addNote(ticketID: Int64, text: String, visibility: Visibility) async throws {
        let clean = NoteText.clean(text)
        guard !clean.isEmpty else { throw APIError(kind: .refused, status: nil, detail: "an empty note is not sent") }
        guard clean.count <= NoteText.maxLength else {
            throw APIError(
                kind: .refused, status: nil,
                detail: "the note is \(clean.count) characters; at most \(NoteText.maxLength) are sent")
        }
        guard ticketID > 0 else { throw APIError(kind: .refused, status: nil, detail: "no ticket to add the note to") }
        let hidden = visibility == .internal
        var action: [String: Any] = ["ticket_id": ticketID, "note": clean, "hiddenfromuser": hidden]
        if hidden { action["sendemail"] = false }
        if let o = HaloOutcome.pick(await outcomes(), internal: hidden) {
            action["outcome_id"] = o.id
            action["outcome"] = o.name
        } else {
            action["outcome"] = hidden ? "Private Note" : "Note"
        }
        _ = try await post(
            "Actions", [action], purpose: "note",
            logPath: "/api/Actions (ticket \(ticketID), \(visibility.rawValue), \(clean.count) chars)")
    }
}

extension HaloSession {
    func setOutcomes(_ list: [HaloOutcome]) { outcomes = list }
}
