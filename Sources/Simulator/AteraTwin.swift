import Foundation
import HTTPTypes
import Hummingbird
import PSACore

/// Atera v3, as its published OpenAPI document and `apis.md` describe it.
struct AteraTwin: Sendable {
    let state: SimState
    let config: SimulatorConfig
    let clock: PSAClock

    func handle(_ req: SimRequest, rest: String) async -> Response {
        guard req.ateraKey == config.ateraKey else {
            await state.noteUnauthorized()
            return .problem(
                401, title: "Unauthorized", detail: "The API key is missing or invalid.", instance: req.path)
        }
        let parts = rest.split(separator: "/").map(String.init)
        let admission = await state.admitAtera(endpoint: parts.first?.lowercased() ?? "")
        var headers: [(String, String)] = []
        if config.ateraRateHeaders {
            headers = [
                ("X-RateLimit-Limit", String(config.ateraLimitPerMinute)),
                ("X-RateLimit-Remaining", String(admission.remaining)),
                ("X-RateLimit-Reset", String(admission.resetSeconds)),
            ]
        }
        guard admission.allowed else {
            if config.ateraRateHeaders { headers.append(("Retry-After", String(admission.resetSeconds))) }
            return .data(429, Data("{\"Message\":\"Too many requests\"}".utf8), headers: headers)
        }
        var response = await route(req, parts: parts)
        for (k, v) in headers { if let n = HTTPField.Name(k) { response.headers[n] = v } }
        return response
    }

    private func route(_ req: SimRequest, parts: [String]) async -> Response {
        let lower = parts.map { $0.lowercased() }
        let second = lower.count > 1 ? lower[1] : ""
        switch (req.method, lower.count, lower.first) {
        case ("GET", 1, "tickets"):
            return envelope(req, items: filtered(await state.snapshotAtera(), req).map { $0.json() }, path: "tickets")
        case ("GET", 2, "tickets") where second == "lastmodified":
            // Changed since `date` (optional: "default is today", UTC); comment texts only with includeComments=true.
            var since = Self.startOfDay(clock.wall())
            if let text = req.query["date"], !text.isEmpty {
                guard let d = SimDate.parse(text) else {
                    return .problem(
                        400, title: "Bad Request", detail: "The value '\(text)' is not valid for date.",
                        instance: req.path)
                }
                since = d
            }
            let comments = Self.flag(req.query["includecomments"]) ?? false
            let changed = await state.snapshotAtera().filter { $0.modified >= since }
            return envelope(
                req, items: changed.map { $0.json(includeComments: comments) }, path: "tickets/lastmodified")
        case ("GET", 2, "tickets") where second == "statusmodified":
            // Resolved and closed tickets; no date parameter; comments by default.
            let comments = Self.flag(req.query["includecomments"]) ?? true
            let done = await state.snapshotAtera().filter {
                ["resolved", "closed"].contains(($0.TicketStatus ?? "").lowercased())
            }
            return envelope(req, items: done.map { $0.json(includeComments: comments) }, path: "tickets/statusmodified")
        case ("GET", 2, "tickets") where second == "nocomments":
            let unanswered = filtered(await state.snapshotAtera(), req).filter {
                $0.LastTechnicianCommentTimestamp == nil
            }
            return envelope(req, items: unanswered.map { $0.json() }, path: "tickets/noComments")
        case ("POST", 1, "tickets"):
            switch await state.createAtera(body: req.body) {
            case .success(let id): return .simJSON(201, SimAteraResult.json(id))
            case .failure(let e): return problem(e, req)
            }
        case ("POST", 2, "tickets"), ("PUT", 2, "tickets"):
            guard let id = Int64(parts[1]) else { return badID(parts[1], req) }
            switch await state.updateAtera(id: id, body: req.body) {
            case .success(let id): return .simJSON(200, SimAteraResult.json(id))
            case .failure(let e): return problem(e, req)
            }
        case ("GET", 3, "tickets") where lower[2] == "comments":
            guard let id = Int64(parts[1]), let comments = await state.ateraComments(id: id) else {
                return notFound(parts[1], req)
            }
            return envelope(req, items: comments.map(\.json), path: "tickets/\(id)/comments")
        case ("POST", 3, "tickets") where lower[2] == "comments":
            guard let id = Int64(parts[1]) else { return badID(parts[1], req) }
            switch await state.addAteraComment(id: id, body: req.body) {
            case .success(let action): return .simJSON(200, SimAteraResult.json(action))
            case .failure(let e): return problem(e, req)
            }
        case ("GET", 3, "tickets") where lower[2] == "workhoursrecords":
            guard let id = Int64(parts[1]), let records = await state.ateraWorkHours(id: id) else {
                return notFound(parts[1], req)
            }
            return envelope(req, items: records, path: "tickets/\(id)/workhoursrecords")
        case ("GET", 3, "tickets") where lower[2] == "attachments":
            guard let id = Int64(parts[1]), let urls = await state.ateraAttachments(id: id) else {
                return notFound(parts[1], req)
            }
            return .simJSON(200, .array(urls.map { .string($0) }))
        case ("GET", 2, "tickets"):
            guard let id = Int64(parts[1]) else { return badID(parts[1], req) }
            guard let t = await state.snapshotAtera().first(where: { $0.TicketID == id }) else {
                return notFound(parts[1], req)
            }
            return .simJSON(200, t.json())
        case ("GET", 1, "customers"):
            let dir = await state.data.ateraDirectory
            guard let since = fromLastModified(req) else { return badLocalDate(req) }
            let keep = dir.customers.indices.filter { i in since.map { s in dir.customerModified[i] >= s } ?? true }
            return envelope(req, items: keep.map { dir.customers[$0] }, path: "customers")
        case ("GET", 1, "contacts"):
            let dir = await state.data.ateraDirectory
            guard let since = fromLastModified(req) else { return badLocalDate(req) }
            let email = (req.query["email"] ?? req.query["searchoptions.email"])?.lowercased()
            let phone = req.query["phone"] ?? req.query["searchoptions.phone"]
            let keep = dir.contacts.indices.filter { i in
                (since.map { s in dir.contactModified[i] >= s } ?? true)
                    && (email.map { dir.contactEmails[i] == $0 } ?? true)
                    && (phone.map { dir.contactPhones[i] == $0 } ?? true)
            }
            return envelope(req, items: keep.map { dir.contacts[$0] }, path: "contacts")
        case ("GET", 1, "alerts"):
            let dir = await state.data.ateraDirectory
            var alerts = dir.alerts
            if let s = req.query["alertstatus"], !s.isEmpty {
                guard let status = ["Open", "Resolved", "Snoozed"].first(where: { $0.lowercased() == s.lowercased() })
                else {
                    return .validationProblem(["alertStatus": ["The value '\(s)' is not valid."]], instance: req.path)
                }
                alerts = alerts.filter { $0.status == status }
            }
            return envelope(req, items: alerts.map(\.json), path: "alerts")
        default:
            return .html404(req.path)
        }
    }

