import Foundation
import PSACore

/// One HaloPSA tenant as the twin holds it, written from Halo's published OpenAPI document
/// (not from psatop's decoders): tickets (`Faults`), actions, the lookups, the tokens issued,
/// and the rolling 5-minute window (`haloLimit` requests per 300 simulated seconds).
actor HaloWorld {
    let name: String
    let config: SimulatorConfig
    let clock: PSAClock
    let startWall: Date
    private(set) var tickets: [HaloSimTicket] = []
    private(set) var actions: [Int64: [HaloSimAction]] = [:]
    private var nextAction: Int64 = 1
    private var tokens: Set<String> = []
    private var window = RollingWindow()
    private(set) var stats = HaloStats()

    struct HaloStats: Codable, Sendable {
        var requests: [String: Int] = [:]
        var throttled429 = 0
        var tokensIssued = 0
        var tokensRefused = 0
        var pagesServed = 0
        var ticketsCreated = 0
        var ticketsUpdated = 0
        var notesAdded = 0
        var peakWindow = 0
    }

    static let statuses: [(Int64, String)] = [
        (1, "New"), (2, "In Progress"), (3, "Waiting on Customer"), (4, "Resolved"), (9, "Closed"),
    ]
    static let priorities: [(Int64, String)] = [(1, "Critical"), (2, "High"), (3, "Medium"), (4, "Low")]
    static let teams: [(Int64, String)] = [(1, "1st Line Support"), (2, "2nd Line Support"), (3, "Projects")]
    static let agents: [(Int64, String, String)] =
        [(1, "Unassigned", "")]
        + SimData.people.enumerated().map { i, p in (Int64(i + 2), "\(p.0) \(p.1)", "\(p.0.lowercased())@msp.example") }

    init(name: String, config: SimulatorConfig, clock: PSAClock) {
        self.name = name
        self.config = config
        self.clock = clock
        self.startWall = clock.wall()
        var rng = SeededGenerator(seed: config.seed &+ 0x4A10)
        tickets = (0..<config.tickets).map { i in HaloSimTicket.make(id: Int64(i + 1), now: clock.wall(), using: &rng) }
    }

    var simSeconds: Double { clock.now().seconds * config.timeScale }

    /// Counts a request; false when the rolling window is full (a 429 is due).
    func admit(_ endpoint: String) -> Bool {
        stats.requests[endpoint, default: 0] += 1
        let now = simSeconds
        guard window.slide(to: now, seconds: 300) < config.haloLimit else {
            stats.throttled429 += 1
            return false
        }
        window.add(now)
        stats.peakWindow = max(stats.peakWindow, window.count)
        return true
    }

    func issueToken() -> String {
        stats.tokensIssued += 1
        let t = "halo-sim.\(name).\(stats.tokensIssued).\(UInt32.random(in: 0...UInt32.max))"
        tokens.insert(t)
        return t
    }

    func refusedToken() { stats.tokensRefused += 1 }
    func knows(_ token: String) -> Bool { tokens.contains(token) }
    func servedPage() { stats.pagesServed += 1 }

    func ticket(_ id: Int64) -> HaloSimTicket? { tickets.first { $0.id == id } }

    /// `POST /api/Tickets`: each object updates the ticket with its id, or creates one when the
    /// id is missing or 0 (the upsert psatop must never trigger by accident).
    func upsert(_ objects: [[String: Any]]) -> Result<[HaloSimTicket], HaloRefusal> {
        var out: [HaloSimTicket] = []
        for obj in objects {
            let id = (obj["id"] as? NSNumber)?.int64Value ?? (obj["id"] as? String).flatMap { Int64($0) } ?? 0
            var t: HaloSimTicket
            var index: Int? = nil
            if id > 0 {
                guard let i = tickets.firstIndex(where: { $0.id == id }) else {
                    return .failure(HaloRefusal("Ticket \(id) not found"))
                }
                index = i
                t = tickets[i]
            } else {
                t = HaloSimTicket(
                    id: (tickets.map(\.id).max() ?? 0) + 1, summary: "", statusID: 1, priorityID: 4,
                    occurred: clock.wall())
            }
            if let v = obj["summary"] as? String { t.summary = v }
            if let v = obj["details"] as? String { t.details = v }
            if let v = (obj["status_id"] as? NSNumber)?.int64Value {
                guard Self.statuses.contains(where: { $0.0 == v }) else {
                    return .failure(HaloRefusal("Invalid status_id \(v)"))
                }
                t.statusID = v
            }
            if let v = (obj["priority_id"] as? NSNumber)?.int64Value {
                guard Self.priorities.contains(where: { $0.0 == v }) else {
                    return .failure(HaloRefusal("Invalid priority_id \(v)"))
                }
                t.priorityID = v
            }
            if let v = (obj["agent_id"] as? NSNumber)?.int64Value { t.agentID = v }
            t.lastAction = clock.wall()
            if let index {
                tickets[index] = t
                stats.ticketsUpdated += 1
            } else {
                tickets.append(t)
                stats.ticketsCreated += 1
            }
            out.append(t)
        }
        return .success(out)
    }

    func actions(ticket id: Int64) -> [HaloSimAction] {
        let logged = HaloSimAction(
            id: id * 1_000, ticketID: id, outcome: "Logged", whoType: 0, who: "",
            date: ticket(id)?.occurred ?? startWall, note: "Ticket logged by e-mail", hidden: false)
        return [logged] + (actions[id] ?? [])
    }

    /// `POST /api/Actions`: notes on existing tickets.
    func addActions(_ objects: [[String: Any]]) -> Result<[HaloSimAction], HaloRefusal> {
        var out: [HaloSimAction] = []
        for obj in objects {
            guard let tid = (obj["ticket_id"] as? NSNumber)?.int64Value,
                let i = tickets.firstIndex(where: { $0.id == tid })
            else {
                return .failure(HaloRefusal("ticket_id is required and must name a ticket"))
            }
            var outcome = obj["outcome"] as? String ?? "Note"
            if let oid = (obj["outcome_id"] as? NSNumber)?.int64Value {
                guard let o = Self.outcomes.first(where: { $0.0 == oid }) else {
                    return .failure(HaloRefusal("Invalid outcome_id \(oid)"))
                }
                outcome = o.1
            }
            var a = HaloSimAction(
                id: nextAction, ticketID: tid, outcome: outcome, whoType: 1,
                who: Self.applicationAgent.1, date: clock.wall(), note: obj["note"] as? String ?? "",
                hidden: obj["hiddenfromuser"] as? Bool ?? false)
            a.sendEmail = obj["sendemail"] as? Bool
            // Time on the action: `timetaken` in hours (a double in the OpenAPI document), with
            // its start and end where given.
            if let t = obj["timetaken"] {
                guard let h = (t as? NSNumber)?.doubleValue, h >= 0, h <= 24 else {
                    return .failure(HaloRefusal("timetaken must be a number of hours from 0 to 24"))
                }
                a.timeTaken = h
            }
            a.arrival = (obj["actionarrivaldate"] as? String).flatMap(VendorDate.parse)
            a.completion = (obj["actioncompletiondate"] as? String).flatMap(VendorDate.parse)
            nextAction += 1
            actions[tid, default: []].append(a)
            tickets[i].lastAction = clock.wall()
            stats.notesAdded += 1
            out.append(a)
        }
        return .success(out)
    }
}

