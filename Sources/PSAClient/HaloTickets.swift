import Foundation
import PSACore

/// HaloPSA's tickets: pages of at most 100 (`pageinate=true`), server filters, the detail's
/// actions, changes by upsert (`POST /api/Tickets` with the id) and notes as actions.
extension HaloAPI {
    /// The most pages a walk reads (100 rows each): a server whose `record_count` is absurd, or
    /// that ignores `page_no`, cannot make it run forever.
    public static let maxPages = 2_000
    /// The most change pages one refresh reads (newest first).
    public static let maxChangePages = 5

    /// The lookups: statuses, priorities, agents, teams, ticket types, SLAs (once per session).
    public func prepare() async throws { _ = try await labels() }

    func labels() async throws -> HaloLabels {
        if let l = await session.labels { return l }
        var l = HaloLabels()
        let statuses = try HaloLookup.list(try await get("Status", purpose: "lookups").body)
        let priorities = try HaloLookup.list(try await get("Priority", purpose: "lookups").body)
        let agents = try HaloList<HaloAgent>.decode(try await get("Agent", purpose: "lookups").body)
        let teams = try HaloLookup.list(try await get("Team", purpose: "lookups").body)
        for s in statuses.prefix(1_000) { l.statuses[s.id] = s.name }
        for p in priorities.prefix(1_000) { l.priorities[p.id] = p.name }
        for a in agents.prefix(10_000) { l.agents[a.id] = a }
        for t in teams.prefix(1_000) { l.teams[t.id] = t.name }
        // Ticket types and SLAs only label the detail: a tenant without access to them still works.
        if let types = try? HaloLookup.list(try await get("TicketType", purpose: "lookups").body) {
            for t in types.prefix(1_000) { l.ticketTypes[t.id] = t.name }
        }
        if let slas = try? HaloLookup.list(try await get("SLA", purpose: "lookups").body) {
            for s in slas.prefix(1_000) { l.slas[s.id] = s.name }
        }
        await session.setLabels(l, statuses: Self.ordered(statuses), priorities: Self.ordered(priorities))
        return l
    }

    static func ordered(_ list: [HaloLookup]) -> [Int64] {
        list.enumerated().sorted {
            ($0.element.sequence ?? $0.offset, $0.offset) < ($1.element.sequence ?? $1.offset, $1.offset)
        }
        .map(\.element.id)
    }

    /// `status`'s one request (after the token): a page of one ticket, no lookups.
    public func probe() async throws {
        _ = try await get("Tickets?pageinate=true&page_size=1&page_no=1", purpose: "probe")
    }

    // MARK: Pages

    public func page(after cursor: PageCursor?) async throws -> TicketPage {
        try await page(after: cursor, query: "")
    }

    public func page(after cursor: PageCursor?, status: String) async throws -> TicketPage {
        try await page(after: cursor, filter: ServerFilter(status: status))
    }

    /// Halo filters by `status_id`, `team` (its id: `team:`/`queue:`), `agent_id` (`assignee:me`
    /// or `#id`) and `client_id` (`client:`/`company:`, a name from `/api/Client` or `#id`).
    public func page(after cursor: PageCursor?, filter: ServerFilter) async throws -> TicketPage {
        try await page(after: cursor, query: try await query(for: filter))
    }

    func query(for filter: ServerFilter) async throws -> String {
        let l = try await labels()
        var q = ""
        if let s = filter.status {
            q += "&status_id=\(try Self.id(s, in: l.statuses, what: "status"))"
        }
        if let t = filter.queue {
            q += "&team=\(try Self.id(t, in: l.teams, what: "team"))"
        }
        if let a = filter.assignee {
            if a.lowercased() == "me" {
                guard let me = try await whoAmI(), let id = me.id else {
                    throw APIError(
                        kind: .refused, status: nil,
                        detail: "assignee:me needs your HaloPSA e-mail: --me (or me = \"…\" in the profile)")
                }
                q += "&agent_id=\(id)"
            } else {
                q += "&agent_id=\(try Self.id(a, in: l.agents.mapValues(\.name), what: "agent"))"
            }
        }
        if let c = filter.company {
            q += "&client_id=\(try await clientID(c))"
        }
        return q
    }

