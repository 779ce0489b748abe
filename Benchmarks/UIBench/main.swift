// Render, memory and decode figures.
//   - a full frame rendered into the canvas at 200×60 with 100,000 tickets loaded (median of many);
//   - max RSS of this process once 100,000 tickets are decoded from real simulator pages and loaded;
//   - decoding one Autotask page of 500 tickets and one Atera page of 50 (median);
//   - one filter key and one sort key over the whole loaded list (median).
//
//   swift run -c release ui-bench [frames]
//   (UI_BENCH_STAGES=1: the memory child also prints its RSS after each stage of the load, to stderr)
import Dashboard
import Foundation
import PSAClient
import PSACore
import Simulator

let frames = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 2_000

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return s[s.count / 2]
}
func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15 }
func maxRSSMB() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    return kb / 1024
}
func stage(_ what: String) {
    guard ProcessInfo.processInfo.environment["UI_BENCH_STAGES"] != nil else { return }
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let pick = { (k: String) in status.split(separator: "\n").first { $0.hasPrefix(k) }.map(String.init) ?? "" }
    FileHandle.standardError.write(Data("stage \(what): \(pick("VmRSS:")) \(pick("VmHWM:"))\n".utf8))
}
func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
/// One machine-readable line per figure (`scripts/bench-compare.sh` reads them).
func bench(_ name: String, _ value: Double, _ unit: String) {
    print("BENCH \(name) \(String(format: "%.3f", value)) \(unit)")
}

/// Loads pages into a dashboard the way the poller does, as the ticket list would hold them.
func load(_ count: Int, _ body: (Int) throws -> Data) throws -> DashboardState {
    let start = Date()
    stage("start")
    var state = DashboardState(vendor: .autotask, tenant: "bench", now: start, width: 200, height: 60)
    // A full hour of the gauge's history (a projection a minute), so the trend line draws whole.
    for m in 0..<60 {
        let at = start.addingTimeInterval(Double(m - 59) * 60)
        _ = state.reduce(.tick(at))
        _ = state.reduce(
            .poll(
                PollStatus(
                    projected: Quota(used: 4_000 + m * 28, limit: 10_000, windowSeconds: 3_600), budgetPerHour: 100)))
    }
    stage("gauge history")
    _ = state.reduce(.quota(Quota(used: 5_634, limit: 10_000, windowSeconds: 3_600), at: Date()))
    for i in 0..<count {
        let body = try body(i)
        let page = try AutotaskQueryResponse<AutotaskTicket>.read(body, maxItems: 500)
        let tickets = page.items.map { $0.display(picklists: Picklists()) }
        _ = state.reduce(
            .page(
                TicketPage(tickets: tickets, total: 100_000, next: i + 1 < count ? .afterID(tickets.last!.id) : nil),
                reset: false, at: Date()))
    }
    stage("pages")
    // A full request log, each with what the request view keeps (headers and 2 KB of each body).
    let headers = (0..<6).map { HeaderField("X-Header-\($0)", String(repeating: "v", count: 40)) }
    let body = String(repeating: "{\"id\":1234567,\"title\":\"x\"},", count: 70)
    for i in 0..<500 {
        let x = RequestExchange(
            url: "https://webservices3.autotask.net/ATServicesRest/V1.0/Tickets/query", requestHeaders: headers,
            requestBody: String(body.prefix(300)), requestBodyBytes: 300, responseHeaders: headers,
            responseBody: String(body.utf8.prefix(RequestExchange.bodyLimit))!, responseBodyBytes: 1_000_000)
        _ = state.reduce(
            .client(
                .record(
                    RequestRecord(
                        id: i, time: Date(), method: "POST", path: "/Tickets/query", status: 200, duration: 0.1,
                        exchange: x))))
    }
    stage("request log")
    return state
}

