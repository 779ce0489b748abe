import Foundation

// HaloPSA's wire shapes, from its published OpenAPI document (`/api/Tickets`, `/api/Actions`,
// the lookups), decoded leniently: a field of the wrong type is nil, never a failed page.
// Halo writes "no date" as 1900-01-01: such a date is nil here.

/// `GET /api/Tickets?pageinate=true…`: `{"record_count": N, "tickets": […]}`. The server caps a
/// page at 100 rows whatever `page_size` asked for, so the count is never computed from it.
public struct HaloTicketPage: Sendable, Decodable {
    public var recordCount: Int?
    public var tickets: [HaloTicket]

    enum CodingKeys: String, CodingKey { case record_count, tickets }

    public init(recordCount: Int?, tickets: [HaloTicket]) {
        self.recordCount = recordCount
        self.tickets = tickets
    }

    public init(from decoder: any Decoder) throws {
        // An unpaged answer is a bare array.
        if let list = try? decoder.singleValueContainer().decode(LenientList<HaloTicket>.self) {
            recordCount = nil
            tickets = list.items
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // Another object (an error, a single ticket) is not an empty page.
        guard c.contains(.tickets) else {
            throw DecodingError.keyNotFound(
                CodingKeys.tickets, .init(codingPath: c.codingPath, debugDescription: "no tickets in the answer"))
        }
        recordCount = try c.lenientInt(.record_count)
        tickets = (try? c.decode(LenientList<HaloTicket>.self, forKey: .tickets))?.items ?? []
    }
}

/// A list whose unreadable elements are skipped rather than failing the whole answer.
public struct LenientList<T: Decodable>: Decodable {
    public var items: [T]
    public init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        var out: [T] = []
        while !c.isAtEnd {
            if let v = try? c.decode(T.self) { out.append(v) } else { _ = try? c.decode(Skip.self) }
        }
        items = out
    }
    private struct Skip: Decodable {}
}

/// One ticket (`Faults` in Halo's schema).
public struct HaloTicket: Sendable, Decodable, Equatable {
    public var id: Int64
    public var summary: String?
    public var details: String?
    public var statusID: Int64?
    public var priorityID: Int64?
    public var ticketTypeID: Int64?
    public var team: String?
    public var agentID: Int64?
    public var clientID: Int64?
    public var clientName: String?
    public var siteName: String?
    public var userName: String?
    public var slaID: Int64?
    public var slaResponseState: String?
    public var respondBy: Date?
    public var fixBy: Date?
    public var deadline: Date?
    public var responded: Date?
    public var occurred: Date?
    public var closed: Date?
    public var lastAction: Date?
    public var lastUpdate: Date?
    public var onHold: Bool?
    /// Hours of SLA time left (negative once breached), as Halo computes it.
    public var slaTimeLeft: Double?

    enum CodingKeys: String, CodingKey {
        case id, summary, details, status_id, priority_id, tickettype_id, team, agent_id, client_id, client_name
        case site_name, user_name, sla_id, slaresponsestate, respondbydate, fixbydate, deadlinedate, responsedate
        case dateoccurred, dateclosed, lastactiondate, last_update, lastupdate, onhold, slatimeleft
    }

    public init(id: Int64, summary: String? = nil, statusID: Int64? = nil, priorityID: Int64? = nil) {
        self.id = id
        self.summary = summary
        self.statusID = statusID
        self.priorityID = priorityID
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.requiredID(.id, of: "ticket")
        self.id = id
        summary = try c.lenientString(.summary)
        details = try c.lenientString(.details)
        statusID = try c.lenientInt64(.status_id)
        priorityID = try c.lenientInt64(.priority_id)
        ticketTypeID = try c.lenientInt64(.tickettype_id)
        team = try c.lenientString(.team)
        agentID = try c.lenientInt64(.agent_id)
        clientID = try c.lenientInt64(.client_id)
        clientName = try c.lenientString(.client_name)
        siteName = try c.lenientString(.site_name)
        userName = try c.lenientString(.user_name)
        slaID = try c.lenientInt64(.sla_id)
        slaResponseState = try c.lenientString(.slaresponsestate)
        respondBy = try Self.date(c, .respondbydate)
        fixBy = try Self.date(c, .fixbydate)
        deadline = try Self.date(c, .deadlinedate)
        responded = try Self.date(c, .responsedate)
        occurred = try Self.date(c, .dateoccurred)
        closed = try Self.date(c, .dateclosed)
        lastAction = try Self.date(c, .lastactiondate)
        // `last_update` in GET answers, `lastupdate` in POST answers (django-psa's ticket sync).
        lastUpdate = try Self.date(c, .last_update) ?? Self.date(c, .lastupdate)
        onHold = try? c.decodeIfPresent(Bool.self, forKey: .onhold)
        slaTimeLeft = try c.lenientDouble(.slatimeleft).flatMap { $0.isFinite ? $0 : nil }
    }

