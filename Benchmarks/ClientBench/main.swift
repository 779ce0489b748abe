// Drives the rate-aware client against the simulator and prints what matters:
// achieved rate as a share of the allowed rate, 429s received, retries sent, and the most
// requests in flight per endpoint (as the client and as the server saw them).
//
//   swift run -c release client-bench [seconds] [time-scale]
//
// Atera: the per-key limit (700/min) with the simulator's time scale, so minutes pass in
// seconds; the client's window limiter counts the same scaled window. Rate headers are off here
// (they state the unscaled per-minute limit); the header path is covered by tests. Then
// (Windows.swift) known windows against a naive atera-client loop and the ideal, a limit learned
// from header-less 429s, and the steady-state share.
// Autotask: 24 concurrent callers on one endpoint while the tenant is in the +0.5 s tier; then
// a bulk walk of 100,000 tickets with the quota ceiling at 75%, at 50%, and off, printing the
// highest count the simulator saw (latency is not read at this time scale: the tiers would be
// 1.4 ms and 2.8 ms, below the noise); last (IdWalk.swift) the id walk of 100,000 tickets at the
// real +0.5 s, serial and shared among 2 and 3 thread slots.
import Foundation
import PSAClient
import PSACore
import Simulator

let args = CommandLine.arguments.dropFirst().compactMap(Double.init)
let seconds = args.first ?? 30
let scale = args.count > 1 ? args[1] : 10

func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }

actor Counter {
    var ok = 0, failed = 0
    func add(_ success: Bool) { if success { ok += 1 } else { failed += 1 } }
}

// MARK: Atera pacing

let atConfig: SimulatorConfig = {
    var c = SimulatorConfig()
    c.tickets = 200
    c.timeScale = scale
    c.ateraRateHeaders = false
    return c
}()
let ateraKey = atConfig.ateraKey
let sim = try await Simulator.start(atConfig)
var policy = ClientPolicy()
// the simulator's minute lasts 60/scale s
policy.windows = [WindowLimit(limit: atConfig.ateraLimitPerMinute, window: 60 / scale)]
policy.threadsPerEndpoint = 16
let client = RateAwareClient(transport: AHCTransport(), policy: policy, seed: 1, secrets: [atConfig.ateraKey])
let counter = Counter()
let start = ContinuousClock.now
let deadline = start + .seconds(seconds)
await withTaskGroup(of: Void.self) { g in
    for w in 0..<32 {
        g.addTask {
            var i = 0
            while ContinuousClock.now < deadline {
                let id = 1_000 + (w * 7 + i) % 200
                i += 1
                let req = ClientRequest(
                    spec: HTTPRequestSpec(
                        method: "GET", url: "\(sim.ateraBaseURL)/tickets/\(id)", headers: [("X-API-KEY", ateraKey)]),
                    endpoint: "tickets", logPath: "/tickets/\(id)", idempotent: true, purpose: "bench")
                let ok = (try? await client.send(req)) != nil
                await counter.add(ok)
            }
        }
    }
}
let elapsed = (ContinuousClock.now - start).seconds
let simMinutes = elapsed * scale / 60
let ok = await counter.ok
let stats = await client.stats
let achieved = Double(ok) / simMinutes
let simStats = try JSONSerialization.jsonObject(with: await sim.statsJSON()) as? [String: Any] ?? [:]
print(
    "Atera pacing — limit \(atConfig.ateraLimitPerMinute)/min, window limiter, time scale \(Int(scale))x, \(Int(elapsed)) s (\(String(format: "%.1f", simMinutes)) simulated min), 32 callers"
)
print(
    "  " + pad("achieved rate", 28)
        + String(
            format: "%.1f/min = %.1f%% of allowed", achieved, achieved / Double(atConfig.ateraLimitPerMinute) * 100))
print("  " + pad("requests ok / failed", 28) + "\(ok) / \(await counter.failed)")
bench("client.atera_pacing_rate", achieved / Double(atConfig.ateraLimitPerMinute) * 100, "%")
bench("client.atera_pacing_429s", Double(stats.status429), "count")
print("  " + pad("429s received", 28) + "\(stats.status429) (server counted \(simStats["throttled429"] ?? 0))")
print("  " + pad("retries sent", 28) + "\(stats.retries)")
print(
    "  " + pad("max in flight (client)", 28)
        + "\(await client.maxInFlightSeen["tickets"] ?? 0) of \(policy.threadsPerEndpoint)")
await sim.stop()
try await windowSections()  // Windows.swift

// MARK: Autotask thread limit

let atk: SimulatorConfig = {
    var c = SimulatorConfig()
    c.tickets = 200
    c.background = .steady(perHour: 6_000)  // 60%: every response carries +0.5 s
    return c
}()
let sim2 = try await Simulator.start(atk)
let client2 = RateAwareClient(
    transport: AHCTransport(), seed: 2, secrets: [atk.autotaskSecret, atk.autotaskIntegrationCode])
