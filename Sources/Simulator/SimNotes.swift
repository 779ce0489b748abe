import Foundation

extension SimData {
    static let noteTexts: [(title: String, text: String)] = [
        ("Called the customer", "Left a voicemail; will try again after lunch."),
        (
            "Remote session",
            "Connected with ScreenConnect, cleared the credential cache and rebooted.\nUser confirms it works for now."
        ),
        ("Waiting on vendor", "Opened case 4471-B with the vendor; they promise an answer within 24 h."),
        ("Escalated", "Needs on-site work: scheduled for Thursday 09:00."),
        ("Follow-up", "Customer asked for a summary by e-mail — sent."),
        // Hostile text, as a real note can hold: an escape sequence, a bidi override, a zero-width space.
        (
            "\u{1B}]0;pwned\u{07}Pasted from a terminal",
            "Output was \u{1B}[31mred\u{1B}[0m; file \u{202E}fdp.exe\u{202C} found;\u{200B} removed."
        ),
    ]
    static let workflowTexts = [
        ("Workflow rule: status changed", "Status set to In Progress by workflow rule \"Assign on first response\"."),
        ("Workflow rule: notification", "E-mail notification sent to the primary resource and the contact."),
        ("Workflow rule: SLA warning", "First response due in 30 minutes (workflow rule \"SLA watch\")."),
    ]

    /// A ticket's notes, made from the ticket alone, so no other seeded data changes:
    /// - 0–3 notes by resources (by the id modulo 4), between creation and last activity;
    /// - on tickets with two people's notes, three workflow-rule notes (type 13) and one RMM note
    ///   (type 99, published "Internal & Co-Managed") — system notes outnumber people's there;
    /// - on tickets with one, a note the customer wrote in the portal (`createdByContactID`, no resource).
    static func notes(for t: SimAutotaskTicket, resourceIDs: [Int64]) -> [SimAutotaskNote] {
        let n = Int(t.id % 4)
        guard n > 0, !resourceIDs.isEmpty else { return [] }
        let start = t.createDate ?? Date(timeIntervalSince1970: 1_700_000_000)
        let span = max(3_600, (t.lastActivityDate ?? start).timeIntervalSince(start))
        var out = (0..<n).map { k in
            let pick = noteTexts[Int((t.id + Int64(k) * 3) % Int64(noteTexts.count))]
            return SimAutotaskNote(
                id: t.id * 10 + Int64(k), ticketID: t.id, title: pick.title, description: pick.text,
                noteType: 1, publish: k == 1 ? 2 : 1,
                creatorResourceID: resourceIDs[Int((t.id + Int64(k)) % Int64(resourceIDs.count))],
                createDateTime: start.addingTimeInterval(span * Double(k + 1) / Double(n + 1)))
        }
        if n == 2 {
            for k in 0..<3 {
                let w = workflowTexts[k]
                out.append(
                    SimAutotaskNote(
                        id: t.id * 10 + 4 + Int64(k), ticketID: t.id, title: w.0, description: w.1, noteType: 13,
                        publish: 2,
                        creatorResourceID: 4, createDateTime: start.addingTimeInterval(Double(k + 1) * 60)))
            }
            out.append(
                SimAutotaskNote(
                    id: t.id * 10 + 7, ticketID: t.id, title: "RMM alert: Disk C: below 10% free",
                    description: "Datto RMM monitor raised an alert on DESKTOP-7F3K2.\nFree space: 8.2 GB of 237 GB.",
                    noteType: 99, publish: 4, creatorResourceID: 4, createDateTime: start.addingTimeInterval(30)))
        } else if n == 1, let contact = t.contactID {
            out.append(
                SimAutotaskNote(
                    id: t.id * 10 + 8, ticketID: t.id, title: "Reply from the Client Portal",
                    description: "Still broken this morning — can someone call me?", noteType: 3, publish: 1,
                    creatorResourceID: nil, createdByContactID: contact,
                    createDateTime: start.addingTimeInterval(span * 0.75)))
        }
        if t.noteFlood > 0 { out += flood(t) }
        return out.sorted { $0.id < $1.id }
    }

