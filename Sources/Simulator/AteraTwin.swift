import Foundation
import Hummingbird
import PSACore

/// Atera v3, as `apis.md` describes it.
struct AteraTwin: Sendable {
    let state: SimState
    let config: SimulatorConfig

    func handle(_ req: SimRequest, rest: String) async -> Response {
        let key = req.header("X-API-KEY") ?? req.header("Authorization").flatMap {
            $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil
        }
        guard key == config.ateraKey else {
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
        switch (req.method, parts.count, parts.first?.lowercased()) {
        case ("GET", 1, "tickets"): return await list(req, headers: headers)
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

    private func list(_ req: SimRequest, headers: [(String, String)]) async -> Response {
        let page = max(1, Int(req.query["page"] ?? "") ?? 1)
        let size = min(50, max(1, Int(req.query["itemsinpage"] ?? "") ?? 20))
        var tickets = await state.snapshotAtera()
        if let c = req.query["customerid"].flatMap({ Int64($0) }) { tickets = tickets.filter { $0.CustomerID == c } }
        if let s = req.query["ticketstatus"], !s.isEmpty { tickets = tickets.filter { $0.TicketStatus?.lowercased() == s.lowercased() } }
        let total = tickets.count
        let pages = max(1, (total + size - 1) / size)
        let start = min(total, (page - 1) * size)
        let items = Array(tickets[start..<min(total, start + size)])
        var extra = ""
        if let c = req.query["customerid"] { extra += "&customerId=\(c)" }
        if let s = req.query["ticketstatus"] { extra += "&ticketStatus=\(s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s)" }
        func link(_ p: Int) -> String { req.origin + "/api/v3/tickets?page=\(p)&itemsInPage=\(size)" + extra }
        let env = AteraEnvelope(items: items, totalItemCount: total, page: page, itemsInPage: size, totalPages: pages,
                                prevLink: page > 1 ? link(page - 1) : "", nextLink: page < pages ? link(page + 1) : "")
        return .json(200, env, headers: headers)
    }
}
