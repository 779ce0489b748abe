import Clocks
import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Testing

/// HaloPSA as real tenants have it (issue 26), against answers written to the published shapes
/// (`Corpus/halo-*.json`, each beside its source in the README's HaloPSA section).
@Suite("HaloPSA as real tenants have it (published shapes)", .timeLimit(.minutes(5)))
struct HaloRealTenantTests {
    static let secret = HaloTests.secret

    static func api(
        _ script: HaloScript, instance: String = HaloTests.instance, authURL: String? = nil, tenant: String? = nil,
        me: String? = nil, clock: PSAClock = PSAClock(ImmediateClock<Duration>(), epoch: epoch)
    ) -> (HaloAPI, ScriptedTransport) {
        let transport = ScriptedTransport(clock: clock) { _, _, r in (script.answer(r), hold: .zero) }
        let client = RateAwareClient(
            transport: transport, policy: HaloAPI.policy(limit: 300), clock: clock, seed: 1, secrets: [secret])
        let api = HaloAPI(
            client: client, instance: instance, credentials: HaloCredentials(clientID: "app-id", clientSecret: secret),
            authURL: authURL, tenant: tenant, me: me)
        return (api, transport)
    }

    static func corpus(_ name: String) -> HTTPResult {
        HTTPResult(status: 200, body: (try? RealShapesTests.corpus(name)) ?? Data())
    }

    @Test("agent 1 and client 1 are Halo's placeholders: unassigned in the list, the detail and the picker")
    func placeholders() async throws {
        let script = HaloScript()
        script.tickets = { _, _ in Self.corpus("halo-tickets-placeholders.json") }
        let (api, _) = Self.api(script, me: "dana.reyes@msp.example")
        let page = try await api.page(after: nil)
        let t = try #require(page.tickets.first { $0.id == 5201 })
        #expect(t.assignee == "" && t.assigneeID == nil && t.assigneeEmail == nil && t.company == "")
        #expect(!t.assignee.contains("#") && !page.tickets.contains { $0.assignee.hasPrefix("#") })
        let other = try #require(page.tickets.first { $0.id == 5202 })
        #expect(other.assignee == "Dana Reyes" && other.assigneeID == 7 && other.company == "Northwind Traders")
        let picker = try await api.choices(for: .assignee)
        #expect(picker == ["Dana Reyes", "Ravi Patel"])
        await #expect(throws: (any Error).self) { try await api.change(ticketID: 5201, .assignee, to: "Unassigned") }
    }

