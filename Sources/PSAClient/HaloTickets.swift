import Foundation
import PSACore

/// HaloPSA's tickets: pages of at most 100 (`pageinate=true`), server filters, the detail's
/// actions, changes by upsert (`POST /api/Tickets` with the id) and notes as actions.
extension HaloAPI {
    /// The most pages a walk reads (100 rows each): a server whose `record_count` is absurd, or
    /// that ignores `page_no`, cannot make it run forever.
    public static let maxPages = 2_000
    /// The most change pages one refresh reads (`lastupdatefromdate`); more is an incomplete read.
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
        // Ticket statuses only (type 0); a priority per id (a row per SLA), hidden ones not offered;
        // no placeholder agent ("Unassigned", id 1).
        let ticketStatuses = HaloLookup.ticketStatuses(Array(statuses.prefix(1_000)))
        let (shownPriorities, allPriorities) = HaloLookup.priorities(Array(priorities.prefix(5_000)))
        for s in ticketStatuses { l.statuses[s.id] = s.name }
        for p in allPriorities { l.priorities[p.id] = p.name }
        for a in agents.prefix(10_000) where a.id > HaloPlaceholder.lastID { l.agents[a.id] = a }
        for t in teams.prefix(1_000) { l.teams[t.id] = t.name }
        // Ticket types and SLAs only label the detail: a tenant without access to them still works.
        if let types = try? HaloLookup.list(try await get("TicketType", purpose: "lookups").body) {
            for t in types.prefix(1_000) { l.ticketTypes[t.id] = t.name }
        }
        if let slas = try? HaloLookup.list(try await get("SLA", purpose: "lookups").body) {
            for s in slas.prefix(1_000) { l.slas[s.id] = s.name }
        }
        await session.setLabels(l, statuses: Self.ordered(ticketStatuses), priorities: Self.ordered(shownPriorities))
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

    /// The default list: open tickets (`open_only=true`, as django-psa's full sync asks), so that
    /// page 1 is not a hundred long-closed tickets.
    public func page(after cursor: PageCursor?) async throws -> TicketPage {
        try await page(after: cursor, query: Self.openOnly)
    }

    static let openOnly = "&open_only=true"

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
        // A status names which tickets; otherwise the open ones.
        var q = filter.status == nil ? Self.openOnly : ""
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
    /// unbelievable `record_count`; a short page, reaching the count, or a page whose ids repeat
    /// the previous page's (past the last page Halo sends the last page again) is the end.
    func page(after cursor: PageCursor?, query: String) async throws -> TicketPage {
        var n = 1
        if case .page(let p)? = cursor { n = max(1, p) }
        let r = try await get(
            "Tickets?pageinate=true&page_size=\(Self.pageSize)&page_no=\(n)" + query, purpose: "tickets")
        let page = try r.decode(HaloTicketPage.self)
        let l = try await labels()
        let total = page.recordCount.flatMap { (0...10_000_000).contains($0) ? $0 : nil }
        let ids = page.tickets.map(\.id)
        if await session.repeatsLastPage(query: query, n: n, ids: ids) {
            return TicketPage(tickets: [], total: total, next: nil)
        }
        let seen = (n - 1) * Self.pageSize + page.tickets.count
        let short = page.tickets.count < Self.pageSize
        let more = !page.tickets.isEmpty && !short && (total.map { seen < $0 } ?? true) && n < Self.maxPages
        return TicketPage(tickets: page.tickets.map { $0.display(l) }, total: total, next: more ? .page(n + 1) : nil)
    }

    /// One ticket, with who the application acts as (its restrictions decide what psatop sees).
    public func ticket(id: Int64) async throws -> Ticket {
        let t = try (try await get("Tickets/\(id)?includedetails=true", purpose: "detail")).decode(HaloTicket.self)
        var shown = t.display(try await labels())
        if let who = await session.identity?.name { shown.fields.append(Ticket.Field("Acting as", who)) }
        return shown
    }

    /// The tickets changed after `since`: `lastupdatefromdate` (the filter django-psa's sync uses;
    /// no public client sends `order=lastactiondate`), each compared by the later of its last
    /// action and last update. The read is complete only when it reached the end (a short page,
    /// `record_count`, or the last page again) within `maxChangePages`; otherwise the list reloads.
    public func changes(since: Date) async throws -> TicketChanges {
        var out: [Ticket] = []
        let l = try await labels()
        let from = Self.formValue(Self.utc(since))
        var previous: [Int64] = []
        var seen = 0
        for n in 1...Self.maxChangePages {
            let r = try await get(
                "Tickets?pageinate=true&page_size=\(Self.pageSize)&page_no=\(n)&lastupdatefromdate=\(from)",
                purpose: "changes")
            let page = try r.decode(HaloTicketPage.self)
            let ids = page.tickets.map(\.id)
            if n > 1, !ids.isEmpty, ids == previous { return TicketChanges(tickets: out, complete: true) }
            previous = ids
            seen += ids.count
            for t in page.tickets where t.lastChange.map({ $0 > since }) ?? true { out.append(t.display(l)) }
            let total = page.recordCount.flatMap { (0...10_000_000).contains($0) ? $0 : nil }
            if page.tickets.count < Self.pageSize || total.map({ seen >= $0 }) == true {
                return TicketChanges(tickets: out, complete: true)
            }
        }
        return TicketChanges(tickets: out, complete: false)
    }

    /// `%Y-%m-%dT%H:%M:%S.%fZ` in UTC, as django-psa sends `lastupdatefromdate`.
    static func utc(_ d: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: d)
        func two(_ v: Int?) -> String { String(format: "%02d", v ?? 0) }
        return String(format: "%04d", c.year ?? 1970) + "-\(two(c.month))-\(two(c.day))T\(two(c.hour)):"
            + "\(two(c.minute)):\(two(c.second)).\(String(format: "%06d", (c.nanosecond ?? 0) / 1_000))Z"
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
            let names = l.agents.values.filter { $0.id > HaloPlaceholder.lastID }.map(\.name).filter { $0 != mine }
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

    /// The agent `--me` names, by e-mail among `/api/Agent` (an unknown e-mail is an error);
    /// without `--me`, the agent the application acts as (the token's `id_token`).
    public func whoAmI() async throws -> Person? {
        let l = try await labels()
        guard let me else {
            guard let who = try await actingAs() else { return nil }
            let a =
                l.agents.values.first { a in
                    who.email.map { a.email?.caseInsensitiveCompare($0) == .orderedSame } ?? false
                }
                ?? l.agents.values.first { $0.name == who.name }
            return Person(id: a?.id, name: a?.name ?? who.name, email: who.email ?? a?.email ?? "")
        }
        guard let a = l.agents.values.first(where: { $0.email?.caseInsensitiveCompare(me) == .orderedSame }) else {
            throw APIError(
                kind: .refused, status: nil, detail: "no HaloPSA agent has the e-mail \(me.sanitized.prefix(100))")
        }
        return Person(id: a.id, name: a.name, email: me)
    }
}

extension HaloSession {
    /// True when page `n` of `query` holds the ids of page `n - 1` just read (Halo's answer past
    /// the last page); remembers this page otherwise.
    func repeatsLastPage(query: String, n: Int, ids: [Int64]) -> Bool {
        defer { lastPage[query] = (n, ids) }
        guard n > 1, !ids.isEmpty, let last = lastPage[query], last.n == n - 1 else { return false }
        return last.ids == ids
    }

    func setLabels(_ l: HaloLabels, statuses: [Int64], priorities: [Int64]) {
        labels = l
        statusOrder = statuses
        priorityOrder = priorities
    }
}
