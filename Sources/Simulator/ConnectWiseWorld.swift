import Foundation
import PSACore

/// One ConnectWise PSA (Manage) company as the twin holds it, written from the published REST 3.0
/// shapes (pyconnectwise 0.6.1.2's models, generated from ConnectWise's spec; apis.md), not from
/// psatop's decoders: boards with their own statuses, priorities, members, companies, tickets
/// and their notes, and the capacity the API never publishes (`cwLimit` a simulated minute,
/// answered with Manage's JSON 429; a burst past `cwEdgeLimit` in 10 simulated seconds is
/// answered by the edge in front of it with an HTML page, as Cloudflare does).
actor ConnectWiseWorld {
    let name: String
    let config: SimulatorConfig
    let clock: PSAClock
    private(set) var tickets: [CWSimTicket] = []
    private(set) var notes: [Int64: [CWSimNote]] = [:]
    /// Notes added through the API come after every ticket's description (ids grow with time).
    private var nextNote: Int64 = 1_000_000
    private var times: [Double] = []
    private(set) var stats = CWStats()

    struct CWStats: Codable, Sendable {
        var requests: [String: Int] = [:]
        var throttled429 = 0
        var edge429 = 0
        var unauthorized = 0
        var pagesServed = 0
        var forwardOnlyPages = 0
        var searches = 0
        var ticketsPatched = 0
        var notesAdded = 0
        var peakMinute = 0
    }

    struct Board: Sendable {
        let id: Int64
        let name: String
        /// (id, name, sortOrder, inactive, closedStatus)
        let statuses: [(id: Int64, name: String, sort: Int, inactive: Bool, closed: Bool)]
    }

    /// Two boards, each with its own statuses (an id belongs to one board only), an inactive one
    /// kept for old tickets, and a sort order that is not the id order.
    static let boards: [Board] = [
        Board(
            id: 1, name: "Help Desk",
            statuses: [
                (16, "New", 0, false, false), (17, "In Progress", 2, false, false),
                (18, "Waiting Customer", 3, false, false), (19, "Escalated", 1, false, false),
                (20, "Old Queue (retired)", 4, true, false), (21, "Completed", 5, false, true),
            ]),
        Board(
            id: 2, name: "Projects",
            statuses: [
                (31, "New", 0, false, false), (32, "Scheduled", 1, false, false),
                (33, "Closed", 2, false, true),
            ]),
    ]
    static let priorities: [(id: Int64, name: String, sort: Int)] = [
        (1, "Priority 1 - Emergency Response", 2), (2, "Priority 2 - Quick Response", 4),
        (4, "Priority 3 - Normal Response", 6), (3, "Priority 4 - Schedule Maintenance", 8),
    ]
    /// Members: the people, then the API member the keys belong to.
    static let members: [(id: Int64, identifier: String, first: String, last: String, email: String)] = {
        var out: [(id: Int64, identifier: String, first: String, last: String, email: String)] = []
        for (i, p) in SimData.people.enumerated() {
            let identifier = String((String(p.0.prefix(1)) + p.1).lowercased().filter { $0.isLetter })
            out.append((Int64(100 + i), identifier, p.0, p.1, "\(p.0.lowercased())@msp.example"))
        }
        out.append((199, "apimember", "API", "Member", "api@msp.example"))
        return out
    }()
    static let firstCompanyID: Int64 = 250

    init(name: String, config: SimulatorConfig, clock: PSAClock) {
        self.name = name
        self.config = config
        self.clock = clock
        var rng = SeededGenerator(seed: config.seed &+ 0xC3_0031)
        let now = clock.wall()
        tickets = (0..<config.tickets).map { i in CWSimTicket.make(id: Int64(1_001 + i), now: now, using: &rng) }
    }

    var simSeconds: Double { clock.now().seconds * config.timeScale }

    /// What admitting a request says: on, over Manage's minute, or over the edge's burst.
    enum Admission: Sendable { case ok, manage, edge }

    /// Counts a request against the minute and the edge's 10-second burst.
    func admit(_ endpoint: String) -> Admission {
        stats.requests[endpoint, default: 0] += 1
        let now = simSeconds
        times.removeAll { $0 <= now - 60 }
        let burst = times.filter { $0 > now - 10 }.count
        if burst >= config.cwEdgeLimit {
            stats.edge429 += 1
            return .edge
        }
        guard times.count < config.cwLimit else {
            stats.throttled429 += 1
            return .manage
        }
        times.append(now)
        stats.peakMinute = max(stats.peakMinute, times.count)
        return .ok
    }

    /// Seconds until the oldest request leaves the minute (at least 1), in real seconds.
    func retryAfter() -> Int {
        let now = simSeconds
        let oldest = times.first ?? now
        return max(1, Int(((oldest + 60 - now) / max(config.timeScale, 0.001)).rounded(.up)))
    }

    func refused() { stats.unauthorized += 1 }
    func servedPage(forwardOnly: Bool) {
        stats.pagesServed += 1
        if forwardOnly { stats.forwardOnlyPages += 1 }
    }
    func searched() { stats.searches += 1 }

    func ticket(_ id: Int64) -> CWSimTicket? { tickets.first { $0.id == id } }

    /// `PATCH /service/tickets/{id}`: a JSON Patch array; `replace` (or `add`) of `status`,
    /// `priority`, `owner`, `summary`, or their `…/id`. A status must be one of the ticket's
    /// board's; nothing is applied when one operation is refused.
    func patch(_ id: Int64, _ ops: [[String: Any]]) -> Result<CWSimTicket, CWRefusal> {
        guard let i = tickets.firstIndex(where: { $0.id == id }) else {
            return .failure(CWRefusal(404, "NotFound", "Ticket Id \(id) was not found."))
        }
        var t = tickets[i]
        for op in ops {
            guard let kind = op["op"] as? String, ["replace", "add"].contains(kind.lowercased()),
                var path = op["path"] as? String
            else {
                return .failure(CWRefusal(400, "InvalidObject", "Only replace operations with a path are supported."))
            }
            if path.hasPrefix("/") { path.removeFirst() }
            var value = op["value"]
            let parts = path.lowercased().split(separator: "/").map(String.init)
            if parts.count == 2, parts[1] == "id" { value = ["id": value as Any] }
            func refIDValue() -> Int64? {
                ((value as? [String: Any])?["id"] as? NSNumber)?.int64Value
            }
            switch parts.first ?? "" {
            case "status":
                guard let sid = refIDValue(),
                    let board = Self.boards.first(where: { $0.id == t.boardID }),
                    board.statuses.contains(where: { $0.id == sid })
                else {
                    return .failure(
                        CWRefusal(
                            400, "InvalidObject", "Status must belong to the ticket's board.", field: "status"))
                }
                t.statusID = sid
            case "priority":
                guard let pid = refIDValue(), Self.priorities.contains(where: { $0.id == pid }) else {
                    return .failure(CWRefusal(400, "InvalidObject", "Priority not found.", field: "priority"))
                }
                t.priorityID = pid
            case "owner":
                if value is NSNull {
                    t.ownerID = nil
                } else {
                    guard let mid = refIDValue(), Self.members.contains(where: { $0.id == mid }) else {
                        return .failure(CWRefusal(400, "InvalidObject", "Member not found.", field: "owner"))
                    }
                    t.ownerID = mid
                }
            case "summary":
                guard let s = value as? String, !s.isEmpty, s.count <= 100 else {
                    return .failure(
                        CWRefusal(400, "InvalidObject", "Summary must be 1-100 characters.", field: "summary"))
                }
                t.summary = s
            default:
                return .failure(CWRefusal(400, "InvalidObject", "The path '\(path)' cannot be patched here."))
            }
        }
        t.lastUpdated = clock.wall()
        tickets[i] = t
        stats.ticketsPatched += 1
        return .success(t)
    }

    /// The ticket's notes: its description first (`detailDescriptionFlag`), then those added.
    func notes(ticket id: Int64) -> [CWSimNote] {
        guard let t = ticket(id) else { return [] }
        let first = CWSimNote(
            id: id, ticketID: id, text: t.description, detail: true, analysis: false, resolution: false,
            memberID: nil, created: t.entered)
        return [first] + (notes[id] ?? [])
    }

    /// `POST /service/tickets/{id}/notes`: text and at least one of the three flags.
    func addNote(ticket id: Int64, _ obj: [String: Any]) -> Result<CWSimNote, CWRefusal> {
        guard let i = tickets.firstIndex(where: { $0.id == id }) else {
            return .failure(CWRefusal(404, "NotFound", "Ticket Id \(id) was not found."))
        }
        guard let text = obj["text"] as? String, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            return .failure(CWRefusal(400, "InvalidObject", "text may not be empty.", field: "text"))
        }
        let detail = obj["detailDescriptionFlag"] as? Bool ?? false
        let internalFlag = obj["internalAnalysisFlag"] as? Bool ?? false
        let resolution = obj["resolutionFlag"] as? Bool ?? false
        guard detail || internalFlag || resolution else {
            return .failure(
                CWRefusal(
                    400, "InvalidObject",
                    "At least one of detailDescriptionFlag, internalAnalysisFlag or resolutionFlag must be true.",
                    field: "detailDescriptionFlag"))
        }
        let n = CWSimNote(
            id: nextNote, ticketID: id, text: text, detail: detail, analysis: internalFlag, resolution: resolution,
            memberID: 199, created: clock.wall())
        nextNote += 1
        notes[id, default: []].append(n)
        tickets[i].lastUpdated = clock.wall()
        stats.notesAdded += 1
        return .success(n)
    }
}

