import Foundation
import Hummingbird
import PSACore

/// Autotask REST V1.0, as the published Swagger (`v1.json`) and `apis.md` describe it.
/// Paths are case-insensitive, as IIS's; field names in bodies and filters too.
struct AutotaskTwin: Sendable {
    let state: SimState
    let config: SimulatorConfig
    let clock: PSAClock

    /// `rest` is what follows `/ATServicesRest/`: `V1.0/…` or `versioninformation`.
    func handle(_ req: SimRequest, zone: Int, rest: String) async -> Response {
        let all = rest.split(separator: "/").map { $0.lowercased() }
        if all == ["versioninformation"] {
            return .simJSON(200, .object([("apiVersions", .array([.string("V1.0"), .string("V2.0")]))]))
        }
        guard all.first == "v1.0", all.count > 1 else { return .html404(req.path) }
        let parts = Array(all.dropFirst())
        let current = await state.zone

        if parts[0] == "zoneinformation" { return zoneInformation(req, zone: current) }
        if parts[0] == "versioninformation" { return .html404(req.path) }

        // After a zone move the old URL answers 401, as Autotask's does.
        guard zone == current, req.header("ApiIntegrationCode") == config.autotaskIntegrationCode,
            req.header("UserName") == config.autotaskUser,
            req.header("Secret") == config.autotaskSecret
        else {
            await state.noteUnauthorized()
            return .json(401, ["Message": "Authorization has been denied for this request."])
        }
        let endpoint = parts[0]
        switch await state.admitAutotask(endpoint: endpoint) {
        case .suspended:
            return .errors(
                429,
                "API call threshold exceeded. The external request threshold of \(config.autotaskThreshold) requests per \(config.autotaskTimeframeMinutes) minutes has been reached for this database; requests are refused until the rolling count drops below the threshold."
            )
        case .threadLimit:
            return .errors(
                429,
                "The Autotask API thread threshold of \(config.threadLimit) threads has been exceeded. Please reduce the number of concurrent requests."
            )
        case .ok(let latency):
            if latency > 0 { try? await clock.sleep(.seconds(double: latency)) }
            let response = await route(req, parts: parts)
            await state.releaseAutotask(endpoint: endpoint)
            return response
        }
    }

    func zoneInformation(_ req: SimRequest, zone: Int) -> Response {
        guard let user = req.query["user"], user.lowercased() == config.autotaskUser.lowercased() else {
            return .errors(500, "Zone information could not be determined")
        }
        let prefix = zone == 1 ? "" : "/zone\(zone)"
        return .simJSON(
            200,
            .object([
                ("zoneName", .string("Simulator Zone \(zone)")),
                ("url", .string(req.origin + prefix + "/ATServicesRest/")),
                ("webUrl", .string(req.origin + "/")), ("ci", .int(20264)),
            ]))
    }

    static let queryable: Set<String> = ["tickets", "ticketnotes", "timeentries", "servicelevelagreementresults"]

