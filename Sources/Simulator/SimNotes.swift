import Foundation
import PSACore

extension SimData {
    static let noteTexts: [(title: String, text: String)] = [
        ("Called the customer", "Left a voicemail; will try again after lunch."),
        ("Remote session", "Connected with ScreenConnect, cleared the credential cache and rebooted.\nUser confirms it works for now."),
        ("Waiting on vendor", "Opened case 4471-B with the vendor; they promise an answer within 24 h."),
        ("Escalated", "Needs on-site work: scheduled for Thursday 09:00."),
        ("Follow-up", "Customer asked for a summary by e-mail — sent."),
        // Hostile text, as a real note can hold: an escape sequence, a bidi override, a zero-width space.
        ("\u{1B}]0;pwned\u{07}Pasted from a terminal", "Output was \u{1B}[31mred\u{1B}[0m; file \u{202E}fdp.exe\u{202C} found;\u{200B} removed."),
    ]

    /// A ticket's notes (0–3, by its id), between its creation and its last activity, each by a
    /// resource of the tenant; made from the ticket alone, so no other seeded data changes.
    static func notes(for t: AutotaskTicket, resourceIDs: [Int64]) -> [AutotaskTicketNote] {
        let n = Int(t.id % 4)
        guard n > 0, !resourceIDs.isEmpty else { return [] }
        let start = t.createDate ?? Date(timeIntervalSince1970: 1_700_000_000)
        let span = max(3_600, (t.lastActivityDate ?? start).timeIntervalSince(start))
        return (0..<n).map { k in
            let pick = noteTexts[Int((t.id + Int64(k) * 3) % Int64(noteTexts.count))]
            return AutotaskTicketNote(id: t.id * 10 + Int64(k), ticketID: t.id, title: pick.title, description: pick.text,
                                      noteType: 1, publish: k == 1 ? 2 : 1,
                                      creatorResourceID: resourceIDs[Int((t.id + Int64(k)) % Int64(resourceIDs.count))],
                                      createDateTime: start.addingTimeInterval(span * Double(k + 1) / Double(n + 1)))
        }
    }
}
