import Foundation
import PSACore

/// Atera v3 over the tenant's rate-aware client. The key is sent as `X-API-KEY`, or as a
/// Bearer token when it looks like a JWT.
public struct AteraAPI: TenantAPI, NotesCapable, AssignCapable, AlertsCapable, AttachmentsCapable {
    public let vendor = Vendor.atera
    public let client: RateAwareClient
    private let key: String
    private let baseURL: String
    public let pageSize: Int
    /// Requests per minute the key allows (not documented by Atera; 700 is the common figure).
    public let limitPerMinute: Int
    /// The technician psatop writes comments as (`--me` / `me`: their Atera e-mail); nil: none given.
    public let technicianEmail: String?
    /// Customer names seen on tickets, for `company:` in a server filter (Atera filters by id).
    let customers = CustomerNames()

    /// Customer names and ticket statuses seen on the tenant's tickets: Atera filters customers
    /// by id, and its statuses are free strings (custom ones too) that no endpoint lists.
    actor CustomerNames {
        private(set) var byID: [Int64: String] = [:]
        private(set) var statuses: [String] = []
        /// Every customer of the tenant (`/customers`, read once when a name is first asked for).
        private(set) var directory: [(Int64, String)]?
        func keep(directory d: [(Int64, String)]) { directory = d }
        /// Technicians seen assigned, "Name <e-mail>" (Atera lists none through the API).
        private(set) var technicians: [String] = []
        func note(_ tickets: [AteraTicket]) {
            for t in tickets {
                if let e = t.TechnicianEmail?.withoutControlOrFormat.trimmingCharacters(in: .whitespaces),
                    e.contains("@"), technicians.count < 500,
                    !technicians.contains(where: {
                        Ticket.email(inLabel: $0)?.caseInsensitiveCompare(e) == .orderedSame
                    })
                {
                    let name = (t.TechnicianFullName ?? "").withoutControlOrFormat.trimmingCharacters(in: .whitespaces)
                    technicians.append(String((name.isEmpty ? e : "\(name) <\(e)>").prefix(300)))
                }
                if let id = t.CustomerID, let name = t.CustomerName, byID.count < 100_000 { byID[id] = name }
                if let s = t.TicketStatus?.withoutControlOrFormat.trimmingCharacters(in: .whitespaces), !s.isEmpty,
                    statuses.count < 200,
                    !statuses.contains(where: { $0.caseInsensitiveCompare(s) == .orderedSame })
                {
                    statuses.append(String(s.prefix(100)))
                }
            }
        }
    }

    public static let defaultBaseURL = "https://app.atera.com/api/v3"

    public init(
        client: RateAwareClient, key: String, baseURL: String = AteraAPI.defaultBaseURL, pageSize: Int = 50,
        limitPerMinute: Int = 700,
        technicianEmail: String? = nil
    ) {
        self.client = client
        self.technicianEmail = technicianEmail.flatMap { $0.isEmpty ? nil : $0 }
        self.key = key
        var u = baseURL
        while u.hasSuffix("/") { u.removeLast() }
        self.baseURL = u
        self.pageSize = max(1, min(50, pageSize))
        self.limitPerMinute = limitPerMinute
    }

    private var headers: [(String, String)] {
        let isJWT = key.split(separator: ".").count == 3 && key.hasPrefix("eyJ")
        return [isJWT ? ("Authorization", "Bearer \(key)") : ("X-API-KEY", key), ("Accept", "application/json")]
    }

    func get(_ path: String, purpose: String) async throws -> HTTPResult {
        try await client.send(
            ClientRequest(
                spec: HTTPRequestSpec(method: "GET", url: baseURL + "/" + path, headers: headers),
                endpoint: String(path.split(separator: "/").first?.split(separator: "?").first ?? ""),
                logPath: "/" + path, idempotent: true, purpose: purpose))
    }

    public func prepare() async throws {}

    /// `GET /tickets/{id}/attachments`: addresses only (Atera keeps the files, often on another host).
    public func attachments(ticketID: Int64) async throws -> [TicketAttachment] {
        let r = try await get("tickets/\(ticketID)/attachments", purpose: "attachments")
        guard let urls = try? JSONSerialization.jsonObject(with: r.body) as? [Any] else {
            throw APIError(
                kind: .decoding, status: r.status,
                detail: "tickets/\(ticketID)/attachments answer is not a list of addresses")
        }
        return urls.prefix(1_000).compactMap { $0 as? String }.map { u in
            let last = URL(string: u)?.lastPathComponent.removingPercentEncoding ?? (u as NSString).lastPathComponent
            return TicketAttachment(name: last, url: u)
        }
    }

