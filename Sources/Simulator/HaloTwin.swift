import Foundation
import HTTPTypes
import Hummingbird
import PSACore

/// The HaloPSA twin, served under `/halo` (the instance is `http://host:port/halo`), written
/// from the published OpenAPI document: `/api/authinfo`, the token at the discovered URL
/// (`/halo/identity/token`) and at `/halo/auth/token` (where the PyPI client asks), POST bodies
/// as arrays, pages silently capped at 100 rows, lookups, actions, upsert by POST, and the
/// rolling 5-minute limit answered with the vendor's 429 text.
struct HaloTwin: Sendable {
    let world: HaloWorld
    let config: SimulatorConfig

    static let prefix = "/halo"

    func handle(_ req: SimRequest, rest: String) async -> Response {
        let lower = rest.lowercased()
        if lower == "/api/authinfo" {
            guard await world.admit("authinfo") else { return limited() }
            return json(200, ["auth_url": req.origin + Self.prefix + "/identity", "tenant_id": world.name])
        }
        if lower == "/identity/token" || lower == "/auth/token" {
            guard await world.admit("token") else { return limited() }
            return await token(req)
        }
        guard lower.hasPrefix("/api/") else { return .html404(req.path) }
        let bearer = req.header("Authorization").flatMap {
            $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil
        }
        guard let bearer, await world.knows(bearer) else {
            return json(401, ["message": "Authorization has been denied for this request."])
        }
        let parts = rest.dropFirst(5).split(separator: "/").map(String.init)
        guard let resource = parts.first?.lowercased() else { return .html404(req.path) }
        guard await world.admit(resource) else { return limited() }
        switch (req.method, resource, parts.count) {
        case ("GET", "tickets", 1): return await tickets(req)
        case ("GET", "tickets", 2):
            guard let id = Int64(parts[1]), let t = await world.ticket(id) else {
                return json(404, ["message": "Ticket not found"])
            }
            return json(200, t.json(now: world.clock.wall()))
        case ("POST", "tickets", 1):
            guard let objects = Self.array(req.body) else { return badArray() }
            switch await world.upsert(objects) {
            case .success(let list):
                let now = world.clock.wall()
                return json(201, list.map { $0.json(now: now, lastUpdateKey: "lastupdate") })
            case .failure(let why): return json(400, ["message": why.message])
            }
        case ("GET", "actions", 1):
            guard let id = req.query["ticket_id"].flatMap({ Int64($0) }) else {
                return json(200, ["record_count": 0, "actions": [Any]()])
            }
            var list = await world.actions(ticket: id)
            if req.query["excludesys"]?.lowercased() == "true" { list = list.filter { $0.whoType != 0 } }
            if let c = req.query["count"].flatMap({ Int($0) }), c >= 0 { list = Array(list.prefix(c)) }
            return json(200, ["record_count": list.count, "actions": list.map(\.json)])
        case ("GET", "actions", 2):
            let id = Int64(parts[1]) ?? -1
            let tid = req.query["ticket_id"].flatMap { Int64($0) } ?? 0
            guard let a = await world.actions(ticket: tid).first(where: { $0.id == id }) else {
                return json(404, ["message": "Action not found"])
            }
            return json(200, a.json)
        case ("POST", "actions", 1):
            guard let objects = Self.array(req.body) else { return badArray() }
            switch await world.addActions(objects) {
            case .success(let list): return json(201, list.map(\.json))
            case .failure(let why): return json(400, ["message": why.message])
            }
        case ("GET", "status", 1), ("GET", "priority", 1), ("GET", "agent", 1), ("GET", "team", 1),
            ("GET", "tickettype", 1), ("GET", "sla", 1), ("GET", "client", 1), ("GET", "outcome", 1):
            return lookup(resource, req)
        default:
            return json(404, ["message": "No HTTP resource was found that matches the request URI '\(req.path)'."])
        }
    }