let api = AutotaskAPI(
    client: client2,
    credentials: .init(
        userName: atk.autotaskUser, secret: atk.autotaskSecret, integrationCode: atk.autotaskIntegrationCode),
    baseURL: sim2.autotaskBaseURL)
let first = try await api.page(after: nil).tickets.map(\.id)
let counter2 = Counter()
let start2 = ContinuousClock.now
let deadline2 = start2 + .seconds(min(seconds, 10))
await withTaskGroup(of: Void.self) { g in
    for w in 0..<24 {
        g.addTask {
            var i = 0
            while ContinuousClock.now < deadline2 {
                let id = first[(w * 13 + i) % first.count]
                i += 1
                await counter2.add((try? await api.ticket(id: id)) != nil)
            }
        }
    }
}
let elapsed2 = (ContinuousClock.now - start2).seconds
let s2 = try JSONSerialization.jsonObject(with: await sim2.statsJSON()) as? [String: Any] ?? [:]
let maxConc = (s2["maxConcurrent"] as? [String: Int])?["tickets"] ?? 0
let cstats = await client2.stats
print("Autotask thread limit — 24 callers on /Tickets for \(Int(elapsed2)) s at +0.5 s latency")
print(
    "  " + pad("requests ok / failed", 28)
        + "\(await counter2.ok) / \(await counter2.failed)  (\(String(format: "%.1f", Double(await counter2.ok) / elapsed2))/s; 3 slots at 0.5 s allow 6/s)"
)
print(
    "  " + pad("max in flight on Tickets", 28)
        + "client \(await client2.maxInFlightSeen["Tickets"] ?? 0), server saw \(maxConc) (limit 3)")
print("  " + pad("thread-limit rejections", 28) + "\(s2["threadLimitRejections"] ?? 0)")
bench("client.autotask_thread_limit_rate", Double(await counter2.ok) / elapsed2, "req/s")
bench("client.autotask_thread_limit_rejections", Double(s2["threadLimitRejections"] as? Int ?? 0), "count")
print("  " + pad("429s received / retries", 28) + "\(cstats.status429) / \(cstats.retries)")
await sim2.stop()

// MARK: Autotask quota ceiling

/// A bulk walk of every ticket while other integrations hold the tenant at 70%: with the
/// default 75% ceiling, and with no ceiling, on a simulated hour of 10 s.
func ceilingRun(_ ceiling: Double?, seconds: Double) async throws -> (
    peak: Int, sent: Int, tickets: Int, waited: Int, elapsed: Double
) {
    var c = SimulatorConfig()
    c.tickets = 100_000
    c.timeScale = 360
    c.background = .steady(perHour: 7_000)
    let sim = try await Simulator.start(c)
    var p = ClientPolicy()
    p.ceiling = ceiling
    p.detectLatencyTiers = true
    p.timeScale = c.timeScale
    let client = RateAwareClient(
        transport: AHCTransport(), policy: p, seed: 3, secrets: [c.autotaskSecret, c.autotaskIntegrationCode])
    let api = AutotaskAPI(
        client: client,
        credentials: .init(
            userName: c.autotaskUser, secret: c.autotaskSecret, integrationCode: c.autotaskIntegrationCode),
        baseURL: sim.autotaskBaseURL, pageSize: 20)
    let start = ContinuousClock.now
    _ = try await api.quota()
    let walk = Task { try await api.allTickets() }
    try await Task.sleep(for: .seconds(seconds))
    walk.cancel()
    _ = await walk.result
    let elapsed = (ContinuousClock.now - start).seconds
    let s = try JSONSerialization.jsonObject(with: await sim.statsJSON()) as? [String: Any] ?? [:]
    let log = await client.log
    let pages = log.filter { $0.path.hasPrefix("/Tickets/query (id >") && $0.status == 200 }.count
    await sim.stop()
    return (
        s["peakCount"] as? Int ?? 0, await client.stats.sent, pages * 20,
        log.filter { $0.waitReason == .ceiling }.count, elapsed
    )
}

let ceilingSeconds = min(seconds, 20)
print(
    "Autotask quota ceiling — bulk walk of 100,000 tickets (20 per page), others at 70% of 10,000, simulated hour = 10 s, \(Int(ceilingSeconds)) s each"
)
for (label, ceiling) in [("ceiling 75% (default)", Optional(0.75)), ("ceiling 50%", 0.5), ("no ceiling", nil)] {
    let r = try await ceilingRun(ceiling, seconds: ceilingSeconds)
    let tier = LatencyTier(count: r.peak, threshold: 10_000)
    let key = ceiling.map { "ceiling_\(Int($0 * 100))" } ?? "no_ceiling"
    bench("client.autotask_\(key)_peak", Double(r.peak), "count")
    print(
        "  " + pad(label, 28)
            + "peak tenant count \(r.peak) of 10,000 (\(tier.label)); \(r.sent) requests, \(r.tickets) tickets walked, \(r.waited) waited for the ceiling"
    )
}

// MARK: Autotask id walk, serial and shared among thread slots

try await idWalkBench(scale: 1)
