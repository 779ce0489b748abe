import Foundation
import PSACore

/// ConnectWise's tickets: forward-only pages following `Link`, conditions, counts, the notes,
/// statuses per board, JSON Patch updates of only the field changed.
extension ConnectWiseAPI {
    /// The fields a list row needs (as `IncludeFields` on Autotask).
    static let listFields =
        "id,summary,board,status,priority,owner,company,closedFlag,slaStatus,isInSla,dateEntered,"
        + "respondMinutes,resPlanMinutes,resolveMinutes,severity,impact,_info/lastUpdated"

    /// The default list: open tickets.
    static let openTickets = "closedFlag = false"

    /// The priorities and members (once per session); statuses are read per board when needed.
    public func prepare() async throws {
        _ = try await priorities()
        _ = try await members()
    }

    func list<T: Decodable>(_ path: String, _ type: T.Type, purpose: String) async throws -> [T] {
        let sep = path.contains("?") ? "&" : "?"
        return try (try await get(path + sep + "pageSize=\(Self.maxPageSize)", purpose: purpose)).decode(
            LenientList<T>.self
        ).items
    }

    func priorities() async throws -> [CWNamed] {
        if let p = await session.priorities { return p }
        let p = try await list("service/priorities", CWNamed.self, purpose: "lookups")
        let ordered = p.enumerated().sorted {
            ($0.element.sortOrder ?? Int.max, $0.offset) < ($1.element.sortOrder ?? Int.max, $1.offset)
        }.map(\.element)
        await session.setPriorities(ordered)
        return ordered
    }

    func members() async throws -> [CWMember] {
        if let m = await session.members { return m }
        let m = try await list("system/members", CWMember.self, purpose: "lookups").filter { $0.inactiveFlag != true }
        await session.setMembers(m)
        return m
    }

    func boards() async throws -> [CWNamed] {
        if let b = await session.boards { return b }
        let b = try await list("service/boards", CWNamed.self, purpose: "lookups")
        await session.setBoards(b)
        return b
    }

    /// A board's statuses as listed (`/service/boards/{id}/statuses`).
    func statuses(board: Int64) async throws -> [CWBoardStatus] {
        if let s = await session.statuses[board] { return s }
        let s = try await list("service/boards/\(board)/statuses", CWBoardStatus.self, purpose: "lookups")
        await session.setStatuses(s, board: board)
        return s
    }

    // MARK: Pages

    public func page(after cursor: PageCursor?) async throws -> TicketPage {
        try await page(after: cursor, conditions: Self.openTickets)
    }

    public func page(after cursor: PageCursor?, status: String) async throws -> TicketPage {
        try await page(after: cursor, filter: ServerFilter(status: status))
    }

    public func page(after cursor: PageCursor?, filter: ServerFilter) async throws -> TicketPage {
        try await page(after: cursor, conditions: try await conditions(for: filter))
    }

    /// The conditions of a filter: `status/name`, `board/name` (a queue is a board), `company/name`
    /// (or `company/id` for `#id`), `owner/id`; open tickets unless a status is named.
    func conditions(for filter: ServerFilter) async throws -> String {
        var parts: [String?] = [filter.status == nil ? Self.openTickets : nil]
        if let s = filter.status { parts.append("status/name = \(CWQuery.string(s))") }
        if let b = filter.queue {
            let known = try await boards()
            let id = try Self.id(b, in: known.map { ($0.id, $0.name) }, what: "board")
            parts.append("board/id = \(id)")
        }
        if let c = filter.company {
            if let n = Int64(c.hasPrefix("#") ? String(c.dropFirst()) : c), n > 0 {
                parts.append("company/id = \(n)")
            } else {
                parts.append("company/name = \(CWQuery.string(c))")
            }
        }
        if let a = filter.assignee {
            if a.lowercased() == "me" {
                guard let me = try await whoAmI(), let id = me.id else {
                    throw APIError(
                        kind: .refused, status: nil,
                        detail: "assignee:me needs your ConnectWise e-mail: --me (or me = \"…\" in the profile)")
                }
                parts.append("owner/id = \(id)")
            } else {
                let known = try await members().map { ($0.id, $0.name) }
                parts.append("owner/id = \(try Self.id(a, in: known, what: "member"))")
            }
        }
        return CWQuery.all(parts)
    }