    /// `#id`, a number, or a label known to the tenant.
    static func id(_ text: String, in known: [Int64: String], what: String) throws -> Int64 {
        if let n = Int64(text.hasPrefix("#") ? String(text.dropFirst()) : text), n > 0 { return n }
        return try NameMatch.find(
            text, in: known.map { ($0.key, $0.value) }, what: what, whereKnown: "in this HaloPSA tenant")
    }

    func clientID(_ text: String) async throws -> Int64 {
        if let n = Int64(text.hasPrefix("#") ? String(text.dropFirst()) : text), n > 0 { return n }
        let search = Self.formValue(text)
        let found = try HaloLookup.list(try await get("Client?search=\(search)&count=50", purpose: "clients").body)
        return try NameMatch.find(
            text, in: found.map { ($0.id, $0.name) }, what: "client", whereKnown: "in this HaloPSA tenant (or give #id)"
        )
    }

    /// One page: asks for 100 with `pageinate=true` and trusts neither the size asked nor an
    /// unbelievable `record_count`; a short page, or reaching the count, is the end.
    func page(after cursor: PageCursor?, query: String) async throws -> TicketPage {
        var n = 1
        if case .page(let p)? = cursor { n = max(1, p) }
        let r = try await get(
            "Tickets?pageinate=true&page_size=\(Self.pageSize)&page_no=\(n)" + query, purpose: "tickets")
        let page = try r.decode(HaloTicketPage.self)
        let l = try await labels()
        let total = page.recordCount.flatMap { (0...10_000_000).contains($0) ? $0 : nil }
        let seen = (n - 1) * Self.pageSize + page.tickets.count
        let short = page.tickets.count < Self.pageSize
        let more = !page.tickets.isEmpty && !short && (total.map { seen < $0 } ?? true) && n < Self.maxPages
        return TicketPage(tickets: page.tickets.map { $0.display(l) }, total: total, next: more ? .page(n + 1) : nil)
    }

    public func ticket(id: Int64) async throws -> Ticket {
        let t = try (try await get("Tickets/\(id)?includedetails=true", purpose: "detail")).decode(HaloTicket.self)
        return t.display(try await labels())
    }

    /// The tickets whose last action is after `since`, newest first (`order=lastactiondate`),
    /// until an older one or `maxChangePages` pages; past that the refresh is incomplete.
    public func changes(since: Date) async throws -> TicketChanges {
        var out: [Ticket] = []
        let l = try await labels()
        for n in 1...Self.maxChangePages {
            let r = try await get(
                "Tickets?pageinate=true&page_size=\(Self.pageSize)&page_no=\(n)&order=lastactiondate&orderdesc=true",
                purpose: "changes")
            let page = try r.decode(HaloTicketPage.self)
            for t in page.tickets {
                guard let at = t.lastAction ?? t.lastUpdate, at > since else {
                    return TicketChanges(tickets: out, complete: true)
                }
                out.append(t.display(l))
            }
            if page.tickets.count < Self.pageSize { return TicketChanges(tickets: out, complete: true) }
        }
        return TicketChanges(tickets: out, complete: false)
    }

    // MARK: Actions

    /// `GET /api/Actions?ticket_id=…`, oldest first; system actions are marked (folded in the detail).
    public func ticketComments(id: Int64) async throws -> [TicketComment]? {
        let r = try await get("Actions?ticket_id=\(id)&count=500", purpose: "actions")
        let actions = try HaloList<HaloAction>.decode(r.body)
        return actions.prefix(1_000).map(\.display).sorted { ($0.date ?? .distantPast) < ($1.date ?? .distantPast) }
    }

