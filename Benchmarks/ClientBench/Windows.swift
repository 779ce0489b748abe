// The window limiter's figures (issue 20), against the simulator's Atera twin with no rate
// headers, every time given in the simulator's own seconds (real seconds × its time scale):
//  - a short job under a known window: 50 pages of 50 under 30/min, and under 300 per 5 min
//    (HaloPSA's window), walked by the real
//    atera-client from PyPI in a naive loop (1 s sleep on each 429), by psatop, and the ideal:
//    what the limit forces (the rest of the allowance waits for the window) plus the same walk
//    with no limit at all;
//  - an unknown lower limit: the server takes 20 per 3 s, psatop is configured for 700/min;
//  - the steady state of a long job (16 bulk callers, 6 windows' worth) as a share of the limit.
import Foundation
import PSAClient
import PSACore
import Simulator

/// Runs every window section and prints its table.
func windowSections() async throws {
    print("Window limiter — simulated Atera, no X-RateLimit-*/Retry-After; times in the simulator's seconds")
    let naive = NaiveClient()
    // (A time scale multiplies each request's own cost too: the 5-minute case, which waits for
    // no window, runs in real time.)
    for (limit, window, pages, scale) in [(30, 60.0, 50, 5.0), (300, 300, 50, 1)] {
        try await knownWindow(limit: limit, window: window, pages: pages, scale: scale, naive: naive)
    }
    try await learnedWindow()
    try await steadyState()
}

private func simulator(tickets: Int, limit: Int, window: Double, scale: Double) async throws -> Simulator {
    var c = SimulatorConfig()
    c.tickets = tickets
    c.timeScale = scale
    c.ateraRateHeaders = false
    c.ateraLimitPerMinute = limit
    c.ateraWindowSeconds = window
    c.seed = 20
    return try await Simulator.start(c)
}

private func throttled(_ sim: Simulator) async -> Int {
    let s = try? JSONSerialization.jsonObject(with: await sim.statsJSON()) as? [String: Any]
    return s?["throttled429"] as? Int ?? 0
}

/// psatop's `tickets --all`: every page through one client, as bulk work. Seconds of the simulator, tickets, 429s, the client.
private func psatopWalk(limit: Int?, window: Double, tickets: Int, scale: Double, configured: WindowLimit? = nil)
    async throws
    -> (seconds: Double, tickets: Int, throttled: Int, client: RateAwareClient)
{
    let sim = try await simulator(tickets: tickets, limit: limit ?? 1_000_000_000, window: window, scale: scale)
    var p = ClientPolicy()
    p.threadsPerEndpoint = 8
    p.timeScale = scale
    // The client's windows are in its own seconds: the simulator's, shrunk by the time scale.
    p.windows = [configured ?? WindowLimit(limit: limit ?? 1_000_000_000, window: window / scale)]
    let client = RateAwareClient(transport: AHCTransport(), policy: p, seed: 20, secrets: [sim.config.ateraKey])
    let api = AteraAPI(
        client: client, key: sim.config.ateraKey, baseURL: sim.ateraBaseURL, pageSize: 50, limitPerMinute: limit ?? 700)
    let start = ContinuousClock.now
    let all = try await api.allTickets()  // bulk work
    let seconds = (ContinuousClock.now - start).seconds * scale
    let n = await throttled(sim)
    await sim.stop()
    return (seconds, all.count, n, client)
}

private func simTime(_ s: Double) -> String { s >= 100 ? String(format: "%.0f s", s) : String(format: "%.1f s", s) }