/// A ticket as the twin keeps it.
struct HaloSimTicket: Sendable {
    var id: Int64
    var summary: String
    var details = ""
    var statusID: Int64
    var priorityID: Int64
    var teamID: Int64 = 1
    var agentID: Int64 = 1
    var clientID: Int64 = HaloWorld.firstClientID
    var occurred: Date
    var lastAction: Date?
    var respondBy: Date?
    var fixBy: Date?

    static func make(id: Int64, now: Date, using rng: inout SeededGenerator) -> HaloSimTicket {
        let problem = SimData.problems[Int(rng.next() % UInt64(SimData.problems.count))]
        let occurred = now.addingTimeInterval(-Double(rng.next() % 2_000_000) - 600)
        var t = HaloSimTicket(
            id: id, summary: problem, statusID: HaloWorld.statuses[Int(rng.next() % 4)].0,
            priorityID: HaloWorld.priorities[Int(rng.next() % 4)].0, occurred: occurred)
        t.details = "\(problem). Reported through the portal."
        t.teamID = HaloWorld.teams[Int(rng.next() % UInt64(HaloWorld.teams.count))].0
        // Unassigned is agent 1 (Halo's placeholder), as on real tenants.
        t.agentID =
            rng.next() % 5 == 0 ? 1 : HaloWorld.agents[1 + Int(rng.next() % UInt64(HaloWorld.agents.count - 1))].0
        t.clientID = HaloWorld.firstClientID + Int64(rng.next() % UInt64(SimData.companyNames.count))
        // Never in the future (nor in the last hour): "changed since" a moment ago finds nothing.
        let acted = min(now.addingTimeInterval(-3_600), occurred.addingTimeInterval(Double(rng.next() % 90_000)))
        t.lastAction = max(occurred, acted)
        if rng.next() % 3 != 0 {
            t.respondBy = occurred.addingTimeInterval(Double(4 - t.priorityID) * 3_600 + 3_600)
            t.fixBy = occurred.addingTimeInterval(Double(5 - t.priorityID) * 86_400)
        }
        return t
    }