    /// `POST /api/Actions` `[{"ticket_id", "outcome", "note", "hiddenfromuser"}]`: internal
    /// (`hiddenfromuser: true`) unless customers were chosen. Sent once.
    public func addNote(ticketID: Int64, text: String, visibility: Visibility) async throws {
        let clean = NoteText.clean(text)
        guard !clean.isEmpty else { throw APIError(kind: .refused, status: nil, detail: "an empty note is not sent") }
        guard clean.count <= NoteText.maxLength else {
            throw APIError(
                kind: .refused, status: nil,
                detail: "the note is \(clean.count) characters; at most \(NoteText.maxLength) are sent")
        }
        guard ticketID > 0 else { throw APIError(kind: .refused, status: nil, detail: "no ticket to add the note to") }
        let action: [String: Any] = [
            "ticket_id": ticketID, "outcome": visibility == .internal ? "Private Note" : "Note",
            "note": clean, "hiddenfromuser": visibility == .internal,
        ]
        _ = try await post(
            "Actions", [action], purpose: "note",
            logPath: "/api/Actions (ticket \(ticketID), \(visibility.rawValue), \(clean.count) chars)")
    }

    // MARK: Changes

    /// Statuses and priorities in the tenant's order; agents by name, you first.
    public func choices(for field: EditableField) async throws -> [String] {
        let l = try await labels()
        switch field {
        case .status: return await session.statusOrder.compactMap { l.statuses[$0] }
        case .priority: return await session.priorityOrder.compactMap { l.priorities[$0] }
        case .assignee:
            let mine = try await whoAmI()?.name
            let names = l.agents.values.map(\.name).filter { $0 != mine }
            return (mine.map { [$0] } ?? [])
                + names.sorted { $0.localizedCaseInsensitiveCompare($1) == .orderedAscending }
        }
    }

    /// `POST /api/Tickets` `[{"id": …, "<field>": …}]`: an upsert, so the id is always sent (a
    /// missing or zero id would create a ticket). Not retried.
    public func change(ticketID: Int64, _ field: EditableField, to label: String) async throws {
        let l = try await labels()
        let key: String
        let value: Int64
        switch field {
        case .status: (key, value) = ("status_id", try Self.id(label, in: l.statuses, what: "status"))
        case .priority: (key, value) = ("priority_id", try Self.id(label, in: l.priorities, what: "priority"))
        case .assignee: (key, value) = ("agent_id", try Self.id(label, in: l.agents.mapValues(\.name), what: "agent"))
        }
        try await update(ticketID: ticketID, [key: value])
    }

    /// Sends only the fields given, with the id.
    public func update(ticketID: Int64, _ fields: [String: Any]) async throws {
        guard ticketID > 0 else {
            throw APIError(
                kind: .refused, status: nil,
                detail: "no ticket id: HaloPSA would create a new ticket, so nothing was sent")
        }
        var obj = fields
        obj["id"] = ticketID
        _ = try await post(
            "Tickets", [obj], purpose: "update",
            logPath: "/api/Tickets (ticket \(ticketID): \(fields.keys.sorted().joined(separator: ", ")))")
    }

    /// The agent `--me` names, by e-mail among `/api/Agent`; an unknown e-mail is an error.
    public func whoAmI() async throws -> Person? {
        guard let me else { return nil }
        let l = try await labels()
        guard let a = l.agents.values.first(where: { $0.email?.caseInsensitiveCompare(me) == .orderedSame }) else {
            throw APIError(
                kind: .refused, status: nil, detail: "no HaloPSA agent has the e-mail \(me.sanitized.prefix(100))")
        }
        return Person(id: a.id, name: a.name, email: me)
    }

    /// Attachments are not sent through psatop yet (`Vendor.attachRefusal`).
    public func attach(ticketID: Int64, fileName: String, data: Data, visibility: Visibility) async throws -> Int64 {
        throw APIError(kind: .refused, status: nil, detail: vendor.attachRefusal ?? "not supported")
    }
}

extension HaloSession {
    func setLabels(_ l: HaloLabels, statuses: [Int64], priorities: [Int64]) {
        labels = l
        statusOrder = statuses
        priorityOrder = priorities
    }
}