    /// A date, or nil for none and for Halo's "no date" (before 1901).
    static func date(_ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Date? {
        HaloDate.real(try c.lenientDate(key))
    }

    /// The deadlines Halo sets: respond by (met when it was responded to) and fix by (met when closed).
    public var sla: SLA? {
        var stages: [SLAStage] = []
        if let due = respondBy { stages.append(SLAStage(.firstResponse, due: due, met: responded)) }
        if let due = fixBy { stages.append(SLAStage(.resolved, due: due, met: closed)) }
        return SLA(stages: stages)
    }

    /// As psatop shows it, with the tenant's labels for its ids.
    public func display(_ labels: HaloLabels) -> Ticket {
        var fields: [Ticket.Field] = []
        func add(_ name: String, _ value: String?) {
            if let value, !value.isEmpty { fields.append(Ticket.Field(name, value)) }
        }
        add("Team", team)
        add("Site", siteName)
        add("User", userName)
        add("Ticket type", ticketTypeID.map { labels.ticketTypes[$0] ?? "#\($0)" })
        add("SLA", slaID.flatMap { $0 > 0 ? labels.slas[$0] ?? "#\($0)" : nil })
        add("SLA response", slaResponseState)
        add("SLA time left", sla == nil ? nil : slaTimeLeft.map { String(format: "%.1f h", $0) })
        add("On hold", onHold == true ? "yes" : nil)
        add("Deadline", deadline.map(VendorDate.format))
        let agent = assignedAgentID.map { labels.agents[$0]?.name ?? "#\($0)" } ?? ""
        return Ticket(
            id: id, number: String(id), title: summary ?? "",
            status: statusID.map { labels.statuses[$0] ?? "#\($0)" } ?? "",
            priority: priorityID.map { labels.priorities[$0] ?? "#\($0)" } ?? "",
            company: clientID.map { $0 <= HaloPlaceholder.lastID } == true ? "" : clientName ?? "",
            assignee: agent, created: occurred, lastActivity: lastChange,
            due: fixBy ?? deadline, description: details ?? "", fields: fields, sla: sla,
            assigneeID: assignedAgentID, assigneeEmail: assignedAgentID.flatMap { labels.agents[$0]?.email })
    }

    /// The agent the ticket is assigned to: nil for none (0) and for Halo's "Unassigned"
    /// placeholder agent (id 1).
    public var assignedAgentID: Int64? { agentID.flatMap { $0 > HaloPlaceholder.lastID ? $0 : nil } }

    /// The later of the last action and the last update: what "changed since" compares.
    public var lastChange: Date? {
        switch (lastAction, lastUpdate) {
        case (let a?, let u?): return max(a, u)
        case (let a, let u): return a ?? u
        }
    }
}

/// Halo's placeholders: agent id 1 is "Unassigned" and client id 1 the unassigned client
/// (django-psa `UNASSIGNED_AGENT_ID`, `UNASSIGNED_CLIENT_ID`); 0 is none.
public enum HaloPlaceholder {
    public static let lastID: Int64 = 1
}

public enum HaloDate {
    /// Halo's "no date" (1900-01-01…) is nil.
    public static func real(_ d: Date?) -> Date? {
        guard let d, d > Date(timeIntervalSince1970: -2_177_452_800) else { return nil }  // 1901-01-01
        return d
    }
}

/// The labels for a tenant's ids, from its lookup endpoints.
public struct HaloLabels: Sendable, Equatable {
    public var statuses: [Int64: String] = [:]
    public var priorities: [Int64: String] = [:]
    public var agents: [Int64: HaloAgent] = [:]
    public var teams: [Int64: String] = [:]
    public var ticketTypes: [Int64: String] = [:]
    public var slas: [Int64: String] = [:]
    public init() {}
}

/// One row of a lookup (`/api/Status`, `/api/Team`, `/api/TicketType`, `/api/SLA`, `/api/Client`):
/// an id and a name. `/api/Priority` names its id `priorityid` (its `id` is the row's).
public struct HaloLookup: Sendable, Decodable, Equatable {
    public var id: Int64
    public var name: String
    /// Position in the vendor's order, where it says.
    public var sequence: Int?
    /// `/api/Status`: 0 for a ticket status (other types are not tickets').
    public var type: Int?
    /// `/api/Priority`: a row hidden in the tenant.
    public var isHidden = false

    enum CodingKeys: String, CodingKey { case id, priorityid, name, sequence, type, ishidden }

    public init(id: Int64, name: String) {
        self.id = id
        self.name = name
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let id = try c.lenientInt64(.priorityid) ?? c.lenientInt64(.id) else {
            throw DecodingError.keyNotFound(
                CodingKeys.id, .init(codingPath: c.codingPath, debugDescription: "lookup without id"))
        }
        self.id = id
        name = String((try c.lenientString(.name) ?? "#\(id)").prefix(200))
        sequence = try c.lenientInt(.sequence)
        type = try c.lenientInt(.type)
        isHidden = (try? c.decodeIfPresent(Bool.self, forKey: .ishidden)) == true
    }

