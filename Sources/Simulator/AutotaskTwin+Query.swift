import Foundation
import Hummingbird
import PSACore

/// Queries: `…/query`, `…/query/count`, paging by `nextPageUrl`.
extension AutotaskTwin {
    func queryText(_ req: SimRequest) -> Data? {
        req.method == "POST" ? req.body : req.query["search"].map { Data($0.utf8) }
    }

    /// The records of a queryable entity; narrowed to the tickets a top-level `ticketID` `eq`/`in`
    /// names (the filter still decides), since notes, time entries and SLA results are made per ticket.
    /// The records of one entity, kept concrete (an array of existentials boxed every ticket per query).
    enum RecordSet { case tickets([SimAutotaskTicket]), notes([SimAutotaskNote]), values([SimAutotaskValues]) }

    func records(_ entity: String, _ q: AutotaskQuery) async -> (records: RecordSet, fields: [AutotaskField]) {
        var narrowed: Set<Int64>? = nil
        for f in q.filter {
            switch f {
            case .condition("eq", "ticketid", .number(let n)?):
                narrowed = (narrowed ?? [Int64(n)]).intersection([Int64(n)])
            case .condition("in", "ticketid", .list(let l)?):
                let s = Set(l.compactMap { if case .number(let n) = $0 { Int64(n) } else { nil } })
                narrowed = (narrowed ?? s).intersection(s)
            default: break
            }
        }
        switch entity {
        case "ticketnotes": return (.notes(await state.notes(ticketIDs: narrowed)), AutotaskSchema.noteFields)
        case "timeentries":
            return (.values(await state.timeEntries(ticketIDs: narrowed)), AutotaskSchema.timeEntryFields)
        case "servicelevelagreementresults":
            return (.values(await state.slaResults(ticketIDs: narrowed)), AutotaskSchema.slaResultFields)
        default: return (.tickets(await state.snapshotAutotask()), await state.ticketFields)
        }
    }

    func query(_ req: SimRequest, entity: String, count: Bool) async -> Response {
        guard let text = queryText(req), !text.isEmpty else {
            return .errors(500, "Invalid query syntax. A query is required (search parameter or body).")
        }
        let q: AutotaskQuery
        do { q = try AutotaskQuery(json: text) } catch let e as AutotaskQuery.Invalid {
            return .errors(500, e.message)
        } catch { return .errors(500, "\(error)") }
        let (items, fields) = await records(entity, q)
        let canonical = Dictionary(fields.map { ($0.name.lowercased(), $0.name) }, uniquingKeysWith: { a, _ in a })
        if let unknown = q.fieldNames.subtracting(canonical.keys).subtracting(["userdefinedfields"]).sorted().first {
            return .errors(
                500,
                "Unable to find field '\(unknown)' in the \(AutotaskSchema.entity(entity, ticketFields: fields)?.name ?? entity) entity."
            )
        }
        return await answer(
            items, req, entity: entity, query: q, text: text, afterID: nil, fields: fields, count: count)
    }

    func answer(
        _ set: RecordSet, _ req: SimRequest, entity: String, query q: AutotaskQuery, text: Data, afterID: Int64?,
        fields: [AutotaskField], count: Bool
    ) async -> Response {
        switch set {
        case .tickets(let a):
            await answer(a, req, entity: entity, query: q, text: text, afterID: afterID, fields: fields, count: count)
        case .notes(let a):
            await answer(a, req, entity: entity, query: q, text: text, afterID: afterID, fields: fields, count: count)
        case .values(let a):
            await answer(a, req, entity: entity, query: q, text: text, afterID: afterID, fields: fields, count: count)
        }
    }

    func answer<R: AutotaskRecord>(
        _ all: [R], _ req: SimRequest, entity: String, query q: AutotaskQuery, text: Data, afterID: Int64?,
        fields: [AutotaskField], count: Bool
    ) async -> Response {
        if count {
            let canonical = Dictionary(fields.map { ($0.name.lowercased(), $0.name) }, uniquingKeysWith: { a, _ in a })
            let n = all.lazy.filter { r in q.matches { r.value(canonical[$0] ?? $0) } }.count
            return .simJSON(200, .object([("queryCount", .int(Int64(n)))]))
        }
        return await page(req, entity: entity, query: q, text: text, afterID: afterID, items: all, fields: fields)
    }

    /// One page: at most MaxRecords (≤ 500) records after `afterID`, sorted by id; `nextPageUrl`
    /// on the same path the client used (zone prefix and case kept), to be asked with the same method.
    func page<R: AutotaskRecord>(
        _ req: SimRequest, entity: String, query q: AutotaskQuery, text: Data, afterID: Int64?, items all: [R],
        fields: [AutotaskField]
    ) async -> Response {
        let max = q.maxRecords ?? 500
        guard (1...500).contains(max) else {
            return .errors(500, "MaxRecords must be between 1 and 500.")
        }
        let canonical = Dictionary(fields.map { ($0.name.lowercased(), $0.name) }, uniquingKeysWith: { a, _ in a })
        var items: [R] = []
        var more = false
        for r in all where afterID.map({ r.id > $0 }) ?? true {  // records are sorted by id
            guard q.matches({ r.value(canonical[$0] ?? $0) }) else { continue }
            if items.count == max {
                more = true
                break
            }
            items.append(r)
        }
        var nextURL: SimJSON = .null
        if more, let last = items.last {
            let token = await state.makePagingToken(entity: entity, query: text, afterID: last.id, method: req.method)
            let path = req.path
            let base =
                path.range(of: "/query", options: [.caseInsensitive, .backwards]).map { String(path[..<$0.upperBound]) }
                ?? path
            nextURL = .string(req.origin + base + "/next?paging=\(token)")
        }
        let include = q.includeFields.flatMap { $0.isEmpty ? nil : Set($0.map { $0.lowercased() }) }
        let udf = entity == "tickets"
        return .simJSON(
            200,
            .object([
                ("items", .array(items.map { $0.json(fields, include: include, udf: udf) })),
                (
                    "pageDetails",
                    .object([
                        ("count", .int(Int64(items.count))), ("requestCount", .int(Int64(max))),
                        ("prevPageUrl", .null), ("nextPageUrl", nextURL),
                    ])
                ),
            ]))
    }

    func next(_ req: SimRequest) async -> Response {
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
        let (items, fields) = await records(saved.entity, q)
        return await answer(
            items, req, entity: saved.entity, query: q, text: saved.query, afterID: saved.afterID, fields: fields,
            count: false)
    }
}
