import Clocks
import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Testing

/// A HaloPSA instance as its OpenAPI document describes it, scripted: authinfo, the token,
/// the lookups (from `Corpus/`), ticket pages and the writes. `tickets` answers a page.
final class HaloScript: @unchecked Sendable {
    let lock = NSLock()
    var tokens = 0
    var refuseNext401 = false
    var expiresIn = 3600
    var authURL = "https://msp.halopsa.com/auth"
    var tokenAnswer: HTTPResult? = nil
    var tenantID = "msp"
    /// Answers by path, before anything else (a path not here gets the usual answer).
    var extra: [String: HTTPResult] = [:]
    /// Answers any request it knows, before everything else.
    var route: (@Sendable (HTTPRequestSpec) -> HTTPResult?)? = nil
    var tickets: @Sendable (_ pageNo: Int, _ url: String) -> HTTPResult = { _, _ in
        RealShapesTests.json(#"{"record_count":0,"tickets":[]}"#)
    }

    func answer(_ r: HTTPRequestSpec) -> HTTPResult {
        lock.lock()
        defer { lock.unlock() }
        let url = r.url
        let path = URL(string: url)?.path ?? ""
        if let r = route?(r) { return r }
        if let e = extra[path] { return e }
        if path.hasSuffix("/api/authinfo") {
            return RealShapesTests.json(#"{"auth_url":"\#(authURL)","tenant_id":"\#(tenantID)"}"#)
        }
        if path.hasSuffix("/token") {
            if let t = tokenAnswer { return t }
            tokens += 1
            return RealShapesTests.json(
                #"{"access_token":"tok-\#(tokens)","token_type":"Bearer","expires_in":\#(expiresIn)}"#)
        }
        if refuseNext401 {
            refuseNext401 = false
            return RealShapesTests.json(#"{"message":"Unauthorized"}"#, status: 401)
        }
        func corpus(_ name: String) -> HTTPResult {
            HTTPResult(status: 200, body: (try? RealShapesTests.corpus(name)) ?? Data())
        }
        switch path {
        case "/api/Status": return corpus("halo-status.json")
        case "/api/Priority": return corpus("halo-priority.json")
        case "/api/Agent": return corpus("halo-agents.json")
        case "/api/Team":
            return RealShapesTests.json(#"[{"id":1,"name":"1st Line Support"},{"id":2,"name":"Projects"}]"#)
        case "/api/TicketType", "/api/SLA": return RealShapesTests.json("[]")
        case "/api/Outcome": return corpus("halo-outcomes.json")
        case "/api/Actions":
            return r.method == "GET" ? corpus("halo-actions.json") : RealShapesTests.json("[]", status: 201)
        case "/api/Tickets" where r.method == "POST": return RealShapesTests.json("[]", status: 201)
        case "/api/Tickets":
            let n = URLComponents(string: url)?.queryItems?.first { $0.name == "page_no" }?.value.flatMap(Int.init) ?? 1
            return tickets(n, url)
        default:
            if path.hasPrefix("/api/Tickets/") {
                return RealShapesTests.json(#"{"id":4101,"summary":"x","status_id":3,"priority_id":1}"#)
            }
            return RealShapesTests.json(#"{"message":"not found"}"#, status: 404)
        }
    }

    /// `n` tickets from `first`, as a page of `record_count` `total`.
    static func page(first: Int, count: Int, total: Int?) -> HTTPResult {
        let rows = (0..<max(0, count)).map {
            #"{"id":\#(first + $0),"summary":"T\#(first + $0)","status_id":1,"priority_id":4}"#
        }
        let rc = total.map { #""record_count":\#($0),"# } ?? ""
        return RealShapesTests.json("{\(rc)\"tickets\":[\(rows.joined(separator: ","))]}")
    }
}

@Suite("HaloPSA", .timeLimit(.minutes(10)))
struct HaloTests {
    static let instance = "https://msp.halopsa.com"
    static let secret = "s3cret-value-never-shown"

    static func api(_ script: HaloScript, instance: String = instance, limit: Int? = nil) -> (
        HaloAPI, ScriptedTransport, RateAwareClient
    ) {
        let clock = PSAClock(ImmediateClock<Duration>(), epoch: epoch)
        let transport = ScriptedTransport(clock: clock) { _, _, r in (script.answer(r), hold: .zero) }
        let client = RateAwareClient(
            transport: transport, policy: HaloAPI.policy(limit: limit ?? (HaloAPI.isHosted(instance) ? 300 : nil)),
            clock: clock, seed: 1, secrets: [secret])
        let api = HaloAPI(
            client: client, instance: instance, credentials: HaloCredentials(clientID: "app-id", clientSecret: secret),
            limit: limit, me: "dana.reyes@msp.example")
        return (api, transport, client)
    }

    // MARK: Decoding (published shapes)

    @Test(
        "tickets as published: record_count, string ids, labels from the lookups, SLA from respondbydate/fixbydate, 1900 is no date"
    )
    func decodeTickets() throws {
        let page = try JSONDecoder().decode(HaloTicketPage.self, from: RealShapesTests.corpus("halo-tickets.json"))
        #expect(page.recordCount == 717)
        #expect(page.tickets.map(\.id) == [4101, 4102])
        var labels = HaloLabels()
        for s in try HaloLookup.list(RealShapesTests.corpus("halo-status.json")) { labels.statuses[s.id] = s.name }
        for p in try HaloLookup.list(RealShapesTests.corpus("halo-priority.json")) { labels.priorities[p.id] = p.name }
        let a = page.tickets[0].display(labels)
        let b = page.tickets[1].display(labels)
        #expect(a.status == "In Progress" && a.priority == "Medium" && a.company == "Northwind Traders")
        #expect(a.sla?.stages.map(\.kind) == [.firstResponse, .resolved])
        #expect(a.sla?.stages.first?.met == VendorDate.parse("2026-11-20T08:30:00"))
        #expect(a.fields.contains { $0.name == "SLA time left" && $0.value == "22.8 h" })
        #expect(b.status == "New" && b.priority == "Low")
        #expect(b.sla == nil)  // 1900-01-01 is Halo's "no date"
        #expect(page.tickets[1].slaTimeLeft == nil && page.tickets[1].onHold == nil)
        #expect(b.assigneeID == nil)  // agent_id 0: unassigned
    }

    @Test("priorities are labelled by priorityid; actions oldest first, system ones marked, hiddenfromuser is internal")
    func decodeLookupsAndActions() throws {
        #expect(try HaloLookup.list(RealShapesTests.corpus("halo-priority.json")).map(\.id) == [1, 2, 3, 4])
        let actions = try HaloList<HaloAction>.decode(RealShapesTests.corpus("halo-actions.json"))
        #expect(actions.count == 3)
        #expect(actions[0].looksSystem && !actions[1].looksSystem)
        #expect(actions[1].display(system: false).isInternal && !actions[2].display(system: false).isInternal)
        #expect(actions[1].display(system: false).kind == "Private Note")
        #expect(try HaloList<HaloAgent>.decode(RealShapesTests.corpus("halo-agents.json")).last?.id == 8)
    }

    @Test("the limit a 429 names is read from its text")
    func namedLimit() {
        let named = HaloRateLimit.parse("Rate Limit Reached - 300 Requests per rolling 5 minute window")
        #expect(named?.limit == 300 && named?.windowSeconds == 300)
        #expect(HaloRateLimit.parse("Rate Limit Reached - 450 Requests per rolling 5 minute window")?.limit == 450)
        #expect(HaloRateLimit.parse("Too many requests") == nil)
    }

    // MARK: Token

    @Test("authinfo names the auth server; the token is asked for once with client credentials and sent as a bearer")
    func tokenFlow() async throws {
        let script = HaloScript()
        script.tickets = { n, _ in HaloScript.page(first: 1, count: 3, total: 3) }
        let (api, transport, _) = Self.api(script)
        let page = try await api.page(after: nil)
        #expect(page.tickets.count == 3 && page.next == nil)
        let sent = await transport.sent
        let token = try #require(sent.first { $0.url.contains("/token") })
        #expect(token.url == "https://msp.halopsa.com/auth/token?tenant=msp")
        let form = String(decoding: token.request.body ?? Data(), as: UTF8.self)
        #expect(
            form.contains("grant_type=client_credentials") && form.contains("client_id=app-id")
                && form.contains("scope=all"))
        #expect(sent.filter { $0.url.contains("/token") }.count == 1)
        let tickets = try #require(sent.first { $0.url.contains("/api/Tickets?") })
        #expect(tickets.request.headers.contains { $0.0 == "Authorization" && $0.1 == "Bearer tok-1" })
        #expect(
            tickets.url.contains("pageinate=true") && tickets.url.contains("page_size=100")
                && tickets.url.contains("page_no=1"))
    }

    @Test("the token is refreshed a minute before it ends, not before")
    func refreshBeforeExpiry() async throws {
        let script = HaloScript()
        script.expiresIn = 600
        let test = TestClock<Duration>()
        let clock = PSAClock(test, epoch: epoch)
        let transport = ScriptedTransport(clock: clock) { _, _, r in (script.answer(r), hold: .zero) }
        let client = RateAwareClient(transport: transport, policy: HaloAPI.policy(limit: 300), clock: clock, seed: 1)
        let api = HaloAPI(
            client: client, instance: Self.instance,
            credentials: HaloCredentials(clientID: "app-id", clientSecret: Self.secret))
        try await api.prepare()
        await test.advance(by: .seconds(530))
        _ = try await api.ticket(id: 4101)
        #expect(script.lock.withLock { script.tokens } == 1)
        await test.advance(by: .seconds(20))
        _ = try await api.ticket(id: 4101)
        #expect(script.lock.withLock { script.tokens } == 2)
    }

    @Test("a 401 fetches one new token and sends once more")
    func refreshOn401() async throws {
        let script = HaloScript()
        let (api, transport, _) = Self.api(script)
        try await api.prepare()
        script.lock.withLock { script.refuseNext401 = true }
        _ = try await api.ticket(id: 4101)
        let sent = await transport.sent
        #expect(sent.filter { $0.url.contains("/token") }.count == 2)
        #expect(sent.filter { $0.url.contains("/api/authinfo") }.count == 1)
        #expect(sent.last?.request.headers.contains { $0.0 == "Authorization" && $0.1 == "Bearer tok-2" } == true)
    }

    @Test("an auth server on another domain receives nothing: refused before the secret is sent")
    func originRefused() async throws {
        let script = HaloScript()
        script.authURL = "https://login.attacker.example/auth"
        let (api, transport, _) = Self.api(script)
        await #expect(throws: (any Error).self) { try await api.prepare() }
        let sent = await transport.sent
        #expect(!sent.contains { $0.url.contains("attacker") })
        #expect(!sent.contains { String(decoding: $0.request.body ?? Data(), as: UTF8.self).contains(Self.secret) })
    }

    @Test("a refused token names the field that is wrong and never the secret")
    func refusedToken() async throws {
        let script = HaloScript()
        script.tokenAnswer = RealShapesTests.json(
            #"{"error":"invalid_client","error_description":"bad client \#(Self.secret)"}"#, status: 400)
        let (api, _, _) = Self.api(script)
        do {
            try await api.prepare()
            Issue.record("the token was not refused")
        } catch let e as APIError {
            #expect(e.detail.contains("client_id") && e.kind == .badCredentials)
            #expect(!String(describing: e).contains(Self.secret))
        }
        script.tokenAnswer = RealShapesTests.json(#"{"error":"invalid_scope"}"#, status: 400)
        let (api2, _, _) = Self.api(script)
        do {
            try await api2.prepare()
            Issue.record("the token was not refused")
        } catch let e as APIError {
            #expect(e.detail.contains("scope"))
        }
    }

    @Test("the request view shows neither the token request's body nor the token, nor the bearer")
    func redaction() async throws {
        let script = HaloScript()
        let (api, _, client) = Self.api(script)
        let events = await client.events()
        try await api.prepare()
        await client.finishEvents()
        var records: [RequestRecord] = []
        for await e in events { if case .record(let r) = e { records.append(r) } }
        let token = try #require(records.first { $0.purpose == "token" })
        #expect(
            token.exchange?.requestBody == RequestExchange.redacted
                && token.exchange?.responseBody == RequestExchange.redacted)
        for r in records {
            let text =
                [r.exchange?.requestBody, r.exchange?.responseBody].compactMap { $0 }.joined() + (r.exchange?.url ?? "")
                + (r.exchange?.requestHeaders.map(\.value).joined() ?? "")
            #expect(!text.contains(Self.secret) && !text.contains("tok-1"))
        }
    }

    // MARK: Paging

    @Test("pages of 100 until a short page: 250 tickets in 3 pages")
    func paging() async throws {
        let script = HaloScript()
        script.tickets = { n, _ in HaloScript.page(first: (n - 1) * 100 + 1, count: n < 3 ? 100 : 50, total: 250) }
        let (api, _, _) = Self.api(script)
        let all = try await api.allTickets()
        #expect(all.count == 250 && Set(all.map(\.id)).count == 250)
    }

    @Test("record_count is never trusted to loop: negative, absurd, or too small")
    func hostileRecordCount() async throws {
        let script = HaloScript()
        script.tickets = { n, _ in HaloScript.page(first: n * 100, count: 100, total: n == 1 ? -5 : 1_000_000_000_000) }
        let (api, _, _) = Self.api(script)
        let first = try await api.page(after: nil)
        #expect(first.total == nil && first.next == .page(2))  // a full page: the next may exist
        let last = try await api.page(after: .page(HaloAPI.maxPages))
        #expect(last.next == nil)  // the walk's bound
        script.tickets = { n, _ in HaloScript.page(first: n * 100, count: 100, total: 150) }
        let second = try await api.page(after: .page(2))
        #expect(second.next == nil)  // 200 seen ≥ record_count 150
    }

    @Test("server filters: status_id, team, agent_id for assignee:me, client_id")
    func filters() async throws {
        let script = HaloScript()
        let urls = URLs()
        script.tickets = { _, url in
            urls.add(url)
            return HaloScript.page(first: 1, count: 1, total: 1)
        }
        let (api, _, _) = Self.api(script)
        _ = try await api.page(
            after: nil, filter: ServerFilter(status: "in progress", queue: "1st line", company: "#12", assignee: "me"))
        let url = try #require(urls.all.last)
        #expect(
            url.contains("status_id=2") && url.contains("team=1") && url.contains("agent_id=7")
                && url.contains("client_id=12"))
    }

    // MARK: Writes

    @Test("a status change is an upsert with the id and the changed field only; no id, nothing sent")
    func upsertWithID() async throws {
        let script = HaloScript()
        let (api, transport, _) = Self.api(script)
        try await api.change(ticketID: 4101, .status, to: "Waiting on Customer")
        let post = try #require(await transport.sent.last { $0.method == "POST" && $0.url.hasSuffix("/api/Tickets") })
        let body = try #require(try JSONSerialization.jsonObject(with: post.request.body ?? Data()) as? [[String: Any]])
        #expect(
            body.count == 1 && body[0]["id"] as? Int == 4101 && body[0]["status_id"] as? Int == 3 && body[0].count == 2)
        let before = await transport.sent.count
        await #expect(throws: APIError.self) { try await api.update(ticketID: 0, ["status_id": 3]) }
        #expect(await transport.sent.count == before)
    }

    @Test("a note is an internal action (hiddenfromuser) by default, sent once")
    func note() async throws {
        let script = HaloScript()
        let (api, transport, _) = Self.api(script)
        try await api.addNote(ticketID: 4101, text: "Checked the mailbox", visibility: .internal)
        let posts = await transport.sent.filter { $0.method == "POST" && $0.url.hasSuffix("/api/Actions") }
        #expect(posts.count == 1)
        let body = try #require(
            try JSONSerialization.jsonObject(with: posts[0].request.body ?? Data()) as? [[String: Any]])
        #expect(
            body[0]["ticket_id"] as? Int == 4101 && body[0]["hiddenfromuser"] as? Bool == true
                && body[0]["note"] as? String == "Checked the mailbox")
    }

    // MARK: Quota

    @Test("a 429 pauses at least 30 s and the limit it names wins; self-hosted without a limit says so")
    func quota() async throws {
        let script = HaloScript()
        script.authURL = "https://halo.msp.example/auth"  // self-hosted: its own auth server
        let first = OnceFlag()
        script.tickets = { _, _ in
            first.once()
                ? RealShapesTests.json("Rate Limit Reached - 450 Requests per rolling 5 minute window", status: 429)
                : HaloScript.page(first: 1, count: 1, total: 1)
        }
        let (api, transport, _) = Self.api(script, instance: "https://halo.msp.example")
        await #expect(throws: UnknownLimit.self) { try await api.quota() }
        _ = try await api.page(after: nil)
        let ticketSends = await transport.sent.filter { $0.url.contains("/api/Tickets?") }
        #expect(ticketSends.count == 2 && ticketSends[1].at - ticketSends[0].at >= 30)
        let q = try await api.quota()
        #expect(q.limit == 450 && q.windowSeconds == 300)
        #expect(HaloAPI.isHosted("https://msp.halopsa.com") && !HaloAPI.isHosted("https://halo.msp.example"))
    }
}

final class URLs: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ u: String) { lock.withLock { list.append(u) } }
    var all: [String] { lock.withLock { list } }
}

final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    /// True the first time only.
    func once() -> Bool {
        lock.withLock {
            let first = !done
            done = true
            return first
        }
    }
}
