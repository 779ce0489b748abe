import Foundation
import PSACore

/// Autotask credentials. Never logged: the client redacts these values everywhere.
public struct AutotaskCredentials: Sendable {
    public var userName: String
    public var secret: String
    public var integrationCode: String
    public init(userName: String, secret: String, integrationCode: String) {
        self.userName = userName
        self.secret = secret
        self.integrationCode = integrationCode
    }
}

/// Autotask PSA REST V1.0 over the tenant's rate-aware client.
public actor AutotaskAPI: TenantAPI, NotesCapable, AssignCapable, AttachmentsCapable, AttachCapable, TimeCapable {
    public nonisolated let vendor = Vendor.autotask
    public nonisolated let client: RateAwareClient
    let credentials: AutotaskCredentials
    /// `…/ATServicesRest/V1.0`, no trailing slash.
    var baseURL: String
    /// Where to ask for the zone; nil when the base URL was given.
    let zoneDiscoveryURL: String?
    var picklists = Picklists()
    var prepared = false
    var companies: [Int64: String] = [:]
    var resources: [Int64: String] = [:]
    /// Contacts seen in the detail view ("Name <e-mail> · phone"), asked for one at a time.
    var contacts: [Int64: String] = [:]
    /// Contacts who wrote notes through the client portal, by name.
    var contactNames: [Int64: String] = [:]
    /// The tenant's note types (value → label), from `TicketNotes/entityInformation/fields`; nil until asked.
    var noteTypes: [Int: String]?
    /// The note type a new note gets: the tenant's default active one (else the first active).
    var noteTypeDefault: Int?
    /// The web app's address for this zone (`zoneInformation`'s `webUrl`), when discovered.
    var webURL: String?
    /// The fields a page of tickets asks for (`IncludeFields`): the list's by default.
    public let fieldSet: AutotaskFieldSet
    /// The e-mail `--me` / `me` gives, and the resource it names once looked up.
    public let meEmail: String?
    var me: Person?
    /// Ticket counts by filter ("" for all), asked once each.
    var totals: [String: Int] = [:]
    public let pageSize: Int
    /// The active resources a ticket can be assigned to, labelled as the picker shows them.
    var assignable: [(label: String, id: Int64)]?
    var resolvingNames = false
    var nameWaiters: [CheckedContinuation<Void, Never>] = []

    public static let defaultZoneDiscovery = "https://webservices2.autotask.net/ATServicesRest/V1.0"

    /// - Parameters:
    ///   - baseURL: a zone's `…/ATServicesRest/V1.0` (or `…/ATServicesRest/`); nil to discover it from the user name.
    ///   - fieldSet: the fields ticket pages ask for (`.list` for the dashboard, `.export` for `tickets`).
    public init(
        client: RateAwareClient, credentials: AutotaskCredentials, baseURL: String?,
        zoneDiscoveryURL: String = AutotaskAPI.defaultZoneDiscovery,
        pageSize: Int = 500, fieldSet: AutotaskFieldSet = .list, me: String? = nil
    ) {
        self.client = client
        self.meEmail = me.flatMap { $0.isEmpty ? nil : $0 }
        self.fieldSet = fieldSet
        self.credentials = credentials
        self.baseURL = baseURL.map(Self.normalize) ?? ""
        self.zoneDiscoveryURL = baseURL == nil ? zoneDiscoveryURL : nil
        self.pageSize = max(1, min(500, pageSize))
        // Bulk work that needs a fresh reading for the ceiling gets it through this API.
        client.quotaSource.connect { [weak self] in _ = try await self?.quota() }
    }

    /// `https://webservices3.autotask.net/ATServicesRest/` → `…/ATServicesRest/V1.0` (V1.0 pinned).
    static func normalize(_ url: String) -> String {
        var u = url
        while u.hasSuffix("/") { u.removeLast() }
        if u.lowercased().hasSuffix("/v1.0") { return u }
        return u + "/V1.0"
    }

    var headers: [(String, String)] {
        [
            ("ApiIntegrationCode", credentials.integrationCode), ("UserName", credentials.userName),
            ("Secret", credentials.secret), ("Content-Type", "application/json"), ("Accept", "application/json"),
        ]
    }

    var zoneLookup: Task<Void, any Error>?

    /// Asks `zoneInformation` (no credentials) where this user's tenant lives. Concurrent callers share one lookup.
    public func discoverZone() async throws {
        if let running = zoneLookup { return try await running.value }
        let task = Task { try await self.lookUpZone() }
        zoneLookup = task
        defer { zoneLookup = nil }
        try await task.value
    }

    func lookUpZone() async throws {
        guard let discovery = zoneDiscoveryURL else { return }
        let user =
            credentials.userName.addingPercentEncoding(
                withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "+&=@"))) ?? ""
        let req = ClientRequest(
            spec: HTTPRequestSpec(
                method: "GET", url: "\(discovery)/zoneInformation?user=\(user)",
                headers: [("Accept", "application/json")]),
            endpoint: "zoneInformation", logPath: "/zoneInformation", idempotent: true, purpose: "zone", exempt: true)
        let r = try await client.send(req)
        guard let zone = try? JSONDecoder().decode(ZoneInformation.self, from: r.body) else {
            throw APIError(kind: .decoding, status: r.status, detail: "zoneInformation answer without a url")
        }
        _ = try OriginPolicy.discovered(zone.url, vendor: .autotask, source: discovery)
        baseURL = Self.normalize(zone.url)
        webURL = zone.webUrl.flatMap(Self.autotaskWebApp)
    }

    /// Sends through the client; on 401 after a discovered zone, re-resolves the zone once (the tenant may have moved).
    func send(
        _ method: String, _ path: String, body: Data? = nil, purpose: String, logPath: String? = nil,
        attachmentBytes: Int? = nil
    ) async throws -> HTTPResult {
        if let body, path.lowercased().contains("/query") { try Self.check(query: body) }
        if baseURL.isEmpty { try await discoverZone() }
        let endpoint = String(path.split(separator: "/").first ?? "")
        func request() -> ClientRequest {
            ClientRequest(
                spec: HTTPRequestSpec(
                    method: method, url: baseURL + "/" + path, headers: headers, body: body,
                    maxBodyBytes: purpose == "attachment data"
                        ? HTTPRequestSpec.maxAttachmentJSONBody : HTTPRequestSpec.maxJSONBody),
                endpoint: endpoint, logPath: "/" + (logPath ?? path),
                idempotent: method == "GET" || path.hasSuffix("/query") || path.hasSuffix("/count"),
                purpose: purpose, attachmentBytes: attachmentBytes)
        }
        do {
            return try await client.send(request())
        } catch let e as APIError where e.kind == .badCredentials && zoneDiscoveryURL != nil {
            let old = baseURL
            try await discoverZone()
            guard baseURL != old else { throw e }
            return try await client.send(request())
        }
    }

    public func prepare() async throws {
        guard !prepared else { return }
        let r = try await send("GET", "Tickets/entityInformation/fields", purpose: "picklists")
        picklists = try r.decode(EntityFields.self).picklists
        prepared = true
    }

    public func quota() async throws -> Quota {
        let r = try await RequestPriority.$current.withValue(.reading) {
            try await send("GET", "ThresholdInformation", purpose: "quota")
        }
        let q = try r.decode(ThresholdInformation.self).quota
        await client.noteQuota(q)
        if q.tier == .suspended {
            await client.markSuspended(detail: "ThresholdInformation: \(q.used) of \(q.limit) requests used")
        }
        return q
    }

    static func queryBody(maxRecords: Int, afterID: Int64, extra: [[String: Any]] = [], fields: [String]? = nil) -> Data
    {
        let filter: [[String: Any]] = [["op": "gt", "field": "id", "value": afterID]] + extra
        var body: [String: Any] = ["MaxRecords": maxRecords, "filter": filter]
        if let fields { body["IncludeFields"] = fields }
        return (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
    }

    /// Walks by id (`id gt lastMax`), the way Autotask documents — never GET on nextPageUrl.
    public func page(after cursor: PageCursor?) async throws -> TicketPage {
        try await page(after: cursor, extra: [], countKey: "")
    }

    /// The status label is turned into its picklist value (this tenant's labels) and filtered on the server.
    public func page(after cursor: PageCursor?, status: String) async throws -> TicketPage {
        try await prepare()
        guard let value = picklists.value(field: "status", label: status) else {
            let known = picklists.labels(field: "status")
            throw APIError(
                kind: .refused, status: nil,
                detail: "no ticket status '\(status)' on this tenant"
                    + (known.isEmpty ? "" : "; it has \(known.joined(separator: ", "))"))
        }
        return try await page(
            after: cursor, extra: [["op": "eq", "field": "status", "value": value]], countKey: "status=\(value)")
    }

    /// Status and queue through this tenant's picklists; a company by the names of those seen on
    /// tickets so far (`#id` for any other).
    public func page(after cursor: PageCursor?, filter: ServerFilter) async throws -> TicketPage {
        let (extra, key) = try await clauses(filter)
        return try await page(after: cursor, extra: extra, countKey: key)
    }

    /// The query's conditions for a filter (an empty filter: none), and the key its count is kept under.
    func clauses(_ filter: ServerFilter) async throws -> (extra: [[String: Any]], key: String) {
        try await prepare()
        var extra: [[String: Any]] = []
        var key: [String] = []
        func picklist(_ field: String, _ label: String, _ what: String) throws {
            let value: Int
            if let v = picklists.value(field: field, label: label) {
                value = v
            } else {
                value = try NameMatch.find(
                    label,
                    in: picklists.labels(field: field).compactMap { l in
                        picklists.value(field: field, label: l).map { ($0, l) }
                    },
                    what: what, whereKnown: "on this tenant")
            }
            extra.append(["op": "eq", "field": field, "value": value])
            key.append("\(field)=\(value)")
        }
        if let s = filter.status { try picklist("status", s, "ticket status") }
        if let q = filter.queue { try picklist("queueID", q, "queue") }
        if let c = filter.company {
            let id = try await companyID(named: c)
            extra.append(["op": "eq", "field": "companyID", "value": id])
            key.append("companyID=\(id)")
        }
        if let a = filter.assignee {
            let id: Int64
            if a.hasPrefix("#"), let n = Int64(a.dropFirst()) {
                id = n
            } else if a.lowercased() == "me" {
                guard let me = try await whoAmI(), let mine = me.id else {
                    throw APIError(
                        kind: .refused, status: nil,
                        detail: "assignee:me needs to know who you are: --me you@msp (or me = … in the profile)")
                }
                id = mine
            } else {
                throw APIError(kind: .refused, status: nil, detail: "assignee: takes me or a resource's #id")
            }
            extra.append(["op": "eq", "field": "assignedResourceID", "value": id])
            key.append("assignedResourceID=\(id)")
        }
        return (extra, key.joined(separator: ","))
    }

    /// A company's id from its name: `#id` as given; a name seen on tickets, exactly; else the
    /// server's companies whose name contains it (one query): the exact one, or the only one.
    func companyID(named c: String) async throws -> Int64 {
        if c.hasPrefix("#"), let n = Int64(c.dropFirst()) { return n }
        let wanted = c.trimmingCharacters(in: .whitespaces)
        if let seen = companies.first(where: { $0.value.caseInsensitiveCompare(wanted) == .orderedSame }) {
            return seen.key
        }
        // (Control characters out first, as NameMatch does: they would only make the query fail.)
        let clean = wanted.withoutControlOrFormat
        let body = try JSONSerialization.data(
            withJSONObject: [
                "MaxRecords": 100, "IncludeFields": ["id", "companyName"],
                "filter": [["op": "contains", "field": "companyName", "value": clean]],
            ],
            options: [.sortedKeys])
        let r = try await send(
            "POST", "Companies/query", body: body, purpose: "names",
            logPath: "Companies/query (companyName contains \(clean.prefix(40)))")
        guard let obj = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any],
            let items = obj["items"] as? [[String: Any]]
        else {
            throw APIError(kind: .decoding, status: r.status, detail: "Companies/query answer without items")
        }
        var found: [(Int64, String)] = []
        for i in items {
            guard let id = (i["id"] as? NSNumber)?.int64Value, let name = i["companyName"] as? String else { continue }
            found.append((id, name))
            companies[id] = name
        }
        return try NameMatch.find(clean, in: found, what: "company", whereKnown: "on this tenant")
    }

    func page(after cursor: PageCursor?, extra: [[String: Any]], countKey: String) async throws -> TicketPage {
        try await prepare()
        let after: Int64
        switch cursor {
        case .afterID(let id): after = id
        case .page, .link, nil: after = 0
        }
        if totals[countKey] == nil {
            let c = try await send(
                "POST", "Tickets/query/count", body: Self.queryBody(maxRecords: pageSize, afterID: 0, extra: extra),
                purpose: "count")
            totals[countKey] = try c.decode(AutotaskCountResponse.self).queryCount
        }
        let total = totals[countKey]
        let r = try await send(
            "POST", "Tickets/query",
            body: Self.queryBody(maxRecords: pageSize, afterID: after, extra: extra, fields: fieldSet.fields),
            purpose: "tickets",
            logPath: "Tickets/query (id > \(after)\(countKey.isEmpty ? "" : ", " + countKey))")
        // Only ids past the cursor count: a server that ignores `id gt` sends the same ids again,
        // and a page that does not move past the last id ends the walk (it would never end).
        let sent = try r.decode(AutotaskQueryResponse<AutotaskTicket>.self, maxItems: pageSize).items
        let raw = sent.sorted { $0.id < $1.id }.filter { $0.id > after }
        try await resolveNames(raw)
        let tickets = raw.map { $0.display(picklists: picklists, companies: companies, resources: resources) }
        let next: PageCursor? = raw.count < pageSize ? nil : raw.last.map { .afterID($0.id) }
        var page = TicketPage(tickets: tickets, total: total, next: next)
        if sent.count == pageSize, raw.count < pageSize { page.note = WalkGuard.ignoredIDFilter }
        return page
    }

    /// Refuses a query the server would refuse for its OR conditions, before anything is sent.
    static func check(query body: Data) throws {
        guard AutotaskQueryRules.withinOrLimit(body) else {
            throw APIError(kind: .refused, status: nil, detail: AutotaskQueryRules.orLimitMessage)
        }
    }

    /// Specific tickets by id, in one query (an `in` filter; more than 500 ids is refused before sending).
    public func tickets(ids: [Int64]) async throws -> [Ticket] {
        var query: [String: Any] = ["MaxRecords": 500, "filter": [["op": "in", "field": "id", "value": ids]]]
        if let fields = fieldSet.fields { query["IncludeFields"] = fields }
        let body = try JSONSerialization.data(withJSONObject: query)
        try Self.check(query: body)
        try await prepare()
        let r = try await send(
            "POST", "Tickets/query", body: body, purpose: "tickets", logPath: "Tickets/query (\(ids.count) ids)")
        let raw = try r.decode(AutotaskQueryResponse<AutotaskTicket>.self).items
        try await resolveNames(raw)
        return raw.map { $0.display(picklists: picklists, companies: companies, resources: resources) }
    }

    public func ticket(id: Int64) async throws -> Ticket {
        try await prepare()
        let r = try await send("GET", "Tickets/\(id)", purpose: "detail")
        guard let t = try r.decode(AutotaskItemResponse<AutotaskTicket>.self).item else {
            throw APIError(kind: .notFound, status: r.status, detail: "ticket \(id)")
        }
        try await resolveNames([t])
        // The contact only here: the list does not show it, so pages do not pay for it.
        if let id = t.contactID, contacts[id] == nil,
            let found = try await names(of: "Contacts", one: "Contact", ids: [id], name: Self.contactText)
        {
            // A contact the tenant does not have is remembered as such: not asked for at every open.
            contacts[id] = found[id] ?? "#\(id)"
        }
        return t.display(picklists: picklists, companies: companies, resources: resources, contacts: contacts)
    }

    /// A `webUrl` worth opening in a browser: https on Autotask's own domain only (a zone answer
    /// cannot make `o` open anything else; a simulator's loopback address has no web app).
    static func autotaskWebApp(_ url: String) -> String? {
        guard let u = URL(string: url), u.scheme?.lowercased() == "https", let host = u.host?.lowercased(),
            host.hasSuffix(".autotask.net"), u.user == nil, u.password == nil
        else { return nil }
        return url
    }

    public func currentBaseURL() -> String { baseURL }
    public func apiBaseURL() async -> String { baseURL }

    /// The zone's web app from `zoneInformation`'s `webUrl` when it was discovered (the host
    /// name is only a guess); else the guess from the API address.
    public func ticketWebTemplate() async -> String? {
        if var u = webURL {
            while u.hasSuffix("/") { u.removeLast() }
            return u + "/Mvc/ServiceDesk/TicketDetail.mvc?workspace=False&mode=0&ticketId={id}"
        }
        return WebLinks.ticketTemplate(vendor: vendor, apiBaseURL: baseURL)
    }
}