    static func id(_ text: String, in known: [(Int64, String)], what: String) throws -> Int64 {
        if let n = Int64(text.hasPrefix("#") ? String(text.dropFirst()) : text), n > 0 { return n }
        return try NameMatch.find(text, in: known, what: what, whereKnown: "in this ConnectWise company")
    }

    /// One forward-only page. The first asks `/service/tickets` (or, past ~2,000 characters,
    /// `POST /service/tickets/search` with the conditions in the body) and the count; the next
    /// is the `Link` the server gave, followed exactly as given (rebuilding it once lost the
    /// conditions), the search's body sent again with it.
    func page(after cursor: PageCursor?, conditions: String, fields: String = listFields) async throws -> TicketPage {
        let query = "conditions=\(CWQuery.encode(conditions))&fields=\(CWQuery.encode(fields))"
        let search = query.count + 80 > Self.maxURLLength
        let body =
            search
            ? try JSONSerialization.data(
                withJSONObject: ["conditions": conditions, "fields": fields], options: [.sortedKeys]) : nil
        let r: HTTPResult
        var total: Int? = nil
        if case .link(let next)? = cursor {
            r = try await send(
                search ? "POST" : "GET", "", body: body, forwardOnly: true, idempotent: true, purpose: "tickets",
                absolute: next)
        } else {
            if search {
                r = try await send(
                    "POST", "service/tickets/search?pageSize=\(Self.pageSize)", body: body, forwardOnly: true,
                    idempotent: true, purpose: "tickets")
            } else {
                r = try await send(
                    "GET", "service/tickets?pageSize=\(Self.pageSize)&\(query)", forwardOnly: true, idempotent: true,
                    purpose: "tickets")
                // The count only where the conditions fit a URL (the search has no count form).
                total = try?
                    (try await get(
                        "service/tickets/count?conditions=\(CWQuery.encode(conditions))", purpose: "count")).decode(
                        CWCount.self
                    ).count
            }
        }
        let rows = try r.decode(LenientList<CWTicket>.self).items
        let next = Self.nextLink(r.header("Link"))
        return TicketPage(
            tickets: rows.map { $0.display() }, total: total, next: rows.isEmpty ? nil : next.map { .link($0) })
    }