    /// The flooded ticket's RMM notes (type 99) every ten minutes from creation, then a person's
    /// note newer (and with a higher id) than all of them. Ids past every generated note's.
    static func flood(_ t: SimAutotaskTicket) -> [SimAutotaskNote] {
        let start = t.createDate ?? Date(timeIntervalSince1970: 1_700_000_000)
        let base = 80_000_000 + t.id * 1_000
        let last = max(t.lastActivityDate ?? start, start.addingTimeInterval(Double(t.noteFlood) * 600))
        var out = (0..<Int64(t.noteFlood)).map { k in
            SimAutotaskNote(
                id: base + k, ticketID: t.id, title: "RMM: monitor check \(k + 1)",
                description: "Datto RMM heartbeat on DESKTOP-7F3K2: disk C: \(10 - k % 3)% free.", noteType: 99,
                publish: 4, creatorResourceID: 4, createDateTime: start.addingTimeInterval(Double(k) * 600))
        }
        out.append(
            SimAutotaskNote(
                id: base + 999, ticketID: t.id, title: "Fixed on site",
                description: "Replaced the disk; monitoring is quiet again.", noteType: 1, publish: 1,
                creatorResourceID: 4, createDateTime: last.addingTimeInterval(60)))
        return out
    }

    /// A ticket's time entries (0–2, by the id), by its assigned resource.
    static func timeEntries(for t: SimAutotaskTicket, resourceIDs: [Int64]) -> [SimAutotaskValues] {
        let n = Int((t.id / 2) % 3)
        guard n > 0, let start = t.createDate else { return [] }
        return (0..<n).map { k in
            let begin = start.addingTimeInterval(Double(k + 1) * 5_400)
            let hours = Double((t.id + Int64(k)) % 6 + 1) / 4
            let resource = t.assignedResourceID ?? resourceIDs[Int(t.id % Int64(max(1, resourceIDs.count)))]
            let v: [String: SimJSON] = [
                "ticketID": .int(t.id), "taskID": .null, "resourceID": .int(resource), "roleID": .int(29_683_461),
                "dateWorked": .date(
                    Date(timeIntervalSince1970: (begin.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)),
                "startDateTime": .date(begin), "endDateTime": .date(begin.addingTimeInterval(hours * 3_600)),
                "hoursWorked": .double(hours), "hoursToBill": .double(hours), "offsetHours": .double(0),
                "summaryNotes": .string(k == 0 ? "Initial triage: \(t.title ?? "")" : "Follow-up work"),
                "internalNotes": .string(k == 0 ? "Checked the logs." : ""),
                "createDateTime": .date(begin.addingTimeInterval(hours * 3_600 + 120)), "creatorUserID": .int(resource),
                "lastModifiedDateTime": .date(begin.addingTimeInterval(hours * 3_600 + 120)),
                "lastModifiedUserID": .int(resource),
                "billingCodeID": .int(29_682_801), "internalBillingCodeID": .int(29_682_801), "timeEntryType": .int(2),
                "isNonBillable": .bool(k == 1), "showOnInvoice": .bool(k != 1),
                "billingApprovalLevelMostRecent": .int(0),
                "contractID": .null,
            ]
            return SimAutotaskValues(id: 40_000_000 + t.id * 4 + Int64(k), values: v)
        }
    }

    /// The ticket's SLA result, when it has an SLA.
    static func slaResult(for t: SimAutotaskTicket) -> SimAutotaskValues? {
        guard let sla = SimAutotaskTicket.slaTargets[t.serviceLevelAgreementID ?? 0], let created = t.createDate else {
            return nil
        }
        func hours(_ field: String) -> SimJSON {
            guard case .date(let d) = t.value(field) else { return .null }
            return .double((d.timeIntervalSince(created) / 36).rounded() / 100)
        }
        func met(_ done: String, _ due: String) -> SimJSON {
            guard case .date(let a) = t.value(done), case .date(let b) = t.value(due) else { return .null }
            return .bool(a <= b)
        }
        let resource = SimJSON.int(t.assignedResourceID)
        return SimAutotaskValues(
            id: 60_000_000 + t.id,
            values: [
                "ticketID": .int(t.id), "serviceLevelAgreementName": .string(sla.3),
                "firstResponseElapsedHours": hours("firstResponseDateTime"),
                "resolutionPlanElapsedHours": hours("resolutionPlanDateTime"),
                "resolutionElapsedHours": hours("resolvedDateTime"),
                "isFirstResponseMet": met("firstResponseDateTime", "firstResponseDueDateTime"),
                "isResolutionPlanMet": met("resolutionPlanDateTime", "resolutionPlanDueDateTime"),
                "isResolutionMet": met("resolvedDateTime", "resolvedDueDateTime"),
                "firstResponseResourceID": resource, "firstResponseInitiatingResourceID": resource,
                "resolutionPlanResourceID": resource, "resolutionResourceID": t.completedDate == nil ? .null : resource,
            ])
    }
}