struct CWRefusal: Error, Sendable {
    let status: Int
    let code: String
    let message: String
    let field: String?
    init(_ status: Int, _ code: String, _ message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    /// Manage's error body: `code`, `message`, and `errors` naming the field.
    var json: [String: Any] {
        [
            "code": code, "message": message,
            "errors": field.map { f -> Any in [["code": code, "message": message, "resource": "ticket", "field": f]] }
                ?? NSNull(),
        ]
    }
}

/// A ticket as the twin keeps it.
struct CWSimTicket: Sendable {
    var id: Int64
    var summary: String
    var description = ""
    var boardID: Int64
    var statusID: Int64
    var priorityID: Int64
    var ownerID: Int64?
    var companyID: Int64
    var entered: Date
    var lastUpdated: Date
    var respondMinutes = 0
    var resolveMinutes = 0

    static func make(id: Int64, now: Date, using rng: inout SeededGenerator) -> CWSimTicket {
        let problem = SimData.problems[Int(rng.next() % UInt64(SimData.problems.count))]
        let entered = now.addingTimeInterval(-Double(rng.next() % 2_000_000) - 3_600)
        let board = ConnectWiseWorld.boards[rng.next() % 4 == 0 ? 1 : 0]
        // Open ones (as the other twins' tickets are): a closed status comes only from a change.
        let open = board.statuses.filter { !$0.closed }
        let status = open[Int(rng.next() % UInt64(open.count))]
        let priority = ConnectWiseWorld.priorities[Int(rng.next() % 4)]
        var t = CWSimTicket(
            id: id, summary: String(problem.prefix(100)), boardID: board.id, statusID: status.id,
            priorityID: priority.id,
            companyID: ConnectWiseWorld.firstCompanyID
                + Int64(rng.next() % UInt64(SimData.companyNames.count)), entered: entered, lastUpdated: entered)
        t.description = "\(problem). Reported by e-mail."
        let members = ConnectWiseWorld.members.dropLast()
        t.ownerID = rng.next() % 5 == 0 ? nil : members[members.startIndex + Int(rng.next() % UInt64(members.count))].id
        // Never in the future nor in the last hour: "changed since" a moment ago finds nothing.
        t.lastUpdated = max(
            entered, min(now.addingTimeInterval(-3_600), entered.addingTimeInterval(Double(rng.next() % 90_000))))
        t.respondMinutes = Int(rng.next() % 240)
        t.resolveMinutes = Int(rng.next() % 2_000)
        return t
    }

