import Foundation
import HTTPTypes
import Hummingbird
import PSACore

/// The ConnectWise PSA (Manage) twin, served under `/connectwise` (the site is
/// `http://host:port/connectwise`): `/login/companyinfo/{company}` names the codebase, the API
/// is `{site}/{codebase}apis/3.0/`, every call carries `Authorization: Basic
/// base64(company+public:private)` and a `clientId` header (a missing or wrong one is a 401 in
/// Manage's error shape), lists take `conditions`, `orderBy`, `fields`, `page`/`pageSize` (≤ 1,000)
/// with an RFC 5988 `Link`, or forward-only pages (`pagination-type: forward-only`, `pageId`,
/// the next URL in `Link`); updates are JSON Patch; there are no rate-limit headers, only a 429
/// with `Retry-After` (Manage's JSON, or the edge's HTML page).
struct ConnectWiseTwin: Sendable {
    let world: ConnectWiseWorld
    let config: SimulatorConfig

    static let prefix = "/connectwise"
    static let apiVersion = "2026.1"

    func handle(_ req: SimRequest, rest: String) async -> Response {
        let lower = rest.lowercased()
        if req.method == "GET", lower.hasPrefix("/login/companyinfo/") {
            let company = String(rest.dropFirst("/login/companyinfo/".count))
            guard company.caseInsensitiveCompare(config.cwCompany) == .orderedSame else {
                return json(404, CWRefusal(404, "NotFound", "Company not found.").json)
            }
            return json(
                200,
                [
                    "CompanyName": SimData.ownCompany, "Codebase": config.cwCodebase, "VersionCode": "v2026.1",
                    "VersionNumber": "v4.6.2026.1", "CompanyID": config.cwCompany, "IsCloud": true,
                    "SiteUrl": req.origin + Self.prefix,
                ])
        }
        let apiRoot = "/" + config.cwCodebase.lowercased() + "apis/3.0/"
        guard lower.hasPrefix(apiRoot) else { return .html404(req.path) }
        let path = String(rest.dropFirst(apiRoot.count))
        let parts = path.split(separator: "/").map { String($0).lowercased() }
        let endpoint = parts.prefix(2).joined(separator: "/")
        // The edge counts before Manage sees the request (and before its credentials are read).
        let admission = await world.admit(endpoint)
        if admission == .edge { return edgeThrottled() }
        if let refusal = authenticate(req) {
            await world.refused()
            return answer(401, refusal.json)
        }
        if admission == .manage {
            let wait = await world.retryAfter()
            return answer(
                429,
                CWRefusal(429, "TooManyRequests", "Too many requests. Please try again in \(wait) seconds.").json,
                extra: [("Retry-After", String(wait))])
        }
        let base = req.origin + Self.prefix + "/" + config.cwCodebase + "apis/3.0"
        let now = world.clock.wall()
        switch (req.method, parts.count, parts.first ?? "", parts.dropFirst().first ?? "") {
        case ("GET", 2, "service", "tickets"):
            return await ticketList(req, base: base, body: nil)
        case ("POST", 3, "service", "tickets") where parts[2] == "search":
            guard let body = (try? JSONSerialization.jsonObject(with: req.body)) as? [String: Any] else {
                return answer(400, CWRefusal(400, "InvalidObject", "The search body must be a JSON object.").json)
            }
            await world.searched()
            return await ticketList(req, base: base, body: body)
        case ("GET", 3, "service", "tickets") where parts[2] == "count":
            do {
                let list = try await filtered(req.query["conditions"], base: base)
                return answer(200, ["count": list.count])
            } catch let e as CWCondition.Invalid { return badConditions(e) } catch {
                return answer(500, [String: Any]())
            }
        case ("GET", 3, "service", "tickets"):
            guard let id = Int64(parts[2]), let t = await world.ticket(id) else { return notFound(parts[2]) }
            return answer(200, Self.select(t.json(now: now, base: base), fields: req.query["fields"]))
        case ("PATCH", 3, "service", "tickets"):
            guard let id = Int64(parts[2]) else { return notFound(parts[2]) }
            guard let ops = (try? JSONSerialization.jsonObject(with: req.body)) as? [[String: Any]] else {
                return answer(
                    400, CWRefusal(400, "InvalidObject", "The body must be a JSON Patch array of operations.").json)
            }
            switch await world.patch(id, ops) {
            case .success(let t): return answer(200, t.json(now: now, base: base))
            case .failure(let r): return answer(r.status, r.json)
            }
        case ("GET", 4, "service", "tickets") where parts[3] == "notes":
            guard let id = Int64(parts[2]), await world.ticket(id) != nil else { return notFound(parts[2]) }
            return page(req, await world.notes(ticket: id).map(\.json), base: base)
        case ("GET", 5, "service", "tickets") where parts[3] == "notes":
            let id = Int64(parts[2]) ?? -1
            guard let n = await world.notes(ticket: id).first(where: { String($0.id) == parts[4] }) else {
                return notFound(parts[4])
            }
            return answer(200, n.json)
        case ("POST", 4, "service", "tickets") where parts[3] == "notes":
            guard let id = Int64(parts[2]) else { return notFound(parts[2]) }
            guard let obj = (try? JSONSerialization.jsonObject(with: req.body)) as? [String: Any] else {
                return answer(400, CWRefusal(400, "InvalidObject", "The body must be a JSON object.").json)
            }
            switch await world.addNote(ticket: id, obj) {
            case .success(let n): return answer(201, n.json)
            case .failure(let r): return answer(r.status, r.json)
            }
        case ("GET", 2, "service", "boards"):
            return page(
                req,
                ConnectWiseWorld.boards.map { ["id": $0.id, "name": $0.name, "inactiveFlag": false] as [String: Any] },
                base: base)
        case ("GET", 4, "service", "boards") where parts[3] == "statuses":
            guard let bid = Int64(parts[2]), let board = ConnectWiseWorld.boards.first(where: { $0.id == bid }) else {
                return notFound(parts[2])
            }
            // In id order, as the server lists them: `sortOrder` is the board's order.
            let rows: [[String: Any]] = board.statuses.map { s in
                [
                    "id": s.id, "name": s.name, "sortOrder": s.sort, "inactive": s.inactive, "closedStatus": s.closed,
                    "defaultFlag": s.sort == 0, "displayOnBoard": !s.inactive,
                    "board": ["id": board.id, "name": board.name] as [String: Any],
                ]
            }
            return page(req, rows, base: base)
        case ("GET", 2, "service", "priorities"):
            return page(
                req,
                ConnectWiseWorld.priorities.map {
                    ["id": $0.id, "name": $0.name, "sortOrder": $0.sort] as [String: Any]
                },
                base: base)
        case ("GET", 2, "system", "members"):
            return page(
                req,
                ConnectWiseWorld.members.map { m in
                    [
                        "id": m.id, "identifier": m.identifier, "firstName": m.first, "lastName": m.last,
                        "officeEmail": m.email, "inactiveFlag": false, "licenseClass": m.id == 199 ? "A" : "F",
                    ] as [String: Any]
                }, base: base)
        case ("GET", 2, "company", "companies"):
            return page(
                req,
                SimData.companyNames.enumerated().map { i, n in
                    [
                        "id": ConnectWiseWorld.firstCompanyID + Int64(i),
                        "identifier": String(n.filter(\.isLetter).prefix(12)), "name": n,
                    ] as [String: Any]
                }, base: base)
        default:
            return answer(404, CWRefusal(404, "NotFound", "The requested resource was not found.").json)
        }
    }