    /// The `rel="next"` address of an RFC 5988 `Link` header, exactly as written.
    public static func nextLink(_ header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ",") {
            let p = part.trimmingCharacters(in: .whitespaces)
            guard p.hasPrefix("<"), let end = p.firstIndex(of: ">") else { continue }
            let params = p[p.index(after: end)...].lowercased().replacingOccurrences(of: " ", with: "")
            if params.contains("rel=\"next\"") || params.contains("rel=next") {
                return String(p[p.index(after: p.startIndex)..<end])
            }
        }
        return nil
    }

    /// One ticket in full.
    public func ticket(id: Int64) async throws -> Ticket {
        try (try await get("service/tickets/\(id)", purpose: "detail")).decode(CWTicket.self).display()
    }

    /// Tickets updated after `since` (`lastUpdated > [since]`, the `_info.lastUpdated` of each),
    /// forward-only to the end within `maxChangePages` pages of 1,000; more is an incomplete read.
    public func changes(since: Date) async throws -> TicketChanges {
        let conditions = "lastUpdated > \(CWQuery.date(since))"
        let query = "conditions=\(CWQuery.encode(conditions))&fields=\(CWQuery.encode(Self.listFields))"
        var out: [Ticket] = []
        var r = try await send(
            "GET", "service/tickets?pageSize=\(Self.maxPageSize)&\(query)", forwardOnly: true, idempotent: true,
            purpose: "changes")
        for n in 1...Self.maxChangePages {
            let rows = try r.decode(LenientList<CWTicket>.self).items
            out += rows.filter { $0.lastUpdated.map { $0 > since } ?? true }.map { $0.display() }
            guard !rows.isEmpty, let next = Self.nextLink(r.header("Link")) else {
                return TicketChanges(tickets: out, complete: true)
            }
            if n == Self.maxChangePages { break }
            r = try await send("GET", "", forwardOnly: true, idempotent: true, purpose: "changes", absolute: next)
        }
        return TicketChanges(tickets: out, complete: false)
    }

    // MARK: Notes

    /// The ticket's notes, oldest first.
    public func ticketComments(id: Int64) async throws -> [TicketComment] {
        let notes = try await list("service/tickets/\(id)/notes?orderBy=id%20asc", CWNote.self, purpose: "notes")
        return notes.map(\.display)
    }

    /// `POST /service/tickets/{id}/notes`: internal analysis by default; the discussion (the
    /// detail description, which the customer sees) only when the person chose it. Sent once.
    public func addNote(ticketID: Int64, text: String, visibility: Visibility) async throws {
        let body: [String: Any] = [
            "text": text, "internalAnalysisFlag": visibility == .internal,
            "detailDescriptionFlag": visibility == .customers, "resolutionFlag": false,
        ]
        _ = try await send(
            "POST", "service/tickets/\(ticketID)/notes",
            body: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), idempotent: false,
            purpose: "note")
    }

    // MARK: Changes

    /// Statuses: every board's active ones by name, in their boards' order (for several tickets at
    /// once; one ticket's picker offers its own board's: below); priorities in `sortOrder`;
    /// members by name, you first.
    public func choices(for field: EditableField) async throws -> [String] {
        switch field {
        case .status:
            var names: [String] = []
            for b in try await boards() {
                for s in CWBoardStatus.offered(try await statuses(board: b.id)) where !names.contains(s.name) {
                    names.append(s.name)
                }
            }
            return names
        case .priority: return try await priorities().map(\.name)
        case .assignee:
            let mine = try await whoAmI()?.name
            let names = try await members().map(\.name).filter { $0 != mine }
            return (mine.map { [$0] } ?? [])
                + names.sorted { $0.localizedCaseInsensitiveCompare($1) == .orderedAscending }
        }
    }

    /// One ticket's statuses are its own board's (`/service/boards/{id}/statuses`): active ones
    /// only, in `sortOrder`; a status of another board would be refused. Other fields as above.
    public func choices(for field: EditableField, ticketID: Int64) async throws -> [String] {
        guard field == .status else { return try await choices(for: field) }
        return CWBoardStatus.offered(try await statuses(board: try await board(of: ticketID))).map(\.name)
    }

    /// The board a ticket is on (one small read), refused when it names none.
    func board(of ticketID: Int64) async throws -> Int64 {
        let t = try (try await get("service/tickets/\(ticketID)?fields=id,board,status", purpose: "board"))
            .decode(CWTicket.self)
        guard let board = t.board?.id else {
            throw APIError(kind: .refused, status: nil, detail: "ticket \(ticketID) names no board: nothing sent")
        }
        return board
    }

    /// `PATCH /service/tickets/{id}` with one JSON Patch operation, for the field changed only:
    /// a status is looked up among the ticket's own board's statuses (an id of another board is
    /// refused by the server). Not retried.
    public func change(ticketID: Int64, _ field: EditableField, to label: String) async throws {
        let path: String
        let id: Int64
        switch field {
        case .status:
            let t = try (try await get("service/tickets/\(ticketID)?fields=id,board,status", purpose: "board"))
                .decode(CWTicket.self)
            guard let board = t.board?.id else {
                throw APIError(kind: .refused, status: nil, detail: "ticket \(ticketID) names no board: nothing sent")
            }
            let known = CWBoardStatus.offered(try await statuses(board: board)).map { ($0.id, $0.name) }
            (path, id) = (
                "status",
                try NameMatch.find(
                    label, in: known, what: "status", whereKnown: "on board \(t.board?.name ?? "#\(board)")")
            )
        case .priority:
            (path, id) = (
                "priority", try Self.id(label, in: try await priorities().map { ($0.id, $0.name) }, what: "priority")
            )
        case .assignee:
            (path, id) = ("owner", try Self.id(label, in: try await members().map { ($0.id, $0.name) }, what: "member"))
        }
        let ops: [[String: Any]] = [["op": "replace", "path": path, "value": ["id": id]]]
        _ = try await send(
            "PATCH", "service/tickets/\(ticketID)",
            body: try JSONSerialization.data(withJSONObject: ops, options: [.sortedKeys]), idempotent: false,
            purpose: "update")
    }

    /// The member `--me` names, by e-mail among `/system/members`; nil when no one was named.
    public func whoAmI() async throws -> Person? {
        guard let me else { return nil }
        guard let m = try await members().first(where: { $0.officeEmail?.caseInsensitiveCompare(me) == .orderedSame })
        else {
            throw APIError(
                kind: .refused, status: nil, detail: "no ConnectWise member has the e-mail \(me.sanitized.prefix(100))")
        }
        return Person(id: m.id, name: m.name, email: me)
    }

}
