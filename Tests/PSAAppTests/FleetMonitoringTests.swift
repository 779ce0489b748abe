import AsyncHTTPClient
import Clocks
import Foundation
@_spi(Testing) import PSAApp
import PSAClient
import PSACore
import PSATestSupport
import Simulator
import Testing

/// A fleet the way an MSP wires psatop into monitoring: several profiles, one of them unusable,
/// tenants with and without the server's rate figures, one that stops answering.
@Suite("Fleet monitoring: isolation, per-tenant states, dead tenants, 429s", .serialized)
struct FleetMonitoringTests {
    /// Demo tenants and one Atera profile whose key file anyone may read (refused, so unusable).
    static func fleetConfig() throws -> (dir: String, env: [String: String]) {
        let dir = NSTemporaryDirectory() + "psatop-fleet-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/psatop", withIntermediateDirectories: true)
        let key = dir + "/broken.key"
        try "atera-key-value-123".write(toFile: key, atomically: true, encoding: .utf8)
        chmod(key, 0o644)
        try """
        [profiles.demo]
        vendor = "autotask"
        demo = true

        [profiles.broken]
        vendor = "atera"
        api_key = { file = "\(key)" }

        [profiles.fabrikam]
        vendor = "atera"
        demo = true
        """.write(toFile: dir + "/psatop/config.toml", atomically: true, encoding: .utf8)
        return (dir, ["XDG_CONFIG_HOME": dir])
    }

    static func scrape(_ http: HTTPClient, _ port: Int) async throws -> String {
        let r = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(5))
        return String(buffer: try await r.body.collect(upTo: 1 << 20))
    }

    /// A sample's value from an exposition, nil when the series is absent.
    static func value(_ body: String, _ series: String) -> Double? {
        for line in body.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test("status --all with one unusable profile: every other tenant read, the broken one its own UNKNOWN line")
    func statusKeepsTheOthers() async throws {
        let (dir, env) = try Self.fleetConfig()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var choice = TenantChoice()
        choice.all = true
        let list = try choice.resolve(environment: env)
        #expect(list.map(\.name) == ["demo", "broken", "fabrikam"])
        #expect(list.map { $0.broken != nil } == [false, true, false])
        let fleet = try await Connection.openFleet(list, environment: env)
        let results = await StatusReport.check(fleet: fleet, timeout: .seconds(60))
        for c in fleet.compactMap(\.connection).reversed() { await c.close() }
        #expect(results.map(\.tenant) == ["demo", "broken", "fabrikam"])
        // (The demo tenant's load follows a wave: whatever its state, it is a reading.)
        #expect(results[0].state != .unknown && results[0].used != nil, "\(results[0])")
        #expect(results[2].state == .ok && results[2].vendor == "atera")
        #expect(results[1].state == .unknown)
        #expect(results[1].error?.contains("profile 'broken': api_key") == true, "\(results[1])")
        #expect(results[1].error?.contains("chmod 600") == true, "says what to do: \(results[1])")
        let text = StatusReport.pluginText(results)
        let worst = [results[0].state, .unknown].max()!
        #expect(StatusReport.state(results) == worst)
        #expect(text.hasPrefix("psatop \(worst.word) - demo \(results[0].state.word) "), "\(text)")
        #expect(text.contains(", broken UNKNOWN profile 'broken': api_key"), "\(text)")
        #expect(text.contains(", fabrikam OK "), "\(text)")
        #expect(!text.contains("atera-key-value-123"))
        // Alone (not --all) the profile still stops the command with its reason.
        var one = TenantChoice()
        one.profile = "broken"
        #expect(throws: ConfigurationError.self) { try one.resolve(environment: env) }
    }

    @Test("config check names the unusable profile in its summary")
    func configCheckNamesIt() throws {
        let (dir, env) = try Self.fleetConfig()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = try #require(try PSAConfig.load(path: nil, environment: env))
        let (text, ok) = ConfigReport.describe(config, environment: env)
        #expect(!ok)
        #expect(text.contains("1 of 3 profiles cannot be used: broken"), "\(text)")
    }

    @Test(
        "Atera without X-RateLimit-* beside Autotask at WARNING: rc 1 with every line; our own count is a real state, labelled ours"
    )
    func headerlessAteraNeverMasksWarning() async throws {
        var c = SimulatorConfig()
        c.tickets = 20
        c.addLatency = false
        c.ateraRateHeaders = false
        c.autotaskThreshold = 10_000
        c.background = .steady(perHour: 6_000)
        let sim = try await Simulator.start(c)
        let a = ConnectionSettings.autotask("acme", at: sim)
        var f = ConnectionSettings()
        f.name = "fabrikam"
        f.vendor = .atera
        f.baseURL = sim.ateraBaseURL
        f.credentials = .atera(key: c.ateraKey)
        var gone = ConnectionSettings()
        gone.name = "lab"
        gone.vendor = .halo
        gone.broken = "profile 'lab': client_secret: environment variable LAB_SECRET is not set"
        let fleet = try await Connection.openFleet([a, f, gone], environment: [:])
        let results = await StatusReport.check(fleet: fleet, timeout: .seconds(60))
        for x in fleet.compactMap(\.connection).reversed() { await x.close() }
        await sim.stop()
        #expect(results.map(\.state) == [.warning, .ok, .unknown], "\(results)")
        #expect(results[1].countedBy == "psatop")
        #expect(StatusReport.state(results) == .warning && StatusReport.state(results).rawValue == 1)
        let text = StatusReport.pluginText(results)
        #expect(text.hasPrefix("psatop WARNING - acme WARNING "), "\(text)")
        #expect(text.contains("fabrikam OK the server reports no usage"), "\(text)")
        #expect(text.contains("lab UNKNOWN profile 'lab'"), "\(text)")
        #expect(text.contains(" fabrikam_ours=") && !text.contains("fabrikam_used"), "\(text)")
        // Our own count near the limit is WARNING, then CRITICAL, on our use alone.
        for (used, state) in [(349, PluginState.ok), (350, .warning), (525, .critical)] {
            let t = TenantStatus(
                tenant: "f", vendor: "atera", quota: Quota(used: used, limit: 700, windowSeconds: 60),
                serverCount: false,
                readAt: Date())
            #expect(t.state == state, "\(used)")
        }
    }

    @Test("a 429 during status is CRITICAL at once: Retry-After is not waited out, nothing is retried")
    func rateLimitedIsCriticalAtOnce() async throws {
        var c = SimulatorConfig()
        c.tickets = 5
        c.addLatency = false
        c.ateraLimitPerMinute = 1
        let sim = try await Simulator.start(c)
        var f = ConnectionSettings()
        f.name = "fabrikam"
        f.vendor = .atera
        f.baseURL = sim.ateraBaseURL
        f.credentials = .atera(key: c.ateraKey)
        f.ateraLimitPerMinute = 700
        // Another integration on the key spends its minute.
        let other = try await Connection.open(f, environment: [:])
        try await other.api.probe()
        let conn = try await Connection.open(f, environment: [:])
        // The server says Retry-After: ~60 s; the check must not wait for it (waiting would run
        // into the 20 s deadline: UNKNOWN). 20 s, not 2: a loaded machine took 2 s for the one request.
        let r = await StatusReport.check(conn, name: "fabrikam", timeout: .seconds(20))
        let stats = await conn.api.client.stats
        await other.close()
        await conn.close()
        await sim.stop()
        #expect(r.state == .critical, "\(r)")
        #expect(r.reason?.contains("429") == true, "\(r)")
        #expect(stats.sent == 1 && stats.retries == 0, "\(stats)")
    }

    @Test("serve-metrics with one unusable profile: the others exported, the broken one up 0 with its reason")
    func metricsKeepTheOthers() async throws {
        let (dir, env) = try Self.fleetConfig()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var choice = TenantChoice()
        choice.all = true
        let fleet = try await Connection.openFleet(try choice.resolve(environment: env), environment: env)
        let server = try await MetricsServer.start(fleet: fleet, host: "127.0.0.1", port: 0)
        // The process-wide client: never shut down, so a scrape that throws cannot leave a client
        // to trap in its deinit (a dropped client crashed a whole test run on a loaded machine).
        let http = HTTPClient.shared
        var body = ""
        for _ in 0..<200 {
            body = try await Self.scrape(http, server.port)
            // Both working tenants read once (the Atera one's quota may come a little later).
            if Self.value(body, #"psatop_up{tenant="demo",vendor="autotask"}"#) == 1,
                body.contains(#"psatop_quota_limit{tenant="fabrikam",vendor="atera"}"#)
            {
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        await server.stop()
        #expect(Self.value(body, #"psatop_up{tenant="demo",vendor="autotask"}"#) == 1, "\(body)")
        #expect(Self.value(body, #"psatop_up{tenant="broken",vendor="atera"}"#) == 0, "\(body)")
        let broken = body.split(separator: "\n").first { $0.hasPrefix("psatop_tenant_broken{") }
        #expect(broken?.contains(#"tenant="broken""#) == true && broken?.contains("profile 'broken': api_key") == true)
        #expect(body.contains(#"psatop_quota_limit{tenant="fabrikam",vendor="atera"}"#))
        #expect(!body.contains("atera-key-value-123"))
        // Families in name order, each with its HELP and TYPE lines first.
        let names = body.split(separator: "\n").filter { $0.hasPrefix("# HELP ") }.map { $0.split(separator: " ")[2] }
        #expect(names == names.sorted() && names.count > 10, "\(names)")
    }

    @Test("a tenant that stops answering: psatop_up 0 within its probe interval, the failure counted")
    func deadTenantIsDown() async throws {
        let test = TestClock<Duration>()
        let clock = PSAClock(test)
        var c = SimulatorConfig()
        c.tickets = 5
        c.addLatency = false
        let sim = try await Simulator.start(c, clock: clock)
        var f = ConnectionSettings()
        f.name = "fabrikam"
        f.vendor = .atera
        f.baseURL = sim.ateraBaseURL
        f.credentials = .atera(key: c.ateraKey)
        let fleet = try await Connection.openFleet([f], environment: [:], clock: clock)
        let server = try await MetricsServer.start(fleet: fleet, host: "127.0.0.1", port: 0, clock: clock)
        // The process-wide client: never shut down, so a scrape that throws cannot leave a client
        // to trap in its deinit (a dropped client crashed a whole test run on a loaded machine).
        let http = HTTPClient.shared
        let up = #"psatop_up{tenant="fabrikam",vendor="atera"}"#
        let failures = #"psatop_request_failures_total{tenant="fabrikam",vendor="atera"}"#
        /// Waits (a bound for a hang, not a timing check) until the pollers have run what came due.
        func settle() async throws {
            let t = clock.now().seconds
            for i in 0..<40_000 {
                if await server.settled(at: t) { return }
                if i % 50 == 49 { await test.advance(by: .zero) }
                try await Task.sleep(for: .microseconds(250))
            }
            Issue.record("the pollers did not settle at t=\(t)")
        }
        /// Scrapes until `done` holds (events reach the book on their own task), at most `tries` times.
        func scrapeUntil(_ tries: Int = 400, _ done: (String) -> Bool) async throws -> String {
            var body = ""
            for _ in 0..<tries {
                body = try await Self.scrape(http, server.port)
                if done(body) { return body }
                try await Task.sleep(for: .milliseconds(25))
            }
            return body
        }
        try await settle()
        var body = try await scrapeUntil { Self.value($0, up) == 1 }
        #expect(Self.value(body, up) == 1, "the first probe answered: \(body)")
        let probeInterval = 60
        await sim.stop()
        for _ in 0..<(probeInterval - 1) {
            await test.advance(by: .seconds(1))
            try await settle()
        }
        body = try await scrapeUntil(4) { Self.value($0, up) == 0 }
        #expect(Self.value(body, up) == 1, "nothing asked since the stop: still up")
        // The probe interval is over: the next probe finds the port closed.
        await test.advance(by: .seconds(1))
        body = try await scrapeUntil { Self.value($0, up) == 0 && (Self.value($0, failures) ?? 0) >= 1 }
        #expect(Self.value(body, up) == 0, "\(body)")
        #expect((Self.value(body, failures) ?? 0) >= 1, "\(body)")
        await server.stop()
    }

    @Test("a taken port: the metrics server says so at once, and no tenant is asked anything first")
    func takenPort() async throws {
        let first = try await MetricsServer.start([], host: "127.0.0.1", port: 0)
        var c = SimulatorConfig()
        c.tickets = 5
        c.addLatency = false
        let sim = try await Simulator.start(c)
        let a = ConnectionSettings.autotask("acme", at: sim)
        let conn = try await Connection.open(a, environment: [:])
        do {
            _ = try await MetricsServer.start([conn], host: "127.0.0.1", port: first.port)
            Issue.record("listened on a taken port")
        } catch {
            #expect("\(error)".hasPrefix("cannot listen on 127.0.0.1:\(first.port): "), "\(error)")
            #expect("\(error)".contains("in use"), "\(error)")
        }
        #expect(await conn.api.client.stats.sent == 0)
        var taken = SimulatorConfig()
        taken.port = first.port
        do {
            _ = try await Simulator.start(taken)
            Issue.record("the simulator listened on a taken port")
        } catch {
            #expect("\(error)".hasPrefix("cannot listen on 127.0.0.1:\(first.port): "), "\(error)")
        }
        await conn.close()
        await sim.stop()
        await first.stop()
    }

    @Test("plugin text: a | in a server's words or a tenant's name cannot forge perfdata")
    func noFakePerfdata() {
        let t = TenantStatus(
            tenant: "a|b", vendor: "atera", quota: nil, error: "boom | used=1;2;3;0;4", readAt: Date())
        let u = TenantStatus(
            tenant: "c", vendor: "autotask", quota: Quota(used: 1, limit: 10, windowSeconds: 3_600), readAt: Date())
        for text in [StatusReport.pluginText([t]), StatusReport.pluginText([t, u])] {
            #expect(text.filter { $0 == "|" }.count <= 1, "\(text)")
            #expect(!text.contains("| used=1;2;3"), "\(text)")
        }
    }

    @Test("tickets without --all: one page of more says how many of how many, and points at --all")
    func onePageSaysSo() {
        #expect(
            ExportCoverage.note(printed: 500, total: 1_234, morePages: true, limited: false)
                == "printed 500 of 1,234 tickets (one page); --all prints every one")
        #expect(
            ExportCoverage.note(printed: 500, total: nil, morePages: true, limited: false)
                == "printed 500 tickets, the first page of more; --all prints every one")
        #expect(ExportCoverage.note(printed: 50, total: 50, morePages: false, limited: false) == nil)
        #expect(ExportCoverage.note(printed: 10, total: 1_234, morePages: true, limited: true) == nil)
    }
}