    @Test("changes: lastupdatefromdate in UTC, no order asked; compared by the later of lastactiondate and last_update")
    func changesFilter() async throws {
        let script = HaloScript()
        let urls = URLs()
        script.tickets = { _, url in
            urls.add(url)
            return Self.corpus("halo-tickets-placeholders.json")
        }
        let (api, _) = Self.api(script)
        let since = try #require(VendorDate.parse("2026-11-20T09:00:00"))
        let changes = try await api.changes(since: since)
        let url = try #require(urls.all.first)
        #expect(url.contains("lastupdatefromdate=2026-11-20T09%3A00%3A00.000000Z") && !url.contains("order="))
        // 5201: last action 08:02 but last_update 09:30 (changed); 5202: last action 10:15.
        #expect(Set(changes.tickets.map(\.id)) == [5201, 5202] && changes.complete)
        let later = try await api.changes(since: try #require(VendorDate.parse("2026-11-20T10:00:00")))
        #expect(later.tickets.map(\.id) == [5202])
        // POST answers name it `lastupdate`.
        let posted = try HaloList<HaloTicket>.decode(try RealShapesTests.corpus("halo-ticket-post.json"))
        #expect(posted.first?.lastUpdate == VendorDate.parse("2026-11-20T11:45:00"))
    }

    @Test("changes from a server that ignores the filter: never 'no changes', incomplete so the list reloads")
    func changesIgnored() async throws {
        let script = HaloScript()
        // Full pages of old tickets, in no useful order, on every page asked.
        script.tickets = { n, _ in HaloScript.page(first: n * 100, count: 100, total: 5_000) }
        let (api, transport) = Self.api(script)
        let changes = try await api.changes(since: Date())
        #expect(!changes.complete)
        let pages = await transport.sent.filter { $0.url.contains("/api/Tickets?") }.count
        #expect(pages == HaloAPI.maxChangePages)
    }

    @Test("past the last page the last page comes again: the walk stops there")
    func repeatedLastPage() async throws {
        let script = HaloScript()
        // No record_count; page 3 is the last (ids 201-300) and every later page is page 3 again.
        script.tickets = { n, _ in
            n <= 2
                ? HaloScript.page(first: (n - 1) * 100 + 1, count: 100, total: nil)
                : HaloScript.page(first: 201, count: 100, total: nil)
        }
        let (api, transport) = Self.api(script)
        let all = try await api.allTickets()
        #expect(all.count == 300 && Set(all.map(\.id)).count == 300)
        let pages = await transport.sent.filter { $0.url.contains("/api/Tickets?") }.count
        #expect(pages == 4)
    }

    @Test("the default list asks for open tickets; a status filter does not")
    func openOnly() async throws {
        let script = HaloScript()
        let urls = URLs()
        script.tickets = { _, url in
            urls.add(url)
            return HaloScript.page(first: 1, count: 1, total: 1)
        }
        let (api, _) = Self.api(script)
        _ = try await api.page(after: nil)
        _ = try await api.page(after: nil, filter: ServerFilter(status: "closed"))
        #expect(urls.all.first?.contains("open_only=true") == true)
        #expect(urls.all.last?.contains("open_only") == false && urls.all.last?.contains("status_id=9") == true)
    }

    @Test("a configured auth_url still names the tenant: the profile's, else /api/authinfo's tenant_id")
    func tenantWithAuthURL() async throws {
        let script = HaloScript()
        let (api, transport) = Self.api(script, authURL: "https://login.msp.example/auth", tenant: "mspdemo")
        try await api.prepare()
        let token = try #require(await transport.sent.first { $0.url.contains("/token") })
        #expect(token.url == "https://login.msp.example/auth/token?tenant=mspdemo")
        script.tenantID = "from-authinfo"
        let (api2, transport2) = Self.api(script, authURL: "https://login.msp.example/auth")
        try await api2.prepare()
        let token2 = try #require(await transport2.sent.first { $0.url.contains("/token") })
        #expect(token2.url == "https://login.msp.example/auth/token?tenant=from-authinfo")
    }

    @Test("the id_token names who psatop acts as: in the detail, and as me when --me is not given")
    func actingAs() async throws {
        let script = HaloScript()
        script.tokenAnswer = Self.corpus("halo-token.json")
        let (api, _) = Self.api(script)
        #expect(try await api.actingAgent() == "Dana Reyes")
        let me = try #require(try await api.whoAmI())
        #expect(me.id == 7 && me.name == "Dana Reyes" && me.email == "dana.reyes@msp.example")
        let detail = try await api.ticket(id: 4101)
        #expect(detail.fields.contains { $0.name == "Acting as" && $0.value == "Dana Reyes" })
        // --me wins for `me`; the acting agent stays what the token says.
        let (named, _) = Self.api(script, me: "ravi.patel@msp.example")
        let namedMe = try await named.whoAmI()
        let namedActing = try await named.actingAgent()
        #expect(namedMe?.id == 8 && namedActing == "Dana Reyes")
        #expect(HaloIdentity(idToken: "not-a-jwt") == nil)
    }

    @Test("/Priority: a row per SLA becomes one choice per priorityid, hidden rows not offered; /Status: type 0 only")
    func lookups() async throws {
        let script = HaloScript()
        script.extra["/api/Priority"] = Self.corpus("halo-priority-slas.json")
        script.extra["/api/Status"] = Self.corpus("halo-status-types.json")
        let (api, _) = Self.api(script)
        #expect(try await api.choices(for: .priority) == ["Critical", "High", "Medium", "Low"])
        #expect(try await api.choices(for: .status) == ["New", "In Progress", "Waiting on Customer", "Closed"])
        await #expect(throws: (any Error).self) {
            _ = try await api.page(after: nil, filter: ServerFilter(status: "Quote Sent"))
        }
    }