    func route(_ req: SimRequest, parts: [String]) async -> Response {
        let m = req.method
        let n = parts.count
        let entity = parts[0]
        func at(_ i: Int) -> String { i < n ? parts[i] : "" }
        switch (m, n) {
        case ("GET", 1) where entity == "thresholdinformation":
            return .simJSON(200, await state.threshold())
        case (_, 2) where at(1) == "query" && Self.queryable.contains(entity) && (m == "GET" || m == "POST"):
            return await query(req, entity: entity, count: false)
        case (_, 3)
        where at(1) == "query" && at(2) == "count" && Self.queryable.contains(entity) && (m == "GET" || m == "POST"):
            return await query(req, entity: entity, count: true)
        case (_, 3) where at(1) == "query" && at(2) == "next" && Self.queryable.contains(entity):
            return await next(req)
        case ("GET", 2) where at(1) == "entityinformation":
            guard let e = await entityDescription(entity) else { return .html404(req.path) }
            return .simJSON(
                200,
                AutotaskSchema.info(
                    e.name, canCreate: e.create, canUpdate: e.update, canDelete: e.delete, udf: entity == "tickets"))
        case ("GET", 3) where at(1) == "entityinformation" && at(2) == "fields":
            guard let e = await entityDescription(entity) else { return .html404(req.path) }
            return .simJSON(200, .object([("fields", .array(e.fields.map(\.json)))]))
        case ("GET", 3) where at(1) == "entityinformation" && at(2) == "userdefinedfields":
            guard await entityDescription(entity) != nil else { return .html404(req.path) }
            let udf: [SimJSON] =
                entity == "tickets"
                ? [
                    .object([
                        ("name", .string("Contract")), ("label", .string("Contract")), ("type", .string("string")),
                        ("length", .int(100)), ("isRequired", .bool(false)), ("isPickList", .bool(false)),
                    ])
                ] : []
            return .simJSON(200, .object([("fields", .array(udf))]))
        case ("PATCH", 1) where entity == "tickets", ("PUT", 1) where entity == "tickets":
            return writeAnswer(await state.updateAutotask(body: req.body, replace: m == "PUT"), req, entity: "Ticket")
        case ("POST", 1) where entity == "timeentries":
            return writeAnswer(await state.createTimeEntry(body: req.body), req, entity: "TimeEntry")
        case ("POST", 1) where entity == "tickets":
            return writeAnswer(await state.createAutotask(body: req.body), req, entity: "Ticket")
        case ("GET", 2) where entity == "tickets":
            guard let id = Int64(at(1)) else { return .errors(500, "Invalid id '\(at(1))'.") }
            let item = await state.snapshotAutotask().first { $0.id == id }
            let fields = await state.ticketFields
            return .simJSON(200, .object([("item", item.map { $0.json(fields, udf: true) } ?? .null)]))
        case ("POST", 3) where entity == "tickets" && at(2) == "notes":
            guard let id = Int64(at(1)) else { return .errors(500, "Invalid id '\(at(1))'.") }
            let impersonating = req.header("ImpersonationResourceId").flatMap { Int64($0) }
            return writeAnswer(
                await state.createNote(ticketID: id, body: req.body, impersonating: impersonating), req,
                entity: "TicketNote")
        case ("GET", 3) where entity == "tickets" && at(2) == "notes":
            guard let id = Int64(at(1)) else { return .errors(500, "Invalid id '\(at(1))'.") }
            let notes = await state.notes(ticketIDs: [id])
            return list(notes.map { $0.json(AutotaskSchema.noteFields) })
        case ("POST", 3) where entity == "tickets" && at(2) == "attachments":
            return await attach(req, parent: at(1))
        case ("GET", 3) where entity == "tickets" && at(2) == "attachments":
            // The list: every attachment's fields, `data` null.
            guard let id = Int64(at(1)) else { return .errors(500, "Invalid id '\(at(1))'.") }
            let items = await state.autotaskAttachments(ticket: id)
            return list(items.map { attachmentJSON($0, withData: false) })
        case ("GET", 4) where entity == "tickets" && at(2) == "attachments":
            // One with its data: a *list* envelope, the file in items[0].data.
            guard let id = Int64(at(1)), let att = Int64(at(3)) else { return .errors(500, "Invalid id '\(at(1))'.") }
            let items = await state.autotaskAttachments(ticket: id).filter { $0.id == att }
            return list(items.map { attachmentJSON($0, withData: true) })
        case (_, 2) where at(1) == "query" && ["companies", "resources", "contacts"].contains(entity):
            return await lookup(req, entity: entity)
        case (_, 2) where at(1) == "query" && entity == "resourceservicedeskroles":
            return await serviceDeskRoles(req)
        case ("PATCH", 2) where entity == "tickets":
            // Not in the Swagger: the update is PATCH /Tickets with the id in the body.
            return .json(405, ["Message": "The requested resource does not support http method 'PATCH'."])
        case ("GET", _), ("POST", _), ("PATCH", _), ("PUT", _), ("DELETE", _):
            return .html404(req.path)
        default:
            return .json(405, ["Message": "The requested resource does not support http method '\(m)'."])
        }
    }

