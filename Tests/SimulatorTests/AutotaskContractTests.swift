import Foundation
import PSAClient
import Simulator
import Testing

extension Raw {
    /// A path under the simulator's root (`/ATServicesRest/…` in any case, or a zone prefix).
    func root(_ method: String, _ path: String, body: String? = nil) async throws -> HTTPResult {
        try await transport.send(
            HTTPRequestSpec(
                method: method, url: "http://127.0.0.1:\(sim.port)" + path, headers: autotaskHeaders,
                body: body.map { Data($0.utf8) }), timeout: .seconds(30))
    }
}

/// The Autotask twin against the published Swagger and real-shaped fixtures, not psatop's models.
@Suite("Simulator: Autotask as published", .serialized, .timeLimit(.minutes(10)))
struct AutotaskContractTests {
    static func small(_ edit: (inout SimulatorConfig) -> Void = { _ in }) async throws -> Raw {
        try await SimulatorTests.start {
            $0.tickets = 300
            $0.addLatency = false
            edit(&$0)
        }
    }

    @Test("paths in any case; versioninformation at the root; field names in any case in filters and bodies")
    func caseInsensitive() async throws {
        let raw = try await Self.small()
        let lower = try await raw.root(
            "POST", "/atservicesrest/v1.0/tickets/query",
            body: #"{"MaxRecords":5,"Filter":[{"Op":"gt","Field":"ID","Value":0}]}"#)
        #expect(lower.status == 200 && items(lower).count == 5)
        let versions = try await raw.root("GET", "/ATServicesRest/versioninformation")
        #expect(String(decoding: versions.body, as: UTF8.self) == #"{"apiVersions":["V1.0","V2.0"]}"#)
        #expect(try await raw.root("GET", "/atservicesrest/VersionInformation").status == 200)
        let id = try #require(items(lower).first?["id"] as? Int)
        #expect(try await raw.autotask("PATCH", "Tickets", body: #"{"ID":\#(id),"Priority":3}"#).status == 200)
        #expect(
            (json(try await raw.autotask("GET", "Tickets/\(id)"))["item"] as? [String: Any])?["priority"] as? Int == 3)
        await raw.sim.stop()
    }

    @Test("nextPageUrl keeps the path the client used, zone prefix included")
    func nextKeepsZone() async throws {
        let raw = try await Self.small { $0.tickets = 700 }
        await raw.sim.moveZone()
        let body = #"{"filter":[{"op":"gt","field":"id","value":0}]}"#
        let first = try await raw.root("POST", "/zone2/atservicesrest/v1.0/Tickets/query", body: body)
        let next = try #require((json(first)["pageDetails"] as? [String: Any])?["nextPageUrl"] as? String)
        #expect(next.hasPrefix("http://127.0.0.1:\(raw.sim.port)/zone2/atservicesrest/v1.0/Tickets/query/next?paging="))
        let second = try await raw.url(next, method: "POST", body: body)
        #expect(second.status == 200 && items(second).count == 200)
        await raw.sim.stop()
    }

