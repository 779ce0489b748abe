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

    /// A ticket's generated comments (0–4, from the seed and its id): the end user's first
    /// message, then technician and end user in turn (the fourth is internal).
    static func ateraComments(_ t: SimAteraTicket, seed: UInt64, now: Date) -> [SimAteraComment] {
        var rng = SeededGenerator(seed: seed &+ UInt64(bitPattern: t.TicketID))
        let created = t.TicketCreatedDate ?? Date(timeIntervalSince1970: 1_700_000_000)
        let count = Int.random(in: 0...4, using: &rng)
        let problem = problems[Int(t.TicketID) % problems.count]
        // A quarter of an hour apart, closer for a ticket opened moments ago (never in the future).
        let step = min(900, max(0, now.timeIntervalSince(created)) / Double(count + 1))
        return (0..<count).map { n in
            _ = Int.random(in: 0..<people.count, using: &rng)
            let tech = n % 2 == 1
            let text = tech ? "Looked into it: \(problem.lowercased())." : n == 0 ? "Hi, \(problem) since this morning. Can you help?" : "It still happens after the restart."
            return SimAteraComment(Date: created.addingTimeInterval(Double(n + 1) * step), Comment: text,
                                   EndUserID: tech ? nil : t.EndUserID, TechnicianContactID: tech ? t.TechnicianContactID ?? 9_000 : nil,
                                   Email: tech ? t.TechnicianEmail : t.EndUserEmail,
                                   FirstName: tech ? t.TechnicianFullName?.split(separator: " ").first.map(String.init) : t.EndUserFirstName,
                                   LastName: tech ? t.TechnicianFullName?.split(separator: " ").dropFirst().joined(separator: " ") : t.EndUserLastName,
                                   IsInternal: tech && n == 3)
        }
    }

    /// The ticket's comment fields and times as its comments make them; resolved tickets get a
    /// resolution date after the last word; work durations from the id.
    static func applyComments(_ comments: [SimAteraComment], to ticket: SimAteraTicket, now: Date) -> SimAteraTicket {
        var t = ticket
        for c in comments { t.record(c) }
        if ["Resolved", "Closed"].contains(t.TicketStatus ?? "") {
            t.TicketResolvedDate = min(now, (comments.last?.Date ?? t.TicketCreatedDate ?? now).addingTimeInterval(3_600))
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
        if c.isTechnician {
            LastTechnicianComment = c.Comment
            LastTechnicianCommentTimestamp = c.Date
            if TechnicianFirstCommentDate == nil { TechnicianFirstCommentDate = c.Date }
        } else {
            LastEndUserComment = c.Comment
            LastEndUserCommentTimestamp = c.Date
        }
        modified = max(modified, c.Date)
    }
}
