import Foundation
import PSAClient
import Simulator
import Testing

extension Raw {
    func atera(_ method: String, _ path: String, body: String? = nil) async throws -> HTTPResult {
        try await transport.send(
            HTTPRequestSpec(
                method: method, url: sim.ateraBaseURL + "/" + path,
                headers: [("X-API-KEY", sim.config.ateraKey), ("Content-Type", "application/json")],
                body: body.map { Data($0.utf8) }), timeout: .seconds(30))
    }
}

func jsonArray(_ r: HTTPResult) -> [Any] { (try? JSONSerialization.jsonObject(with: r.body) as? [Any]) ?? [] }
func items(_ r: HTTPResult) -> [[String: Any]] { json(r)["items"] as? [[String: Any]] ?? [] }

/// The Atera twin against the published contract (OpenAPI `TicketDto`, `Result`, …), not psatop's models.
@Suite("Simulator: Atera as published", .serialized, .timeLimit(.minutes(10)))
struct AteraContractTests {
    static let ticketFields = [
        "TicketID", "TicketTitle", "TicketNumber", "TicketPriority", "TicketImpact", "TicketStatus", "TicketSource",
        "TicketType", "EndUserID", "EndUserEmail", "EndUserFirstName", "EndUserLastName", "EndUserPhone",
        "TicketResolvedDate",
        "TicketCreatedDate", "TechnicianFirstCommentDate", "FirstResponseDueDate", "ClosedTicketDueDate",
        "FirstComment",
        "LastEndUserComment", "LastEndUserCommentTimestamp", "LastTechnicianComment", "LastTechnicianCommentTimestamp",
        "OnSiteDurationSeconds", "OnSiteDurationMinutes", "OffSiteDurationSeconds", "OffSiteDurationMinutes",
        "OnSLADurationSeconds",
        "OnSLADurationMinutes", "OffSLADurationSeconds", "OffSLADurationMinutes", "TotalDurationSeconds",
        "TotalDurationMinutes",
        "CustomerID", "CustomerName", "CustomerBusinessNumber", "TechnicianContactID", "TechnicianFullName",
        "TechnicianEmail", "ContractID",
    ]

