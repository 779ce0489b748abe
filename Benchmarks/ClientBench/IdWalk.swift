import Foundation
import PSAClient
import PSACore
import Simulator

/// One machine-readable line per figure (`scripts/bench-compare.sh` reads them).
func bench(_ name: String, _ value: Double, _ unit: String) {
    print("BENCH \(name) \(String(format: "%.3f", value)) \(unit)")
}

/// The Autotask id walk of 100,000 tickets with every answer in the +0.5 s tier: one page at a
/// time, then shared among 2 and 3 thread slots. At `scale` 1 the tier's delay is the real 0.5 s
/// (a larger scale shortens it; the client's and the simulator's own work per page is not scaled).
func idWalkBench(scale: Double) async throws {
    var c = SimulatorConfig()
    c.tickets = 100_000
    c.timeScale = scale
    c.background = .steady(perHour: 6_000)  // 60% of 10,000: the +0.5 s tier, below the 75% ceiling
    let sim = try await Simulator.start(c)
    print(
        "Autotask id walk — 100,000 tickets, every answer +\(Int(500 / scale)) ms (the +0.5 s tier\(scale == 1 ? "" : " at \(Int(scale))x")), pages of 500, the 75% ceiling on"
    )
    var serialTime = 0.0
    for threads in [1, 2, 3] {
        var p = ClientPolicy()
        p.timeScale = scale
        let client = RateAwareClient(
            transport: AHCTransport(), policy: p, seed: 4, secrets: [c.autotaskSecret, c.autotaskIntegrationCode])
        let api = AutotaskAPI(
            client: client,
            credentials: .init(
                userName: c.autotaskUser, secret: c.autotaskSecret, integrationCode: c.autotaskIntegrationCode),
            baseURL: sim.autotaskBaseURL, fieldSet: .export)
        let start = ContinuousClock.now
        let all = try await api.allTickets(filter: ServerFilter(), options: WalkOptions(threads: threads))
        let elapsed = (ContinuousClock.now - start).seconds
        if threads == 1 { serialTime = elapsed }
        let log = await client.log
        let pages = log.filter { $0.path.hasPrefix("/Tickets/query (id >") }.count
        let label = threads == 1 ? "serial" : "\(threads) threads"
        bench("client.id_walk_\(threads == 1 ? "serial" : "\(threads)_threads")", elapsed, "s")
        let gain = threads == 1 ? "" : String(format: ", %.2fx faster", serialTime / max(elapsed, 0.001))
        print(
            "  " + pad(label, 28)
                + String(
                    format: "%.1f s%@; %d tickets, %d ticket pages, %d requests in all, max in flight %d",
                    elapsed, gain, all.count, pages, log.count, await client.maxInFlightSeen["Tickets"] ?? 0))
    }
    let s = try JSONSerialization.jsonObject(with: await sim.statsJSON()) as? [String: Any] ?? [:]
    print("  " + pad("thread-limit rejections", 28) + "\(s["threadLimitRejections"] ?? 0)")
    await sim.stop()
}
