// What does the dashboard's own polling cost, and how far is what it shows from the truth?
// Runs the real Poller (quota schedule, projection, incremental refresh) against the simulator
// with a time scale, samples the count it would show against the simulator's real count, and
// prints: background requests per simulated hour, the largest gap between shown and real count
// (overall and within 5 points of a tier boundary), and the oldest reading shown near a boundary.
//
//   swift run -c release poll-bench [time-scale] [simulated-hours]
import Dashboard
import Foundation
import PSAApp
import PSAClient
import PSACore
import Simulator

let args = CommandLine.arguments.dropFirst().compactMap(Double.init)
let scale = args.first ?? 60
let hours = args.count > 1 ? args[1] : 2

func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }

struct Figures { var perHour = 0.0, maxGap = 0, maxGapNear = 0, maxStaleNear = 0.0, samples = 0, nearSamples = 0 }

func run(_ name: String, load: BackgroundLoad) async throws -> Figures {
    var c = SimulatorConfig()
    c.tickets = 500
    c.timeScale = scale
    c.background = load
    let sim = try await Simulator.start(c)
    var policy = ClientPolicy()
    policy.threadsPerEndpoint = 3
    policy.timeScale = scale
    let client = RateAwareClient(
        transport: AHCTransport(), policy: policy, secrets: [c.autotaskSecret, c.autotaskIntegrationCode])
    let api = AutotaskAPI(
        client: client,
        credentials: .init(
            userName: c.autotaskUser, secret: c.autotaskSecret, integrationCode: c.autotaskIntegrationCode),
        baseURL: sim.autotaskBaseURL)
    let poller = Poller(api: api, clock: .continuous, timeScale: scale) { _ in }
    await poller.start(loadTickets: true)
    var f = Figures()
    let start = ContinuousClock.now
    let total = Duration.seconds(double: hours * 3_600 / scale)
    // The first simulated hour warms up (the first page, the rate's first measurement); count the rest.
    let warm = Duration.seconds(double: 3_600 / scale)
    let t0 = Date()
    while ContinuousClock.now - start < total {
        try await Task.sleep(for: .milliseconds(100))
        guard ContinuousClock.now - start > warm else { continue }
        let s = await poller.status()
        let real = await sim.autotaskCount()
        guard let shown = s.projected, let readAt = s.readAt else { continue }
        let gap = abs(shown.used - real)
        f.samples += 1
        f.maxGap = max(f.maxGap, gap)
        let fr = Double(real) / Double(shown.limit)
        if [0.5, 0.75, 1.0].contains(where: { abs(fr - $0) < 0.05 }) {
            f.nearSamples += 1
            f.maxGapNear = max(f.maxGapNear, gap)
            f.maxStaleNear = max(f.maxStaleNear, Date().timeIntervalSince(readAt) * scale)
        }
    }
    let cutoff = t0.addingTimeInterval(warm.seconds)
    let background = await client.log.filter { $0.background != nil && $0.time >= cutoff }.count
    f.perHour = Double(background) / (hours - 1)
    await poller.stop()
    await sim.stop()
    print(
        pad(name, 44)
            + String(
                format:
                    "%6.1f req/h  max gap %4d (%.2f%%)  near a boundary: max gap %4d, oldest reading %4.0f s  (%d samples, %d near)",
                f.perHour, f.maxGap, Double(f.maxGap) / 100, f.maxGapNear, f.maxStaleNear, f.samples, f.nearSamples))
    let key = name.split(separator: " ").first.map(String.init) ?? name
    bench("poll.\(key)_requests_per_hour", f.perHour, "req/h")
    bench("poll.\(key)_max_gap", Double(f.maxGap), "count")
    bench("poll.\(key)_max_gap_near_boundary", Double(f.maxGapNear), "count")
    return f
}

/// One machine-readable line per figure (`scripts/bench-compare.sh` reads them).
func bench(_ name: String, _ value: Double, _ unit: String) {
    print("BENCH \(name) \(String(format: "%.3f", value)) \(unit)")
}

print(
    "poll-bench: time scale \(Int(scale))x, \(hours) simulated hours each (first hour not counted), budget 1% = 100 req/h"
)
_ = try await run("idle tenant (steady 1,000/h, far from tiers)", load: .steady(perHour: 1_000))
_ = try await run("busy tenant (ramp 40%→60% over an hour)", load: .ramp(from: 0.4, to: 0.6, minutes: 60))
_ = try await run("demo load (swings through both tiers)", load: .demo)
