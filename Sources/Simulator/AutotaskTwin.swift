import Foundation
import Hummingbird
import PSACore

/// Autotask REST V1.0, as `apis.md` describes it.
struct AutotaskTwin: Sendable {
    let state: SimState
    let config: SimulatorConfig
    let clock: PSAClock

    func handle(_ req: SimRequest, zone: Int, rest: String) async -> Response {
        let parts = rest.split(separator: "/").map { $0.lowercased() }
        guard let first = parts.first else { return .html404(req.path) }
        let current = await state.zone

        if first == "zoneinformation" { return zoneInformation(req, zone: current) }
        if first == "versioninformation" { return .json(200, ["apiVersions": ["1.0", "2.0"]]) }

        // After a zone move the old URL answers 401, as Autotask's does.
        guard zone == current, req.header("ApiIntegrationCode") == config.autotaskIntegrationCode,
              req.header("UserName") == config.autotaskUser,
              req.header("Secret") == config.autotaskSecret else {
            await state.noteUnauthorized()
            return .json(401, ["Message": "Authorization has been denied for this request."])
        }
        let endpoint = parts[0]
        switch await state.admitAutotask(endpoint: endpoint) {
        case .suspended:
            return .errors(429, "API call threshold exceeded. The external request threshold of \(config.autotaskThreshold) requests per \(config.autotaskTimeframeMinutes) minutes has been reached for this database; requests are refused until the rolling count drops below the threshold.")
        case .threadLimit:
            return .errors(429, "The Autotask API thread threshold of \(config.threadLimit) threads has been exceeded. Please reduce the number of concurrent requests.")
        case .ok(let latency):
            if latency > 0 { try? await clock.sleep(.seconds(double: latency)) }
            let response = await route(req, parts: parts)
            await state.releaseAutotask(endpoint: endpoint)
            return response
        }
    }

    private func zoneInformation(_ req: SimRequest, zone: Int) -> Response {
        guard let user = req.query["user"], user.lowercased() == config.autotaskUser.lowercased() else {
            return .errors(500, "Zone information could not be determined")
        }
        let prefix = zone == 1 ? "" : "/zone\(zone)"
        return .json(200, ZoneInformation(zoneName: "Simulator Zone \(zone)", url: req.origin + prefix + "/ATServicesRest/",
                                          webUrl: req.origin + "/", ci: 20264))
    }

    private func route(_ req: SimRequest, parts: [String]) async -> Response {
        let m = req.method
        switch (m, parts.count, parts[0]) {
        case ("GET", 1, "thresholdinformation"):
            return .json(200, await state.threshold())
        case (_, 2, "tickets") where parts[1] == "query" && (m == "GET" || m == "POST"):
            return await query(req, count: false)
        case (_, 3, "tickets") where parts[1] == "query" && parts[2] == "count" && (m == "GET" || m == "POST"):
            return await query(req, count: true)
        case (_, 3, "tickets") where parts[1] == "query" && parts[2] == "next":
            return await next(req)
        case ("GET", 3, "tickets") where parts[1] == "entityinformation" && parts[2] == "fields":
            return await fields()
        case ("PATCH", 1, "tickets"), ("PUT", 1, "tickets"):
            return await update(req, replace: m == "PUT")
        case ("POST", 3, "tickets") where parts[2] == "attachments":
            return await attach(req, parent: parts[1])
        case ("GET", 3, "tickets") where parts[2] == "attachments":
            guard let id = Int64(parts[1]) else { return .errors(500, "Invalid id '\(parts[1])'.") }
            let items = await state.attachments[id] ?? []
            return .json(200, ["items": items])
        case ("GET", 2, "tickets"):
            guard let id = Int64(parts[1]) else { return .errors(500, "Invalid id '\(parts[1])'.") }
            let item = await state.snapshotAutotask().first { $0.id == id }
            return .json(200, AutotaskItemResponse(item: item))
        case ("POST", 2, "ticketnotes") where parts[1] == "query", ("GET", 2, "ticketnotes") where parts[1] == "query":
            return await ticketNotes(req)
        case (_, 2, "companies") where parts[1] == "query", (_, 2, "resources") where parts[1] == "query",
             (_, 2, "contacts") where parts[1] == "query":
            return await lookup(req, entity: parts[0])
        case ("GET", _, _), ("POST", _, _), ("PATCH", _, _), ("PUT", _, _), ("DELETE", _, _):
            return .html404(req.path)
        default:
            return .json(405, ["Message": "The requested resource does not support http method '\(m)'."])
        }
    }