private func knownWindow(limit: Int, window: Double, pages: Int, scale: Double, naive: NaiveClient) async throws {
    let tickets = pages * 50
    let name = window == 60 ? "\(limit)/min" : "\(limit) per \(WindowLimit.seconds(window))"
    // What the limit forces: the allowance at once, the rest each time the window frees; then
    // the pages after the last wait at the speed of the same walk with no limit.
    let waits = (pages - 1) / limit
    let forced = Double(waits) * window
    // A walk of a second or two is at the mercy of the machine: those take the best of three.
    let runs = scale == 1 ? 3 : 1
    var unlimited = try await psatopWalk(limit: nil, window: window, tickets: tickets, scale: scale)
    for _ in 1..<runs {
        let u = try await psatopWalk(limit: nil, window: window, tickets: tickets, scale: scale)
        if u.seconds < unlimited.seconds { unlimited = u }
    }
    let ideal = forced + unlimited.seconds * Double(pages - waits * limit) / Double(pages)
    print(
        "  \(pages) pages of 50 under \(name) (time scale \(Int(scale))x\(runs > 1 ? "; psatop's walks best of \(runs)" : "")):"
    )
    print("    " + pad("client", 52) + pad("time", 12) + pad("vs ideal", 10) + "429s")
    let sim = try await simulator(tickets: tickets, limit: limit, window: window, scale: scale)
    let n = await naive.walk(sim, scale: scale, expected: tickets)
    switch n {
    case .success(let r):
        print(
            "    " + pad("atera-client 1.1.0 (PyPI), naive loop, 1 s on 429", 52) + pad(simTime(r.seconds), 12)
                + pad(String(format: "%.2fx", r.seconds / ideal), 10) + "\(r.throttled)")
    case .failure(let why):
        print("    " + pad("atera-client 1.1.0 (PyPI), naive loop", 52) + "skipped: \(why.text)")
    }
    await sim.stop()
    var ours = try await psatopWalk(limit: limit, window: window, tickets: tickets, scale: scale)
    for _ in 1..<runs {
        let o = try await psatopWalk(limit: limit, window: window, tickets: tickets, scale: scale)
        if o.seconds < ours.seconds { ours = o }
    }
    let waited = await ours.client.log.filter { $0.waitReason == .paced }.count
    let ok =
        (ours.tickets == tickets ? "" : "  (only \(ours.tickets) of \(tickets) tickets!)")
        + "  (\(waited) waited for the window)"
    print(
        "    " + pad("psatop tickets --all", 52) + pad(simTime(ours.seconds), 12)
            + pad(String(format: "%.2fx", ours.seconds / ideal), 10) + "\(ours.throttled)\(ok)")
    print(
        "    " + pad("ideal: \(simTime(forced)) forced, the last \(pages - waits * limit) pages unlimited", 52)
            + pad(simTime(ideal), 12) + pad("1.00x", 10) + "0")
}

/// The server really takes 20 per 3 s and says nothing; psatop is configured for 700/min.
private func learnedWindow() async throws {
    let pages = 50, real = WindowLimit(limit: 20, window: 3)
    let unlimited = try await psatopWalk(limit: nil, window: 60, tickets: pages * 50, scale: 1)
    let waits = (pages - 1) / real.limit
    let ideal = Double(waits) * real.window + unlimited.seconds * Double(pages - waits * real.limit) / Double(pages)
    print(
        "  Unknown lower limit: the server takes \(real) with no headers, psatop configured for 700/min, \(pages) pages of 50 (three runs):"
    )
    for run in 1...3 {
        let r = try await psatopWalk(
            limit: real.limit, window: real.window, tickets: pages * 50, scale: 1, configured: .perMinute(700))
        let stats = await r.client.stats
        let share = Double(r.throttled) / Double(stats.sent)
        let learned = await r.client.learnedLimit()?.text ?? "nothing learned"
        print(
            "    " + pad("psatop tickets --all, run \(run)", 30) + simTime(r.seconds)
                + String(format: " (%.2fx the ideal %@)", r.seconds / ideal, simTime(ideal))
                + ", \(r.throttled) 429s of \(stats.sent) requests (" + String(format: "%.1f%%", share * 100) + ")"
                + (r.tickets == pages * 50 ? "" : ", only \(r.tickets) tickets!") + "; gauge: " + learned)
    }
}

