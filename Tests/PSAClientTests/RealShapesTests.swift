import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Testing

/// The client against answers shaped as the vendors publish them (their specs, public clients'
/// fixtures: `Corpus/`), not as our own simulator writes them.
@Suite("Real-shaped answers", .timeLimit(.minutes(10)))
struct RealShapesTests {
    static func corpus(_ name: String) throws -> Data {
        try Data(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "Corpus/\(name)"))
    }

    static func json(_ text: String, status: Int = 200) -> HTTPResult {
        HTTPResult(status: status, body: Data(text.utf8))
    }

    static func body(_ r: HTTPRequestSpec) -> [String: Any] {
        r.body.flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] } ?? [:]
    }

    // MARK: Atera

    @Test(
        "Atera TicketDto as published: activity is the latest comment/resolution/creation stamp, the description is FirstComment, a string id is read"
    )
    func ateraTicketDto() throws {
        let env = try JSONDecoder().decode(
            AteraEnvelope<AteraTicket>.self, from: Self.corpus("atera-tickets-full.json"))
        #expect(env.items.count == 2)
        let a = env.items[0].display, b = env.items[1].display
        #expect(a.lastActivity == VendorDate.parse("2026-11-22T08:15:00"))
        #expect(a.description.hasPrefix("Since the update this morning"))
        #expect(a.fields.contains { $0.name == "Technician e-mail" && $0.value == "ravi.patel@msp.example" })
        #expect(b.id == 5002)  // "TicketID":"5002"
        #expect(b.lastActivity == VendorDate.parse("2026-11-25T17:30:00"))  // resolved, no comment stamps
    }

    @Test("Atera ActionID is a string in both specs (a number is accepted too)")
    func actionID() throws {
        #expect(
            try JSONDecoder().decode(AteraActionResult.self, from: Self.corpus("atera-action-result.json")).ActionID
                == "905003")
        #expect(
            try JSONDecoder().decode(AteraActionResult.self, from: Data(#"{"ActionID":905003}"#.utf8)).ActionID
                == "905003")
    }

    @Test(
        "An Atera status change answered {\"ActionID\":\"905003\"} is reported done, sends only that field, and is read back"
    )
    func ateraChange() async throws {
        let ticket = #"{"TicketID":5001,"TicketStatus":"Pending","TicketTitle":"x"}"#
        let h = Harness(seed: 3) { i, _, _ in
            (i == 0 ? Self.json(#"{"ActionID":"905003"}"#) : Self.json(ticket), hold: .zero)
        }
        let api = AteraAPI(client: h.client, key: "k", baseURL: "https://example.invalid/api/v3")
        let task = Task { try await api.changeAndConfirm(ticketID: 5001, .status, to: "Pending") }
        let (outcome, fresh) = try await drive(h.test, untilDone: task)
        #expect(outcome == .confirmed && fresh?.status == "Pending")
        let sent = await h.transport.sent
        #expect(sent.count == 2 && sent[0].method == "POST" && sent[1].method == "GET")
        #expect(Self.body(sent[0].request).keys.sorted() == ["TicketStatus"])
    }

    @Test("Atera changes: /tickets/lastmodified asked with includeComments=true and read to its last page")
    func ateraChangesAllPages() async throws {
        @Sendable func page(_ n: Int, _ ids: [Int], next: String) -> HTTPResult {
            let items = ids.map {
                #"{"TicketID":\#($0),"TicketCreatedDate":"2026-11-20T09:00:00","LastTechnicianCommentTimestamp":"2026-11-29T10:00:00"}"#
            }
            return Self.json(
                #"{"items":[\#(items.joined(separator: ","))],"totalItemCount":3,"page":\#(n),"itemsInPage":2,"totalPages":2,"prevLink":"","nextLink":"\#(next)"}"#
            )
        }
        let h = Harness(seed: 4) { i, _, _ in
            (
                i == 0
                    ? page(1, [1, 2], next: "https://example.invalid/api/v3/tickets/lastmodified?page=2")
                    : page(2, [3], next: ""), hold: .zero
            )
        }
        let api = AteraAPI(client: h.client, key: "k", baseURL: "https://example.invalid/api/v3", pageSize: 2)
        let task = Task { try await api.changes(since: epoch) }
        let changes = try await drive(h.test, untilDone: task)
        #expect(changes.complete && changes.tickets.map(\.id) == [1, 2, 3])
        let urls = await h.transport.sent.map(\.url)
        #expect(urls.count == 2 && urls.allSatisfy { $0.contains("includeComments=true") })
        #expect(urls[0].contains("page=1") && urls[1].contains("page=2"))
        #expect(changes.tickets.allSatisfy { $0.lastActivity == VendorDate.parse("2026-11-29T10:00:00") })
    }

    @Test(
        "Atera statuses are free strings: seen ones are offered after the defaults; an unseen one is asked with a note")
    func ateraStatuses() async throws {
        let list =
            #"{"items":[{"TicketID":1,"TicketStatus":"Waiting customer"},{"TicketID":2,"TicketStatus":"Open"}],"totalItemCount":2,"page":1,"itemsInPage":50,"totalPages":1,"prevLink":"","nextLink":""}"#
        let h = Harness(seed: 5) { _, _, _ in (Self.json(list), hold: .zero) }
        let api = AteraAPI(client: h.client, key: "k", baseURL: "https://example.invalid/api/v3")
        _ = try await drive(h.test, untilDone: Task { try await api.page(after: nil) })
        #expect(try await api.choices(for: .status) == ["Open", "Pending", "Resolved", "Closed", "Waiting customer"])
        let seen = try await drive(
            h.test, untilDone: Task { try await api.page(after: nil, filter: ServerFilter(status: "waiting customer")) }
        )
        #expect(seen.note == nil)
        let unseen = try await drive(
            h.test, untilDone: Task { try await api.page(after: nil, filter: ServerFilter(status: "On hold")) })
        #expect(unseen.note?.contains("not seen on this tenant") == true)
        #expect(await h.transport.sent.last?.url.contains("ticketStatus=On%20hold") == true)
    }

    // MARK: Autotask

    static let fields = #"""
        {"fields":[{"name":"status","dataType":"integer","isPickList":true,"isRequired":true,"isReadOnly":false,"picklistValues":[
          {"value":"1","label":"New","isDefaultValue":true,"sortOrder":1,"parentValue":"","isActive":true,"isSystem":true},
          {"value":"5","label":"Complete","isDefaultValue":false,"sortOrder":9,"parentValue":"","isActive":true,"isSystem":true},
          {"value":"8","label":"In Progress","isDefaultValue":false,"sortOrder":2,"parentValue":"","isActive":true,"isSystem":false},
          {"value":"12","label":"Old Waiting","isDefaultValue":false,"sortOrder":3,"parentValue":"","isActive":false,"isSystem":false}]},
         {"name":"priority","dataType":"integer","isPickList":true,"picklistValues":[
          {"value":"1","label":"High","sortOrder":2,"isActive":true},{"value":"2","label":"Medium","sortOrder":3,"isActive":true},
          {"value":"4","label":"Critical","sortOrder":1,"isActive":true},{"value":"3","label":"Low","sortOrder":4,"isActive":true}]}]}
        """#

    static func autotask(_ h: Harness, fieldSet: AutotaskFieldSet = .list) -> AutotaskAPI {
        AutotaskAPI.scripted(h.client, fieldSet: fieldSet)
    }

    @Test(
        "Picklists: inactive values are never offered but still label old tickets; choices follow sortOrder; a change to an inactive value is refused before sending"
    )
    func picklists() async throws {
        let h = Harness(seed: 6) { _, _, _ in (Self.json(Self.fields), hold: .zero) }
        let api = Self.autotask(h)
        let statuses = try await drive(h.test, untilDone: Task { try await api.choices(for: .status) })
        #expect(statuses == ["New", "In Progress", "Complete"])
        #expect(try await api.choices(for: .priority) == ["Critical", "High", "Medium", "Low"])
        let picklists = try JSONDecoder().decode(EntityFields.self, from: Data(Self.fields.utf8)).picklists
        #expect(picklists.label("status", 12) == "Old Waiting")
        await #expect(throws: APIError.self) { try await api.change(ticketID: 1, .status, to: "Old Waiting") }
        #expect(await h.transport.sent.count == 1)  // only the fields
    }

    @Test(
        "Autotask changes past 500: the query is repeated past the last id until a short page (lowest ids come first)")
    func autotaskChangesPast500() async throws {
        @Sendable func items(_ ids: ClosedRange<Int>) -> HTTPResult {
            Self.json(
                #"{"items":["#
                    + ids.map { #"{"id":\#($0),"lastActivityDate":"2026-11-29T10:00:00.000Z"}"# }.joined(separator: ",")
                    + #"],"pageDetails":{"count":1,"requestCount":500,"prevPageUrl":null,"nextPageUrl":null}}"#)
        }
        let h = Harness(seed: 7) { i, _, r in
            if r.url.hasSuffix("entityInformation/fields") { return (Self.json(Self.fields), .zero) }
            return (i == 1 ? items(1...500) : items(501...503), .zero)
        }
        let api = Self.autotask(h)
        let changes = try await drive(h.test, untilDone: Task { try await api.changes(since: epoch) })
        #expect(changes.complete && changes.tickets.count == 503)
        let sent = await h.transport.sent
        let second = Self.body(sent[2].request)
        let filter = second["filter"] as? [[String: Any]] ?? []
        #expect(
            filter.contains {
                $0["field"] as? String == "id" && $0["op"] as? String == "gt" && ($0["value"] as? Int) == 500
            })
        #expect(filter.contains { $0["field"] as? String == "lastActivityDate" })
        #expect((second["IncludeFields"] as? [String])?.contains("id") == true)
    }

    @Test(
        "Autotask notes: a customer's portal note names the contact; workflow (13) and RMM (99) notes are marked system; types use the tenant's labels"
    )
    func notes() async throws {
        let notes = #"""
            {"items":[
             {"id":45,"ticketID":100,"title":"Note Title","description":"Note description","noteType":2,"publish":1,"creatorResourceID":10,"createdByContactID":null,"createDateTime":"2018-01-23T11:00:00.00Z","lastActivityDate":"2018-01-23T11:00:00.00Z"},
             {"id":46,"ticketID":100,"title":"Still broken","description":"Any news?","noteType":1,"publish":1,"creatorResourceID":null,"createdByContactID":29683586,"createDateTime":"2018-01-24T11:00:00.00Z"},
             {"id":47,"ticketID":100,"title":"Workflow Rule","description":"Status changed by rule","noteType":13,"publish":2,"creatorResourceID":null,"createDateTime":"2018-01-24T12:00:00.00Z"},
             {"id":48,"ticketID":100,"title":"RMM","description":"Disk space low","noteType":99,"publish":2,"creatorResourceID":null,"createDateTime":"2018-01-24T13:00:00.00Z"}],
             "pageDetails":{"count":4,"requestCount":500,"prevPageUrl":null,"nextPageUrl":null}}
            """#
        let noteTypes =
            #"{"fields":[{"name":"noteType","dataType":"integer","isPickList":true,"picklistValues":[{"value":"1","label":"Ticket Detail","sortOrder":1,"isActive":true},{"value":"2","label":"Task Detail","sortOrder":2,"isActive":true},{"value":"13","label":"Workflow Rule Action Note","sortOrder":3,"isActive":true}]}]}"#
        let h = Harness(seed: 8) { _, _, r in
            let u = r.url.lowercased()
            if u.hasSuffix("tickets/entityinformation/fields") { return (Self.json(Self.fields), .zero) }
            if u.hasSuffix("ticketnotes/entityinformation/fields") { return (Self.json(noteTypes), .zero) }
            if u.hasSuffix("ticketnotes/query") { return (Self.json(notes), .zero) }
            if u.hasSuffix("resources/query") {
                return (
                    Self.json(#"{"items":[{"id":10,"firstName":"Ravi","lastName":"Patel"}],"pageDetails":null}"#), .zero
                )
            }
            if u.hasSuffix("contacts/query") {
                return (
                    Self.json(
                        #"{"items":[{"id":29683586,"firstName":"Maria","lastName":"Lopez","emailAddress":"m@x"}],"pageDetails":null}"#
                    ), .zero
                )
            }
            return (Self.json("{}"), .zero)
        }
        let api = Self.autotask(h)
        let list = try await drive(h.test, untilDone: Task { try await api.ticketComments(id: 100) })
        #expect(list.map(\.author) == ["Ravi Patel", "Maria Lopez (customer)", "System", "System"])
        #expect(list.map(\.isSystem) == [false, false, true, true])
        #expect(list.map(\.kind) == ["Task Detail", "Ticket Detail", "Workflow Rule Action Note", "type 99"])
        #expect(list.map(\.isInternal) == [false, false, true, true])
    }

    @Test("Attachments are internal unless chosen: publish 2, or 1 for customers")
    func attachmentPublish() async throws {
        let h = Harness(seed: 9) { _, _, _ in (Self.json(#"{"itemId":7}"#), hold: .zero) }
        let api = Self.autotask(h)
        _ = try await drive(
            h.test, untilDone: Task { try await api.attach(ticketID: 1, fileName: "a.txt", data: Data("x".utf8)) })
        _ = try await drive(
            h.test,
            untilDone: Task {
                try await api.attach(ticketID: 1, fileName: "b.txt", data: Data("x".utf8), visibility: .customers)
            })
        let sent = await h.transport.sent
        #expect(Self.body(sent[0].request)["publish"] as? Int == 2)
        #expect(Self.body(sent[1].request)["publish"] as? Int == 1)
    }

    @Test(
        "A PATCH answered {\"itemId\"} while a workflow rule reset the value: the read-back says what the server holds")
    func workflowUndo() async throws {
        let h = Harness(seed: 10) { _, _, r in
            if r.url.hasSuffix("entityInformation/fields") { return (Self.json(Self.fields), .zero) }
            if r.method == "PATCH" { return (Self.json(#"{"itemId":100}"#), .zero) }
            return (Self.json(#"{"item":{"id":100,"status":1,"priority":2}}"#), .zero)
        }
        let api = Self.autotask(h)
        let (outcome, fresh) = try await drive(
            h.test, untilDone: Task { try await api.changeAndConfirm(ticketID: 100, .status, to: "Complete") })
        #expect(outcome == .differs(held: "New") && fresh?.status == "New")
        let patch = try #require(await h.transport.sent.first { $0.method == "PATCH" })
        #expect(Self.body(patch.request).keys.sorted() == ["id", "status"])
    }

    @Test("A read-back that fails after a change the server took is 'not confirmed', not a failure")
    func readBackFails() async throws {
        let h = Harness(seed: 11) { _, _, r in
            if r.url.hasSuffix("entityInformation/fields") { return (Self.json(Self.fields), .zero) }
            if r.method == "PATCH" { return (Self.json(#"{"itemId":100}"#), .zero) }
            return (Self.json(#"{"errors":["Ticket could not be read"]}"#, status: 404), .zero)
        }
        let api = Self.autotask(h)
        let (outcome, _) = try await drive(
            h.test, untilDone: Task { try await api.changeAndConfirm(ticketID: 100, .status, to: "Complete") })
        guard case .notConfirmed = outcome else {
            Issue.record("expected notConfirmed, got \(outcome)")
            return
        }
        #expect(await h.transport.sent.filter { $0.method == "PATCH" }.count == 1)
    }

    @Test("Web links come from zoneInformation's webUrl, not from the API host name")
    func webURL() async throws {
        let zone =
            #"{"zoneName":"America East 3","url":"https://webservices14.autotask.net/ATServicesRest/","webUrl":"https://ww14.autotask.net/","ci":20264}"#
        let h = Harness(seed: 12) { _, _, r in
            if r.url.contains("zoneInformation") { return (Self.json(zone), .zero) }
            return (Self.json(Self.fields), .zero)
        }
        let api = AutotaskAPI(
            client: h.client, credentials: .init(userName: "u@x", secret: "s", integrationCode: "c"), baseURL: nil,
            zoneDiscoveryURL: "https://webservices2.autotask.net/ATServicesRest/V1.0")
        _ = try await drive(h.test, untilDone: Task { try await api.choices(for: .status) })
        #expect(
            await api.ticketWebTemplate()
                == "https://ww14.autotask.net/Mvc/ServiceDesk/TicketDetail.mvc?workspace=False&mode=0&ticketId={id}")
    }

    @Test("An ASP.NET validation problem shows its reason from `errors`, not only its title")
    func validationProblem() {
        let body = Data(
            #"{"type":"https://tools.ietf.org/html/rfc7231#section-6.5.1","title":"One or more validation errors occurred.","status":400,"traceId":"|8f3c.1","errors":{"TicketStatus":["The status 'Nope' does not exist."]}}"#
                .utf8)
        let e = APIError.classify(status: 400, body: body)
        #expect(e.kind == .badRequest)
        #expect(e.detail == "One or more validation errors occurred.: TicketStatus: The status 'Nope' does not exist.")
    }

    @Test(
        "IncludeFields: a list page asks for the list's fields only; against a full-width ticket the page is much smaller"
    )
    func includeFields() throws {
        let full = try Self.corpus("autotask-tickets-fullwidth.json")
        let obj = try #require(try JSONSerialization.jsonObject(with: full) as? [String: Any])
        let items = try #require(obj["items"] as? [[String: Any]])
        #expect(items.allSatisfy { $0.count >= 70 })
        let list = Set(try #require(AutotaskFieldSet.list.fields).map { $0.lowercased() })
        #expect(list.contains("id"))
        let trimmed = items.map { $0.filter { list.contains($0.key.lowercased()) } }
        let fullBytes = try JSONSerialization.data(withJSONObject: items).count
        let listBytes = try JSONSerialization.data(withJSONObject: trimmed).count
        print(
            "IncludeFields: a list page of full-width tickets is \(listBytes) bytes instead of \(fullBytes) (\(Int((1 - Double(listBytes) / Double(fullBytes)) * 100))% smaller)"
        )
        #expect(listBytes * 4 < fullBytes)
        // Every field the list decodes and shows is asked for.
        let t = try JSONDecoder().decode(
            AutotaskQueryResponse<AutotaskTicket>.self,
            from: try JSONSerialization.data(withJSONObject: ["items": trimmed])
        ).items[0]
        #expect(t.title != nil && t.status != nil && t.lastActivityDate != nil && t.companyID != nil)
        let export = Set(try #require(AutotaskFieldSet.export.fields))
        #expect(export.isSuperset(of: AutotaskFieldSet.list.fields!) && export.contains("description"))
        #expect(AutotaskFieldSet.all.fields == nil)
    }

    @Test(
        "IncludeFields: page() sends exactly the list's fields (the export's for `tickets`), so the saving above is real"
    )
    func pageSendsIncludeFields() async throws {
        let full = try Self.corpus("autotask-tickets-fullwidth.json")
        for set in [AutotaskFieldSet.list, .export] {
            let h = Harness(seed: 3) { _, _, r in
                if r.url.hasSuffix("entityInformation/fields") { return (Self.json(Self.fields), .zero) }
                if r.url.hasSuffix("/query/count") { return (Self.json(#"{"queryCount":3}"#), .zero) }
                if r.url.hasSuffix("/Tickets/query") { return (HTTPResult(status: 200, body: full), .zero) }
                return (Self.json(#"{"items":[]}"#), .zero)
            }
            let api = Self.autotask(h, fieldSet: set)
            let page = try await drive(h.test, untilDone: Task { try await api.page(after: nil) })
            #expect(!page.tickets.isEmpty)
            let queries = await h.transport.sent.filter { $0.url.hasSuffix("/Tickets/query") }
            try #require(queries.count == 1, "\(queries.map(\.url))")
            let asked = try #require(Self.body(queries[0].request)["IncludeFields"] as? [String])
            #expect(asked == set.fields, "\(set): asked for \(asked)")
        }
    }
}

extension RealShapesTests {
    @Test("A webUrl that is not https on autotask.net is not a link (a hostile zone answer, a simulator)")
    func webURLRefused() async throws {
        for web in ["http://ww14.autotask.net/", "https://evil.example/", "https://ww14.autotask.net.evil.example/"] {
            let zone =
                #"{"zoneName":"Z","url":"https://webservices14.autotask.net/ATServicesRest/","webUrl":"\#(web)","ci":1}"#
            let h = Harness(seed: 13) { _, _, r in
                (r.url.contains("zoneInformation") ? Self.json(zone) : Self.json(Self.fields), .zero)
            }
            let api = AutotaskAPI(
                client: h.client, credentials: .init(userName: "u@x", secret: "s", integrationCode: "c"), baseURL: nil,
                zoneDiscoveryURL: "https://webservices2.autotask.net/ATServicesRest/V1.0")
            _ = try await drive(h.test, untilDone: Task { try await api.choices(for: .status) })
            // The guess from the API host (webservices14 → ww14) instead.
            #expect(
                await api.ticketWebTemplate()
                    == "https://ww14.autotask.net/Mvc/ServiceDesk/TicketDetail.mvc?workspace=False&mode=0&ticketId={id}",
                "\(web)")
        }
    }
}

extension RealShapesTests {
    @Test(
        "SLA from the published fields: Autotask's three stages (firstResponse/resolutionPlan/resolved), Atera's two (first response, close)"
    )
    func slaFromFields() throws {
        let at = try JSONDecoder().decode(
            AutotaskQueryResponse<AutotaskTicket>.self, from: Self.corpus("autotask-tickets-fullwidth.json")
        ).items[0]
        let sla = try #require(at.sla)
        #expect(sla.stages.map(\.kind) == [.firstResponse, .resolutionPlan, .resolved])
        // firstResponseDateTime set, resolvedDateTime null
        #expect(sla.stages[0].met != nil && sla.stages[2].met == nil)
        let atera = try JSONDecoder().decode(
            AteraEnvelope<AteraTicket>.self, from: Self.corpus("atera-tickets-full.json")
        ).items
        let a = try #require(atera[0].display.sla)
        #expect(a.stages.map(\.kind) == [.firstResponse, .close])
        #expect(a.stages[0].met == VendorDate.parse("2026-11-20T09:40:12.873"))
        #expect(a.stages[1].met == nil && atera[1].display.sla?.stages[1].met != nil)  // resolved closes the second
        // A ticket whose tenant sets no SLA has none (not zeros).
        #expect(AutotaskTicket(id: 1).sla == nil && AteraTicket(TicketID: 1).display.sla == nil)
        // tickets --json: an object per ticket, judged at the export's moment.
        let enc = JSONEncoder()
        enc.dateEncodingStrategy = .iso8601
        enc.outputFormatting = [.sortedKeys]
        enc.userInfo[SLA.nowKey] = VendorDate.parse("2026-11-30T00:00:00Z")!
        let json = String(decoding: try enc.encode(at.display(picklists: Picklists())), as: UTF8.self)
        #expect(
            json.contains(
                #""sla":{"breached":true,"stages":[{"breached":false,"due":"2026-11-23T12:10:00Z","met":true,"met_at":"2026-11-23T08:11:00Z","met_late":false,"stage":"first_response"}"#
            ), "\(json)")
    }
}

extension RealShapesTests {
    @Test(
        "Autotask note: POST /Tickets/{id}/Notes with the first line as title, the tenant's default note type, publish 2 unless customers"
    )
    func autotaskNote() async throws {
        let noteFields =
            #"{"fields":[{"name":"noteType","isPickList":true,"picklistValues":[{"value":"1","label":"Ticket Detail","isDefaultValue":false,"sortOrder":2,"isActive":true},{"value":"3","label":"Task Summary","isDefaultValue":true,"sortOrder":1,"isActive":true},{"value":"9","label":"Old","isDefaultValue":false,"sortOrder":0,"isActive":false}]},{"name":"publish","isPickList":true,"picklistValues":[{"value":"1","label":"All Autotask Users","isActive":true},{"value":"2","label":"Internal Project Team","isActive":true}]}]}"#
        let h = Harness(seed: 14) { _, _, r in
            if r.url.lowercased().hasSuffix("ticketnotes/entityinformation/fields") {
                return (Self.json(noteFields), .zero)
            }
            return (Self.json(#"{"itemId":901}"#), .zero)
        }
        let api = Self.autotask(h)
        _ = try await drive(
            h.test,
            untilDone: Task {
                try await api.addNote(
                    ticketID: 100, text: "Called back\u{1B}[2J\nToner ordered.", visibility: .internal)
            })
        _ = try await drive(
            h.test,
            untilDone: Task {
                try await api.addNote(ticketID: 100, text: "Your toner ships today.", visibility: .customers)
            })
        let posts = await h.transport.sent.filter { $0.method == "POST" }
        #expect(posts.count == 2 && posts.allSatisfy { $0.url.hasSuffix("/Tickets/100/Notes") })
        let first = Self.body(posts[0].request)
        #expect(
            first["title"] as? String == "Called back[2J"
                && first["description"] as? String == "Called back[2J\nToner ordered.")
        #expect(first["noteType"] as? Int == 3 && first["publish"] as? Int == 2)
        #expect(Self.body(posts[1].request)["publish"] as? Int == 1)
        await #expect(throws: APIError.self) {
            try await api.addNote(ticketID: 100, text: String(repeating: "x", count: 32_001), visibility: .internal)
        }
        await #expect(throws: APIError.self) {
            try await api.addNote(ticketID: 100, text: " \n ", visibility: .internal)
        }
        #expect(await h.transport.sent.filter { $0.method == "POST" }.count == 2)  // refused before sending
    }

    @Test(
        "Atera comment: POST /tickets/{id}/comments as the technician named by --me, IsInternal unless customers; without --me refused unsent"
    )
    func ateraComment() async throws {
        let h = Harness(seed: 15) { _, _, _ in (Self.json(#"{"ActionID":"77"}"#), .zero) }
        let api = AteraAPI(
            client: h.client, key: "k", baseURL: "https://example.invalid/api/v3",
            technicianEmail: "ravi.patel@msp.example")
        _ = try await drive(
            h.test,
            untilDone: Task { try await api.addNote(ticketID: 5001, text: "Looking into it.", visibility: .internal) })
        let sent = try #require(await h.transport.sent.first)
        #expect(sent.method == "POST" && sent.url.hasSuffix("/tickets/5001/comments"))
        let body = Self.body(sent.request)
        let details = body["TechnicianCommentDetails"] as? [String: Any]
        #expect(body["CommentText"] as? String == "Looking into it.")
        #expect(
            details?["TechnicianEmail"] as? String == "ravi.patel@msp.example"
                && details?["IsInternal"] as? Bool == true)
        let anonymous = AteraAPI(client: h.client, key: "k", baseURL: "https://example.invalid/api/v3")
        await #expect(throws: APIError.self) {
            try await anonymous.addNote(ticketID: 5001, text: "x", visibility: .internal)
        }
        #expect(await h.transport.sent.count == 1)
    }
}

extension RealShapesTests {
    @Test(
        "--me on Autotask: the resource by e-mail, once; assignee:me filters on the server by assignedResourceID; an unknown e-mail is an error"
    )
    func meAutotask() async throws {
        let h = Harness(seed: 16) { _, _, r in
            let u = r.url.lowercased()
            if u.hasSuffix("resources/query") {
                let asked = String(decoding: r.body ?? Data(), as: UTF8.self)
                return (
                    Self.json(
                        asked.contains("dana@msp.example")
                            ? #"{"items":[{"id":29682885,"firstName":"Dana","lastName":"Whitfield","email":"dana@msp.example"}],"pageDetails":null}"#
                            : #"{"items":[],"pageDetails":null}"#), .zero
                )
            }
            if u.hasSuffix("entityinformation/fields") { return (Self.json(Self.fields), .zero) }
            if u.hasSuffix("query/count") { return (Self.json(#"{"queryCount":1}"#), .zero) }
            return (Self.json(#"{"items":[{"id":5,"assignedResourceID":29682885}],"pageDetails":null}"#), .zero)
        }
        let api = AutotaskAPI.scripted(h.client, me: "dana@msp.example")
        let me = try await drive(h.test, untilDone: Task { try await api.whoAmI() })
        #expect(me == Person(id: 29_682_885, name: "Dana Whitfield", email: "dana@msp.example"))
        let page = try await drive(
            h.test, untilDone: Task { try await api.page(after: nil, filter: ServerFilter(assignee: "me")) })
        #expect(page.tickets.first?.assigneeID == 29_682_885)
        let sent = await h.transport.sent
        #expect(sent.filter { $0.url.lowercased().hasSuffix("resources/query") }.count == 1)  // asked once
        let query = Self.body(try #require(sent.last).request)
        #expect(
            (query["filter"] as? [[String: Any]])?.contains {
                $0["field"] as? String == "assignedResourceID" && ($0["value"] as? Int) == 29_682_885
            } == true)
        let stranger = AutotaskAPI.scripted(h.client, me: "nobody@msp.example")
        await #expect(throws: APIError.self) {
            try await drive(h.test, untilDone: Task { try await stranger.whoAmI() })
        }
        // Atera cannot filter by technician on the server: said, nothing sent.
        let atera = AteraAPI(
            client: h.client, key: "k", baseURL: "https://example.invalid/api/v3", technicianEmail: "dana@msp.example")
        let before = await h.transport.sent.count
        await #expect(throws: APIError.self) { try await atera.page(after: nil, filter: ServerFilter(assignee: "me")) }
        #expect(await h.transport.sent.count == before)
        #expect(try await atera.whoAmI() == Person(id: nil, name: nil, email: "dana@msp.example"))
    }
}

extension RealShapesTests {
    @Test(
        "Atera alerts (AlertDto as published): open ones asked, archived left out, most urgent first; a TicketID of 0 is no ticket; Autotask has none"
    )
    func ateraAlerts() async throws {
        let body = try Self.corpus("atera-alerts.json")
        let h = Harness(seed: 17) { _, _, _ in (HTTPResult(status: 200, body: body), .zero) }
        let api = AteraAPI(client: h.client, key: "k", baseURL: "https://example.invalid/api/v3")
        let alerts = try await drive(h.test, untilDone: Task { try await api.openAlerts() })
        #expect(alerts.map(\.severity) == [.critical, .critical, .warning, .information])
        #expect(alerts.map(\.id) == [7003, 7001, 7000, 7002])  // newest first within a severity
        #expect(alerts.first { $0.id == 7001 }?.ticketID == 5001 && alerts.first { $0.id == 7000 }?.ticketID == nil)
        #expect(await h.transport.sent.first?.url.contains("alertStatus=Open") == true)
        let at = Harness(seed: 18) { _, _, _ in (Self.json("{}"), .zero) }
        #expect(!(Self.autotask(at) is any AlertsCapable))
        #expect(await at.transport.sent.isEmpty)
    }
}
