import Clocks
import Foundation
import PSAClient
import PSACore
import Simulator
import Testing

/// Raw HTTP against a running simulator: what an integration would see.
struct Raw {
    let sim: Simulator
    let transport = AHCTransport()
    /// Each request's deadline (a test holding requests on a test clock gives them longer, so a
    /// busy machine cannot time out the held ones before the test moves the clock).
    var timeout: Duration = .seconds(30)  // a hang guard, not a timing check (a loaded machine took over 10 s)

    var autotaskHeaders: [(String, String)] {
        [
            ("ApiIntegrationCode", sim.config.autotaskIntegrationCode), ("UserName", sim.config.autotaskUser),
            ("Secret", sim.config.autotaskSecret), ("Content-Type", "application/json"),
        ]
    }

    func autotask(_ method: String, _ path: String, body: String? = nil, headers: [(String, String)]? = nil)
        async throws -> HTTPResult
    {
        try await transport.send(
            HTTPRequestSpec(
                method: method, url: sim.autotaskBaseURL + "/" + path, headers: headers ?? autotaskHeaders,
                body: body.map { Data($0.utf8) }), timeout: timeout)
    }

    func atera(_ path: String, key: String? = nil) async throws -> HTTPResult {
        try await transport.send(
            HTTPRequestSpec(
                method: "GET", url: sim.ateraBaseURL + "/" + path, headers: [("X-API-KEY", key ?? sim.config.ateraKey)]),
            timeout: .seconds(10))
    }

    func url(_ full: String, method: String, body: String? = nil) async throws -> HTTPResult {
        try await transport.send(
            HTTPRequestSpec(method: method, url: full, headers: autotaskHeaders, body: body.map { Data($0.utf8) }),
            timeout: .seconds(10))
    }
}

func json(_ r: HTTPResult) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: r.body) as? [String: Any]) ?? [:]
}

@Suite("Simulator over loopback HTTP", .timeLimit(.minutes(10)))
struct SimulatorTests {
    static func start(_ edit: (inout SimulatorConfig) -> Void = { _ in }) async throws -> Raw {
        var c = SimulatorConfig()
        c.tickets = 1_234
        edit(&c)
        return Raw(sim: try await Simulator.start(c))
    }

    @Test("zoneInformation: known user → zone URL; unknown user → 500 with the real error; no credentials needed")
    func zone() async throws {
        let raw = try await Self.start()
        let ok = try await raw.autotask("GET", "zoneInformation?user=\(raw.sim.config.autotaskUser)", headers: [])
        #expect(ok.status == 200)
        #expect((json(ok)["url"] as? String)?.hasPrefix("http://127.0.0.1:\(raw.sim.port)/ATServicesRest/") == true)
        let bad = try await raw.autotask("GET", "zoneInformation?user=nobody@example.com", headers: [])
        #expect(bad.status == 500)
        #expect(json(bad)["errors"] as? [String] == ["Zone information could not be determined"])
        await raw.sim.stop()
    }

    @Test("bad credentials → 401")
    func unauthorized() async throws {
        let raw = try await Self.start()
        let r = try await raw.autotask(
            "GET", "ThresholdInformation", headers: [("ApiIntegrationCode", "x"), ("UserName", "y"), ("Secret", "z")])
        #expect(r.status == 401)
        #expect(try await raw.atera("tickets", key: "wrong").status == 401)
        await raw.sim.stop()
    }

    @Test("ThresholdInformation counts every request, itself included")
    func thresholdCountsItself() async throws {
        let raw = try await Self.start()
        let a = json(try await raw.autotask("GET", "ThresholdInformation"))["currentTimeframeRequestCount"] as? Int
        _ = try await raw.autotask("GET", "Tickets/7003")
        let b = json(try await raw.autotask("GET", "ThresholdInformation"))["currentTimeframeRequestCount"] as? Int
        #expect(a == 1)
        #expect(b == 3)
        await raw.sim.stop()
    }