    static func startOfDay(_ d: Date) -> Date {
        Date(timeIntervalSince1970: (d.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
    }

    static func flag(_ text: String?) -> Bool? {
        guard let t = text?.lowercased(), !t.isEmpty else { return nil }
        return t == "true" || t == "1"
    }

    /// `FromLastModifiedDate`: nil when malformed (an offset is not allowed), `.some(nil)` when absent.
    private func fromLastModified(_ req: SimRequest) -> Date?? {
        guard let text = req.query["fromlastmodifieddate"], !text.isEmpty else { return .some(nil) }
        guard let d = SimAteraAccount.parseLocal(text) else { return nil }
        return .some(d)
    }

    private func badLocalDate(_ req: SimRequest) -> Response {
        .validationProblem(
            [
                "FromLastModifiedDate": [
                    "Use yyyy-MM-dd or yyyy-MM-ddTHH:mm:ss, in the account's time zone (no offset)."
                ]
            ], instance: req.path)
    }

    private func badID(_ text: String, _ req: SimRequest) -> Response {
        .validationProblem(["ticketId": ["The value '\(text)' is not valid."]], instance: req.path)
    }

    private func notFound(_ id: String, _ req: SimRequest) -> Response {
        .problem(404, title: "Not Found", detail: "Ticket \(id) was not found.", instance: req.path)
    }

    private func problem(_ e: AteraChange, _ req: SimRequest) -> Response {
        switch e {
        case .notFound: .problem(404, title: "Not Found", detail: "The ticket was not found.", instance: req.path)
        case .invalid(let detail): .problem(400, title: "Bad Request", detail: detail, instance: req.path)
        case .validation(let errors): .validationProblem(errors, instance: req.path)
        }
    }

    private func filtered(_ tickets: [SimAteraTicket], _ req: SimRequest) -> [SimAteraTicket] {
        var tickets = tickets
        if let c = req.query["customerid"].flatMap({ Int64($0) }) { tickets = tickets.filter { $0.CustomerID == c } }
        if let s = req.query["ticketstatus"], !s.isEmpty {
            tickets = tickets.filter { $0.TicketStatus?.lowercased() == s.lowercased() }
        }
        return tickets
    }

    /// The real list envelope: `page` 1-based, `itemsInPage` default 20 and at most 50, absolute
    /// `nextLink`/`prevLink` that keep the other parameters, `""` at the ends.
    private func envelope(_ req: SimRequest, items all: [SimJSON], path: String) -> Response {
        let page = max(1, Int(req.query["page"] ?? "") ?? 1)
        let size = min(50, max(1, Int(req.query["itemsinpage"] ?? "") ?? 20))
        let total = all.count
        let pages = max(1, (total + size - 1) / size)
        let start = min(total, (page - 1) * size)
        let items = Array(all[start..<min(total, start + size)])
        var extra = ""
        for (key, name) in [
            ("customerid", "customerId"), ("ticketstatus", "ticketStatus"), ("date", "date"),
            ("includecomments", "includeComments"),
            ("fromlastmodifieddate", "FromLastModifiedDate"), ("email", "Email"), ("phone", "Phone"),
            ("alertstatus", "alertStatus"),
        ] {
            if let v = req.query[key] {
                extra += "&\(name)=\(v.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? v)"
            }
        }
        func link(_ p: Int) -> String { req.origin + "/api/v3/\(path)?page=\(p)&itemsInPage=\(size)" + extra }
        return .simJSON(
            200,
            .object([
                ("items", .array(items)), ("totalItemCount", .int(Int64(total))), ("page", .int(Int64(page))),
                ("itemsInPage", .int(Int64(size))), ("totalPages", .int(Int64(pages))),
                ("prevLink", .string(page > 1 ? link(page - 1) : "")),
                ("nextLink", .string(page < pages ? link(page + 1) : "")),
            ]))
    }
}