/// A long job (6 windows' worth of single-ticket reads by 16 bulk callers) under 300/min at 20x.
private func steadyState() async throws {
    let limit = 300, scale = 20.0, windows = 6
    let sim = try await simulator(tickets: 200, limit: limit, window: 60, scale: scale)
    var p = ClientPolicy()
    p.threadsPerEndpoint = 8
    p.windows = [WindowLimit(limit: limit, window: 60 / scale)]
    p.logCapacity = limit * windows + 100
    let client = RateAwareClient(transport: AHCTransport(), policy: p, seed: 21, secrets: [sim.config.ateraKey])
    let key = sim.config.ateraKey, base = sim.ateraBaseURL
    let counter = Counter()
    let total = limit * windows
    await withTaskGroup(of: Void.self) { g in
        for w in 0..<16 {
            g.addTask {
                var i = w
                while i < total {
                    let id = 1_000 + i % 200
                    let req = ClientRequest(
                        spec: HTTPRequestSpec(
                            method: "GET", url: "\(base)/tickets/\(id)", headers: [("X-API-KEY", key)]),
                        endpoint: "tickets", logPath: "/tickets/\(id)", idempotent: true, purpose: "bench",
                        priority: .bulk)
                    await counter.add((try? await client.send(req)) != nil)
                    i += 16
                }
            }
        }
    }
    // Send times from the log (each record is written when its answer came). In the steady state
    // the send `limit` places later reuses a send's place in the window: the limit allows it a
    // window later; the share is the window over the gap it really took.
    let sends = await client.log.filter { $0.status == 200 }.map {
        ($0.time.timeIntervalSince1970 - $0.duration) * scale
    }.sorted()
    let gaps = (limit..<sends.count).map { sends[$0] - sends[$0 - limit] }
    let share = 60 * Double(gaps.count) / gaps.reduce(0, +)
    let worst = 60 / (gaps.max() ?? 60)
    let n = await throttled(sim)
    await sim.stop()
    print(
        "  Steady state: \(total) requests (\(windows) windows' worth) by 16 bulk callers under \(limit)/min at \(Int(scale))x:"
    )
    print(
        "    " + pad("share of the limit", 52)
            + String(format: "%.1f%% (the slowest place %.1f%%)", share * 100, worst * 100)
            + "; \(await counter.ok) ok, \(await counter.failed) failed, \(n) 429s")
}

/// The real atera-client from PyPI in a throwaway virtualenv (made once, reused).
final class NaiveClient: Sendable {
    struct Run: Sendable {
        var seconds: Double
        var throttled: Int
    }
    struct Skipped: Error { var text: String }
    let python: Result<String, Skipped>

    init() {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let venv =
            ProcessInfo.processInfo.environment["PSATOP_BENCH_VENV"] ?? (NSTemporaryDirectory() + "/psatop-bench-venv")
        let python = venv + "/bin/python"
        if FileManager.default.isExecutableFile(atPath: python),
            Self.run(python, ["-c", "import atera_client"]).status == 0
        {
            self.python = .success(python)
            return
        }
        let made = Self.run("/usr/bin/env", ["python3", "-m", "venv", venv])
        guard made.status == 0 else {
            self.python = .failure(Skipped(text: "no virtualenv (python3 -m venv: \(made.output.prefix(120)))"))
            return
        }
        let pip = Self.run(
            venv + "/bin/pip",
            [
                "install", "--quiet", "--disable-pip-version-check", "-c",
                root.appendingPathComponent("conformance/requirements.txt").path, "atera-client==1.1.0",
            ])
        guard pip.status == 0 else {
            self.python = .failure(
                Skipped(text: "pip could not install atera-client 1.1.0 (\(pip.output.suffix(160)))"))
            return
        }
        self.python = .success(python)
    }

    /// Walks every page of the simulator's tickets; seconds of the simulator and 429s.
    func walk(_ sim: Simulator, scale: Double, expected: Int) async -> Result<Run, Skipped> {
        let python: String
        switch self.python {
        case .success(let p): python = p
        case .failure(let e): return .failure(e)
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("conformance/atera_naive_walk.py").path
        let host = String(sim.ateraBaseURL.dropLast("/api/v3".count))
        // On a thread of its own: the cooperative pool stays free to serve the simulator.
        let args = [script, host, sim.config.ateraKey, String(scale)]
        let r = await withCheckedContinuation { c in Thread { c.resume(returning: Self.run(python, args)) }.start() }
        guard r.status == 0, let line = r.output.split(separator: "\n").last,
            let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let seconds = json["seconds"] as? Double, let throttled = json["throttled"] as? Int
        else {
            return .failure(Skipped(text: "the walk failed: \(r.output.suffix(200))"))
        }
        guard json["tickets"] as? Int == expected else {
            return .failure(Skipped(text: "walked \(json["tickets"] ?? "?") of \(expected) tickets"))
        }
        return .success(Run(seconds: seconds * scale, throttled: throttled))
    }

    private static func run(_ path: String, _ args: [String]) -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        do { try p.run() } catch { return (-1, "\(error)") }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