    static func date(_ d: Date?) -> String {
        d.map { String(VendorDate.format($0).dropLast(5)) } ?? "1900-01-01T00:00:00"
    }

    /// The `Faults` object as the OpenAPI document names its fields.
    /// `lastUpdateKey`: `last_update` in GET answers, `lastupdate` in POST answers.
    func json(now: Date, lastUpdateKey: String = "last_update") -> [String: Any] {
        let client = SimData.companyNames[Int(max(0, clientID - HaloWorld.firstClientID)) % SimData.companyNames.count]
        let team = HaloWorld.teams.first { $0.0 == teamID }?.1 ?? ""
        let left = fixBy.map { ($0.timeIntervalSince(now) / 3_600 * 10).rounded() / 10 }
        return [
            "id": id, "summary": summary, "details": details, "status_id": statusID, "priority_id": priorityID,
            "tickettype_id": 1, "team_id": teamID, "team": team, "agent_id": agentID, "client_id": clientID,
            "client_name": client, "site_id": clientID * 10, "site_name": "Main", "user_id": 0, "user_name": "",
            "sla_id": fixBy == nil ? 0 : 1, "dateoccurred": Self.date(occurred), "respondbydate": Self.date(respondBy),
            "fixbydate": Self.date(fixBy), "deadlinedate": Self.date(nil), "responsedate": Self.date(nil),
            "dateclosed": Self.date(statusID == 9 ? lastAction : nil), "lastactiondate": Self.date(lastAction),
            lastUpdateKey: Self.date(lastAction), "onhold": statusID == 3,
            "slatimeleft": left.map { $0 as Any } ?? NSNull(),
            // As the published ticket shape has them (halo-tickets.json): the category, whether the
            // ticket is inactive, the share of the fix time used (%) and the response state ("I"
            // in time, "O" out of it).
            "category_1": "", "inactive": false,
            "slapercused": fixBy.map { fix -> Double in
                let span = fix.timeIntervalSince(occurred)
                return span > 0 ? (now.timeIntervalSince(occurred) / span * 1_000).rounded() / 10 : 0
            } ?? 0.0,
            "slaresponsestate": respondBy.map { now <= $0 ? "I" : "O" } ?? "",
        ]
    }
}

struct HaloRefusal: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}

/// An action (`Actions` in the OpenAPI document) as the twin keeps it.
struct HaloSimAction: Sendable {
    var id: Int64
    var ticketID: Int64
    var outcome: String
    var whoType: Int
    var who: String
    var date: Date
    var note: String
    var hidden: Bool
    /// What the note's `sendemail` said (nil: not sent).
    var sendEmail: Bool?
    /// Hours on the action (`timetaken`; 0: none), and when the work started and ended.
    var timeTaken = 0.0
    var arrival: Date?
    var completion: Date?

    var json: [String: Any] {
        var out: [String: Any] = [
            "id": id, "ticket_id": ticketID, "outcome": outcome, "who_type": whoType, "who": who,
            "datetime": HaloSimTicket.date(date), "note": note, "hiddenfromuser": hidden, "timetaken": timeTaken,
        ]
        if let arrival { out["actionarrivaldate"] = HaloSimTicket.date(arrival) }
        if let completion { out["actioncompletiondate"] = HaloSimTicket.date(completion) }
        return out
    }
}