    /// `PATCH /Tickets` `{"id":…, <changed fields>}` → `{"itemId":…}`; PUT replaces the whole entity.
    private func update(_ req: SimRequest, replace: Bool) async -> Response {
        guard let obj = try? JSONSerialization.jsonObject(with: req.body) as? [String: Any] else {
            return .errors(500, "The request body could not be read as a Ticket entity.")
        }
        let idText = obj["id"].map { "\($0)" } ?? "?"
        switch await state.updateAutotask(body: req.body, replace: replace) {
        case .success(let id): return .json(200, AutotaskItemIDResponse(itemId: id))
        case .failure(.notFound): return .errors(500, "Ticket with id \(idText) could not be found.")
        case .failure(.invalid(let message)): return .errors(500, message)
        }
    }

    /// `POST /Tickets/{id}/Attachments` with a base64 `data` field.
    private func attach(_ req: SimRequest, parent: String) async -> Response {
        guard let parentID = Int64(parent) else { return .errors(500, "Invalid id '\(parent)'.") }
        guard let obj = try? JSONSerialization.jsonObject(with: req.body) as? [String: Any],
              let b64 = obj["data"] as? String, let bytes = Data(base64Encoded: b64) else {
            return .errors(500, "The attachment's data must be base64.")
        }
        let title = (obj["title"] as? String) ?? (obj["fullPath"] as? String) ?? "attachment"
        switch await state.storeAttachment(parent: parentID, title: title, bytes: bytes.count) {
        case .success(let id): return .json(200, AutotaskItemIDResponse(itemId: id))
        case .failure(.noTicket): return .errors(500, "Ticket with id \(parentID) could not be found.")
        case .failure(.tooLarge): return .errors(500, "The attachment exceeds the maximum file size of \(config.attachmentFileLimit) bytes.")
        case .failure(.windowExceeded):
            return .errors(500, "Attachment upload limit exceeded: more than \(config.attachmentWindowBytes) bytes in 5 minutes. Attachments are refused for the next 5 minutes.")
        }
    }

    /// `TicketNotes/query`: the notes of the tickets a `ticketID` `eq`/`in` filter names (without
    /// one, the first 500 of the tenant's), in the query envelope, sorted by id.
    private func ticketNotes(_ req: SimRequest) async -> Response {
        guard let text = queryText(req), let q = try? AutotaskQuery(json: text) else {
            return .errors(500, "Invalid query syntax.")
        }
        let ids = q.ids(of: "ticketid")
        let tickets = await state.snapshotAutotask().filter { ids.isEmpty || ids.contains($0.id) }
        let resourceIDs = await state.data.resources.keys.sorted()
        let notes = Array(tickets.flatMap { SimData.notes(for: $0, resourceIDs: resourceIDs) }.sorted { $0.id < $1.id }.prefix(500))
        return .json(200, AutotaskQueryResponse(items: notes, pageDetails: .init(count: notes.count, requestCount: 500, prevPageUrl: nil, nextPageUrl: nil)))
    }

    private func queryText(_ req: SimRequest) -> Data? {
        req.method == "POST" ? req.body : req.query["search"].map { Data($0.utf8) }
    }

    private func query(_ req: SimRequest, count: Bool) async -> Response {
        guard let text = queryText(req), !text.isEmpty else {
            return .errors(500, "Invalid query syntax. A query is required (search parameter or body).")
        }
        let q: AutotaskQuery
        do { q = try AutotaskQuery(json: text) } catch let e as AutotaskQuery.Invalid {
            return .errors(500, e.message)
        } catch { return .errors(500, "\(error)") }
        let tickets = await state.snapshotAutotask()
        if count { return .json(200, AutotaskCountResponse(queryCount: tickets.lazy.filter(q.matches).count)) }
        return await page(req, query: q, text: text, afterID: nil, tickets: tickets)
    }