    @Test("notes: the outcome from /api/Outcome (asked once), sendemail false on internal notes")
    func noteOutcome() async throws {
        let script = HaloScript()
        let (api, transport) = Self.api(script)
        try await api.addNote(ticketID: 4101, text: "Checked the mailbox", visibility: .internal)
        try await api.addNote(ticketID: 4101, text: "We are on it", visibility: .customers)
        let sent = await transport.sent
        #expect(sent.filter { $0.url.hasSuffix("/api/Outcome") }.count == 1)
        let posts = sent.filter { $0.method == "POST" && $0.url.hasSuffix("/api/Actions") }
        let bodies = try posts.map {
            try #require(try JSONSerialization.jsonObject(with: $0.request.body ?? Data()) as? [[String: Any]]).first
                ?? [:]
        }
        #expect(bodies.count == 2)
        #expect(
            bodies[0]["outcome_id"] as? Int == 6 && bodies[0]["outcome"] as? String == "Private Note"
                && bodies[0]["sendemail"] as? Bool == false && bodies[0]["hiddenfromuser"] as? Bool == true)
        #expect(bodies[1]["outcome_id"] as? Int == 7 && bodies[1]["hiddenfromuser"] as? Bool == false)
    }

    @Test("system actions are the ones excludesys=true leaves out; without that answer they say 'system?'")
    func systemSplit() async throws {
        let script = HaloScript()
        // The server leaves out action 1 when asked to exclude system actions.
        script.route = { r in
            r.url.contains("excludesys=true")
                ? RealShapesTests.json(
                    #"{"record_count":2,"actions":[{"id":3,"ticket_id":4101,"who":"Dana Reyes"},{"id":2,"ticket_id":4101,"who":"Dana Reyes"}]}"#
                ) : nil
        }
        let (api, transport) = Self.api(script)
        let split = try await api.ticketComments(id: 4101)
        let asks = await transport.sent.filter { $0.url.contains("/api/Actions?") }
        #expect(asks.count == 2 && asks[1].url.contains("excludesys=true"))
        #expect(split.map(\.isSystem) == [true, false, false] && split[0].author == "system")
        // The server counts an action with who_type 0 as a person's: its word wins over the guess.
        script.route = { r in r.url.contains("excludesys=true") ? HaloRealTenantTests.corpus("halo-actions.json") : nil
        }
        let (trusting, _) = Self.api(script)
        #expect(try await trusting.ticketComments(id: 4101).allSatisfy { !$0.isSystem })
        // No split to be had: the guess, said as one.
        script.route = { r in
            r.url.contains("excludesys=true") ? RealShapesTests.json(#"{"message":"no"}"#, status: 404) : nil
        }
        let (guessing, _) = Self.api(script)
        let guessed = try await guessing.ticketComments(id: 4101)
        #expect(guessed[0].isSystem && guessed[0].author == "system?" && !guessed[1].isSystem)
    }

    @Test("a Halo-hosted tenant on its own domain is hosted when its auth server is on a Halo domain")
    func customDomainHosted() async throws {
        let script = HaloScript()
        script.authURL = "https://mspcorp.halopsa.com/auth"
        let (api, _) = Self.api(script, instance: "https://support.mspcorp.example")
        await #expect(throws: (any Error).self) { try await api.prepare() }  // another origin: no secret sent
        #expect(try await api.quota().limit == 300)
        let (configured, _) = Self.api(
            HaloScript(), instance: "https://support.mspcorp.example", authURL: "https://mspcorp.halopsa.com/auth")
        #expect(try await configured.quota().limit == 300)
        let (selfHosted, _) = Self.api(HaloScript(), instance: "https://halo.msp.example")
        await #expect(throws: UnknownLimit.self) { try await selfHosted.quota() }
    }

    // MARK: Issue 25: the client secret stays home; a token's lifetime is bounded

    @Test(
        "a hostile /api/authinfo naming another hosted Halo tenant or a neighbour under the parent domain gets no request, so never the secret",
        arguments: [
            ("https://msp.halopsa.com", "https://evil.halopsa.com/auth"),
            ("https://halo.msp.co.uk", "https://auth.co.uk/auth"),
            ("https://halo.msp.example", "https://login.msp.example/auth"),
            ("https://msp.halopsa.com", "http://msp.halopsa.com/auth"),
        ])
    func hostileAuthInfo(instance: String, auth: String) async throws {
        let script = HaloScript()
        script.authURL = auth
        let (api, transport) = Self.api(script, instance: instance)
        for _ in 0..<3 { await #expect(throws: (any Error).self) { try await api.prepare() } }
        let sent = await transport.sent
        let home = try #require(Origin(instance))
        #expect(!sent.isEmpty && sent.allSatisfy { Origin($0.url) == home })
        let encoded = Self.secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? Self.secret
        #expect(
            !sent.contains {
                let body = String(decoding: $0.request.body ?? Data(), as: UTF8.self)
                return body.contains(Self.secret) || body.contains(encoded) || $0.url.contains("/token")
            })
    }

    @Test(
        "a token said to last 60 s (or 0, or forever) is held within 5 minutes and a day: not fetched before every call"
    )
    func tokenLifetimeClamped() async throws {
        for stated in [0, 1, 60] {
            let script = HaloScript()
            script.expiresIn = stated
            let test = TestClock<Duration>()
            let (api, _) = Self.api(script, clock: PSAClock(test, epoch: epoch))
            try await api.prepare()
            for _ in 0..<20 {
                await test.advance(by: .seconds(10))
                _ = try await api.ticket(id: 4101)
            }
            #expect(script.lock.withLock { script.tokens } == 1, "expires_in \(stated)")
            await test.advance(by: .seconds(100))
            _ = try await api.ticket(id: 4101)
            #expect(script.lock.withLock { script.tokens } == 2, "expires_in \(stated)")
        }
        let script = HaloScript()
        script.expiresIn = 1_000_000_000
        let test = TestClock<Duration>()
        let (api, _) = Self.api(script, clock: PSAClock(test, epoch: epoch))
        try await api.prepare()
        await test.advance(by: .seconds(86_400))
        _ = try await api.ticket(id: 4101)
        #expect(script.lock.withLock { script.tokens } == 2)
        #expect(HaloToken.held(60) == 300 && HaloToken.held(.infinity) == 3_600 && HaloToken.held(1e12) == 86_400)
    }
}
