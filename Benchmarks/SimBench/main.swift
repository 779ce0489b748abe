// How fast is the simulator? Prints the requests per second it serves over loopback with
// concurrent keep-alive clients (no pacing: raw transport), per kind of request, and how long it
// takes to start with 100,000 tickets.
//
//   swift run -c release sim-bench [seconds-per-kind] [connections]
import Foundation
import PSAClient
import PSACore
import Simulator

let args = CommandLine.arguments.dropFirst().compactMap(Double.init)
let seconds = args.first ?? 5
let connections = Int(args.count > 1 ? args[1] : 16)

func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }

// Start-up with a large tenant.
for n in [1_234, 100_000] {
    var c = SimulatorConfig()
    c.tickets = n
    let t0 = ContinuousClock.now
    let sim = try await Simulator.start(c)
    let took = ContinuousClock.now - t0
    print(pad("start-up, \(n) tickets", 34) + String(format: "%.2f s", took.seconds))
    await sim.stop()
}

var config = SimulatorConfig()
config.tickets = 1_234
config.autotaskThreshold = 100_000_000  // never suspends, never adds latency below 50%
config.threadLimit = 1_000
config.ateraLimitPerMinute = 100_000_000
let sim = try await Simulator.start(config)
let ateraKey = config.ateraKey
let ids = await sim.autotaskTicketIDs()
let at: [(String, String)] = [
    ("ApiIntegrationCode", config.autotaskIntegrationCode), ("UserName", config.autotaskUser),
    ("Secret", config.autotaskSecret),
]
let kinds: [(String, @Sendable (Int) -> HTTPRequestSpec)] = [
    (
        "Autotask ThresholdInformation",
        { _ in HTTPRequestSpec(method: "GET", url: sim.autotaskBaseURL + "/ThresholdInformation", headers: at) }
    ),
    (
        "Autotask Tickets/{id}",
        { i in HTTPRequestSpec(method: "GET", url: sim.autotaskBaseURL + "/Tickets/\(ids[i % ids.count])", headers: at)
        }
    ),
    (
        "Autotask Tickets/query (500)",
        { _ in
            HTTPRequestSpec(
                method: "POST", url: sim.autotaskBaseURL + "/Tickets/query",
                headers: at + [("Content-Type", "application/json")],
                body: Data(#"{"MaxRecords":500,"filter":[{"op":"gt","field":"id","value":0}]}"#.utf8))
        }
    ),
    (
        "Atera tickets page (50)",
        { i in
            HTTPRequestSpec(
                method: "GET", url: sim.ateraBaseURL + "/tickets?page=\(i % 20 + 1)&itemsInPage=50",
                headers: [("X-API-KEY", ateraKey)])
        }
    ),
]

actor Tally {
    var ok = 0, bad = 0
    func add(_ s: Int) { if s == 200 { ok += 1 } else { bad += 1 } }
}

print(
    "simulator throughput — \(connections) concurrent keep-alive connections, \(Int(seconds)) s per kind, \(ProcessInfo.processInfo.activeProcessorCount) cores (client and server share them)"
)
for (name, make) in kinds {
    let transport = AHCTransport()
    let tally = Tally()
    let deadline = ContinuousClock.now + .seconds(seconds)
    let start = ContinuousClock.now
    await withTaskGroup(of: Void.self) { g in
        for w in 0..<connections {
            g.addTask {
                var i = w
                while ContinuousClock.now < deadline {
                    let status = (try? await transport.send(make(i), timeout: .seconds(30)).status) ?? 0
                    await tally.add(status)
                    i += connections
                }
            }
        }
    }
    let elapsed = (ContinuousClock.now - start).seconds
    let ok = await tally.ok, bad = await tally.bad
    print(
        "  " + pad(name, 32) + String(format: "%8.0f req/s", Double(ok) / elapsed)
            + (bad > 0 ? "  (\(bad) not 200)" : ""))
}
await sim.stop()