    @Test("query: at most 500 records, sorted by id, with pageDetails; count matches")
    func queryCap() async throws {
        let raw = try await Self.start()
        let body = #"{"filter":[{"op":"gt","field":"id","value":0}]}"#
        let r = try await raw.autotask("POST", "Tickets/query", body: body)
        let obj = json(r)
        let ids = (obj["items"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value }
        #expect(ids.count == 500)
        #expect(ids == ids.sorted())
        let details = obj["pageDetails"] as? [String: Any]
        #expect(details?["count"] as? Int == 500)
        #expect((details?["nextPageUrl"] as? String)?.contains("/Tickets/query/next?paging=") == true)
        let count = json(try await raw.autotask("POST", "Tickets/query/count", body: body))["queryCount"] as? Int
        #expect(count == 1_234)
        // GET ?search= gives the same first page.
        let enc = body.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let g = json(try await raw.autotask("GET", "Tickets/query?search=\(enc)"))
        #expect((g["items"] as? [Any])?.count == 500)
        await raw.sim.stop()
    }

    @Test("nextPageUrl from a POST query: GET gives 405, POST with the same body continues")
    func paging405() async throws {
        let raw = try await Self.start()
        let body = #"{"filter":[{"op":"gt","field":"id","value":0}]}"#
        let next =
            (json(try await raw.autotask("POST", "Tickets/query", body: body))["pageDetails"] as? [String: Any])?[
                "nextPageUrl"] as? String
        let viaGet = try await raw.url(try #require(next), method: "GET")
        #expect(viaGet.status == 405)
        #expect(json(viaGet)["Message"] as? String == "The requested resource does not support http method 'GET'.")
        let viaPost = try await raw.url(try #require(next), method: "POST", body: body)
        #expect(viaPost.status == 200)
        #expect((json(viaPost)["items"] as? [Any])?.count == 500)
        await raw.sim.stop()
    }

    @Test("MaxRecords outside 1–500 → 500", arguments: [0, 501, -1])
    func maxRecords(n: Int) async throws {
        let raw = try await Self.start()
        let r = try await raw.autotask(
            "POST", "Tickets/query", body: #"{"MaxRecords":\#(n),"filter":[{"op":"gt","field":"id","value":0}]}"#)
        #expect(r.status == 500)
        await raw.sim.stop()
    }

    @Test("more than 500 OR conditions → 500 with the vendor's wording")
    func orLimit() async throws {
        let raw = try await Self.start()
        func query(_ n: Int) -> String {
            let items = (0..<n).map { #"{"op":"eq","field":"id","value":\#(7000 + $0)}"# }.joined(separator: ",")
            return #"{"filter":[{"op":"or","items":[\#(items)]}]}"#
        }
        let ok = try await raw.autotask("POST", "Tickets/query", body: query(500))
        #expect(ok.status == 200)
        let bad = try await raw.autotask("POST", "Tickets/query", body: query(501))
        #expect(bad.status == 500)
        #expect(
            json(bad)["errors"] as? [String] == [
                "Invalid query syntax. Queries are limited to 500 or fewer 'OR' conditions."
            ])
        await raw.sim.stop()
    }

    @Test(
        "filter ops eq / noteq / gte / lt / in on the data",
        arguments: [
            ("eq", "status", "5"), ("noteq", "status", "5"), ("gte", "priority", "3"), ("lt", "priority", "2"),
            ("in", "priority", "[1,4]"),
        ])
    func filters(op: String, field: String, value: String) async throws {
        let raw = try await Self.start()
        let r = json(
            try await raw.autotask(
                "POST", "Tickets/query", body: #"{"filter":[{"op":"\#(op)","field":"\#(field)","value":\#(value)}]}"#))
        let items = r["items"] as? [[String: Any]] ?? []
        #expect(!items.isEmpty)
        for item in items {
            let v = (item[field] as? NSNumber)?.intValue ?? -999
            switch op {
            case "eq": #expect(v == 5)
            case "noteq": #expect(v != 5)
            case "gte": #expect(v >= 3)
            case "lt": #expect(v < 2)
            default: #expect(v == 1 || v == 4)
            }
        }
        await raw.sim.stop()
    }

    @Test("one ticket as {\"item\":…}; picklists with string values")
    func itemAndPicklists() async throws {
        let raw = try await Self.start()
        let first = json(
            try await raw.autotask(
                "POST", "Tickets/query", body: #"{"MaxRecords":1,"filter":[{"op":"gt","field":"id","value":0}]}"#))
        let id = try #require(((first["items"] as? [[String: Any]])?.first?["id"] as? NSNumber)?.intValue)
        let item = json(try await raw.autotask("GET", "Tickets/\(id)"))["item"] as? [String: Any]
        #expect((item?["id"] as? NSNumber)?.intValue == id)
        #expect(json(try await raw.autotask("GET", "Tickets/1"))["item"] is NSNull)  // a missing id is {"item":null}
        let fields =
            json(try await raw.autotask("GET", "Tickets/entityInformation/fields"))["fields"] as? [[String: Any]] ?? []
        let status = fields.first { $0["name"] as? String == "status" }
        let values = status?["picklistValues"] as? [[String: Any]] ?? []
        #expect(values.contains { $0["value"] as? String == "5" && $0["label"] as? String == "Complete" })
        await raw.sim.stop()
    }

    @Test("the 4th concurrent request on an endpoint is refused with the thread-threshold message (test clock)")
    func threadLimit() async throws {
        // Usage above 50% adds 0.5 s to each answer, slept on the simulator's clock: on a test
        // clock the first three hold their slots until the test moves it, however slow the machine.
        let test = TestClock<Duration>()
        var c = SimulatorConfig()
        c.tickets = 50
        c.background = .steady(perHour: 6_000)
        var raw = Raw(sim: try await Simulator.start(c, clock: PSAClock(test)))
        // Held until the test moves the clock: their deadline must outlast a slow start of the others
        // (a held request timed out by the client would free its slot, and the 4th would be let in).
        raw.timeout = .seconds(300)
        let held = (0..<3).map { [raw] _ in Task { try await raw.autotask("GET", "Tickets/7003").status } }
        var inFlight = 0
        for _ in 0..<2_000 where inFlight < 3 {
            let stats = try JSONSerialization.jsonObject(with: await raw.sim.statsJSON()) as? [String: Any]
            inFlight = (stats?["maxConcurrent"] as? [String: Int])?["tickets"] ?? 0
            if inFlight < 3 { try await Task.sleep(for: .milliseconds(10)) }
        }
        try #require(inFlight == 3, "the three never were in flight together")
        let fourth = try await raw.autotask("GET", "Tickets/7003")
        #expect(fourth.status == 429)
        #expect(
            (json(fourth)["errors"] as? [String])?.first?.contains("thread threshold of 3 threads has been exceeded")
                == true, "\(String(decoding: fourth.body, as: UTF8.self))")
        await test.advance(by: .seconds(1))
        for h in held { #expect(try await h.value == 200) }
        await raw.sim.stop()
    }

    @Test("the latency tier is added to responses")
    func latencyTier() async throws {
        let raw = try await Self.start { $0.background = .steady(perHour: 6_000) }  // 60%: +0.5 s
        let start = ContinuousClock.now
        _ = try await raw.autotask("GET", "ThresholdInformation")
        #expect(ContinuousClock.now - start >= .milliseconds(490))
        await raw.sim.stop()
    }

    @Test("at 100% the tenant is suspended with a threshold error until the window drains")
    func suspension() async throws {
        let raw = try await Self.start {
            $0.autotaskThreshold = 5
            $0.addLatency = false
        }
        var statuses: [Int] = []
        for _ in 0..<7 { statuses.append(try await raw.autotask("GET", "ThresholdInformation").status) }
        #expect(statuses == [200, 200, 200, 200, 200, 429, 429])
        let r = try await raw.autotask("GET", "Tickets/7003")
        #expect((json(r)["errors"] as? [String])?.first?.contains("threshold exceeded") == true)
        await raw.sim.stop()
    }

    @Test("Atera: real envelope, itemsInPage capped at 50, absolute nextLink, empty on the last page")
    func ateraEnvelope() async throws {
        let raw = try await Self.start()
        let first = json(try await raw.atera("tickets?page=1&itemsInPage=500"))
        #expect(first["totalItemCount"] as? Int == 1_234)
        #expect(first["itemsInPage"] as? Int == 50)
        #expect((first["items"] as? [Any])?.count == 50)
        #expect(first["totalPages"] as? Int == 25)
        #expect(
            (first["nextLink"] as? String) == "http://127.0.0.1:\(raw.sim.port)/api/v3/tickets?page=2&itemsInPage=50")
        let last = json(try await raw.atera("tickets?page=25&itemsInPage=50"))
        #expect((last["items"] as? [Any])?.count == 34)
        #expect(last["nextLink"] as? String == "")
        let filtered = json(try await raw.atera("tickets?ticketStatus=Open&itemsInPage=50"))
        let open = try #require(filtered["items"] as? [[String: Any]])
        // Some, and only Open ones: an empty page would pass the allSatisfy alone.
        #expect(!open.isEmpty)
        #expect(open.allSatisfy { $0["TicketStatus"] as? String == "Open" })
        let openTotal = try #require(filtered["totalItemCount"] as? Int)
        #expect(openTotal > 0 && openTotal < 1_234)
        await raw.sim.stop()
    }

    @Test("Atera: RFC 7807 for a missing ticket, HTML 404 for an unknown route")
    func ateraErrors() async throws {
        let raw = try await Self.start()
        let missing = try await raw.atera("tickets/999999")
        #expect(missing.status == 404)
        #expect(json(missing)["title"] as? String == "Not Found")
        #expect(json(missing)["status"] as? Int == 404)
        let route = try await raw.atera("nonsense/route")
        #expect(route.status == 404)
        #expect(String(decoding: route.body, as: UTF8.self).contains("<html"))
        await raw.sim.stop()
    }

    @Test(
        "Atera: past the per-key limit → 429 with Retry-After and X-RateLimit-*; headers can be switched off",
        arguments: [true, false])
    func ateraLimit(headers: Bool) async throws {
        let raw = try await Self.start {
            $0.ateraLimitPerMinute = 5
            $0.ateraRateHeaders = headers
        }
        var last: HTTPResult? = nil
        for _ in 0..<6 { last = try await raw.atera("tickets?page=1") }
        let r = try #require(last)
        #expect(r.status == 429)
        #expect((r.header("Retry-After") != nil) == headers)
        #expect((r.header("X-RateLimit-Remaining") == "0") == headers)
        await raw.sim.stop()
    }

    @Test("data is deterministic from the seed and includes hostile titles")
    func data() {
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        let a = SimData(tickets: 500, seed: 9, now: now), b = SimData(tickets: 500, seed: 9, now: now)
        #expect(a.autotaskTickets == b.autotaskTickets)
        #expect(a.autotaskTickets.contains { ($0.title ?? "").contains("\u{1B}[") })
        #expect(a.autotaskTickets.contains { ($0.title ?? "").contains("\u{202E}") })
        #expect(SimData(tickets: 500, seed: 10, now: now).autotaskTickets != a.autotaskTickets)
    }

    @Test("/__sim/stats counts requests and limit violations")
    func stats() async throws {
        let raw = try await Self.start {
            $0.autotaskThreshold = 2
            $0.addLatency = false
        }
        for _ in 0..<3 { _ = try await raw.autotask("GET", "ThresholdInformation") }
        let r = try await raw.transport.send(
            HTTPRequestSpec(method: "GET", url: raw.sim.controlURL + "/stats"), timeout: .seconds(30))
        let s = json(r)
        #expect(s["suspensionsServed"] as? Int == 1)
        #expect((s["requests"] as? [String: [String: Int]])?["autotask"]?["thresholdinformation"] == 3)
        await raw.sim.stop()
    }
}