    /// Fetches the address with no credential at all (it is not Atera's API origin): `https`, or
    /// `http` on loopback only. An address that wants a sign-in is said to, not tried with the key.
    public func attachmentData(ticketID: Int64, _ attachment: TicketAttachment) async throws -> Data {
        guard let u = attachment.url, let url = URL(string: u), let host = url.host, !host.isEmpty,
            (try? URLPolicy.check(u)) != nil
        else {
            throw APIError(kind: .refused, status: nil, detail: "the attachment's address is not https: not fetched")
        }
        do {
            let r = try await client.send(
                ClientRequest(
                    spec: HTTPRequestSpec(
                        method: "GET", url: u, headers: [], maxBodyBytes: HTTPRequestSpec.maxFileBody),
                    endpoint: "attachment",
                    logPath: "\(host) \(url.path.prefix(80)) (no credentials)", idempotent: true,
                    purpose: "attachment data", exempt: true))
            return r.body
        } catch let e as APIError
            where e.status == 401 || e.status == 403 || e.kind == .badCredentials || e.kind == .permission
        {
            throw APIError(
                kind: .refused, status: e.status,
                detail:
                    "\(host) wants a sign-in for this file; psatop sends no credential to another host: open it in the Atera web app"
            )
        }
    }

    /// Our own requests in the last minute against the limit; the server's view when it sends `X-RateLimit-*`.
    public func quota() async throws -> Quota {
        let window = 60 / max(client.policy.timeScale, 0.001)
        let own = await client.sentInLast(seconds: window)
        let learned = await client.learnedLimit()
        // The server's word, while it is fresher than its own window.
        guard let (h, at, fresh) = await client.lastRateLimit(freshWithin: window), let remaining = h.remaining else {
            return Quota(used: own, limit: limitPerMinute, windowSeconds: 60, learned: learned)
        }
        let server = ServerRateLimit(
            limit: h.limit, remaining: remaining, resetAt: h.resetSeconds.map { at.addingTimeInterval($0) }, at: at,
            fresh: fresh, clamped: h.clamped)
        if fresh, let limit = h.limit {
            return Quota(
                used: max(own, limit - remaining), limit: limit, windowSeconds: 60, server: server, learned: learned)
        }
        return Quota(used: own, limit: h.limit ?? limitPerMinute, windowSeconds: 60, server: server, learned: learned)
    }

    public func page(after cursor: PageCursor?) async throws -> TicketPage {
        try await page(after: cursor, query: "")
    }

    /// Atera filters by `ticketStatus` (any status name, custom ones too). A status not seen on
    /// this tenant is asked for all the same (the server decides), with a note saying so.
    public func page(after cursor: PageCursor?, status: String) async throws -> TicketPage {
        var p = try await page(after: cursor, query: "&ticketStatus=" + Self.queryValue(status))
        p.note = await unseenNote(status)
        return p
    }

    /// "not seen on this tenant" for a status neither default nor on any ticket loaded so far.
    func unseenNote(_ status: String) async -> String? {
        let known = Self.statuses + (await customers.statuses)
        guard !known.contains(where: { $0.caseInsensitiveCompare(status) == .orderedSame }) else { return nil }
        return
            "status '\(status.withoutControlOrFormat.prefix(60))' not seen on this tenant (asked all the same: the server decides)"
    }

    /// Atera filters by `ticketStatus` and `customerId`; it has no queues.
    public func page(after cursor: PageCursor?, filter: ServerFilter) async throws -> TicketPage {
        if filter.queue != nil {
            throw APIError(
                kind: .refused, status: nil, detail: "Atera has no queues to filter by (status: and company: it has)")
        }
        if filter.assignee != nil {
            throw APIError(
                kind: .refused, status: nil,
                detail: "Atera cannot filter by technician on the server: / who:me (or m) matches the tickets loaded")
        }
        var query = ""
        if let s = filter.status { query += "&ticketStatus=" + Self.queryValue(s) }
        if let c = filter.company {
            let id: Int64
            if let n = Int64(c.hasPrefix("#") ? String(c.dropFirst()) : c) {
                id = n
            } else {
                id = try await customerID(named: c)
            }
            query += "&customerId=\(id)"
        }
        var p = try await page(after: cursor, query: query)
        if let s = filter.status { p.note = await unseenNote(s) }
        return p
    }

