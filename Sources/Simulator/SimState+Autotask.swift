import Foundation

/// Why an Autotask write was refused: `invalid` as Autotask's own 500 `{"errors":[…]}`,
/// `validation` as the ASP.NET problem (400) a malformed value gets.
enum AutotaskWriteError: Error, Sendable {
    case notFound
    case invalid(String)
    case validation([String: [String]])
}

extension SimData {
    /// The service-desk roles a resource may be assigned tickets under (`ResourceServiceDeskRoles`):
    /// every person has "Technician" (default) and "Help Desk"; the last person has none, as a
    /// resource who does no service-desk work (assigning them is refused by the server).
    static func serviceDeskRoles(of resource: Int64) -> [(id: Int64, roleID: Int64, isDefault: Bool)] {
        let n = Int(resource - 29_682_885)
        guard people.indices.contains(n), n != people.count - 1 else { return [] }
        return [(resource * 10 + 1, 29_683_461, true), (resource * 10 + 2, 29_683_462, false)]
    }

    /// A resource's e-mail, as the tenant's people have them.
    static func resourceEmail(_ p: (first: String, last: String)) -> String { technicianEmail((p.first, p.last)) }

    /// Resources that are not people: the system (workflow rules, RMM) and the API user.
    static let systemResources: [Int64: (first: String, last: String)] = [
        4: ("Autotask", "Administrator"), 29_682_999: ("API", "Integration"),
    ]
    static let apiUserResource: Int64 = 29_682_999
}

extension SimState {
    func snapshotAutotask() -> [SimAutotaskTicket] { data.autotaskTickets }

    var ticketFields: [AutotaskField] { AutotaskSchema.ticketFields(data.picklistValues) }

    /// The notes of the given tickets (all when nil): generated, then any added through the API.
    func notes(ticketIDs: Set<Int64>?) -> [SimAutotaskNote] {
        let resourceIDs = data.resources.keys.sorted()
        let tickets =
            ticketIDs.map { ids in data.autotaskTickets.filter { ids.contains($0.id) } } ?? data.autotaskTickets
        var out = tickets.filter(\.seeded).flatMap { SimData.notes(for: $0, resourceIDs: resourceIDs) }
        for (t, added) in addedNotes where ticketIDs?.contains(t) ?? true { out += added }
        return out.sorted { $0.id < $1.id }
    }

    func timeEntries(ticketIDs: Set<Int64>?) -> [SimAutotaskValues] {
        let resourceIDs = data.resources.keys.sorted()
        let tickets =
            ticketIDs.map { ids in data.autotaskTickets.filter { ids.contains($0.id) } } ?? data.autotaskTickets
        var out = tickets.filter(\.seeded).flatMap { SimData.timeEntries(for: $0, resourceIDs: resourceIDs) }
        for (t, added) in addedTimeEntries where ticketIDs?.contains(t) ?? true { out += added }
        return out.sorted { $0.id < $1.id }
    }

    func slaResults(ticketIDs: Set<Int64>?) -> [SimAutotaskValues] {
        let tickets =
            ticketIDs.map { ids in data.autotaskTickets.filter { ids.contains($0.id) } } ?? data.autotaskTickets
        return tickets.compactMap(SimData.slaResult)
    }

    /// A field's value checked against its data type, as the server's model binding would;
    /// nil (with the reason) when it cannot be converted.
    static func convert(_ v: SimJSON, to f: AutotaskField, key: String) -> Result<SimJSON, AutotaskWriteError> {
        func bad(_ what: String) -> Result<SimJSON, AutotaskWriteError> {
            .failure(
                .validation([
                    key: [
                        "Could not convert \(what) to \(f.type == .datetime ? "DateTime" : f.type.rawValue): \(Self.describe(v)). Path '\(key)'."
                    ]
                ]))
        }
        if v.isNull { return .success(.null) }
        switch f.type {
        case .integer, .long:
            if case .bool = v { return bad("boolean") }
            if let i = v.int64 { return .success(.int(i)) }
            return bad(v.stringValue != nil ? "string" : "value")
        case .double:
            switch v {
            case .int(let i): return .success(.double(Double(i)))
            case .double: return .success(v)
            case .string(let s): return Double(s).map { .success(.double($0)) } ?? bad("string")
            default: return bad("value")
            }
        case .string:
            switch v {
            case .string: return .success(v)
            case .int(let i): return .success(.string(String(i)))
            case .double(let d): return .success(.string(String(d)))
            default: return bad("value")
            }
        case .datetime:
            if let s = v.stringValue, let d = SimDate.parse(s) { return .success(.date(d)) }
            return bad("string")
        case .boolean:
            switch v {
            case .bool: return .success(v)
            case .string(let s) where ["true", "false"].contains(s.lowercased()):
                return .success(.bool(s.lowercased() == "true"))
            default: return bad("value")
            }
        }
    }