// Child mode: only the dashboard's own memory, without the simulator in the process.
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == "--load" {
    let dir = CommandLine.arguments[2]
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
    // One page in memory at a time, as pages arrive from the server.
    var state = try load(files.count) { try Data(contentsOf: URL(fileURLWithPath: dir + "/" + files[$0])) }
    _ = state.reduce(.key(.char("G")))
    _ = render(state, theme: .fallback)
    print(String(format: "%d %.1f", state.tickets.count, maxRSSMB()))
    exit(0)
}

// Real answers from the simulator: 100,000 tickets walked by id, 500 a page.
var config = SimulatorConfig()
config.tickets = 100_000
config.autotaskThreshold = 100_000_000
let sim = try await Simulator.start(config)
let headers: [(String, String)] = [
    ("ApiIntegrationCode", config.autotaskIntegrationCode), ("UserName", config.autotaskUser),
    ("Secret", config.autotaskSecret), ("Content-Type", "application/json"),
]
let transport = AHCTransport()
var bodies: [Data] = []
var after: Int64 = 0
while true {
    let q = try JSONSerialization.data(withJSONObject: [
        "MaxRecords": 500, "filter": [["op": "gt", "field": "id", "value": after]],
    ])
    let r = try await transport.send(
        HTTPRequestSpec(method: "POST", url: sim.autotaskBaseURL + "/Tickets/query", headers: headers, body: q),
        timeout: .seconds(30))
    let page = try JSONDecoder().decode(AutotaskQueryResponse<AutotaskTicket>.self, from: r.body)
    if page.items.isEmpty { break }
    bodies.append(r.body)
    after = page.items.map(\.id).max() ?? after
    if page.items.count < 500 { break }
}
let ateraBody = try await transport.send(
    HTTPRequestSpec(
        method: "GET", url: sim.ateraBaseURL + "/tickets?page=3&itemsInPage=50",
        headers: [("X-API-KEY", config.ateraKey)]), timeout: .seconds(30)
).body
await sim.stop()

// Decode: one page of each, many times.
let clock = ContinuousClock()
var at: [Double] = [], atera: [Double] = []
for i in 0..<200 {
    let body = bodies[i % bodies.count]
    let t0 = clock.now
    let page = try AutotaskQueryResponse<AutotaskTicket>.read(body, maxItems: 500)
    _ = page.items.map { $0.display(picklists: Picklists()) }
    at.append(ms(clock.now - t0))
    let t1 = clock.now
    let env = try AteraEnvelope<AteraTicket>.read(ateraBody, maxItems: 50)
    _ = env.items.map(\.display)
    atera.append(ms(clock.now - t1))
}

// Memory: a child process loads the same pages (no simulator in it) and reports its max RSS.
let dir = NSTemporaryDirectory() + "ui-bench-\(getpid())"
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
for (i, b) in bodies.enumerated() { try b.write(to: URL(fileURLWithPath: dir + String(format: "/page-%04d.json", i))) }
let child = Process()
child.executableURL = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
child.arguments = ["--load", dir]
let pipe = Pipe()
child.standardOutput = pipe
try child.run()
let childOut = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: " ")
child.waitUntilExit()
try? FileManager.default.removeItem(atPath: dir)

// Render: the same load in this process.
var state = try load(bodies.count) { bodies[$0] }
bodies = []
let loaded = state.tickets.count

// Render: full frames at 200×60, the selection moving through the middle of the list.
_ = state.reduce(.key(.char("G")))
for _ in 0..<50_000 { _ = state.reduce(.key(.char("k"))) }
var times: [Double] = []
for i in 0..<frames {
    _ = state.reduce(.key(.char(i % 2 == 0 ? "j" : "k")))
    let t0 = clock.now
    let canvas = render(state, theme: .fallback)
    times.append(ms(clock.now - t0))
    precondition(canvas.width == 200)
}

// Filter and sort over the whole loaded list: the time one key takes in reduce.
@MainActor func timeKey(_ key: Key) -> Double {
    let t0 = clock.now
    _ = state.reduce(.key(key))
    return ms(clock.now - t0)
}
var firstKey: [Double] = [], narrowKey: [Double] = [], widenKey: [Double] = [], sortKey: [Double] = [],
    sortTitle: [Double] = []
