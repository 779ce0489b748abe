import Foundation

/// Why an Atera write was refused: 404, a 400 ProblemDetails with a detail, or a 400 validation
/// problem with `errors` by field.
enum AteraChange: Error, Sendable {
    case notFound
    case invalid(String)
    case validation([String: [String]])
}

extension SimState {
    func snapshotAtera() -> [SimAteraTicket] { data.ateraTickets }

    /// Atera's updatable fields (`POST`/`PUT /tickets/{id}`, `UpdateTicketModel`); anything else is refused.
    static let ateraUpdatable = [
        "TicketTitle", "TicketStatus", "TicketType", "TicketPriority", "TicketImpact", "TechnicianContactID",
        "TechnicianEmail",
    ]
    static let ateraPriorities = ["Low", "Medium", "High", "Critical"]
    static let ateraImpacts = ["NoImpact", "SiteDown", "ServerIssue", "Minor", "Major", "Crisis"]
    static let ateraTypes = ["Incident", "Problem", "Request", "Change"]

    /// An enum value as ASP.NET binds it: any case; a wrong one is a validation problem.
    static func ateraEnum(_ v: Any?, _ allowed: [String], field: String) -> Result<String, AteraChange> {
        guard let s = v as? String, let hit = allowed.first(where: { $0.lowercased() == s.lowercased() }) else {
            return .failure(
                .validation([
                    field: [
                        "The value '\(v.map { "\($0)" } ?? "null")' is not valid for \(field). Valid values: \(allowed.joined(separator: ", "))."
                    ]
                ]))
        }
        return .success(hit)
    }

    static func ateraID(_ v: Any?, field: String) -> Result<Int64, AteraChange> {
        if let n = v as? NSNumber, String(cString: n.objCType) != "c", n.doubleValue == n.doubleValue.rounded() {
            return .success(n.int64Value)
        }
        if let s = v as? String, let n = Int64(s) { return .success(n) }
        return .failure(.validation([field: ["The value '\(v.map { "\($0)" } ?? "null")' is not valid for \(field)."]]))
    }

    func updateAtera(id: Int64, body: Data) -> Result<Int64, AteraChange> {
        guard let i = data.ateraTickets.firstIndex(where: { $0.TicketID == id }) else { return .failure(.notFound) }
        guard let obj = try? JSONSerialization.jsonObject(with: body) as? [String: Any], !obj.isEmpty else {
            return .failure(.invalid("The request body is empty or not JSON."))
        }
        var t = data.ateraTickets[i]
        for (k, v) in obj.sorted(by: { $0.key < $1.key }) {
            guard let name = Self.ateraUpdatable.first(where: { $0.lowercased() == k.lowercased() }) else {
                return .failure(
                    .invalid(
                        "The field '\(k)' cannot be updated. Updatable: \(Self.ateraUpdatable.joined(separator: ", "))."
                    ))
            }
            if v is NSNull { continue }  // an absent value in the model: left as it is
            stats.updatedFields[name, default: 0] += 1
            do {
                switch name {
                case "TicketTitle":
                    guard let s = v as? String, !s.isEmpty else {
                        return .failure(.validation([name: ["TicketTitle cannot be empty."]]))
                    }
                    t.TicketTitle = s
                case "TicketStatus":
                    guard let s = v as? String, !s.isEmpty else {
                        return .failure(.validation([name: ["TicketStatus must be a status name."]]))
                    }
                    t.TicketStatus = s
                case "TicketType": t.TicketType = try Self.ateraEnum(v, Self.ateraTypes, field: name).get()
                case "TicketPriority": t.TicketPriority = try Self.ateraEnum(v, Self.ateraPriorities, field: name).get()
                case "TicketImpact": t.TicketImpact = try Self.ateraEnum(v, Self.ateraImpacts, field: name).get()
                case "TechnicianContactID":
                    let tech = try Self.ateraID(v, field: name).get()
                    guard let who = SimData.technician(id: tech) else {
                        return .failure(.invalid("Technician \(tech) was not found."))
                    }
                    t.TechnicianContactID = tech
                    t.TechnicianFullName = who.name
                    t.TechnicianEmail = who.email
                default:
                    guard let email = v as? String, let tech = SimData.technician(email: email),
                        let who = SimData.technician(id: tech)
                    else {
                        return .failure(.invalid("No technician has the e-mail '\(v)'."))
                    }
                    t.TechnicianContactID = tech
                    t.TechnicianFullName = who.name
                    t.TechnicianEmail = who.email
                }
            } catch { return .failure(error) }
        }
        let now = clock.wall()
        let closed = ["resolved", "closed"].contains((t.TicketStatus ?? "").lowercased())
        if closed, t.TicketResolvedDate == nil { t.TicketResolvedDate = now }
        if !closed { t.TicketResolvedDate = nil }
        t.modified = now
        data.ateraTickets[i] = t
        return .success(id)
    }