    /// A lookup answer: a bare array, or an object holding one (`{"record_count":…, "clients": […]}`).
    public static func list(_ data: Data) throws -> [HaloLookup] {
        try HaloList<HaloLookup>.decode(data)
    }

    /// `/api/Status` rows that are ticket statuses: `type` 0 (django-psa's status sync: the
    /// server's own type filter does not work). A row without a type is kept.
    public static func ticketStatuses(_ list: [HaloLookup]) -> [HaloLookup] {
        list.filter { ($0.type ?? 0) == 0 }
    }

    /// `/api/Priority` has a row per SLA with the same `priorityid`: one per id, the first shown
    /// row's name; hidden rows only name an id no shown row has.
    public static func priorities(_ list: [HaloLookup]) -> (shown: [HaloLookup], all: [HaloLookup]) {
        var seen = Set<Int64>()
        var shown: [HaloLookup] = []
        for p in list where !p.isHidden && seen.insert(p.id).inserted { shown.append(p) }
        var all = shown
        for p in list where seen.insert(p.id).inserted { all.append(p) }
        return (shown, all)
    }
}

/// An agent (`/api/Agent`): its id, name and e-mail.
public struct HaloAgent: Sendable, Decodable, Equatable {
    public var id: Int64
    public var name: String
    public var email: String?

    enum CodingKeys: String, CodingKey { case id, name, email }

    public init(id: Int64, name: String, email: String? = nil) {
        self.id = id
        self.name = name
        self.email = email
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.requiredID(.id, of: "agent")
        self.id = id
        name = String((try c.lenientString(.name) ?? "#\(id)").prefix(200))
        email = try c.lenientString(.email).map { String($0.prefix(320)) }
    }
}

/// Halo's list answers: a bare array, or an object with one array in it (`tickets`, `actions`,
/// `clients`…) beside `record_count`.
public enum HaloList<T: Decodable> {
    public static func decode(_ data: Data) throws -> [T] {
        if let list = try? JSONDecoder().decode(LenientList<T>.self, from: data) { return list.items }
        guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "neither a list nor an object holding one"))
        }
        guard let (_, value) = obj.sorted(by: { $0.key < $1.key }).first(where: { $0.value is [Any] }) else {
            return []
        }
        let inner = try JSONSerialization.data(withJSONObject: value)
        return try JSONDecoder().decode(LenientList<T>.self, from: inner).items
    }
}

/// One action of a ticket (`/api/Actions?ticket_id=…`): a note, an e-mail, or the system's record.
public struct HaloAction: Sendable, Decodable, Equatable {
    public var id: Int64?
    public var ticketID: Int64?
    public var outcome: String?
    public var who: String?
    public var whoType: Int?
    public var date: Date?
    public var note: String?
    public var hiddenFromUser: Bool?

    enum CodingKeys: String, CodingKey {
        case id, ticket_id, outcome, who, who_type, datetime, note, note_html, hiddenfromuser
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.lenientInt64(.id)
        ticketID = try c.lenientInt64(.ticket_id)
        outcome = try c.lenientString(.outcome)
        who = try c.lenientString(.who)
        whoType = try c.lenientInt(.who_type)
        date = HaloDate.real(try c.lenientDate(.datetime))
        note = try c.lenientString(.note) ?? c.lenientString(.note_html)
        hiddenFromUser = try? c.decodeIfPresent(Bool.self, forKey: .hiddenfromuser)
    }

    /// A guess at a system action (no one named, or `who_type` 0): no public source confirms what
    /// `who_type` means, so this is only used when the server's own split (`excludesys`) is not to be had.
    public var looksSystem: Bool { whoType == 0 || (who ?? "").trimmingCharacters(in: .whitespaces).isEmpty }

    /// As shown when only the guess is to be had ("system?").
    public var display: TicketComment { display(system: looksSystem, confirmed: false) }

    /// As the detail shows it; `system` from the server's `excludesys` split (folded in the detail).
    /// A guessed system action (`confirmed` false) without an author says "system?".
    public func display(system: Bool, confirmed: Bool = true) -> TicketComment {
        let named = who?.isEmpty == false ? who : nil
        let author = named ?? (system ? (confirmed ? "system" : "system?") : "unknown")
        return TicketComment(
            date: date, author: author, text: note ?? "", isInternal: hiddenFromUser ?? false,
            kind: outcome, isSystem: system)
    }
}

/// The limit a 429 names: "Rate Limit Reached - 300 Requests per rolling 5 minute window".
public enum HaloRateLimit {
    public static func parse(_ text: String) -> (limit: Int, windowSeconds: Int)? {
        let words = text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        guard let i = words.firstIndex(of: "requests"), i > 0, let limit = Int(words[i - 1]), limit > 0,
            limit < 1_000_000
        else { return nil }
        let rest = words[(i + 1)...]
        guard let m = rest.firstIndex(where: { $0 == "minute" || $0 == "minutes" }), m > rest.startIndex,
            let minutes = Int(words[m - 1]), (1...1_440).contains(minutes)
        else { return (limit, 300) }
        return (limit, minutes * 60)
    }
}