var sortEach: [Int: [Double]] = [:]
for _ in 0..<15 {
    _ = state.reduce(.key(.char("/")))
    firstKey.append(timeKey(.char("b")))  // a scan of every ticket
    for ch in "ackup" { narrowKey.append(timeKey(.char(ch))) }  // narrows what is shown
    widenKey.append(timeKey(.backspace))  // widens: a scan of every ticket again
    _ = state.reduce(.key(.escape))
    sortKey.append(timeKey(.char("s")))  // by activity
    for c in 1..<5 { sortEach[c, default: []].append(timeKey(.char("s"))) }  // priority, status, company, assignee
    sortTitle.append(timeKey(.char("s")))  // by title
    for c in 6..<SortColumn.allCases.count { sortEach[c, default: []].append(timeKey(.char("s"))) }  // number, due
    _ = state.reduce(.key(.char("s")))  // the server's order
}
sortEach[0] = sortKey
sortEach[5] = sortTitle

print("ui-bench (\(frames) frames)")
print(
    pad("render 200×60, \(loaded) tickets loaded", 44)
        + String(format: "median %.3f ms, p99 %.3f ms", median(times), times.sorted()[times.count * 99 / 100]))
print(
    pad("max RSS with \(childOut.first ?? "?") tickets loaded", 44)
        + "\(childOut.last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "?") MB (a process holding only the dashboard state)"
)
print(pad("decode Autotask page of 500 (+ display)", 44) + String(format: "median %.2f ms", median(at)))
print(pad("decode Atera page of 50 (+ display)", 44) + String(format: "median %.3f ms", median(atera)))
print(
    pad("filter key over \(loaded): first / narrowing", 44)
        + String(format: "median %.1f ms / %.1f ms", median(firstKey), median(narrowKey)))
print(pad("filter key over \(loaded): widening (Backspace)", 44) + String(format: "median %.1f ms", median(widenKey)))
print(
    pad("sort \(loaded): by activity / by title", 44)
        + String(format: "median %.0f ms / %.0f ms", median(sortKey), median(sortTitle)))

// Work, counted by the dashboard itself (not timed): tickets a frame and a minute of ticks look at.
let frameVisits = render(state, theme: .fallback).work.ticketsVisited
let slaBefore = state.work.slaVisits
for i in 1...60 { _ = state.reduce(.tick(state.now.addingTimeInterval(Double(i)))) }
let tickVisits = state.work.slaVisits - slaBefore
let slowestSort = SortColumn.allCases.indices.map { (SortColumn.allCases[$0], median(sortEach[$0] ?? [0])) }
    .max { $0.1 < $1.1 }!
print(
    pad("slowest sort of \(loaded)", 44)
        + String(format: "by %@, median %.0f ms", slowestSort.0.rawValue, slowestSort.1))
print(pad("work: tickets a frame / 60 ticks look at", 44) + "\(frameVisits) / \(tickVisits)")

bench("ui.render_median", median(times), "ms")
bench("ui.render_p99", times.sorted()[times.count * 99 / 100], "ms")
bench("ui.rss", Double(childOut.last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "") ?? -1, "MB")
bench("ui.decode_autotask_500", median(at), "ms")
bench("ui.decode_atera_50", median(atera), "ms")
bench("ui.filter_first_key", median(firstKey), "ms")
bench("ui.filter_narrowing_key", median(narrowKey), "ms")
bench("ui.filter_backspace", median(widenKey), "ms")
for (i, c) in SortColumn.allCases.enumerated() { bench("ui.sort_\(c.rawValue)", median(sortEach[i] ?? [0]), "ms") }
bench("ui.sort_slowest", slowestSort.1, "ms")
bench("ui.frame_tickets_visited", Double(frameVisits), "tickets")
bench("ui.ticks60_tickets_visited", Double(tickVisits), "tickets")
