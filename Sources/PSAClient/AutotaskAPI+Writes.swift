import Foundation
import PSACore

/// Notes, changes and attachments: what psatop writes to an Autotask ticket.
extension AutotaskAPI {
    /// The most pages of 500 notes one ticket's detail reads (RMM and workflow notes can number
    /// hundreds on one ticket).
    public static let maxNotePages = 10

    /// The ticket's notes (the `TicketNotes` entity), oldest first, their authors by name (a
    /// technician from Resources, a customer's portal note from Contacts), their type in the
    /// tenant's words: the notes walked by id (a query answers the lowest 500 ids, so a ticket
    /// flooded with system notes would hide its newest), one query for authors not seen before,
    /// and the note types once.
    public func ticketComments(id: Int64) async throws -> [TicketComment] {
        try await prepare()
        let (notes, cut) = try await noteWalk(ticketID: id)
        var shown = try await comments(notes)
        if cut {
            shown.append(
                TicketComment(
                    date: nil, author: "psatop",
                    text:
                        "More than \(Self.maxNotePages * 500) notes: the newest are not read here (open the ticket in Autotask)",
                    isInternal: true))
        }
        return shown
    }

    /// Every note of a ticket, page by page (`id gt` the last one seen, 500 a page), until a short
    /// page, a page that does not move past the last id, or `maxNotePages`; true when cut there.
    func noteWalk(ticketID id: Int64) async throws -> ([AutotaskTicketNote], cut: Bool) {
        var out: [AutotaskTicketNote] = []
        var last: Int64 = 0
        for n in 0..<Self.maxNotePages {
            var filter: [[String: Any]] = [["op": "eq", "field": "ticketID", "value": id]]
            if n > 0 { filter.append(["op": "gt", "field": "id", "value": last]) }
            let body = try JSONSerialization.data(withJSONObject: ["MaxRecords": 500, "filter": filter])
            let r = try await send(
                "POST", "TicketNotes/query", body: body, purpose: "notes",
                logPath: "TicketNotes/query (ticket #\(id)\(n > 0 ? ", after note \(last)" : ""))")
            let page = try r.decode(AutotaskQueryResponse<AutotaskTicketNote>.self).items
            let fresh = page.filter { ($0.ticketID == nil || $0.ticketID == id) && $0.id > last }
            out += fresh
            guard page.count >= 500, let top = fresh.map(\.id).max(), top > last else { return (out, false) }
            last = top
        }
        return (out, true)
    }

    func comments(_ notes: [AutotaskTicketNote]) async throws -> [TicketComment] {
        let authors = Set(notes.compactMap(\.creatorResourceID)).subtracting(resources.keys)
        resources.merge(try await names(of: "Resources", one: "Resource", ids: authors, name: Self.resourceName) ?? [:])
        { $1 }
        let customers = Set(notes.compactMap(\.createdByContactID)).subtracting(contactNames.keys)
        if let found = try await names(of: "Contacts", one: "Contact", ids: customers, name: Self.resourceName) {
            for c in customers { contactNames[c] = found[c] ?? "Contact #\(c)" }
        }
        if noteTypes == nil, !notes.isEmpty { await loadNoteTypes() }
        let types = noteTypes ?? [:]
        return notes.sorted { ($0.createDateTime ?? .distantPast, $0.id) < ($1.createDateTime ?? .distantPast, $1.id) }
            .map { $0.display(resources: resources, contacts: contactNames, noteTypes: types) }
    }

    /// The note types once: their labels (a nicety — a tenant that refuses the fields still shows
    /// its notes) and the one a new note gets.
    func loadNoteTypes() async {
        guard let f = try? await send("GET", "TicketNotes/entityInformation/fields", purpose: "picklists"),
            let fields = try? f.decode(EntityFields.self)
        else {
            noteTypes = [:]
            return
        }
        noteTypes = fields.picklists.values["notetype"] ?? [:]
        let values = fields.fields.first { $0.name.lowercased() == "notetype" }?.picklistValues ?? []
        let active = values.filter { $0.isActive != false }
        noteTypeDefault =
            (active.first { $0.isDefaultValue == true }
            ?? active.sorted { ($0.sortOrder ?? .max) < ($1.sortOrder ?? .max) }.first)
            .flatMap { Int($0.value) }
    }