    func entityDescription(_ path: String) async -> (
        name: String, create: Bool, update: Bool, delete: Bool, fields: [AutotaskField]
    )? {
        AutotaskSchema.entity(path, ticketFields: await state.ticketFields)
    }

    /// `{"items":[…],"pageDetails":{…}}` for a child list (no paging).
    func list(_ items: [SimJSON]) -> Response {
        .simJSON(
            200,
            .object([
                ("items", .array(items)),
                (
                    "pageDetails",
                    .object([
                        ("count", .int(Int64(items.count))), ("requestCount", .int(500)), ("prevPageUrl", .null),
                        ("nextPageUrl", .null),
                    ])
                ),
            ]))
    }

    func attachmentJSON(_ a: SimAutotaskAttachment, withData: Bool) -> SimJSON {
        guard case .object(var kv) = a.json(AutotaskSchema.attachmentFields) else { return .null }
        kv.append(("data", withData ? .string(a.data.base64EncodedString()) : .null))
        return .object(kv)
    }

    /// `{"itemId":…}`, Autotask's 500 `{"errors":[…]}`, or the ASP.NET validation problem (400).
    func writeAnswer(_ r: Result<Int64, AutotaskWriteError>, _ req: SimRequest, entity: String) -> Response {
        switch r {
        case .success(let id): .simJSON(200, .object([("itemId", .int(id))]))
        case .failure(.notFound):
            .errors(500, "\(entity == "TicketNote" ? "Ticket" : entity) could not be found (\(req.path)).")
        case .failure(.invalid(let message)): .errors(500, message)
        case .failure(.validation(let errors)): .validationProblem(errors, instance: req.path)
        }
    }