    // MARK: Lists

    func filtered(_ conditions: String?, base: String) async throws -> [[String: Any]] {
        let now = world.clock.wall()
        let all = await world.tickets.map { $0.json(now: now, base: base) }
        guard let c = conditions, !c.trimmingCharacters(in: .whitespaces).isEmpty else { return all }
        let cond = try CWCondition.parse(c)
        return all.filter { cond.matches($0) }
    }

    /// `GET /service/tickets` (or the search's body): conditions, order, fields, pages.
    func ticketList(_ req: SimRequest, base: String, body: [String: Any]?) async -> Response {
        let conditions = body?["conditions"] as? String ?? req.query["conditions"]
        let list: [[String: Any]]
        do { list = try await filtered(conditions, base: base) } catch let e as CWCondition.Invalid {
            return badConditions(e)
        } catch { return answer(500, [String: Any]()) }
        var q = req.query
        for key in ["orderBy", "fields", "page", "pageSize", "pageId"] {
            if let v = body?[key] { q[key.lowercased()] = "\(v)" }
        }
        await world.servedPage(forwardOnly: Self.forwardOnly(req))
        return page(
            SimRequest(
                method: req.method, path: req.path, query: q, headers: req.headers, body: req.body,
                authority: req.authority, rawQuery: req.rawQuery), list, base: base)
    }