    private func page(_ req: SimRequest, query q: AutotaskQuery, text: Data, afterID: Int64?, tickets: [AutotaskTicket]) async -> Response {
        let max = q.maxRecords ?? 500
        guard (1...500).contains(max) else {
            return .errors(500, "MaxRecords must be between 1 and 500.")
        }
        var items: [AutotaskTicket] = []
        var more = false
        for t in tickets where afterID.map({ t.id > $0 }) ?? true { // tickets are sorted by id
            guard q.matches(t) else { continue }
            if items.count == max { more = true; break }
            items.append(t)
        }
        var nextURL: String? = nil
        if more, let last = items.last {
            let token = await state.makePagingToken(query: text, afterID: last.id, method: req.method)
            nextURL = req.origin + "/ATServicesRest/V1.0/Tickets/query/next?paging=\(token)"
        }
        let details = AutotaskQueryResponse<AutotaskTicket>.PageDetails(count: items.count, requestCount: max, prevPageUrl: nil, nextPageUrl: nextURL)
        guard let include = q.includeFields, !include.isEmpty else {
            return .json(200, AutotaskQueryResponse(items: items, pageDetails: details))
        }
        // IncludeFields: only the named fields (case-insensitive).
        let keep = Set(include.map { $0.lowercased() })
        let enc = JSONEncoder()
        let projected: [[String: Any]] = items.compactMap { t in
            guard let d = try? enc.encode(t), let obj = try? JSONSerialization.jsonObject(with: d) as? [String: Any] else { return nil }
            return obj.filter { keep.contains($0.key.lowercased()) }
        }
        let detailsObj: [String: Any] = ["count": details.count, "requestCount": details.requestCount,
                                         "prevPageUrl": NSNull(), "nextPageUrl": nextURL ?? NSNull()]
        let data = (try? JSONSerialization.data(withJSONObject: ["items": projected, "pageDetails": detailsObj])) ?? Data()
        return .data(200, data)
    }

    private func next(_ req: SimRequest) async -> Response {
        guard let token = req.query["paging"], let saved = await state.pagingTokens[token] else {
            return .errors(500, "Invalid paging token.")
        }
        guard saved.method == req.method else {
            return .json(405, ["Message": "The requested resource does not support http method '\(req.method)'."])
        }
        if req.method == "POST", !req.body.isEmpty, req.body != saved.query {
            return .errors(500, "The paging request body must match the original query.")
        }
        guard let q = try? AutotaskQuery(json: saved.query) else { return .errors(500, "Invalid query syntax.") }
        return await page(req, query: q, text: saved.query, afterID: saved.afterID, tickets: await state.snapshotAutotask())
    }

    private func fields() async -> Response {
        let statuses = await state.data.picklists["status"] ?? SimData.statuses
        func field(_ name: String, _ values: [(Int, String)]) -> EntityFields.Field {
            .init(name: name, dataType: "integer", isPickList: true,
                  picklistValues: values.enumerated().map { .init(value: String($1.0), label: $1.1, sortOrder: $0) })
        }
        var fs: [EntityFields.Field] = [
            .init(name: "id", dataType: "long", isPickList: false, picklistValues: nil),
            .init(name: "title", dataType: "string", isPickList: false, picklistValues: nil),
        ]
        fs.append(field("status", statuses))
        fs.append(field("priority", SimData.priorities))
        fs.append(field("queueID", SimData.queues))
        fs.append(field("source", SimData.sources))
        fs.append(field("ticketType", SimData.ticketTypes))
        fs.append(field("ticketCategory", SimData.ticketCategories))
        return .json(200, EntityFields(fields: fs))
    }

    /// `Companies/query`, `Resources/query` and `Contacts/query`, for the ids an `eq`/`in` filter on `id` names, and
    /// companies by `companyName` (`eq`, `contains`, `beginsWith`, `endsWith`; any case, as Autotask).
    private func lookup(_ req: SimRequest, entity: String) async -> Response {
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
        var items: [[String: Any]] = []
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
            for id in data.companies.keys.sorted() where (ids.isEmpty || ids.contains(id)) && named(data.companies[id]!) {
                items.append(["id": id, "companyName": data.companies[id]!, "isActive": true])
            }
        } else if entity == "contacts" {
            // Only by id (a tenant's contacts are many; nothing here lists them all).
            for id in ids.sorted() {
                guard let p = SimData.contact(id) else { continue }
                items.append(["id": id, "firstName": p.first, "lastName": p.last, "emailAddress": p.email, "phone": p.phone,
                              "isActive": 1])
            }
        } else {
            for id in data.resources.keys.sorted() where ids.isEmpty || ids.contains(id) {
                let p = data.resources[id]!
                items.append(["id": id, "firstName": p.first, "lastName": p.last, "isActive": true])
            }
        }
        let body: [String: Any] = ["items": items, "pageDetails": ["count": items.count, "requestCount": 500,
                                                                   "prevPageUrl": NSNull(), "nextPageUrl": NSNull()]]
        return .data(200, (try? JSONSerialization.data(withJSONObject: body)) ?? Data())
    }
}