    /// `POST /tickets` (`CreateTicketModel`): a title, a description (the first comment) and an
    /// end user (an id, or an e-mail with names) are needed.
    func createAtera(body: Data) -> Result<Int64, AteraChange> {
        guard let raw = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return .failure(.invalid("The request body is empty or not JSON."))
        }
        let obj = Dictionary(raw.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        var missing: [String: [String]] = [:]
        let title = (obj["tickettitle"] as? String) ?? ""
        let description = (obj["description"] as? String) ?? ""
        if title.isEmpty { missing["TicketTitle"] = ["The TicketTitle field is required."] }
        if description.isEmpty { missing["Description"] = ["The Description field is required."] }
        let endUserID = obj["enduserid"].flatMap { try? Self.ateraID($0, field: "EndUserID").get() }
        let endUserEmail = obj["enduseremail"] as? String
        if endUserID == nil && (endUserEmail ?? "").isEmpty {
            missing["EndUserID"] = [
                "An end user is required: EndUserID, or EndUserEmail with EndUserFirstName and EndUserLastName."
            ]
        }
        if !missing.isEmpty { return .failure(.validation(missing)) }
        if nextAteraTicket == 0 { nextAteraTicket = (data.ateraTickets.map(\.TicketID).max() ?? 1_000) + 1 }
        let now = clock.wall()
        var t = SimAteraTicket(TicketID: nextAteraTicket, modified: now)
        do {
            t.TicketPriority =
                try obj["ticketpriority"].map {
                    try Self.ateraEnum($0, Self.ateraPriorities, field: "TicketPriority").get()
                } ?? "Medium"
            t.TicketImpact =
                try obj["ticketimpact"].map { try Self.ateraEnum($0, Self.ateraImpacts, field: "TicketImpact").get() }
                ?? "NoImpact"
            t.TicketType =
                try obj["tickettype"].map { try Self.ateraEnum($0, Self.ateraTypes, field: "TicketType").get() }
                ?? "Incident"
        } catch let e as AteraChange { return .failure(e) } catch { return .failure(.invalid("\(error)")) }
        nextAteraTicket += 1
        t.TicketTitle = title
        t.TicketNumber = String(t.TicketID)
        t.TicketStatus = (obj["ticketstatus"] as? String) ?? "Open"
        t.TicketSource = "API"
        t.TicketCreatedDate = now
        t.FirstResponseDueDate = now.addingTimeInterval(4 * 3_600)
        t.ClosedTicketDueDate = now.addingTimeInterval(72 * 3_600)
        // The end user: a known one by id, or the one the e-mail names.
        let known = data.ateraTickets.first {
            (endUserID != nil && $0.EndUserID == endUserID)
                || (endUserEmail != nil && $0.EndUserEmail?.lowercased() == endUserEmail?.lowercased())
        }
        t.EndUserID = endUserID ?? known?.EndUserID ?? 800 + Int64(data.ateraTickets.count % 1_000)
        t.EndUserEmail = endUserEmail ?? known?.EndUserEmail
        t.EndUserFirstName = (obj["enduserfirstname"] as? String) ?? known?.EndUserFirstName
        t.EndUserLastName = (obj["enduserlastname"] as? String) ?? known?.EndUserLastName
        t.EndUserPhone = (obj["enduserphone"] as? String) ?? known?.EndUserPhone
        t.CustomerID = known?.CustomerID
        t.CustomerName = known?.CustomerName
        if let tech = obj["techniciancontactid"].flatMap({ try? Self.ateraID($0, field: "TechnicianContactID").get() }),
            let who = SimData.technician(id: tech)
        {
            t.TechnicianContactID = tech
            t.TechnicianFullName = who.name
            t.TechnicianEmail = who.email
        } else if let email = obj["technicianemail"] as? String, let tech = SimData.technician(email: email),
            let who = SimData.technician(id: tech)
        {
            t.TechnicianContactID = tech
            t.TechnicianFullName = who.name
            t.TechnicianEmail = who.email
        }
        let first = SimAteraComment(
            Date: now, Comment: description, EndUserID: t.EndUserID, TechnicianContactID: nil, Email: t.EndUserEmail,
            FirstName: t.EndUserFirstName, LastName: t.EndUserLastName, IsInternal: false)
        t.record(first)
        ateraAddedComments[t.TicketID, default: []].append(first)
        data.ateraTickets.append(t)
        return .success(t.TicketID)
    }