    /// `2026-11-20T09:14:00Z`, as ConnectWise writes dates.
    static func date(_ d: Date) -> String { String(VendorDate.format(d).dropLast(5)) + "Z" }

    var closed: Bool {
        ConnectWiseWorld.boards.first { $0.id == boardID }?.statuses.first { $0.id == statusID }?.closed ?? false
    }

    /// The ticket as `GET /service/tickets` has it (pyconnectwise's `Ticket`: references as
    /// `{id, name, _info}`, `_info` of strings only).
    func json(now: Date, base: String) -> [String: Any] {
        let board = ConnectWiseWorld.boards.first { $0.id == boardID }
        let status = board?.statuses.first { $0.id == statusID }
        let priority = ConnectWiseWorld.priorities.first { $0.id == priorityID }
        let company = SimData.companyNames[
            Int(companyID - ConnectWiseWorld.firstCompanyID) % SimData.companyNames.count]
        let owner = ownerID.flatMap { o in ConnectWiseWorld.members.first { $0.id == o } }
        let slaMinutes = [1: 60, 2: 240, 4: 480, 3: 2_880][Int(priorityID)] ?? 480
        let inSla = closed || now.timeIntervalSince(entered) / 60 < Double(slaMinutes)
        var o: [String: Any] = [
            "id": id, "summary": summary, "recordType": "ServiceTicket",
            "board": [
                "id": boardID, "name": board?.name ?? "", "_info": ["board_href": "\(base)/service/boards/\(boardID)"],
            ] as [String: Any],
            "status": ["id": statusID, "name": status?.name ?? "", "Sort": status?.sort ?? 0] as [String: Any],
            "priority": ["id": priorityID, "name": priority?.name ?? "", "sort": priority?.sort ?? 0] as [String: Any],
            "company": [
                "id": companyID, "identifier": String(company.filter { $0.isLetter }.prefix(12)), "name": company,
            ] as [String: Any],
            "severity": "Medium", "impact": "Medium", "closedFlag": closed, "isInSla": inSla,
            "slaStatus": closed ? "Resolved" : (inSla ? "Respond by" : "Waiting"),
            "respondMinutes": respondMinutes, "resolveMinutes": resolveMinutes, "resPlanMinutes": 0,
            "dateEntered": Self.date(entered), "enteredBy": "email",
            "resources": owner?.identifier ?? "",
            "_info": [
                "lastUpdated": Self.date(lastUpdated), "updatedBy": "apimember", "dateEntered": Self.date(entered),
                "enteredBy": "email", "notes_href": "\(base)/service/tickets/\(id)/notes",
            ],
        ]
        if let owner {
            o["owner"] =
                ["id": owner.id, "identifier": owner.identifier, "name": "\(owner.first) \(owner.last)"]
                as [String: Any]
        }
        return o
    }
}

/// A note as the twin keeps it.
struct CWSimNote: Sendable {
    var id: Int64
    var ticketID: Int64
    var text: String
    var detail: Bool
    var analysis: Bool
    var resolution: Bool
    var memberID: Int64?
    var created: Date

    var json: [String: Any] {
        var o: [String: Any] = [
            "id": id, "ticketId": ticketID, "text": text, "detailDescriptionFlag": detail,
            "internalAnalysisFlag": analysis, "resolutionFlag": resolution, "issueFlag": false,
            "dateCreated": CWSimTicket.date(created), "createdBy": memberID == nil ? "email" : "apimember",
            "internalFlag": analysis, "externalFlag": detail || resolution,
            "_info": ["lastUpdated": CWSimTicket.date(created), "updatedBy": "apimember"],
        ]
        if let m = memberID.flatMap({ id in ConnectWiseWorld.members.first { $0.id == id } }) {
            o["member"] = ["id": m.id, "identifier": m.identifier, "name": "\(m.first) \(m.last)"] as [String: Any]
        }
        return o
    }
}