    @Test("a ticket has the full field list, SLA fields included; some have no SLA; company 0 is the tenant's own")
    func ticketShape() async throws {
        let raw = try await Self.small()
        let all = items(
            try await raw.autotask("POST", "Tickets/query", body: #"{"filter":[{"op":"gt","field":"id","value":0}]}"#))
        let t = try #require(all.first)
        for f in [
            "firstResponseDueDateTime", "firstResponseDateTime", "resolutionPlanDueDateTime", "resolvedDueDateTime",
            "resolvedDateTime",
            "serviceLevelAgreementID", "serviceLevelAgreementHasBeenMet", "lastCustomerVisibleActivityDateTime",
            "assignedResourceRoleID",
            "userDefinedFields", "ticketNumber", "createDate",
        ] {
            #expect(t.keys.contains(f), "\(f)")
        }
        #expect(t.count > 70)
        #expect(
            all.contains { $0["serviceLevelAgreementID"] is NSNull }
                && all.contains { $0["serviceLevelAgreementID"] is Int })
        #expect(all.contains { $0["companyID"] as? Int == 0 })
        let own = json(
            try await raw.autotask("POST", "Companies/query", body: #"{"filter":[{"op":"eq","field":"id","value":0}]}"#)
        )
        #expect((own["items"] as? [[String: Any]])?.first?["companyName"] as? String == "Simulated MSP (our company)")
        // IncludeFields: only those (and id).
        let narrow = items(
            try await raw.autotask(
                "POST", "Tickets/query",
                body:
                    #"{"MaxRecords":3,"IncludeFields":["Title","status"],"filter":[{"op":"gt","field":"id","value":0}]}"#
            ))
        #expect(narrow.allSatisfy { Set($0.keys) == ["id", "title", "status"] })
        // A field the entity lacks is refused.
        let unknown = try await raw.autotask(
            "POST", "Tickets/query", body: #"{"filter":[{"op":"eq","field":"LastModified","value":1}]}"#)
        #expect(
            unknown.status == 500 && (json(unknown)["errors"] as? [String])?.first?.contains("lastmodified") == true)
        await raw.sim.stop()
    }

    @Test(
        "entityInformation: the info, and the field list with isActive, sortOrder, isRequired, isReadOnly; retired values inactive"
    )
    func fields() async throws {
        let raw = try await Self.small()
        let info = json(try await raw.autotask("GET", "Tickets/entityInformation"))["info"] as? [String: Any]
        #expect(
            info?["name"] as? String == "Ticket" && info?["canCreate"] as? Bool == true
                && info?["canQuery"] as? Bool == true)
        let fields =
            json(try await raw.autotask("GET", "Tickets/entityInformation/fields"))["fields"] as? [[String: Any]] ?? []
        func field(_ n: String) -> [String: Any]? { fields.first { $0["name"] as? String == n } }
        #expect(field("title")?["isRequired"] as? Bool == true && field("ticketNumber")?["isReadOnly"] as? Bool == true)
        for list in ["status", "priority"] {
            let values = field(list)?["picklistValues"] as? [[String: Any]] ?? []
            #expect(values.contains { $0["isActive"] as? Bool == false }, "\(list)")
            let bySort = values.sorted { ($0["sortOrder"] as? Int ?? 0) < ($1["sortOrder"] as? Int ?? 0) }.compactMap {
                $0["value"] as? String
            }
            let byValue = values.compactMap { $0["value"] as? String }.sorted { Int($0)! < Int($1)! }
            #expect(bySort != byValue, "\(list)")
        }
        let notes =
            json(try await raw.autotask("GET", "TicketNotes/entityInformation/fields"))["fields"] as? [[String: Any]]
            ?? []
        let publish = notes.first { $0["name"] as? String == "publish" }?["picklistValues"] as? [[String: Any]] ?? []
        #expect(Set(publish.compactMap { $0["value"] as? String }) == ["1", "2", "4"])
        let types = notes.first { $0["name"] as? String == "noteType" }?["picklistValues"] as? [[String: Any]] ?? []
        #expect(Set(types.compactMap { $0["value"] as? String }).isSuperset(of: ["13", "99"]))
        #expect(notes.contains { $0["name"] as? String == "createdByContactID" })
        await raw.sim.stop()
    }

    @Test(
        "notes: workflow (13) and RMM (99) notes outnumber people's on some tickets; customers' notes by contact; publish 1/2/4; the general filter"
    )
    func notes() async throws {
        let raw = try await Self.small()
        let ids = await raw.sim.autotaskTicketIDs()
        let two = try #require(ids.first { $0 % 4 == 2 }), one = try #require(ids.first { $0 % 4 == 1 })
        let onTwo = items(
            try await raw.autotask(
                "POST", "TicketNotes/query", body: #"{"filter":[{"op":"eq","field":"ticketID","value":\#(two)}]}"#))
        let system = onTwo.filter { [13, 99].contains($0["noteType"] as? Int ?? 0) }
        #expect(system.count > onTwo.count - system.count)
        #expect(Set(onTwo.compactMap { $0["publish"] as? Int }).isSuperset(of: [1, 2, 4]))
        let onOne = items(
            try await raw.autotask(
                "POST", "TicketNotes/query", body: #"{"filter":[{"op":"eq","field":"TicketID","value":\#(one)}]}"#))
        let customer = try #require(onOne.first { $0["createdByContactID"] is Int })
        #expect(customer["creatorResourceID"] is NSNull && customer["publish"] as? Int == 1)
        // Any field, any op, across tickets.
        let rmm = items(
            try await raw.autotask(
                "POST", "TicketNotes/query",
                body:
                    #"{"MaxRecords":10,"filter":[{"op":"eq","field":"noteType","value":99},{"op":"contains","field":"title","value":"rmm"}]}"#
            ))
        #expect(rmm.count == 10 && rmm.allSatisfy { $0["noteType"] as? Int == 99 })
        let count =
            json(
                try await raw.autotask(
                    "POST", "TicketNotes/query/count", body: #"{"filter":[{"op":"eq","field":"noteType","value":13}]}"#)
            )["queryCount"] as? Int
        #expect(count == 3 * ids.filter { $0 % 4 == 2 }.count)
        await raw.sim.stop()
    }

    @Test("create: POST /Tickets checks the required fields and answers {itemId}; POST /Tickets/{id}/Notes adds a note")
    func create() async throws {
        let raw = try await Self.small()
        let missing = try await raw.autotask("POST", "Tickets", body: #"{"title":"only a title"}"#)
        #expect(missing.status == 500 && (json(missing)["errors"] as? [String])?.first?.contains("companyID") == true)
        let ok = try await raw.autotask(
            "POST", "Tickets", body: #"{"CompanyID":175,"Title":"New","Status":1,"Priority":2}"#)
        let id = try #require(json(ok)["itemId"] as? Int)
        let t = try #require(json(try await raw.autotask("GET", "Tickets/\(id)"))["item"] as? [String: Any])
        #expect(
            t["title"] as? String == "New" && (t["ticketNumber"] as? String)?.hasPrefix("T") == true
                && t["createDate"] is String)
        let retired = try await raw.autotask(
            "POST", "Tickets", body: #"{"companyID":175,"title":"x","status":17,"priority":2}"#)
        #expect(retired.status == 500 && (json(retired)["errors"] as? [String])?.first?.contains("inactive") == true)
        let note = try await raw.autotask(
            "POST", "Tickets/\(id)/Notes",
            body: #"{"title":"Called","description":"Voicemail.","noteType":1,"publish":2}"#)
        let noteID = try #require(json(note)["itemId"] as? Int)
        let back = items(
            try await raw.autotask(
                "POST", "TicketNotes/query", body: #"{"filter":[{"op":"eq","field":"ticketID","value":\#(id)}]}"#))
        #expect(back.map { $0["id"] as? Int } == [noteID] && back.first?["creatorResourceID"] as? Int == 29_682_999)
        #expect(
            try await raw.autotask(
                "POST", "Tickets/\(id)/Notes", body: #"{"title":"x","description":"y","noteType":1,"publish":3}"#
            ).status == 500)
        await raw.sim.stop()
    }

    @Test(
        "PATCH: a wrong-typed field is an ASP.NET validation problem; an inactive value is refused; PATCH /Tickets/{id} is not a route"
    )
    func patchErrors() async throws {
        let raw = try await Self.small()
        let id = try #require(await raw.sim.autotaskTicketIDs().first)
        let typed = try await raw.autotask(
            "PATCH", "Tickets", body: #"{"id":\#(id),"priority":"urgent","dueDateTime":"soon"}"#)
        #expect(typed.status == 400)
        let p = json(typed)
        #expect(p["title"] as? String == "One or more validation errors occurred." && p["status"] as? Int == 400)
        #expect(Set((p["errors"] as? [String: [String]] ?? [:]).keys) == ["priority", "dueDateTime"])
        let inactive = try await raw.autotask("PATCH", "Tickets", body: #"{"id":\#(id),"priority":6}"#)
        #expect(inactive.status == 500)
        #expect(try await raw.autotask("PATCH", "Tickets", body: #"{"id":\#(id),"ticketNumber":"T1"}"#).status == 500)
        #expect(try await raw.autotask("PATCH", "Tickets/\(id)", body: #"{"id":\#(id),"priority":1}"#).status == 405)
        await raw.sim.stop()
    }

    @Test("a workflow rule can undo a PATCH that was answered {itemId}")
    func workflowRevert() async throws {
        let raw = try await Self.small { $0.workflowRevertStatus = 12 }
        let ids = await raw.sim.autotaskTicketIDs()
        let t = try #require(await raw.sim.autotaskTickets().first { $0.status != 12 })
        let r = try await raw.autotask("PATCH", "Tickets", body: #"{"id":\#(t.id),"status":12,"priority":3}"#)
        #expect(json(r)["itemId"] as? Int == Int(t.id))
        let back = try #require(json(try await raw.autotask("GET", "Tickets/\(t.id)"))["item"] as? [String: Any])
        #expect(back["status"] as? Int == t.status && back["priority"] as? Int == 3)
        let notes = items(
            try await raw.autotask(
                "POST", "TicketNotes/query",
                body:
                    #"{"filter":[{"op":"eq","field":"ticketID","value":\#(t.id)},{"op":"eq","field":"noteType","value":13}]}"#
            ))
        #expect(notes.contains { ($0["title"] as? String)?.contains("reverted") == true })
        #expect(!ids.isEmpty)
        await raw.sim.stop()
    }

    @Test("attachments: the list is items+pageDetails with data null; one is a list envelope with items[0].data")
    func attachments() async throws {
        let raw = try await Self.small()
        let id = try #require(await raw.sim.autotaskTicketIDs().first)
        let data = Data("hello, world".utf8).base64EncodedString()
        let made = try await raw.autotask(
            "POST", "Tickets/\(id)/Attachments",
            body:
                #"{"id":0,"attachmentType":"FILE_ATTACHMENT","publish":2,"title":"hello.txt","fullPath":"hello.txt","data":"\#(data)"}"#
        )
        let att = try #require(json(made)["itemId"] as? Int)
        let list = json(try await raw.autotask("GET", "Tickets/\(id)/Attachments"))
        let first = try #require((list["items"] as? [[String: Any]])?.first)
        #expect(first["data"] is NSNull && first["publish"] as? Int == 2 && list["pageDetails"] is [String: Any])
        let one = json(try await raw.autotask("GET", "Tickets/\(id)/Attachments/\(att)"))
        #expect(one["item"] == nil)
        #expect((one["items"] as? [[String: Any]])?.first?["data"] as? String == data)
        #expect(
            try await raw.autotask("POST", "Tickets/\(id)/Attachments", body: #"{"title":"x","data":"\#(data)"}"#)
                .status == 500)  // publish is required
        await raw.sim.stop()
    }

    @Test("TimeEntries and ServiceLevelAgreementResults answer queries and counts with the filter engine")
    func timeAndSLA() async throws {
        let raw = try await Self.small()
        let ids = await raw.sim.autotaskTicketIDs().prefix(40).map(String.init).joined(separator: ",")
        let entries = items(
            try await raw.autotask(
                "POST", "TimeEntries/query",
                body:
                    #"{"filter":[{"op":"in","field":"ticketID","value":[\#(ids)]},{"op":"gt","field":"hoursWorked","value":0.5}]}"#
            ))
        #expect(
            !entries.isEmpty
                && entries.allSatisfy { ($0["hoursWorked"] as? Double ?? 0) > 0.5 && $0["summaryNotes"] is String })
        let n = json(
            try await raw.autotask(
                "GET",
                "TimeEntries/query/count?search=" + #"{"filter":[{"op":"exist","field":"ticketID"}]}"#
                    .addingPercentEncoding(withAllowedCharacters: .alphanumerics)!))
        #expect((n["queryCount"] as? Int ?? 0) > entries.count)
        let sla = items(
            try await raw.autotask(
                "POST", "ServiceLevelAgreementResults/query",
                body: #"{"filter":[{"op":"in","field":"ticketID","value":[\#(ids)]}]}"#))
        #expect(
            !sla.isEmpty
                && sla.allSatisfy {
                    $0["serviceLevelAgreementName"] is String && $0.keys.contains("isFirstResponseMet")
                })
        await raw.sim.stop()
    }
}