    /// The ticket's comments: the generated ones, then any added.
    func ateraComments(id: Int64) -> [SimAteraComment]? {
        guard let t = data.ateraTickets.first(where: { $0.TicketID == id }) else { return nil }
        // Seeded tickets are 1000…; one created through the API has only what was added.
        let generated =
            id < 1_000 + Int64(config.tickets) ? SimData.ateraComments(t, seed: config.seed, now: startWall) : []
        return generated + (ateraAddedComments[id] ?? [])
    }

    /// `POST /tickets/{id}/comments` (`AddCommentToTicketModel`): by a technician
    /// (`TechnicianCommentDetails`: `TechnicianId` or `TechnicianEmail`, `IsInternal`) or by the end
    /// user (`EnduserCommentDetails`: `EnduserId`). The ticket's comment fields and times follow.
    func addAteraComment(id: Int64, body: Data) -> Result<Int64, AteraChange> {
        guard let i = data.ateraTickets.firstIndex(where: { $0.TicketID == id }) else { return .failure(.notFound) }
        guard let raw = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return .failure(.invalid("The request body is empty or not JSON."))
        }
        let obj = Dictionary(raw.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        guard let text = obj["commenttext"] as? String, !text.isEmpty else {
            return .failure(.validation(["CommentText": ["The CommentText field is required."]]))
        }
        let now = clock.wall()
        var when = now
        if let ts = obj["commenttimestamputc"] as? String {
            guard let d = SimDate.parse(ts) else {
                return .failure(.validation(["CommentTimestampUTC": ["The value '\(ts)' is not a valid date."]]))
            }
            when = d
        }
        func lower(_ any: Any?) -> [String: Any]? {
            (any as? [String: Any]).map {
                Dictionary($0.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
            }
        }
        var t = data.ateraTickets[i]
        let comment: SimAteraComment
        if let tech = lower(obj["techniciancommentdetails"]) {
            let techID: Int64
            if let v = tech["technicianid"], let n = try? Self.ateraID(v, field: "TechnicianId").get() {
                techID = n
            } else if let e = tech["technicianemail"] as? String, let n = SimData.technician(email: e) {
                techID = n
            } else {
                return .failure(
                    .validation(["TechnicianCommentDetails.TechnicianId": ["A technician id or e-mail is required."]]))
            }
            guard let who = SimData.technician(id: techID) else {
                return .failure(.invalid("Technician \(techID) was not found."))
            }
            let names = who.name.split(separator: " ", maxSplits: 1).map(String.init)
            comment = SimAteraComment(
                Date: when, Comment: text, EndUserID: nil, TechnicianContactID: techID, Email: who.email,
                FirstName: names.first, LastName: names.count > 1 ? names[1] : nil,
                IsInternal: (tech["isinternal"] as? Bool) ?? false)
        } else if let user = lower(obj["endusercommentdetails"]) {
            guard let v = user["enduserid"], let uid = try? Self.ateraID(v, field: "EnduserId").get() else {
                return .failure(.validation(["EnduserCommentDetails.EnduserId": ["The EnduserId field is required."]]))
            }
            let known = data.ateraTickets.first { $0.EndUserID == uid }
            guard known != nil else { return .failure(.invalid("End user \(uid) was not found.")) }
            comment = SimAteraComment(
                Date: when, Comment: text, EndUserID: uid, TechnicianContactID: nil, Email: known?.EndUserEmail,
                FirstName: known?.EndUserFirstName, LastName: known?.EndUserLastName, IsInternal: false)
        } else {
            return .failure(
                .validation([
                    "TechnicianCommentDetails": [
                        "Either TechnicianCommentDetails or EnduserCommentDetails is required."
                    ]
                ]))
        }
        t.record(comment)
        t.modified = max(t.modified, now)
        data.ateraTickets[i] = t
        ateraAddedComments[id, default: []].append(comment)
        stats.commentsAdded += 1
        let actionID = nextAteraComment
        nextAteraComment += 1
        return .success(actionID)
    }

    /// A ticket's attachments: read-only URLs (the API cannot add one).
    func ateraAttachments(id: Int64) -> [String]? {
        guard data.ateraTickets.contains(where: { $0.TicketID == id }) else { return nil }
        let n = Int(id % 5 == 0 ? 2 : id % 3 == 0 ? 1 : 0)
        return (0..<n).map { k in
            "https://attachments.atera-sim.example/tickets/\(id)/"
                + (k == 0 ? "screenshot-\(id).png" : "event-log-\(id).evtx")
        }
    }
}