    /// `GET /api/Tickets`: filters (`lastupdatefromdate` too), the orders it knows (`id`,
    /// `dateoccurred`; any other is ignored), and pages of at most 100 rows whatever `page_size`
    /// says. Past the last page the last page comes again (django-psa: "Halo has sent the same
    /// page of records again"), never an empty one.
    func tickets(_ req: SimRequest) async -> Response {
        let q = req.query
        var list = await world.tickets
        if let s = q["status_id"].flatMap({ Int64($0) }) { list = list.filter { $0.statusID == s } }
        if let t = (q["team"] ?? q["team_id"]).flatMap({ Int64($0) }) { list = list.filter { $0.teamID == t } }
        if let a = q["agent_id"].flatMap({ Int64($0) }) { list = list.filter { $0.agentID == a } }
        if let c = q["client_id"].flatMap({ Int64($0) }) { list = list.filter { $0.clientID == c } }
        if q["open_only"]?.lowercased() == "true" { list = list.filter { $0.statusID != 9 } }
        if let from = q["lastupdatefromdate"].flatMap(Self.parseDate) {
            list = list.filter { ($0.lastAction ?? $0.occurred) >= from }
        }
        switch q["order"]?.lowercased() {
        case "dateoccurred"?: list.sort { ($0.occurred, $0.id) < ($1.occurred, $1.id) }
        default: break  // by id, as kept; an order the server does not know is ignored
        }
        if q["orderdesc"]?.lowercased() == "true",
            q["order"].map({ ["id", "dateoccurred"].contains($0.lowercased()) }) == true
        {
            list.reverse()
        }
        let total = list.count
        // ASP.NET binds booleans in any case ("True" from Python clients).
        let paged = q["pageinate"]?.lowercased() == "true"
        let size = min(100, max(1, q["page_size"].flatMap { Int($0) } ?? 50))
        let pageNo = max(1, q["page_no"].flatMap { Int($0) } ?? 1)
        let lastStart = total == 0 ? 0 : ((total - 1) / size) * size
        let start = paged ? min(lastStart, (pageNo - 1) * size) : 0
        let rows = Array(list[start..<min(total, start + (paged ? size : 100))])
        await world.servedPage()
        let now = world.clock.wall()
        var body: [String: Any] = ["record_count": total, "tickets": rows.map { $0.json(now: now) }]
        if paged {
            body["page_no"] = pageNo
            body["page_size"] = size
        }
        return json(200, body)
    }

    /// `2026-11-20T09:14:00.000000Z` (django-psa's `%Y-%m-%dT%H:%M:%S.%fZ`) or without fraction/zone.
    static func parseDate(_ text: String) -> Date? {
        var t = text.hasSuffix("Z") ? String(text.dropLast()) : text
        if let dot = t.firstIndex(of: ".") { t = String(t[..<dot]) }
        return VendorDate.parse(t)
    }

    /// The client-credentials grant (form-encoded).
    func token(_ req: SimRequest) async -> Response {
        let form = SimRouter.parseQuery(String(decoding: req.body, as: UTF8.self))
        guard form["grant_type"] == "client_credentials" else {
            await world.refusedToken()
            return json(400, ["error": "unsupported_grant_type"])
        }
        guard form["client_id"] == config.haloClientID else {
            await world.refusedToken()
            return json(401, ["error": "invalid_client", "error_description": "The client_id is not known."])
        }
        guard form["client_secret"] == config.haloClientSecret else {
            await world.refusedToken()
            return json(401, ["error": "invalid_client", "error_description": "The client secret is not valid."])
        }
        let scope = form["scope"] ?? "all"
        // Actions are gated by the tickets scopes: `read:actions`/`edit:actions` are no scopes.
        guard
            scope.split(separator: " ").allSatisfy({
                $0 == "all" || (($0.hasPrefix("read:") || $0.hasPrefix("edit:")) && !$0.hasSuffix(":actions"))
            })
        else {
            await world.refusedToken()
            return json(400, ["error": "invalid_scope"])
        }
        return json(
            200,
            [
                "access_token": await world.issueToken(), "token_type": "Bearer", "expires_in": 3_600,
                "scope": scope, "id_token": HaloWorld.idToken(issuer: req.origin + Self.prefix + "/identity"),
            ])
    }

    func limited() -> Response {
        .data(
            429, Data("Rate Limit Reached - \(config.haloLimit) Requests per rolling 5 minute window".utf8),
            contentType: "text/plain")
    }

    func badArray() -> Response { json(400, ["message": "The request body must be a JSON array of objects."]) }

    static func array(_ body: Data) -> [[String: Any]]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [[String: Any]]
    }

    func json(_ status: Int, _ value: Any) -> Response {
        .data(status, (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("{}".utf8))
    }
}