    static func forwardOnly(_ req: SimRequest) -> Bool {
        req.header("pagination-type")?.lowercased() == "forward-only"
    }

    /// One page of `rows`: `orderBy` (`field [asc|desc]`), `fields`, `pageSize` (default 25, at
    /// most 1,000); navigable (`page`, `Link` with first/prev/next/last) or forward-only (ids
    /// after `pageId`, the next URL alone in `Link`).
    func page(_ req: SimRequest, _ rows: [[String: Any]], base: String) -> Response {
        var rows = rows
        let q = req.query
        let size = min(1_000, max(1, q["pagesize"].flatMap { Int($0) } ?? 25))
        func id(_ o: [String: Any]) -> Int64 { (o["id"] as? Int64) ?? Int64(o["id"] as? Int ?? 0) }
        var links: [(String, String)] = []
        let pageRows: [[String: Any]]
        if Self.forwardOnly(req) {
            rows.sort { id($0) < id($1) }
            let after = q["pageid"].flatMap { Int64($0) } ?? 0
            let rest = rows.filter { id($0) > after }
            pageRows = Array(rest.prefix(size))
            if rest.count > size, let last = pageRows.last {
                links.append((link(req, key: "pageId", value: id(last)), "next"))
            }
        } else {
            if let order = q["orderby"] { rows = Self.sorted(rows, by: order) }
            let n = max(1, q["page"].flatMap { Int($0) } ?? 1)
            let pages = max(1, (rows.count + size - 1) / size)
            let start = min(rows.count, (n - 1) * size)
            pageRows = Array(rows[start..<min(rows.count, start + size)])
            if n > 1 {
                links.append((link(req, key: "page", value: 1), "first"))
                links.append((link(req, key: "page", value: Int64(n - 1)), "prev"))
            }
            if n < pages {
                links.append((link(req, key: "page", value: Int64(n + 1)), "next"))
                links.append((link(req, key: "page", value: Int64(pages)), "last"))
            }
        }
        let shown = pageRows.map { Self.select($0, fields: q["fields"]) }
        let header = links.map { "<\($0.0)>; rel=\"\($0.1)\"" }.joined(separator: ", ")
        return answer(200, shown, extra: header.isEmpty ? [] : [("Link", header)])
    }

    /// The request's own URL with one parameter set (last, as the server writes it), every other
    /// parameter as it came — the conditions too.
    func link(_ req: SimRequest, key: String, value: Int64) -> String {
        let kept = req.rawQuery.split(separator: "&").filter { part in
            let k = part.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            let name = (k.removingPercentEncoding ?? k).lowercased()
            return name != key.lowercased() && !(key == "pageId" && name == "page")
        }
        return req.origin + req.path + "?" + (kept.map(String.init) + ["\(key)=\(value)"]).joined(separator: "&")
    }

    static func sorted(_ rows: [[String: Any]], by order: String) -> [[String: Any]] {
        let words = order.split(separator: " ")
        let path = (words.first.map(String.init) ?? "id").split(separator: "/").map(String.init)
        let desc = words.dropFirst().first?.lowercased() == "desc"
        func key(_ o: [String: Any]) -> String {
            var cur: Any? = o
            for (k, p) in path.enumerated() {
                var d = cur as? [String: Any]
                if k == 0, path.count == 1, d?[p] == nil { d = d?["_info"] as? [String: Any] }
                cur = d.flatMap { dd in dd.first { $0.key.lowercased() == p.lowercased() }?.value }
            }
            if let n = CWValue.number(cur) { return String(format: "%020.3f", n + 1e12) }
            return (cur as? String)?.lowercased() ?? ""
        }
        let sorted = rows.enumerated().sorted { (key($0.element), $0.offset) < (key($1.element), $1.offset) }.map(
            \.element)
        return desc ? sorted.reversed() : sorted
    }