    static func queryValue(_ s: String) -> String {
        s.addingPercentEncoding(
            withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    private func page(after cursor: PageCursor?, query: String) async throws -> TicketPage {
        var n = 1
        if case .page(let p)? = cursor { n = p }
        let r = try await get("tickets?page=\(n)&itemsInPage=\(pageSize)" + query, purpose: "tickets")
        let env = try r.decode(AteraEnvelope<AteraTicket>.self, maxItems: pageSize)
        await customers.note(env.items)
        // A next link on every page must not make the list endless: no page past what the
        // stated count allows (`WalkGuard`), and none past an empty page.
        let more =
            (env.hasNext || (env.totalPages.map { n < $0 } ?? false))
            && n < WalkGuard(pageSize: pageSize).allowedPages(total: env.totalItemCount)
        return TicketPage(
            tickets: env.items.map(\.display), total: env.totalItemCount,
            next: more && !env.items.isEmpty ? .page(n + 1) : nil)
    }

    public func ticket(id: Int64) async throws -> Ticket {
        try (try await get("tickets/\(id)", purpose: "detail")).decode(AteraTicket.self).display
    }

    /// The most change pages one refresh reads (50 tickets each); past that the list is reloaded.
    public static let maxChangePages = 40

    /// `GET /tickets/lastmodified?date=…&includeComments=true` (zone-less ISO, UTC), every page:
    /// without `includeComments` the comment fields and timestamps are left out, so activity
    /// and the description would be lost.
    public func changes(since: Date) async throws -> TicketChanges {
        var out: [AteraTicket] = []
        var n = 1
        let date = Self.queryValue(String(VendorDate.format(since).dropLast(5)))
        while n <= Self.maxChangePages {
            let r = try await get(
                "tickets/lastmodified?date=\(date)&includeComments=true&page=\(n)&itemsInPage=\(pageSize)",
                purpose: "changes")
            let env = try r.decode(AteraEnvelope<AteraTicket>.self, maxItems: pageSize)
            out += env.items
            // The last page: no next link and no further page by count, or an empty page (a
            // server whose count is wrong must not make this loop forever).
            let more = env.hasNext || (env.totalPages.map { n < $0 } ?? false)
            guard more, !env.items.isEmpty else {
                await customers.note(out)
                return TicketChanges(tickets: out.map(\.display), complete: true)
            }
            n += 1
        }
        await customers.note(out)
        return TicketChanges(tickets: out.map(\.display), complete: false)
    }

    /// The fields Atera lets an update change.
    public static let updatableFields: Set<String> = [
        "TicketTitle", "TicketStatus", "TicketType", "TicketPriority", "TicketImpact",
        "TechnicianContactID", "TechnicianEmail",
    ]

    /// Changes fields of one ticket with `POST /tickets/{id}`, sending only the fields given.
    /// A field Atera does not let an update change is refused before sending. Not retried after a 5xx.
    public func update(ticketID: Int64, fields: [String: TicketFieldValue]) async throws {
        guard !fields.isEmpty else { return }
        if let bad = fields.keys.first(where: { !Self.updatableFields.contains($0) }) {
            throw APIError(
                kind: .refused, status: nil,
                detail:
                    "Atera does not update '\(bad)'; it updates \(Self.updatableFields.sorted().joined(separator: ", "))"
            )
        }
        var obj: [String: Any] = [:]
        for (k, v) in fields { obj[k] = v.json }
        let body = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
        let r = try await client.send(
            ClientRequest(
                spec: HTTPRequestSpec(
                    method: "POST", url: baseURL + "/tickets/\(ticketID)",
                    headers: headers + [("Content-Type", "application/json")], body: body),
                endpoint: "tickets", logPath: "/tickets/\(ticketID) (\(fields.keys.sorted().joined(separator: ", ")))",
                idempotent: false, purpose: "update"))
        // The status said the change was taken; the answer's `ActionID` (a string in both
        // published specs, a number from some servers) is kept only for the log. The caller
        // reads the ticket back to see what the server holds.
        _ = try? r.decode(AteraActionResult.self)
    }

    public func apiBaseURL() async -> String { baseURL }

    /// The most alert pages one refresh reads (50 each).
    public static let maxAlertPages = 20

    /// `GET /alerts?alertStatus=Open`, every page (at most `maxAlertPages`), archived ones left
    /// out, most urgent first.
    public func openAlerts() async throws -> [Alert] {
        var out: [Alert] = []
        for n in 1...Self.maxAlertPages {
            let env = try (try await get("alerts?alertStatus=Open&page=\(n)&itemsInPage=50", purpose: "alerts")).decode(
                AteraEnvelope<AteraAlert>.self)
            out += env.items.filter { $0.Archived != true }.map(\.display)
            guard env.hasNext || (env.totalPages.map { n < $0 } ?? false), !env.items.isEmpty else { break }
        }
        return Alert.ordered(out)
    }

    /// Atera lists no technicians: "me" is the e-mail given, matched against tickets' `TechnicianEmail`.
    public func whoAmI() async throws -> Person? { technicianEmail.map { Person(id: nil, name: nil, email: $0) } }

    /// Atera's web app (only for the real service: a simulator or another host has none).
    public func ticketWebTemplate() async -> String? { WebLinks.ticketTemplate(vendor: vendor, apiBaseURL: baseURL) }
    public func ticketComments(id: Int64) async throws -> [TicketComment] {
        try await comments(ticketID: id).map(\.display)
    }

    /// Atera's default ticket statuses (a tenant may add its own) and its fixed priorities.
    public static let statuses = ["Open", "Pending", "Resolved", "Closed"]
    public static let priorities = ["Low", "Medium", "High", "Critical"]

    /// Statuses: the four defaults, then the tenant's own seen on its tickets so far (Atera
    /// lists them nowhere; another one can be typed). Priorities are fixed.
    public func choices(for field: EditableField) async throws -> [String] {
        switch field {
        case .status:
            let seen = await customers.statuses.filter { s in
                !Self.statuses.contains { $0.caseInsensitiveCompare(s) == .orderedSame }
            }
            return Self.statuses + seen.sorted()
        case .priority:
            return Self.priorities
        case .assignee:
            // You first (--me), then the technicians seen on tickets; another is typed by e-mail.
            let seen = await customers.technicians
            let mine = technicianEmail.map { me in
                seen.first { Ticket.email(inLabel: $0)?.caseInsensitiveCompare(me) == .orderedSame } ?? me
            }
            return (mine.map { [$0] } ?? [])
                + seen.filter { $0 != mine }.sorted { $0.localizedCaseInsensitiveCompare($1) == .orderedAscending }
        }
    }

    public func change(ticketID: Int64, _ field: EditableField, to label: String) async throws {
        switch field {
        case .status: try await update(ticketID: ticketID, fields: ["TicketStatus": .string(label)])
        case .priority: try await update(ticketID: ticketID, fields: ["TicketPriority": .string(label)])
        case .assignee:
            // Atera assigns a technician by e-mail (`TechnicianEmail`); a name alone is not enough.
            guard let email = Ticket.email(inLabel: label) else {
                throw APIError(
                    kind: .refused, status: nil,
                    detail: "Atera assigns by the technician's e-mail: type it (name@example.com)")
            }
            try await update(ticketID: ticketID, fields: ["TechnicianEmail": .string(email)])
        }
    }

    /// `POST /tickets/{id}/comments` as the technician named by `--me` (`TechnicianCommentDetails`
    /// with `TechnicianEmail` and `IsInternal`, internal unless customers were chosen). Sent once.
    public func addNote(ticketID: Int64, text: String, visibility: Visibility) async throws {
        let clean = NoteText.clean(text)
        guard !clean.isEmpty else {
            throw APIError(kind: .refused, status: nil, detail: "an empty comment is not sent")
        }
        guard clean.count <= NoteText.maxLength else {
            throw APIError(
                kind: .refused, status: nil,
                detail: "the comment is \(clean.count) characters; at most \(NoteText.maxLength) are sent")
        }
        guard let me = technicianEmail else {
            throw APIError(
                kind: .refused, status: nil,
                detail:
                    "Atera needs the technician to write as: give your Atera e-mail with --me (or me = \"…\" in the profile)"
            )
        }
        let obj: [String: Any] = [
            "CommentText": clean,
            "TechnicianCommentDetails": ["TechnicianEmail": me, "IsInternal": visibility == .internal],
        ]
        let body = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
        _ = try await client.send(
            ClientRequest(
                spec: HTTPRequestSpec(
                    method: "POST", url: baseURL + "/tickets/\(ticketID)/comments",
                    headers: headers + [("Content-Type", "application/json")], body: body),
                endpoint: "tickets",
                logPath: "/tickets/\(ticketID)/comments (\(visibility.rawValue), \(clean.count) chars)",
                idempotent: false, purpose: "note"))
    }

    /// Every comment of a ticket, oldest first (all pages).
    public func comments(ticketID: Int64) async throws -> [AteraComment] {
        var all: [AteraComment] = []
        var page = 1
        while true {
            let env = try
                (try await get("tickets/\(ticketID)/comments?page=\(page)&itemsInPage=50", purpose: "comments"))
                .decode(AteraEnvelope<AteraComment>.self)
            all += env.items
            guard env.hasNext, !env.items.isEmpty, page < 1_000 else { return all }
            page += 1
        }
    }
}
