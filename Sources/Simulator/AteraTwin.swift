import Foundation
import Hummingbird
import PSACore

/// Atera v3, as `apis.md` describes it.
struct AteraTwin: Sendable {
    let state: SimState
    let config: SimulatorConfig

    func handle(_ req: SimRequest, rest: String) async -> Response {
        guard req.ateraKey == config.ateraKey else {
            await state.noteUnauthorized()
            return .problem(401, title: "Unauthorized", detail: "The API key is missing or invalid.", instance: req.path)
        }
        let parts = rest.split(separator: "/").map(String.init)
        let admission = await state.admitAtera(endpoint: parts.first?.lowercased() ?? "")
        var headers: [(String, String)] = []
        if config.ateraRateHeaders {
            headers = [("X-RateLimit-Limit", String(config.ateraLimitPerMinute)),
                       ("X-RateLimit-Remaining", String(admission.remaining)),
                       ("X-RateLimit-Reset", String(admission.resetSeconds))]
        }
        guard admission.allowed else {
            if config.ateraRateHeaders { headers.append(("Retry-After", String(admission.resetSeconds))) }
            return .data(429, Data("{\"Message\":\"Too many requests\"}".utf8), headers: headers)
        }
        let second = parts.count > 1 ? parts[1].lowercased() : ""
        switch (req.method, parts.count, parts.first?.lowercased()) {
        case ("GET", 1, "tickets"):
            let all = await state.snapshotAtera()
            return envelope(req, items: filtered(all, req), path: "tickets", headers: headers)
        case ("GET", 2, "tickets") where second == "lastmodified" || second == "statusmodified":
            // Changes since `date` (ISO 8601, with or without a zone; UTC assumed).
            guard let text = req.query["date"], let since = VendorDate.parse(text) else {
                return .problem(400, title: "Bad Request", detail: "The date parameter is required (e.g. 2026-11-01T00:00:00).", instance: req.path)
            }
            let changed = await state.ateraModified(since: since)
            return envelope(req, items: changed, path: "tickets/\(second)", headers: headers)
        case ("POST", 1, "tickets"):
            switch await state.createAtera(body: req.body) {
            case .success(let id): return .json(201, AteraActionResult(ActionID: String(id)), headers: headers)
            case .failure(let e): return problem(e, req)
            }
        case ("POST", 2, "tickets"), ("PUT", 2, "tickets"):
            guard let id = Int64(parts[1]) else { return .problem(400, title: "Bad Request", detail: "The value '\(parts[1])' is not valid.", instance: req.path) }
            switch await state.updateAtera(id: id, body: req.body) {
            case .success(let id): return .json(200, AteraActionResult(ActionID: String(id)), headers: headers)
            case .failure(let e): return problem(e, req)
            }
        case ("GET", 3, "tickets") where parts[2].lowercased() == "comments":
            guard let id = Int64(parts[1]), let comments = await state.ateraComments(id: id) else {
                return .problem(404, title: "Not Found", detail: "Ticket \(parts[1]) was not found.", instance: req.path)
            }
            return envelope(req, items: comments, path: "tickets/\(id)/comments", headers: headers)
        case ("GET", 2, "tickets"):
            guard let id = Int64(parts[1]) else {
                return .problem(400, title: "Bad Request", detail: "The value '\(parts[1])' is not valid.", instance: req.path)
            }
            guard let t = await state.snapshotAtera().first(where: { $0.TicketID == id }) else {
                return .problem(404, title: "Not Found", detail: "Ticket \(id) was not found.", instance: req.path)
            }
            return .json(200, t, headers: headers)
        default:
            return .html404(req.path)
        }
    }

    private func problem(_ e: SimState.AteraChange, _ req: SimRequest) -> Response {
        switch e {
        case .notFound: .problem(404, title: "Not Found", detail: "The ticket was not found.", instance: req.path)
        case .invalid(let detail): .problem(400, title: "Bad Request", detail: detail, instance: req.path)
        }
    }

    private func filtered(_ tickets: [AteraTicket], _ req: SimRequest) -> [AteraTicket] {
        var tickets = tickets
        if let c = req.query["customerid"].flatMap({ Int64($0) }) { tickets = tickets.filter { $0.CustomerID == c } }
        if let s = req.query["ticketstatus"], !s.isEmpty { tickets = tickets.filter { $0.TicketStatus?.lowercased() == s.lowercased() } }
        return tickets
    }

    /// The real list envelope: `page` 1-based, `itemsInPage` default 20 and at most 50, absolute
    /// `nextLink`/`prevLink` that keep the filters, `""` at the ends.
    private func envelope<T: Codable & Sendable>(_ req: SimRequest, items all: [T], path: String, headers: [(String, String)]) -> Response {
        let page = max(1, Int(req.query["page"] ?? "") ?? 1)
        let size = min(50, max(1, Int(req.query["itemsinpage"] ?? "") ?? 20))
        let total = all.count
        let pages = max(1, (total + size - 1) / size)
        let start = min(total, (page - 1) * size)
        let items = Array(all[start..<min(total, start + size)])
        var extra = ""
        for (key, name) in [("customerid", "customerId"), ("ticketstatus", "ticketStatus"), ("date", "date")] {
            if let v = req.query[key] { extra += "&\(name)=\(v.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? v)" }
        }
        func link(_ p: Int) -> String { req.origin + "/api/v3/\(path)?page=\(p)&itemsInPage=\(size)" + extra }
        let env = AteraEnvelope(items: items, totalItemCount: total, page: page, itemsInPage: size, totalPages: pages,
                                prevLink: page > 1 ? link(page - 1) : "", nextLink: page < pages ? link(page + 1) : "")
        return .json(200, env, headers: headers)
    }
}
