import Foundation
import PSACore
import Testing

@Suite("A note's text in the detail")
struct NoteDisplayTests {
    @Test("a title that is the text's first line (as psatop writes notes) shows once; another title stays")
    func firstLineOnce() {
        let ours = AutotaskTicketNote(
            id: 1, ticketID: 7, title: "Called the user", description: "Called the user\nShe will reboot tonight.")
        #expect(ours.display(resources: [:]).text == "Called the user\nShe will reboot tonight.")
        let oneLine = AutotaskTicketNote(id: 2, ticketID: 7, title: "Rebooted", description: "Rebooted")
        #expect(oneLine.display(resources: [:]).text == "Rebooted")
        let other = AutotaskTicketNote(
            id: 3, ticketID: 7, title: "Phone call", description: "Phone call back at 3pm\nno answer")
        #expect(other.display(resources: [:]).text == "Phone call\nPhone call back at 3pm\nno answer")
    }
}
