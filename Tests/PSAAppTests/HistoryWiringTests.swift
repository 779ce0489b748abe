import AsyncHTTPClient
import Foundation
import History
import PSAApp
import PSAClient
import PSACore
import PSATestSupport
import Simulator
import Testing

@Suite("Quota history wired into the commands", .timeLimit(.minutes(5)))
struct HistoryWiringTests {
    static func config() -> HistoryConfig {
        var c = HistoryConfig(path: NSTemporaryDirectory() + "psatop-wiring-\(UUID().uuidString)/history.sqlite")
        c.flushEvery = .milliseconds(100)
        return c
    }

    static func demo() async throws -> Connection {
        var choice = TenantChoice()
        choice.demo = true
        return try await Connection.openAll(try choice.resolve(environment: [:]))[0]
    }

    @Test("config.toml: history = false and history_days, each checked with its line")
    func configKeys() throws {
        let c = try PSAConfig.parse("history = false\nhistory_days = 10\n", file: "c.toml")
        #expect(c.history == false && c.historyDays == 10)
        #expect(throws: ConfigError.self) { try PSAConfig.parse("history_days = 0\n", file: "c.toml") }
        #expect(throws: ConfigError.self) { try PSAConfig.parse("history = \"no\"\n", file: "c.toml") }
    }

    @Test("one count of ours per host: a dashboard sees what a tickets run on the same tenant sent, by command")
    func oursPerHost() async throws {
        let config = Self.config()
        // Two processes' connections to one tenant (a simulator both reach over HTTP, as a real
        // tenant): not two demos, whose simulators are each their own.
        var c = SimulatorConfig()
        c.tickets = 20
        c.addLatency = false
        let sim = try await Simulator.start(c)
        defer { Task { await sim.stop() } }
        let settings = ConnectionSettings.autotask("acme", at: sim)
        let board = try await Connection.open(settings)
        let cron = try await Connection.open(settings)
        let dashboard = try #require(
            await HistorySession.start(config, kind: .dashboard, connections: [board]) { _ in })
        let tickets = try #require(await HistorySession.start(config, kind: .tickets, connections: [cron]) { _ in })
        #expect(dashboard.taps[0].key == tickets.taps[0].key)
        for _ in 0..<7 { _ = try await cron.api.quota() }
        _ = try await board.api.quota()
        // Every request each client sent (the first one's zone look-up too).
        let cronSent = await cron.api.client.stats.sent
        let boardSent = await board.api.client.stats.sent
        #expect(cronSent >= 7)
        await tickets.finish()
        await dashboard.recorder.flush()
        let seen = await dashboard.taps[0].hostOurs(minutes: 60)
        #expect(seen == ["tickets": cronSent], "\(seen)")
        await dashboard.finish()
        await board.close()
        await cron.close()
        // What `psatop history` reads: both commands, split.
        let store = try HistoryStore(path: config.path)
        let rows = try store.requests(
            dashboard.taps[0].key, from: Date().addingTimeInterval(-86_400), to: Date().addingTimeInterval(86_400))
        var byKind: [ProcessKind: Int] = [:]
        for r in rows { for (k, n) in r.byKind { byKind[k, default: 0] += n } }
        #expect(byKind[.tickets] == cronSent && byKind[.dashboard] == boardSent, "\(byKind)")
    }

    @Test("two demos share the history's key but not a tenant: neither counts the other's requests as ours")
    func demosDoNotShare() async throws {
        let config = Self.config()
        let one = try await Self.demo()
        let two = try await Self.demo()
        let a = try #require(await HistorySession.start(config, kind: .dashboard, connections: [one]) { _ in })
        let b = try #require(await HistorySession.start(config, kind: .tickets, connections: [two]) { _ in })
        #expect(a.taps[0].key == b.taps[0].key)
        for _ in 0..<3 { _ = try await two.api.quota() }
        #expect(await two.api.client.stats.sent >= 3)
        await b.finish()
        await a.recorder.flush()
        #expect(await a.taps[0].hostOurs(minutes: 60).isEmpty)
        await a.finish()
        await one.close()
        await two.close()
    }

    @Test("serve-metrics: ours on the host by command and the others' estimate as counters")
    func metrics() async throws {
        let conn = try await Self.demo()
        let history = await HistorySession.start(Self.config(), kind: .serveMetrics, connections: [conn]) { _ in }
        let server = try await MetricsServer.start(
            fleet: [.open(conn)], host: "127.0.0.1", port: 0, history: history)
        // The process-wide client: never shut down, so a scrape that throws cannot leave a client
        // to trap in its deinit (a dropped client crashed a whole test run on a loaded machine).
        let http = HTTPClient.shared
        var body = ""
        // (A scrape that fails on a busy machine is tried again: the client is always shut down.)
        for _ in 0..<200 {
            guard
                let r = try? await http.execute(
                    HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/metrics"), timeout: .seconds(10)),
                let buffer = try? await r.body.collect(upTo: 1 << 20)
            else { continue }
            body = String(buffer: buffer)
            if body.contains("psatop_host_requests_total{") && body.contains("psatop_others_requests_estimated_total{")
            {
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        await server.stop()
        await history?.finish()
        #expect(body.contains("# TYPE psatop_host_requests_total counter"))
        #expect(body.contains("vendor=\"autotask\",kind=\"serve-metrics\"}"), "\(body)")
        #expect(body.contains("# TYPE psatop_others_requests_estimated_total counter"))
    }
}
