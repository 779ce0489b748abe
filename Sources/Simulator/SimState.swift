import Foundation
import PSACore

/// The simulator's mutable world: data, the rolling windows, in-flight requests and counters.
actor SimState {
    let config: SimulatorConfig
    let clock: PSAClock
    var data: SimData
    let startWall: Date

    // Autotask rolling window: one bucket per simulated second.
    private var ring: [Int]
    private var ringTotal = 0
    private var lastSecond = 0
    private var backgroundCarry = 0.0
    private var inFlight: [String: Int] = [:]
    var pagingTokens: [String: (query: Data, afterID: Int64, method: String)] = [:]
    private var nextToken = 1

    // Atera per-key sliding minute, in simulated seconds.
    private var ateraTimes: [Double] = []
    private var ateraHead = 0

    /// The tenant's zone: 1 is served at `/ATServicesRest/`, k > 1 at `/zone{k}/ATServicesRest/`.
    private(set) var zone = 1
    func moveZone() { zone += 1 }

    private var faultRNG: SeededGenerator
    private var zoneMovesDone = 0

    /// The fault, if any, for the next API answer.
    func drawFault() -> FaultPlan.Kind? {
        let t = clock.now().seconds
        // Scheduled zone moves happen on the first request after their moment.
        while zoneMovesDone < config.faults.zoneMoves.count, config.faults.zoneMoves.sorted()[zoneMovesDone] <= t {
            zoneMovesDone += 1
            moveZone()
            stats.faultsInjected["zonemove", default: 0] += 1
        }
        guard let f = config.faults.draw(at: t, using: &faultRNG) else { return nil }
        stats.faultsInjected[f.rawValue, default: 0] += 1
        return f
    }

    // Counters for /__sim/stats.
    var stats = Stats()

    struct Stats: Codable, Sendable {
        var requests: [String: [String: Int]] = [:]
        var throttled429 = 0
        var suspensionsServed = 0
        var threadLimitRejections = 0
        var maxConcurrent: [String: Int] = [:]
        var limitViolations = 0
        var unauthorized = 0
        var faultsInjected: [String: Int] = [:]
        /// Fields each ticket update carried (PATCH/PUT), and how often a description was written.
        var updatedFields: [String: Int] = [:]
        var descriptionWrites = 0
        /// The highest rolling count (all integrations) any Autotask request met.
        var peakCount = 0
        var attachmentsStored = 0
        var attachmentBytes = 0
        var attachmentRefusals = 0
    }

    // Attachments: bytes per simulated second in the 5-minute window, and a refusal period.
    private var attachmentLog: [(at: Double, bytes: Int)] = []
    private var attachmentsBlockedUntil: Double = -1
    private(set) var attachments: [Int64: [AttachmentInfo]] = [:]
    private var nextAttachmentID: Int64 = 90_000_001

    struct AttachmentInfo: Codable, Sendable {
        var id: Int64, parentID: Int64, title: String, fullPath: String, attachmentType: String, fileSize: Int, attachDate: String
    }

    init(config: SimulatorConfig, clock: PSAClock) {
        self.config = config
        self.clock = clock
        self.startWall = clock.wall()
        self.faultRNG = SeededGenerator(seed: config.seed &+ 0xFA17)
        self.data = SimData(tickets: config.tickets, seed: config.seed, now: clock.wall(), picklistVariant: config.picklistVariant)
        let w = max(1, config.autotaskTimeframeMinutes * 60)
        ring = Array(repeating: 0, count: w)
        // The past timeframe already carried the background load.
        var carry = 0.0
        for s in -w..<0 {
            carry += Self.backgroundRate(config: config, window: w, second: s)
            let n = Int(carry)
            carry -= Double(n)
            ring[((s % w) + w) % w] = n
            ringTotal += n
        }
    }

    var window: Int { ring.count }
    var simSeconds: Double { clock.now().seconds * config.timeScale }

    /// Requests per simulated second the other integrations send at second `s`.
    static func backgroundRate(config: SimulatorConfig, window: Int, second s: Int) -> Double {
        switch config.background {
        case .none: return 0
        case .steady(let perHour): return max(0, perHour / 3600)
        case .bursty(let perHour, let every, let size):
            let e = max(1, Int(every.rounded()))
            return max(0, perHour / 3600) + (((s % e) + e) % e == 0 ? Double(size) : 0)
        case .ramp(let from, let to, let minutes):
            let progress = min(1, max(0, Double(s) / (minutes * 60)))
            return max(0, Double(config.autotaskThreshold) * (from + (to - from) * progress) / Double(window))
        case .wave(let mean, let amplitude, let phase):
            let w = Double(window), t = Double(config.autotaskThreshold)
            let b = mean * t / w
            let a = min(1, amplitude * .pi / (2 * max(mean, 0.0001)))
            // The rolling count is then mean·T − amplitude·T·cos(π t / W + 2π·phase).
            return max(0, b * (1 + a * sin(.pi * (Double(s) / w + 2 * phase))))
        }
    }

    private func backgroundRequests(atSecond s: Int) -> Int {
        backgroundCarry += Self.backgroundRate(config: config, window: window, second: s)
        let n = Int(backgroundCarry)
        backgroundCarry -= Double(n)
        return n
    }

    /// Moves the window to now, letting old seconds drain and adding the background load.
    private func advance() {
        let now = Int(simSeconds)
        guard now > lastSecond else { return }
        let w = window
        let from = max(lastSecond + 1, now - w + 1)
        if now - lastSecond >= w { ringTotal = 0; for i in ring.indices { ring[i] = 0 } }
        for s in from...now {
            let i = s % w
            ringTotal -= ring[i]
            ring[i] = backgroundRequests(atSecond: s)
            ringTotal += ring[i]
        }
        lastSecond = now
    }

    var autotaskCount: Int { advance(); return ringTotal }

    func threshold() -> ThresholdInformation {
        ThresholdInformation(externalRequestThreshold: config.autotaskThreshold,
                             requestThresholdTimeframe: config.autotaskTimeframeMinutes,
                             currentTimeframeRequestCount: autotaskCount)
    }

    enum Admission { case ok(latency: Double), suspended, threadLimit }

    /// Counts an Autotask request and takes a thread slot, or refuses it.
    func admitAutotask(endpoint: String) -> Admission {
        count("autotask", endpoint)
        advance()
        if ringTotal >= config.autotaskThreshold {
            stats.suspensionsServed += 1
            stats.limitViolations += 1
            return .suspended
        }
        let busy = inFlight[endpoint, default: 0]
        if busy >= config.threadLimit {
            stats.threadLimitRejections += 1
            stats.limitViolations += 1
            return .threadLimit
        }
        inFlight[endpoint] = busy + 1
        stats.maxConcurrent[endpoint] = max(stats.maxConcurrent[endpoint, default: 0], busy + 1)
        let tier = LatencyTier(count: ringTotal, threshold: config.autotaskThreshold)
        ring[lastSecond % window] += 1
        ringTotal += 1
        stats.peakCount = max(stats.peakCount, ringTotal)
        return .ok(latency: config.addLatency ? tier.addedLatency / config.timeScale : 0)
    }

    func releaseAutotask(endpoint: String) {
        inFlight[endpoint, default: 1] -= 1
    }

    struct AteraAdmission { var allowed: Bool; var remaining: Int; var resetSeconds: Int }

    /// Per-key sliding minute (scaled).
    func admitAtera(endpoint: String) -> AteraAdmission {
        count("atera", endpoint)
        let now = simSeconds
        while ateraHead < ateraTimes.count, ateraTimes[ateraHead] <= now - 60 { ateraHead += 1 }
        if ateraHead > 4096 { ateraTimes.removeFirst(ateraHead); ateraHead = 0 }
        let used = ateraTimes.count - ateraHead
        let limit = config.ateraLimitPerMinute
        let oldest = ateraHead < ateraTimes.count ? ateraTimes[ateraHead] : now
        let reset = Int(((oldest + 60 - now) / config.timeScale).rounded(.up))
        if used >= limit {
            stats.throttled429 += 1
            stats.limitViolations += 1
            return AteraAdmission(allowed: false, remaining: 0, resetSeconds: max(1, reset))
        }
        ateraTimes.append(now)
        return AteraAdmission(allowed: true, remaining: limit - used - 1, resetSeconds: max(1, reset))
    }

    func noteUnauthorized() { stats.unauthorized += 1 }
    func noteThrottled() { stats.throttled429 += 1 }

    private func count(_ tenant: String, _ endpoint: String) {
        stats.requests[tenant, default: [:]][endpoint, default: 0] += 1
    }

    func reset() {
        stats = Stats()
        pagingTokens = [:]
    }

    func makePagingToken(query: Data, afterID: Int64, method: String) -> String {
        let token = "p\(nextToken)"
        nextToken += 1
        pagingTokens[token] = (query, afterID, method)
        return token
    }

    func snapshotAutotask() -> [AutotaskTicket] { data.autotaskTickets }

    enum UpdateError: Error, Sendable { case notFound, invalid(String) }

    /// PATCH (only the given fields change) or PUT (the whole entity is replaced) of one ticket.
    func updateAutotask(body: Data, replace: Bool) -> Result<Int64, UpdateError> {
        Result { () throws(UpdateError) -> Int64 in
            guard let fields = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { throw .invalid("The body is not a Ticket entity.") }
            return try updateAutotask(fields, replace: replace)
        }
    }

    private func updateAutotask(_ fields: [String: Any], replace: Bool) throws(UpdateError) -> Int64 {
        guard let id = (fields.first { $0.key.lowercased() == "id" }?.value as? NSNumber)?.int64Value else {
            throw .invalid("The id field is required for an update.")
        }
        guard let i = data.autotaskTickets.firstIndex(where: { $0.id == id }) else { throw .notFound }
        let enc = JSONEncoder(), dec = JSONDecoder()
        enc.dateEncodingStrategy = .custom { d, e in var c = e.singleValueContainer(); try c.encode(VendorDate.format(d)) }
        guard let current = try? enc.encode(data.autotaskTickets[i]),
              var obj = try? JSONSerialization.jsonObject(with: current) as? [String: Any] else { throw .invalid("internal") }
        let known = Dictionary(AutotaskTicket.fieldNames.map { ($0.lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        if replace { obj = ["id": id] }
        for (k, v) in fields {
            guard let name = known[k.lowercased()] else { throw .invalid("Unknown field '\(k)' on entity Ticket.") }
            if name == "id" { continue }
            if ["ticketNumber", "createDate"].contains(name) { throw .invalid("The field '\(name)' is read-only.") }
            obj[name] = v
            stats.updatedFields[name, default: 0] += 1
            if name == "description" { stats.descriptionWrites += 1 }
        }
        obj["lastActivityDate"] = VendorDate.format(clock.wall())
        guard let d = try? JSONSerialization.data(withJSONObject: obj), var t = try? dec.decode(AutotaskTicket.self, from: d) else {
            throw .invalid("A field value has the wrong type.")
        }
        t.id = id
        t.ticketNumber = data.autotaskTickets[i].ticketNumber
        t.createDate = data.autotaskTickets[i].createDate
        data.autotaskTickets[i] = t
        return id
    }

    enum AttachmentRefusal: Error, Sendable { case noTicket, tooLarge, windowExceeded }

    func storeAttachment(parent: Int64, title: String, bytes: Int) -> Result<Int64, AttachmentRefusal> {
        Result { () throws(AttachmentRefusal) -> Int64 in try store(parent: parent, title: title, bytes: bytes) }
    }


    /// Stores an attachment, or refuses it: a file over the size limit, or the tenant's bytes in the
    /// last 5 minutes over the limit (which then refuses every attachment for 5 minutes).
    private func store(parent: Int64, title: String, bytes: Int) throws(AttachmentRefusal) -> Int64 {
        guard data.autotaskTickets.contains(where: { $0.id == parent }) else { throw .noTicket }
        let now = simSeconds
        guard bytes <= config.attachmentFileLimit else { stats.attachmentRefusals += 1; throw .tooLarge }
        attachmentLog.removeAll { $0.at <= now - 300 }
        let used = attachmentLog.reduce(0) { $0 + $1.bytes }
        if now < attachmentsBlockedUntil || used + bytes > config.attachmentWindowBytes {
            if now >= attachmentsBlockedUntil { attachmentsBlockedUntil = now + 300 }
            stats.attachmentRefusals += 1
            stats.limitViolations += 1
            throw .windowExceeded
        }
        attachmentLog.append((now, bytes))
        let id = nextAttachmentID
        nextAttachmentID += 1
        attachments[parent, default: []].append(AttachmentInfo(id: id, parentID: parent, title: title, fullPath: title,
                                                               attachmentType: "FILE_ATTACHMENT", fileSize: bytes, attachDate: VendorDate.format(clock.wall())))
        stats.attachmentsStored += 1
        stats.attachmentBytes += bytes
        return id
    }
    func snapshotAtera() -> [AteraTicket] { data.ateraTickets }
    /// When each Atera ticket was last changed through the API (Atera keeps this to itself: it
    /// shows only in what `/tickets/lastmodified` answers).
    private var ateraModifiedAt: [Int64: Date] = [:]
    /// Tickets changed at or after `since`: by their activity or by a change made through the API.
    func ateraModified(since: Date) -> [AteraTicket] {
        data.ateraTickets.filter { max($0.lastActivity ?? .distantPast, ateraModifiedAt[$0.TicketID] ?? .distantPast) >= since }
    }

    /// Comments added through the API, after the generated ones.
    private var ateraAddedComments: [Int64: [AteraComment]] = [:]
    private var nextAteraTicket: Int64 = 0

    /// Atera's updatable fields (`POST /tickets/{id}`); anything else is refused.
    static let ateraUpdatable = ["TicketTitle", "TicketStatus", "TicketType", "TicketPriority", "TicketImpact", "TechnicianContactID"]

    enum AteraChange: Error, Sendable { case notFound, invalid(String) }

    func updateAtera(id: Int64, body: Data) -> Result<Int64, AteraChange> {
        guard let i = data.ateraTickets.firstIndex(where: { $0.TicketID == id }) else { return .failure(.notFound) }
        guard let obj = try? JSONSerialization.jsonObject(with: body) as? [String: Any], !obj.isEmpty else {
            return .failure(.invalid("The request body is empty or not JSON."))
        }
        var t = data.ateraTickets[i]
        for (k, v) in obj {
            guard let name = Self.ateraUpdatable.first(where: { $0.lowercased() == k.lowercased() }) else {
                return .failure(.invalid("The field '\(k)' cannot be updated. Updatable: \(Self.ateraUpdatable.joined(separator: ", "))."))
            }
            stats.updatedFields[name, default: 0] += 1
            switch name {
            case "TicketTitle": t.TicketTitle = v as? String
            case "TicketStatus": t.TicketStatus = v as? String
            case "TicketType": t.TicketType = v as? String
            case "TicketPriority": t.TicketPriority = v as? String
            case "TicketImpact": t.TicketImpact = v as? String
            default:
                t.TechnicianContactID = (v as? NSNumber)?.int64Value ?? (v as? String).flatMap { Int64($0) }
                t.TechnicianFullName = t.TechnicianContactID.flatMap { id in
                    SimData.people.indices.contains(Int(id - 9_000)) ? "\(SimData.people[Int(id - 9_000)].0) \(SimData.people[Int(id - 9_000)].1)" : nil
                }
            }
        }
        ateraModifiedAt[id] = clock.wall()
        data.ateraTickets[i] = t
        return .success(id)
    }

    func createAtera(body: Data) -> Result<Int64, AteraChange> {
        guard let obj = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let title = obj["TicketTitle"] as? String, !title.isEmpty else {
            return .failure(.invalid("TicketTitle is required."))
        }
        if nextAteraTicket == 0 { nextAteraTicket = (data.ateraTickets.map(\.TicketID).max() ?? 1_000) + 1 }
        var t = AteraTicket(TicketID: nextAteraTicket)
        nextAteraTicket += 1
        t.TicketTitle = title
        t.TicketStatus = "Open"
        t.TicketPriority = (obj["TicketPriority"] as? String) ?? "Medium"
        t.TicketImpact = (obj["TicketImpact"] as? String) ?? "NoImpact"
        t.TicketType = (obj["TicketType"] as? String) ?? "Incident"
        t.TicketCreatedDate = clock.wall()
        if let d = obj["Description"] as? String { ateraAddedComments[t.TicketID, default: []].append(AteraComment(Date: clock.wall(), Comment: d)) }
        data.ateraTickets.append(t)
        return .success(t.TicketID)
    }

    /// The ticket's comments: a few generated from its id (deterministic), then any added.
    func ateraComments(id: Int64) -> [AteraComment]? {
        guard let t = data.ateraTickets.first(where: { $0.TicketID == id }) else { return nil }
        var out: [AteraComment] = []
        var rng = SeededGenerator(seed: config.seed &+ UInt64(bitPattern: id))
        let created = t.TicketCreatedDate ?? startWall
        for n in 0..<Int.random(in: 0...4, using: &rng) {
            let tech = n % 2 == 1
            let person = SimData.people[Int.random(in: 0..<SimData.people.count, using: &rng)]
            out.append(AteraComment(Date: created.addingTimeInterval(Double(n + 1) * 3_600),
                                    Comment: tech ? "Looked into it: \(SimData.problems[Int(id) % SimData.problems.count].lowercased())." : (t.LastEndUserComment ?? "Any update on this?"),
                                    EndUserID: tech ? nil : t.EndUserID, TechnicianContactID: tech ? 9_000 : nil,
                                    Email: tech ? nil : t.EndUserEmail, FirstName: tech ? person.0 : t.EndUserFirstName,
                                    LastName: tech ? person.1 : t.EndUserLastName, IsInternal: tech && n == 3))
        }
        return out + (ateraAddedComments[id] ?? [])
    }
}