    /// `POST /Tickets/{id}/Notes` with the title (the first line), the text, the tenant's default
    /// note type and `publish` 2 (internal) unless customers were chosen (1). Sent once.
    public func addNote(ticketID: Int64, text: String, visibility: Visibility) async throws {
        let clean = NoteText.clean(text)
        guard !clean.isEmpty else { throw APIError(kind: .refused, status: nil, detail: "an empty note is not sent") }
        guard clean.count <= NoteText.maxLength else {
            throw APIError(
                kind: .refused, status: nil,
                detail: "the note is \(clean.count) characters; Autotask takes at most \(NoteText.maxLength)")
        }
        if noteTypes == nil { await loadNoteTypes() }
        let body = try JSONSerialization.data(
            withJSONObject: [
                "ticketID": ticketID, "title": NoteText.title(clean), "description": clean,
                "noteType": noteTypeDefault ?? 1, "publish": Self.publish(visibility),
            ],
            options: [.sortedKeys])
        let r = try await send(
            "POST", "Tickets/\(ticketID)/Notes", body: body, purpose: "note",
            logPath: "Tickets/\(ticketID)/Notes (\(visibility.rawValue), \(clean.count) chars)")
        _ = try r.decode(AutotaskItemIDResponse.self)
    }

    // MARK: Changes

    /// Changes fields of one ticket with `PATCH /Tickets`: only the fields given are sent (never
    /// the description or anything else the user did not change). Not retried after a 5xx.
    public func update(ticketID: Int64, fields: [String: TicketFieldValue]) async throws {
        guard !fields.isEmpty else { return }
        var obj: [String: Any] = ["id": ticketID]
        for (k, v) in fields { obj[k] = v.json }
        let body = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
        let r = try await send(
            "PATCH", "Tickets", body: body, purpose: "update",
            logPath: "Tickets (#\(ticketID): \(fields.keys.sorted().joined(separator: ", ")))")
        _ = try r.decode(AutotaskItemIDResponse.self)
    }

    /// The active values of the field, in the tenant's own order (inactive ones are refused by the server).
    public func choices(for field: EditableField) async throws -> [String] {
        if field == .assignee { return try await assigneeChoices() }
        try await prepare()
        return picklists.choices(field: field.rawValue)
    }

    public func change(ticketID: Int64, _ field: EditableField, to label: String) async throws {
        if field == .assignee { return try await assign(ticketID: ticketID, to: label) }
        try await prepare()
        guard let value = picklists.value(field: field.rawValue, label: label) else {
            throw APIError(kind: .refused, status: nil, detail: "'\(label)' is not a \(field.rawValue) of this tenant")
        }
        if picklists.isInactive(field: field.rawValue, value: value) {
            throw APIError(
                kind: .refused, status: nil,
                detail: "'\(label)' is an inactive \(field.rawValue) on this tenant: the server refuses it")
        }
        try await update(ticketID: ticketID, fields: [field.rawValue: .int(value)])
    }

    /// Autotask's `publish` for a visibility: 2 "Internal Users Only", 1 "All Autotask Users"
    /// (which customers see in the Client Portal).
    static func publish(_ v: Visibility) -> Int {
        switch v {
        case .internal: 2
        case .customers: 1
        }
    }

    /// Attaches a file to a ticket (`POST /Tickets/{id}/Attachments`, base64 body), internal
    /// unless the person chose customers. A file over the per-file limit is refused before
    /// sending; the tenant's 5-minute byte budget is waited for.
    @discardableResult
    public func attach(ticketID: Int64, fileName: String, data: Data, visibility: Visibility) async throws -> Int64 {
        let name = (fileName as NSString).lastPathComponent
        let obj: [String: Any] = [
            "id": 0, "parentID": ticketID, "attachmentType": "FILE_ATTACHMENT", "publish": Self.publish(visibility),
            "title": name, "fullPath": name, "data": data.base64EncodedString(),
        ]
        let body = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
        let r = try await send(
            "POST", "Tickets/\(ticketID)/Attachments", body: body, purpose: "attach",
            logPath: "Tickets/\(ticketID)/Attachments (\(ByteSize.text(data.count)))", attachmentBytes: data.count)
        return try r.decode(AutotaskItemIDResponse.self).itemId
    }
}