    /// `POST /Tickets/{id}/Attachments` with a base64 `data` field.
    func attach(_ req: SimRequest, parent: String) async -> Response {
        guard let parentID = Int64(parent) else { return .errors(500, "Invalid id '\(parent)'.") }
        guard let raw = try? JSONSerialization.jsonObject(with: req.body) as? [String: Any] else {
            return .errors(500, "The request body could not be read as a TicketAttachment entity.")
        }
        let obj = Dictionary(raw.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        guard let b64 = obj["data"] as? String, let bytes = Data(base64Encoded: b64) else {
            return .errors(500, "The attachment's data must be base64.")
        }
        let publish = SimJSON(any: obj["publish"]).int64.map { Int($0) }
        guard let publish, [1, 2, 4].contains(publish) else {
            return .errors(
                500,
                "The publish value must be one of 1 (All Autotask Users), 2 (Internal Users Only), 4 (Internal & Co-Managed)."
            )
        }
        let title = (obj["title"] as? String) ?? (obj["fullpath"] as? String) ?? "attachment"
        let fullPath = (obj["fullpath"] as? String) ?? title
        let ext = (fullPath as NSString).pathExtension.lowercased()
        let type =
            [
                "txt": "text/plain", "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg",
                "log": "text/plain",
            ][ext] ?? "application/octet-stream"
        switch await state.storeAttachment(
            parent: parentID, title: title, fullPath: fullPath, publish: publish, contentType: type, data: bytes)
        {
        case .success(let id): return .simJSON(200, .object([("itemId", .int(id))]))
        case .failure(.noTicket): return .errors(500, "Ticket with id \(parentID) could not be found.")
        case .failure(.tooLarge):
            return .errors(500, "The attachment exceeds the maximum file size of \(config.attachmentFileLimit) bytes.")
        case .failure(.windowExceeded):
            return .errors(
                500,
                "Attachment upload limit exceeded: more than \(config.attachmentWindowBytes) bytes in 5 minutes. Attachments are refused for the next 5 minutes."
            )
        }
    }

    /// `Companies/query`, `Resources/query` and `Contacts/query`, for the ids an `eq`/`in` filter on `id` names, and
    /// companies by `companyName` (`eq`, `contains`, `beginsWith`, `endsWith`; any case, as Autotask).
    /// Company 0 is the tenant's own; resource 4 is the system (workflow rules, RMM).
    func lookup(_ req: SimRequest, entity: String) async -> Response {
        guard let text = queryText(req), let q = try? AutotaskQuery(json: text) else {
            return .errors(500, "Invalid query syntax.")
        }
        let ids = q.ids(of: "id")
        var names: [(op: String, value: String)] = []
        func collect(_ f: AutotaskQuery.Filter) {
            switch f {
            case .condition(let op, "companyname", .string(let s)?):
                names.append((op, s.lowercased()))
            case .group(_, let items): items.forEach(collect)
            default: break
            }
        }
        q.filter.forEach(collect)
        let data = await state.data
        var items: [SimJSON] = []
        if entity == "companies" {
            func named(_ name: String) -> Bool {
                let n = name.lowercased()
                return names.allSatisfy { c in
                    switch c.op {
                    case "eq": n == c.value
                    case "contains": n.contains(c.value)
                    case "beginswith": n.hasPrefix(c.value)
                    case "endswith": n.hasSuffix(c.value)
                    default: false
                    }
                }
            }
            for id in data.companies.keys.sorted() where (ids.isEmpty || ids.contains(id)) && named(data.companies[id]!)
            {
                items.append(
                    .object([
                        ("id", .int(id)), ("companyName", .string(data.companies[id]!)),
                        ("companyType", .int(id == 0 ? 5 : 1)),
                        ("isActive", .bool(true)),
                    ]))
            }
        } else if entity == "contacts" {
            // Only by id (a tenant's contacts are many; nothing here lists them all).
            for id in ids.sorted() {
                guard let p = SimData.contact(id) else { continue }
                items.append(
                    .object([
                        ("id", .int(id)), ("firstName", .string(p.first)), ("lastName", .string(p.last)),
                        ("emailAddress", .string(p.email)), ("phone", .string(p.phone)), ("isActive", .int(1)),
                    ]))
            }
        } else {
            // Resources by any of their fields (id, e-mail, active…), as the query says.
            let all = data.resources.merging(SimData.systemResources) { a, _ in a }
            for id in all.keys.sorted() {
                let p = all[id]!
                let fields: [(String, SimJSON)] = [
                    ("id", .int(id)), ("firstName", .string(p.first)), ("lastName", .string(p.last)),
                    ("email", .string(SimData.resourceEmail(p))), ("isActive", .bool(true)),
                ]
                let byName = Dictionary(fields.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { a, _ in a })
                guard q.matches({ byName[$0] ?? .null }) else { continue }
                items.append(.object(fields))
            }
        }
        return list(items)
    }

    /// `ResourceServiceDeskRoles/query`: the roles a resource takes tickets under (by `resourceID`,
    /// `isDefault`, `isActive`…).
    func serviceDeskRoles(_ req: SimRequest) async -> Response {
        guard let text = queryText(req), let q = try? AutotaskQuery(json: text) else {
            return .errors(500, "Invalid query syntax.")
        }
        var items: [SimJSON] = []
        for rid in (await state.data).resources.keys.sorted() {
            for r in SimData.serviceDeskRoles(of: rid) {
                let fields: [(String, SimJSON)] = [
                    ("id", .int(r.id)), ("isActive", .bool(true)), ("isDefault", .bool(r.isDefault)),
                    ("resourceID", .int(rid)), ("roleID", .int(r.roleID)),
                ]
                let byName = Dictionary(fields.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { a, _ in a })
                if q.matches({ byName[$0] ?? .null }) { items.append(.object(fields)) }
            }
        }
        return list(items)
    }
}