    static func describe(_ v: SimJSON) -> String {
        switch v {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): String(d)
        case .bool(let b): b ? "True" : "False"
        default: "(object)"
        }
    }

    /// Checks a write's fields (any case) against the entity's: known, writable, of the right type,
    /// picklist values active. Returns them by canonical name.
    static func checked(_ obj: [String: Any], fields: [AutotaskField], entity: String, creating: Bool) -> Result<
        [(AutotaskField, SimJSON)], AutotaskWriteError
    > {
        let known = Dictionary(fields.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        var out: [(AutotaskField, SimJSON)] = []
        var problems: [String: [String]] = [:]
        for key in obj.keys.sorted() {
            let lower = key.lowercased()
            if lower == "id" || (entity == "Ticket" && lower == "userdefinedfields") { continue }
            guard let f = known[lower] else {
                return .failure(.invalid("Unable to find field '\(key)' on entity \(entity)."))
            }
            if f.isReadOnly && !(creating && lower == "ticketid") {
                return .failure(.invalid("The field '\(f.name)' is read-only."))
            }
            switch convert(SimJSON(any: obj[key]), to: f, key: key) {
            case .failure(.validation(let e)): problems.merge(e) { $0 + $1 }
            case .failure(let e): return .failure(e)
            case .success(let v):
                if let list = f.picklist, case .int(let n) = v {
                    guard let entry = list.first(where: { $0.value == Int(n) }) else {
                        return .failure(.invalid("Value \(n) is not a valid picklist value for field '\(f.name)'."))
                    }
                    guard entry.isActive else {
                        return .failure(
                            .invalid(
                                "Value \(n) ('\(entry.label)') for field '\(f.name)' is inactive and cannot be used."))
                    }
                }
                out.append((f, v))
            }
        }
        if !problems.isEmpty { return .failure(.validation(problems)) }
        if creating {
            let given = Set(out.filter { !$0.1.isNull }.map { $0.0.name })
            let missing = fields.filter { $0.isRequired && !$0.isReadOnly && !given.contains($0.name) }.map(\.name)
            if !missing.isEmpty {
                return .failure(.invalid("Missing required field(s) on \(entity): \(missing.joined(separator: ", "))."))
            }
        }
        return .success(out)
    }

    /// PATCH (only the given fields change) or PUT (the whole entity is replaced) of one ticket.
    /// A workflow rule (`workflowRevertStatus`) can keep the old status while the answer says done.
    func updateAutotask(body: Data, replace: Bool) -> Result<Int64, AutotaskWriteError> {
        guard let obj = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return .failure(.invalid("The request body could not be read as a Ticket entity."))
        }
        guard let id = obj.first(where: { $0.key.lowercased() == "id" }).flatMap({ SimJSON(any: $0.value).int64 })
        else {
            return .failure(.invalid("The id field is required for an update."))
        }
        guard let i = data.autotaskTickets.firstIndex(where: { $0.id == id }) else { return .failure(.notFound) }
        let fields: [(AutotaskField, SimJSON)]
        switch Self.checked(obj, fields: ticketFields, entity: "Ticket", creating: false) {
        case .failure(let e): return .failure(e)
        case .success(let f): fields = f
        }
        let old = data.autotaskTickets[i]
        var t = old
        if replace {
            t = SimAutotaskTicket(id: id)
            t.ticketNumber = old.ticketNumber
            t.createDate = old.createDate
            t.serviceLevelAgreementID = old.serviceLevelAgreementID
        }
        for (f, v) in fields {
            t.set(f.name, v)
            stats.updatedFields[f.name, default: 0] += 1
            if f.name == "description" { stats.descriptionWrites += 1 }
        }
        // An assignment names the role too, one of the resource's service-desk roles.
        if fields.contains(where: { $0.0.name == "assignedResourceID" || $0.0.name == "assignedResourceRoleID" }) {
            if let r = t.assignedResourceID {
                guard let role = t.assignedResourceRoleID,
                    fields.contains(where: { $0.0.name == "assignedResourceRoleID" })
                else {
                    return .failure(.invalid("AssignedResourceRoleID is required when AssignedResourceID is set."))
                }
                guard SimData.serviceDeskRoles(of: r).contains(where: { $0.roleID == role }) else {
                    return .failure(.invalid("Resource \(r) does not have the service desk role \(role)."))
                }
            } else {
                t.assignedResourceRoleID = nil
            }
        }
        if let udf = obj.first(where: { $0.key.lowercased() == "userdefinedfields" }) {
            t.set("userDefinedFields", SimJSON(any: udf.value))
        }
        let now = clock.wall()
        if let rule = config.workflowRevertStatus, t.status == rule, old.status != rule {
            // The workflow rule puts the status back; the answer still says the update was done.
            t.status = old.status
            stats.workflowReverts += 1
            addedNotes[id, default: []].append(
                SimAutotaskNote(
                    id: nextNoteID, ticketID: id, title: "Workflow rule: status reverted",
                    description:
                        "A workflow rule set the status back from \(rule) to \(old.status.map(String.init) ?? "none").",
                    noteType: 13, publish: 2, creatorResourceID: 4, createDateTime: now))
            nextNoteID += 1
        }
        if t.status == 5, old.status != 5 { t.completedDate = now }
        if t.status != 5 { t.completedDate = nil }
        t.lastActivityDate = now
        data.autotaskTickets[i] = t
        return .success(id)
    }

    /// `POST /Tickets`: a new ticket from the required fields (and any others), numbered as Autotask does.
    func createAutotask(body: Data) -> Result<Int64, AutotaskWriteError> {
        guard let obj = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return .failure(.invalid("The request body could not be read as a Ticket entity."))
        }
        if let given = obj.first(where: { $0.key.lowercased() == "id" }).flatMap({ SimJSON(any: $0.value).int64 }),
            given != 0
        {
            return .failure(.invalid("The id must be 0 (or absent) when creating a Ticket."))
        }
        let fields: [(AutotaskField, SimJSON)]
        switch Self.checked(obj, fields: ticketFields, entity: "Ticket", creating: true) {
        case .failure(let e): return .failure(e)
        case .success(let f): fields = f
        }
        let id = (data.autotaskTickets.last?.id ?? 7_000) + 1
        var t = SimAutotaskTicket(id: id)
        t.seeded = false
        let now = clock.wall()
        for (f, v) in fields { t.set(f.name, v) }
        if let c = t.companyID, data.companies[c] == nil { return .failure(.invalid("Company \(c) does not exist.")) }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let ymd = cal.dateComponents([.year, .month, .day], from: now)
        t.ticketNumber = String(
            format: "T%04d%02d%02d.%04d", ymd.year ?? 0, ymd.month ?? 1, ymd.day ?? 1, 9_000 + nextTicketNumber)
        nextTicketNumber += 1
        t.createDate = now
        t.lastActivityDate = now
        t.serviceLevelAgreementID = t.serviceLevelAgreementID ?? 1
        t.extra["creatorResourceID"] = .int(SimData.apiUserResource)
        t.extra["creatorType"] = .int(1)
        if t.status == 5 { t.completedDate = now }
        data.autotaskTickets.append(t)
        return .success(id)
    }

    /// `POST /Tickets/{id}/Notes`.
    func createNote(ticketID: Int64, body: Data, impersonating: Int64?) -> Result<Int64, AutotaskWriteError> {
        guard let obj = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return .failure(.invalid("The request body could not be read as a TicketNote entity."))
        }
        guard let i = data.autotaskTickets.firstIndex(where: { $0.id == ticketID }) else { return .failure(.notFound) }
        var given = obj
        if given.keys.contains(where: { $0.lowercased() == "ticketid" }) == false { given["ticketID"] = ticketID }
        let fields: [(AutotaskField, SimJSON)]
        switch Self.checked(given, fields: AutotaskSchema.noteFields, entity: "TicketNote", creating: true) {
        case .failure(let e): return .failure(e)
        case .success(let f): fields = f
        }
        func v(_ name: String) -> SimJSON { fields.first { $0.0.name == name }?.1 ?? .null }
        if let t = v("ticketID").int64, t != ticketID {
            return .failure(.invalid("The note's ticketID (\(t)) does not match the parent ticket (\(ticketID))."))
        }
        let now = clock.wall()
        let note = SimAutotaskNote(
            id: nextNoteID, ticketID: ticketID, title: v("title").stringValue ?? "",
            description: v("description").stringValue ?? "",
            noteType: Int(v("noteType").int64 ?? 3), publish: Int(v("publish").int64 ?? 2),
            creatorResourceID: impersonating ?? SimData.apiUserResource, createDateTime: now)
        nextNoteID += 1
        addedNotes[ticketID, default: []].append(note)
        data.autotaskTickets[i].lastActivityDate = now
        if note.publish == 1 { data.autotaskTickets[i].extra["lastCustomerVisibleActivityDateTime"] = .date(now) }
        stats.notesAdded += 1
        return .success(note.id)
    }

    enum AttachmentRefusal: Error, Sendable { case noTicket, tooLarge, windowExceeded }

    /// A ticket's attachments: a few seeded (made from the id alone: a screenshot on every fourth
    /// ticket, and on every twelfth one whose name tries a path and a right-to-left override, as a
    /// hostile uploader's might), then those added through the API.
    func autotaskAttachments(ticket id: Int64) -> [SimAutotaskAttachment] {
        guard let t = data.autotaskTickets.first(where: { $0.id == id }) else { return attachments[id] ?? [] }
        var seeded: [SimAutotaskAttachment] = []
        let at = (t.createDate ?? Date(timeIntervalSince1970: 1_700_000_000)).addingTimeInterval(600)
        if id % 4 == 1 {
            let bytes = Data("PNG-in-the-simulator \(id)\n".utf8)
            seeded.append(
                SimAutotaskAttachment(
                    id: 80_000_000 + id * 2, parentID: id, title: "screenshot-\(id).png",
                    fullPath: "screenshot-\(id).png",
                    publish: 2, fileSize: bytes.count, attachDate: at, contentType: "image/png", data: bytes))
        }
        if id % 12 == 1 {
            let bytes = Data("not really a program\n".utf8)
            seeded.append(
                SimAutotaskAttachment(
                    id: 80_000_001 + id * 2, parentID: id, title: "../../.bashrc\u{202E}gnp.exe",
                    fullPath: "../../.bashrc\u{202E}gnp.exe",
                    publish: 1, fileSize: bytes.count, attachDate: at.addingTimeInterval(60),
                    contentType: "application/octet-stream", data: bytes))
        }
        return seeded + (attachments[id] ?? [])
    }

    /// Stores an attachment, or refuses it: a file over the size limit, or the tenant's bytes in the
    /// last 5 minutes over the limit (which then refuses every attachment for 5 minutes).
    func storeAttachment(
        parent: Int64, title: String, fullPath: String, publish: Int, contentType: String, data bytes: Data
    ) -> Result<Int64, AttachmentRefusal> {
        guard data.autotaskTickets.contains(where: { $0.id == parent }) else { return .failure(.noTicket) }
        let now = simSeconds
        guard bytes.count <= config.attachmentFileLimit else {
            stats.attachmentRefusals += 1
            return .failure(.tooLarge)
        }
        attachmentLog.removeAll { $0.at <= now - 300 }
        let used = attachmentLog.reduce(0) { $0 + $1.bytes }
        if now < attachmentsBlockedUntil || used + bytes.count > config.attachmentWindowBytes {
            if now >= attachmentsBlockedUntil { attachmentsBlockedUntil = now + 300 }
            stats.attachmentRefusals += 1
            stats.limitViolations += 1
            return .failure(.windowExceeded)
        }
        attachmentLog.append((now, bytes.count))
        let id = nextAttachmentID
        nextAttachmentID += 1
        // Only small files keep their bytes (enough to read one back); the rest keep their size.
        attachments[parent, default: []].append(
            SimAutotaskAttachment(
                id: id, parentID: parent, title: title, fullPath: fullPath, publish: publish, fileSize: bytes.count,
                attachDate: clock.wall(), contentType: contentType, data: bytes.count <= 1 << 20 ? bytes : Data()))
        stats.attachmentsStored += 1
        stats.attachmentBytes += bytes.count
        return .success(id)
    }
}
