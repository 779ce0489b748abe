import AsyncHTTPClient
import Foundation
import PSAApp
import PSAClient
import PSACore
import Testing

@Suite("Headless: status, CSV, metrics", .serialized, .timeLimit(.minutes(10)))
struct HeadlessTests {
    @Test(
        "plugin states by tier: OK below 50%, WARNING in the +0.5 s tier, CRITICAL in the +1 s tier or suspended, UNKNOWN without a reading",
        arguments: [
            (4_999, PluginState.ok), (5_000, .warning), (7_499, .warning), (7_500, .critical), (10_000, .critical),
        ])
    func states(used: Int, state: PluginState) {
        let t = TenantStatus(
            tenant: "t", vendor: "autotask", quota: Quota(used: used, limit: 10_000, windowSeconds: 3_600),
            readAt: Date())
        #expect(t.state == state)
        #expect(t.state.rawValue == [PluginState.ok: 0, .warning: 1, .critical: 2, .unknown: 3][state])
        #expect(
            TenantStatus(tenant: "t", vendor: "autotask", quota: nil, error: "timeout", readAt: Date()).state
                == .unknown)
        #expect(
            TenantStatus(
                tenant: "t", vendor: "autotask", quota: nil, suspended: true, error: "threshold exceeded",
                readAt: Date()
            ).state == .critical)
    }

    @Test("the plugin line and perfdata; several tenants: the worst state, UNKNOWN above OK but below WARNING")
    func pluginText() {
        let a = TenantStatus(
            tenant: "a", vendor: "autotask", quota: Quota(used: 1_234, limit: 10_000, windowSeconds: 3_600),
            readAt: Date())
        #expect(StatusReport.pluginText([a]) == "psatop OK - 1234/10000 (12.3%) | used=1234;5000;7500;0;10000")
        let b = TenantStatus(
            tenant: "b", vendor: "autotask", quota: Quota(used: 5_100, limit: 10_000, windowSeconds: 3_600),
            readAt: Date())
        let c = TenantStatus(tenant: "c", vendor: "atera", quota: nil, error: "no answer within 30 s", readAt: Date())
        #expect(StatusReport.state([a, b]) == .warning)
        // A tenant that cannot be read never hides another's WARNING (monitoring-plugins' max_state_alt).
        #expect(StatusReport.state([a, b, c]) == .warning)
        #expect(StatusReport.state([a, c]) == .unknown)
        let text = StatusReport.pluginText([a, b])
        #expect(
            text
                == "psatop WARNING - a OK 1234/10000 (12.3%), b WARNING 5100/10000 (51.0%) | a_used=1234;5000;7500;0;10000 b_used=5100;5000;7500;0;10000"
        )
    }

    @Test(
        "Atera without X-RateLimit-*: our own count is judged as ours, never passed off as the key's usage (perfdata 'ours'); a 429 is CRITICAL"
    )
    func ateraOwnCount() {
        let ours = TenantStatus(
            tenant: "f", vendor: "atera", quota: Quota(used: 3, limit: 700, windowSeconds: 60), serverCount: false,
            readAt: Date())
        #expect(ours.state == .ok && ours.countedBy == "psatop")
        let text = StatusReport.pluginText([ours])
        #expect(
            text
                == "psatop OK - the server reports no usage (no X-RateLimit-* headers): 3 is psatop's own count against the configured limit, not the key's (ours 3/700) | ours=3;350;525;0;700"
        )
        let server = TenantStatus(
            tenant: "f", vendor: "atera", quota: Quota(used: 400, limit: 700, windowSeconds: 60), serverCount: true,
            readAt: Date())
        #expect(server.state == .warning && server.countedBy == "server")
        let limited = TenantStatus(
            tenant: "f", vendor: "atera", quota: nil, rateLimited: "Too many requests", readAt: Date())
        #expect(limited.state == .critical)
        #expect(
            StatusReport.pluginText([limited])
                == "psatop CRITICAL - rate limited by the server (429): Too many requests")
    }

    @Test("status against the demo tenants: one reading each, JSON with the documented fields")
    func demoStatus() async throws {
        var choice = TenantChoice()
        choice.demo = true
        choice.all = true
        let conns = try await Connection.openAll(try choice.resolve(environment: [:]))
        var results: [TenantStatus] = []
        for c in conns {
            results.append(await StatusReport.check(c, name: c.settings.name ?? "", timeout: .seconds(20)))
        }
        let sent = await conns[0].api.client.stats.sent
        for c in conns.reversed() { await c.close() }
        #expect(results.map(\.tenant) == ["demo", "contoso", "fabrikam", "tailspin", "northwind"])
        #expect(results[1].state == .critical && results[1].tier == "+1 s latency" && results[1].limit == 20_000)
        #expect(results[2].vendor == "atera" && results[2].state == .ok)
        #expect(
            results[3].vendor == "halo" && results[3].state == .ok
                && results[3].reason?.contains("HaloPSA reports no usage") == true)
        #expect(sent == 2, "zone lookup + one ThresholdInformation (\(sent))")
        let json = try JSONSerialization.jsonObject(with: StatusReport.json(results)) as! [[String: Any]]
        #expect(json.count == 5)
        // ConnectWise publishes no limit: the demo's budget, our count against it.
        #expect(
            results[4].vendor == "connectwise" && results[4].countedBy == "psatop"
                && results[4].reason?.contains("limit not published") == true, "\(results[4])")
        #expect(
            Set(json[0].keys).isSuperset(of: [
                "tenant", "vendor", "used", "limit", "percent", "tier", "state", "suspended", "readAt", "windowSeconds",
            ]))
        #expect(json[1]["state"] as? String == "CRITICAL")
    }

    @Test("CSV: header, quoting, CRLF, formula cells defused, control characters gone")
    func csv() {
        let t = Ticket(
            id: 7, number: "T1", title: "=HYPERLINK(\"x\"), \u{1B}[31mred", status: "New", priority: "High",
            company: "Müller, Söhne", assignee: "", created: Date(timeIntervalSince1970: 0))
        let text = TicketCSV.text([t])
        let lines = text.components(separatedBy: "\r\n")
        #expect(
            lines[0]
                == "id,number,title,status,priority,company,assignee,created,last_activity,due,sla_next_due,sla_breached"
        )
        // No SLA: the two SLA cells are empty, not "false".
        #expect(
            lines[1] == "7,T1,\"'=HYPERLINK(\"\"x\"\"), red\",New,High,\"Müller, Söhne\",,1970-01-01T00:00:00.000Z,,,,")
        #expect(lines.count == 3 && lines[2].isEmpty)
        var late = t
        late.sla = SLA(stages: [SLAStage(.firstResponse, due: Date(timeIntervalSince1970: 60))])
        let row = TicketCSV.text([late], now: Date(timeIntervalSince1970: 120)).components(separatedBy: "\r\n")[1]
        #expect(row.hasSuffix(",1970-01-01T00:01:00.000Z,true"))
    }

    @Test("serve-metrics: scraped over HTTP, per-tenant quota, tier, suspension and our requests")
    func metrics() async throws {
        var choice = TenantChoice()
        choice.demo = true
        choice.all = true
        let conns = try await Connection.openAll(try choice.resolve(environment: [:]))
        let server = try await MetricsServer.start(conns, host: "127.0.0.1", port: 0)
        // The process-wide client: never shut down, so a scrape that throws cannot leave a client
        // to trap in its deinit (a dropped client crashed a whole test run on a loaded machine).
        let http = HTTPClient.shared
        var body = ""
        for _ in 0..<100 {
            let r = try await http.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/metrics"), timeout: .seconds(5))
            #expect(r.status == .ok)
            #expect(r.headers.first(name: "content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
            body = String(buffer: try await r.body.collect(upTo: 1 << 20))
            if body.contains("psatop_quota_used{tenant=\"contoso\"")
                && body.contains("psatop_quota_used{tenant=\"demo\"")
            {
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        await server.stop()
        #expect(body.contains("psatop_quota_limit{tenant=\"contoso\",vendor=\"autotask\"} 20000.0"))
        #expect(body.contains("psatop_latency_tier_seconds{tenant=\"contoso\",vendor=\"autotask\"} 1.0"))
        #expect(body.contains("psatop_suspended{tenant=\"demo\",vendor=\"autotask\"} 0.0"))
        #expect(body.contains("psatop_quota_limit{tenant=\"fabrikam\",vendor=\"atera\"} 700.0"))
        #expect(body.contains("# TYPE psatop_requests_total counter"))
        // psatop's own figures, every vendor: in flight, and the latency of the answers it had.
        #expect(body.contains("psatop_requests_in_flight{tenant=\"northwind\",vendor=\"connectwise\"}"))
        #expect(body.contains("psatop_request_latency_p95_seconds{tenant=\"contoso\",vendor=\"autotask\"}"))
        #expect(body.contains("psatop_poll_budget_per_hour{tenant=\"demo\",vendor=\"autotask\"} 100.0"))
        #expect(!body.contains("demo-secret-not-real"))
    }
}

@Suite("Status with hostile quota numbers", .timeLimit(.minutes(10)))
struct HostileStatusTests {
    @Test("a reading with numbers no tenant can have is UNKNOWN, saying what the server sent")
    func invalidQuotaIsUnknown() {
        for (q, reason) in [
            (Quota(used: 5, limit: 0, windowSeconds: 3_600), "server sent threshold 0"),
            (Quota(used: 5, limit: 10_000, windowSeconds: 0), "server sent timeframe 0"),
            (Quota(used: 5, limit: -3, windowSeconds: 3_600), "server sent threshold -3"),
        ] {
            let t = TenantStatus(tenant: "t", vendor: "autotask", quota: q, readAt: Date())
            #expect(t.state == .unknown)
            #expect(t.error == reason)
        }
        // The largest threshold still gives perfdata without overflow.
        let big = TenantStatus(
            tenant: "t", vendor: "autotask", quota: Quota(used: 1, limit: Int.max, windowSeconds: 3_600), readAt: Date()
        )
        #expect(big.perfdata() != nil)
    }
}