    @Test("a ticket carries TicketDto's fields (no LastModified), dates without a zone, activity from the comments")
    func ticketShape() async throws {
        let raw = try await SimulatorTests.start { $0.tickets = 60 }
        let page = items(try await raw.atera("GET", "tickets?itemsInPage=50"))
        let t = try #require(page.first)
        #expect(Set(t.keys) == Set(Self.ticketFields))
        #expect(t["LastModified"] == nil)
        let created = try #require(t["TicketCreatedDate"] as? String)
        #expect(created.count == 19 && !created.hasSuffix("Z"))  // 2026-11-30T12:34:56
        // Some ticket has comments on both sides, with their timestamps.
        #expect(
            page.contains {
                $0["LastTechnicianCommentTimestamp"] is String && $0["LastEndUserCommentTimestamp"] is String
            })
        // The comment timestamps are the comments' own.
        let withTech = try #require(page.first { $0["LastTechnicianCommentTimestamp"] is String })
        let id = try #require(withTech["TicketID"] as? Int)
        let comments = items(try await raw.atera("GET", "tickets/\(id)/comments"))
        let lastTech = comments.filter { $0["TechnicianContactID"] is Int }.last
        #expect(lastTech?["Date"] as? String == withTech["LastTechnicianCommentTimestamp"] as? String)
        #expect(comments.allSatisfy { $0["CommentHtml"] is String && $0["IsInternal"] is Bool })
        await raw.sim.stop()
    }

    @Test("create: 201 with a string ActionID; title, description and end user are required (validation problem)")
    func create() async throws {
        let raw = try await SimulatorTests.start { $0.tickets = 20 }
        let ok = try await raw.atera(
            "POST", "tickets",
            body: #"{"TicketTitle":"New laptop","Description":"For the new starter.","EndUserID":500}"#)
        #expect(ok.status == 201)
        let action = try #require(json(ok)["ActionID"] as? String)
        let t = json(try await raw.atera("GET", "tickets/\(action)"))
        #expect(t["TicketTitle"] as? String == "New laptop" && t["FirstComment"] as? String == "For the new starter.")
        #expect(t["TicketStatus"] as? String == "Open" && t["EndUserID"] as? Int == 500)
        let bad = try await raw.atera("POST", "tickets", body: #"{"TicketTitle":"No description"}"#)
        #expect(bad.status == 400)
        #expect(json(bad)["title"] as? String == "One or more validation errors occurred.")
        let errors = json(bad)["errors"] as? [String: [String]] ?? [:]
        #expect(errors["Description"] != nil && errors["EndUserID"] != nil)
        await raw.sim.stop()
    }

    @Test("update: a string ActionID; TechnicianEmail may change; an unknown field or enum value is refused")
    func update() async throws {
        let raw = try await SimulatorTests.start { $0.tickets = 20 }
        let r = try await raw.atera(
            "POST", "tickets/1003", body: #"{"TechnicianEmail":"mei.lin@msp.example","TicketPriority":"high"}"#)
        #expect(r.status == 200)
        #expect(json(r)["ActionID"] as? String == "1003")
        let t = json(try await raw.atera("GET", "tickets/1003"))
        #expect(
            t["TechnicianFullName"] as? String == "Mei Lin" && t["TechnicianEmail"] as? String == "mei.lin@msp.example")
        #expect(t["TicketPriority"] as? String == "High")
        #expect(try await raw.atera("POST", "tickets/1003", body: #"{"Description":"x"}"#).status == 400)
        let wrong = try await raw.atera("PUT", "tickets/1003", body: #"{"TicketImpact":"Catastrophe"}"#)
        #expect(wrong.status == 400 && (json(wrong)["errors"] as? [String: Any])?["TicketImpact"] != nil)
        await raw.sim.stop()
    }

    @Test("lastmodified: date optional (today), includeComments false by default; a comment or an update shows up")
    func lastModified() async throws {
        let raw = try await SimulatorTests.start { $0.tickets = 40 }
        let since = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-1))
        #expect(json(try await raw.atera("GET", "tickets/lastmodified?date=\(since)"))["totalItemCount"] as? Int == 0)
        let posted = try await raw.atera(
            "POST", "tickets/1004/comments",
            body:
                #"{"CommentText":"Rebooted the switch.","TechnicianCommentDetails":{"TechnicianId":9002,"IsInternal":false}}"#
        )
        #expect(posted.status == 200 && json(posted)["ActionID"] is String)
        _ = try await raw.atera("POST", "tickets/1007", body: #"{"TicketStatus":"Waiting on parts"}"#)
        let bare = try await raw.atera("GET", "tickets/lastmodified")
        let changed = items(bare)
        #expect(Set(changed.compactMap { $0["TicketID"] as? Int }).isSuperset(of: [1004, 1007]))
        let c = try #require(changed.first { $0["TicketID"] as? Int == 1004 })
        #expect(
            c["LastTechnicianComment"] is NSNull && c["FirstComment"] is NSNull && c["LastEndUserComment"] is NSNull)
        #expect(c["LastTechnicianCommentTimestamp"] is String)
        let full = items(try await raw.atera("GET", "tickets/lastmodified?date=\(since)&includeComments=true"))
        #expect(
            full.first { $0["TicketID"] as? Int == 1004 }?["LastTechnicianComment"] as? String == "Rebooted the switch."
        )
        #expect(full.count == 2)
        let comments = items(try await raw.atera("GET", "tickets/1004/comments?itemsInPage=50"))
        #expect(
            comments.last?["Comment"] as? String == "Rebooted the switch."
                && comments.last?["FirstName"] as? String == "Sofia")
        // An end user's comment moves the end-user side.
        _ = try await raw.atera(
            "POST", "tickets/1004/comments",
            body: #"{"CommentText":"Works now.","EnduserCommentDetails":{"EnduserId":504}}"#)
        let t = json(try await raw.atera("GET", "tickets/1004"))
        #expect(t["LastEndUserComment"] as? String == "Works now.")
        #expect(try await raw.atera("POST", "tickets/1004/comments", body: #"{"CommentText":"nobody"}"#).status == 400)
        await raw.sim.stop()
    }

    @Test("statusmodified: resolved and closed only, comments included; noComments: none from a technician")
    func statusAndNoComments() async throws {
        let raw = try await SimulatorTests.start { $0.tickets = 120 }
        let done = items(try await raw.atera("GET", "tickets/statusmodified?itemsInPage=50"))
        #expect(
            !done.isEmpty && done.allSatisfy { ["Resolved", "Closed"].contains($0["TicketStatus"] as? String ?? "") })
        #expect(done.allSatisfy { $0["TicketResolvedDate"] is String })
        #expect(done.contains { $0["FirstComment"] is String })
        let none = items(try await raw.atera("GET", "tickets/noComments?itemsInPage=50"))
        #expect(!none.isEmpty && none.allSatisfy { $0["LastTechnicianCommentTimestamp"] is NSNull })
        await raw.sim.stop()
    }

    @Test("attachments: a read-only list of URLs")
    func attachments() async throws {
        let raw = try await SimulatorTests.start { $0.tickets = 20 }
        let urls = jsonArray(try await raw.atera("GET", "tickets/1005/attachments"))
        #expect(urls.count == 2 && urls.allSatisfy { ($0 as? String)?.hasPrefix("https://") == true })
        #expect(jsonArray(try await raw.atera("GET", "tickets/1001/attachments")).isEmpty)
        #expect(try await raw.atera("POST", "tickets/1005/attachments", body: "{}").status == 404)
        await raw.sim.stop()
    }

    @Test("customers, contacts and alerts: paged, real-shaped, hostile text included")
    func directory() async throws {
        let raw = try await SimulatorTests.start { $0.tickets = 400 }
        let customers = json(try await raw.atera("GET", "customers?itemsInPage=50"))
        #expect(customers["totalItemCount"] as? Int == 20)
        let cs = customers["items"] as? [[String: Any]] ?? []
        #expect(cs.allSatisfy { $0["CustomerID"] is Int && $0["Longitude"] is Double && $0["CreatedOn"] is String })
        #expect(cs.contains { ($0["Notes"] as? String)?.contains("\u{1B}[") == true })
        let contacts = json(try await raw.atera("GET", "contacts?page=2&itemsInPage=50"))
        #expect(contacts["totalItemCount"] as? Int == 300 && (contacts["items"] as? [Any])?.count == 50)
        #expect((contacts["nextLink"] as? String)?.contains("/api/v3/contacts?page=3&itemsInPage=50") == true)
        let first = try #require((contacts["items"] as? [[String: Any]])?.first)
        #expect(first["Firstname"] is String && first["EndUserID"] is Int && first["IsContactPerson"] is Bool)
        let email = try #require(first["Email"] as? String)
        #expect(items(try await raw.atera("GET", "contacts?Email=\(email)")).count == 1)
        let alerts = items(try await raw.atera("GET", "alerts?itemsInPage=50"))
        #expect(alerts.allSatisfy { ["Information", "Warning", "Critical"].contains($0["Severity"] as? String ?? "") })
        #expect(
            alerts.contains {
                ($0["DeviceName"] as? String)?.contains("\u{202E}") == true
                    || ($0["Title"] as? String)?.contains("\u{1B}") == true
            })
        let open = items(try await raw.atera("GET", "alerts?alertStatus=Open&itemsInPage=50"))
        #expect(!open.isEmpty && open.allSatisfy { $0["Archived"] as? Bool == false })
        // FromLastModifiedDate is the account's local time: no offset allowed.
        #expect(try await raw.atera("GET", "customers?FromLastModifiedDate=2026-01-01T00:00:00%2B02:00").status == 400)
        #expect(try await raw.atera("GET", "customers?FromLastModifiedDate=2000-01-01").status == 200)
        await raw.sim.stop()
    }

    @Test("rate headers are optional; the answers are the same without them")
    func noRateHeaders() async throws {
        let raw = try await SimulatorTests.start {
            $0.tickets = 20
            $0.ateraRateHeaders = false
        }
        let r = try await raw.atera("GET", "tickets/1002")
        #expect(r.status == 200 && r.header("X-RateLimit-Remaining") == nil && json(r)["TicketID"] as? Int == 1002)
        await raw.sim.stop()
    }
}
