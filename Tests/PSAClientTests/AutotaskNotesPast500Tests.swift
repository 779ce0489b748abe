import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Simulator
import Testing

/// Autotask answers a `TicketNotes/query` with the lowest 500 ids: on a ticket flooded with RMM
/// and workflow notes the newest never came. The detail walks the notes by id (issue 26).
@Suite("Autotask notes past 500", .timeLimit(.minutes(5)))
struct AutotaskNotesPast500Tests {
    /// A page of notes as `TicketNotes/query` answers (published REST shape).
    static func notes(_ ids: [Int]) -> HTTPResult {
        RealShapesTests.json(
            #"{"items":["#
                + ids.map {
                    #"{"id":\#($0),"ticketID":100,"title":"RMM \#($0)","description":"check \#($0)","noteType":99,"publish":2,"creatorResourceID":null,"createDateTime":"2026-11-20T08:00:00.00Z"}"#
                }.joined(separator: ",")
                + #"],"pageDetails":{"count":\#(ids.count),"requestCount":500,"prevPageUrl":null,"nextPageUrl":null}}"#)
    }

    static func filter(_ r: HTTPRequestSpec) -> [[String: Any]] {
        RealShapesTests.body(r)["filter"] as? [[String: Any]] ?? []
    }

    static func after(_ r: HTTPRequestSpec) -> Int? {
        filter(r).first { $0["field"] as? String == "id" && $0["op"] as? String == "gt" }?["value"] as? Int
    }

    @Test("a ticket with 620 notes: the query goes on past the last id, and the newest note is read")
    func walk() async throws {
        let h = Harness(seed: 9) { _, _, r in
            let u = r.url.lowercased()
            if u.hasSuffix("tickets/entityinformation/fields") {
                return (RealShapesTests.json(RealShapesTests.fields), .zero)
            }
            if u.hasSuffix("ticketnotes/query") {
                guard let last = Self.after(r) else { return (Self.notes(Array(1...500)), .zero) }
                return (Self.notes(Array((last + 1)...620)), .zero)
            }
            return (RealShapesTests.json(#"{"items":[],"pageDetails":null}"#), .zero)
        }
        let api = RealShapesTests.autotask(h)
        let notes = try await drive(h.test, untilDone: Task { try await api.ticketComments(id: 100) })
        #expect(notes.count == 620 && notes.contains { $0.text == "RMM 620\ncheck 620" })
        let queries = await h.transport.sent.filter { $0.url.lowercased().hasSuffix("ticketnotes/query") }
        #expect(queries.count == 2 && Self.after(queries[1].request) == 500)
        #expect(Self.filter(queries[1].request).contains { $0["field"] as? String == "ticketID" })
    }

    @Test("a server that ignores id gt (the same 500 again) ends the walk after one more page")
    func ignoredFilter() async throws {
        let h = Harness(seed: 10) { _, _, r in
            let u = r.url.lowercased()
            if u.hasSuffix("tickets/entityinformation/fields") {
                return (RealShapesTests.json(RealShapesTests.fields), .zero)
            }
            if u.hasSuffix("ticketnotes/query") { return (Self.notes(Array(1...500)), .zero) }
            return (RealShapesTests.json(#"{"items":[],"pageDetails":null}"#), .zero)
        }
        let api = RealShapesTests.autotask(h)
        let notes = try await drive(h.test, untilDone: Task { try await api.ticketComments(id: 100) })
        #expect(notes.count == 500)
        #expect(await h.transport.sent.filter { $0.url.lowercased().hasSuffix("ticketnotes/query") }.count == 2)
    }

    @Test("against the twin: the flooded ticket's newest note (past the first 500 ids) is in the detail")
    func twin() async throws {
        let (sim, api) = try await SimulatorWalkTests.smallAutotask()
        let flooded = try #require(await sim.autotaskNoteFloodedTicketID())
        let notes = try await api.ticketComments(id: flooded)
        #expect(notes.count > 600)
        #expect(notes.last?.text == "Fixed on site\nReplaced the disk; monitoring is quiet again.")
        let log = await api.client.log
        #expect(log.filter { $0.path.hasPrefix("/TicketNotes/query") }.count == 2)
        await sim.stop()
    }
}