    /// `fields=id,summary,board/name`: only those (a path keeps that part of the object).
    static func select(_ obj: [String: Any], fields: String?) -> [String: Any] {
        guard let fields, !fields.isEmpty else { return obj }
        var out: [String: Any] = [:]
        for f in fields.split(separator: ",") {
            let path = f.trimmingCharacters(in: .whitespaces).split(separator: "/").map(String.init)
            guard let top = path.first, let v = obj.first(where: { $0.key.lowercased() == top.lowercased() }) else {
                continue
            }
            if path.count > 1, let inner = v.value as? [String: Any] {
                var sub = out[v.key] as? [String: Any] ?? [:]
                if let x = inner.first(where: { $0.key.lowercased() == path[1].lowercased() }) { sub[x.key] = x.value }
                out[v.key] = sub
            } else {
                out[v.key] = v.value
            }
        }
        return out
    }

    // MARK: Answers

    /// Basic `company+public:private` and the `clientId` header; nil when both are right.
    func authenticate(_ req: SimRequest) -> CWRefusal? {
        guard let client = req.header("clientId"), !client.isEmpty else {
            return CWRefusal(401, "Unauthorized", "clientId is required: register one at developer.connectwise.com.")
        }
        guard client == config.cwClientID else {
            return CWRefusal(401, "Unauthorized", "The clientId is not valid or has been disabled.")
        }
        guard let auth = req.header("Authorization"), auth.lowercased().hasPrefix("basic "),
            let data = Data(base64Encoded: String(auth.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":"),
            let plus = text[..<colon].firstIndex(of: "+")
        else {
            return CWRefusal(401, "Unauthorized", "Authorization has been denied for this request.")
        }
        let company = String(text[..<plus])
        let publicKey = String(text[text.index(after: plus)..<colon])
        let privateKey = String(text[text.index(after: colon)...])
        guard company.caseInsensitiveCompare(config.cwCompany) == .orderedSame, publicKey == config.cwPublicKey,
            privateKey == config.cwPrivateKey
        else {
            return CWRefusal(401, "Unauthorized", "Authorization has been denied for this request.")
        }
        return nil
    }

    /// The page the edge in front of Manage answers a burst with: HTML, not Manage's JSON.
    func edgeThrottled() -> Response {
        let html = """
            <!DOCTYPE html><html lang="en-US"><head><title>Access denied | api-na.myconnectwise.net used Cloudflare to restrict access</title></head>
            <body><div id="cf-wrapper"><h1>Error 1015</h1><h2>You are being rate limited</h2>
            <p>The owner of this website has banned you temporarily from accessing this website.</p></div></body></html>
            """
        return .data(
            429, Data(html.utf8), contentType: "text/html; charset=UTF-8",
            headers: [("Retry-After", "10"), ("Server", "cloudflare"), ("cf-ray", "8f1c2e3d4a5b6c7d-SYD")])
    }

    func badConditions(_ e: CWCondition.Invalid) -> Response {
        answer(400, CWRefusal(400, "InvalidObject", "conditions: \(e.message)", field: "conditions").json)
    }

    func notFound(_ id: String) -> Response {
        answer(404, CWRefusal(404, "NotFound", "Record \(id.prefix(40)) was not found.").json)
    }

    /// JSON with the headers every Manage answer carries (and no rate-limit header).
    func answer(_ status: Int, _ value: Any, extra: [(String, String)] = []) -> Response {
        .data(
            status, (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("{}".utf8),
            headers: [
                ("api-current-version", Self.apiVersion), ("x-server-name", "cw-sim-01"),
                ("x-cw-request-id", UUID().uuidString.lowercased()),
            ] + extra)
    }

    func json(_ status: Int, _ value: Any) -> Response { answer(status, value) }
}
