import Foundation
import PSACore

extension SimData {
    static func technicianEmail(_ p: (String, String)) -> String {
        (p.0 + "." + p.1).lowercased().folding(options: .diacriticInsensitive, locale: nil)
            .replacingOccurrences(of: "'", with: "") + "@msp.example"
    }

    /// Atera's technicians: contact id 9000 + n, by name and e-mail.
    static func technician(id: Int64) -> (name: String, email: String)? {
        let n = Int(id - 9_000)
        guard people.indices.contains(n) else { return nil }
        return ("\(people[n].0) \(people[n].1)", technicianEmail(people[n]))
    }

    static func technician(email: String) -> Int64? {
        people.firstIndex { technicianEmail($0) == email.lowercased() }.map { Int64(9_000 + $0) }
    }

    /// How many comments a seeded ticket has (0–4, from the seed and its id) and how far apart
    /// (a quarter of an hour, closer for a ticket opened moments ago: never in the future).
    static func commentPlan(_ t: SimAteraTicket, seed: UInt64, now: Date) -> (count: Int, step: Double, created: Date) {
        var rng = SeededGenerator(seed: seed &+ UInt64(bitPattern: t.TicketID))
        let created = t.TicketCreatedDate ?? Date(timeIntervalSince1970: 1_700_000_000)
        let count = Int.random(in: 0...4, using: &rng)
        return (count, min(900, max(0, now.timeIntervalSince(created)) / Double(count + 1)), created)
    }

    /// Comment n: the end user's first message, then technician and end user in turn.
    static func commentText(_ t: SimAteraTicket, _ n: Int) -> String {
        let problem = problems[Int(t.TicketID) % problems.count]
        if n % 2 == 1 { return "Looked into it: \(problem.lowercased())." }
        return n == 0 ? "Hi, \(problem) since this morning. Can you help?" : "It still happens after the restart."
    }

    /// A seeded ticket's comments (the fourth, a technician's, is internal).
    static func ateraComments(_ t: SimAteraTicket, seed: UInt64, now: Date) -> [SimAteraComment] {
        let plan = commentPlan(t, seed: seed, now: now)
        let names = t.TechnicianFullName?.split(separator: " ", maxSplits: 1).map(String.init) ?? []
        return (0..<plan.count).map { n in
            let tech = n % 2 == 1
            return SimAteraComment(
                Date: plan.created.addingTimeInterval(Double(n + 1) * plan.step), Comment: commentText(t, n),
                EndUserID: tech ? nil : t.EndUserID, TechnicianContactID: tech ? t.TechnicianContactID ?? 9_000 : nil,
                Email: tech ? t.TechnicianEmail : t.EndUserEmail,
                FirstName: tech ? names.first : t.EndUserFirstName,
                LastName: tech ? names.dropFirst().first : t.EndUserLastName,
                IsInternal: tech && n == 3)
        }
    }

    /// A seeded ticket's comment fields and times as its comments make them (worked out without
    /// building the comments: start-up with many tickets stays fast); resolved tickets get a
    /// resolution date after the last word; work durations from the id.
    static func applyComments(to ticket: SimAteraTicket, seed: UInt64, now: Date) -> SimAteraTicket {
        var t = ticket
        let plan = commentPlan(t, seed: seed, now: now)
        func at(_ n: Int) -> Date { plan.created.addingTimeInterval(Double(n + 1) * plan.step) }
        if plan.count > 0 {
            t.FirstComment = commentText(t, 0)
            let user = plan.count % 2 == 1 ? plan.count - 1 : plan.count - 2
            t.LastEndUserComment = commentText(t, user)
            t.LastEndUserCommentTimestamp = at(user)
        }
        if plan.count > 1 {
            let tech = plan.count % 2 == 0 ? plan.count - 1 : plan.count - 2
            t.LastTechnicianComment = commentText(t, tech)
            t.LastTechnicianCommentTimestamp = at(tech)
            t.TechnicianFirstCommentDate = at(1)
        }
        if ["Resolved", "Closed"].contains(t.TicketStatus ?? "") {
            t.TicketResolvedDate = min(
                now, (plan.count > 0 ? at(plan.count - 1) : plan.created).addingTimeInterval(3_600))
        }
        let id = Int(t.TicketID)
        t.OnSiteDurationSeconds = id % 4 == 0 ? 0 : (id % 7) * 900
        t.OffSiteDurationSeconds = (id % 5) * 600
        t.OnSLADurationSeconds = (id % 3) * 1_800
        t.OffSLADurationSeconds = id % 6 == 0 ? 0 : (id % 4) * 300
        t.modified = [t.lastVisibleActivity, t.TicketCreatedDate].compactMap { $0 }.max() ?? now
        return t
    }
}

extension SimAteraTicket {
    /// A comment's effect on the ticket: the first message, the last of each side, their times.
    mutating func record(_ c: SimAteraComment) {
        if FirstComment == nil { FirstComment = c.Comment }
        // A comment back-dated (CommentTimestampUTC) before the last one does not become the last.
        if c.isTechnician {
            if c.Date >= (LastTechnicianCommentTimestamp ?? .distantPast) {
                LastTechnicianComment = c.Comment
                LastTechnicianCommentTimestamp = c.Date
            }
            TechnicianFirstCommentDate = min(TechnicianFirstCommentDate ?? c.Date, c.Date)
        } else if c.Date >= (LastEndUserCommentTimestamp ?? .distantPast) {
            LastEndUserComment = c.Comment
            LastEndUserCommentTimestamp = c.Date
        }
        modified = max(modified, c.Date)
    }
}
