import Foundation
import PSAClient
import Simulator
import Testing

extension Raw {
    /// `Basic base64("company+public:private")` and `clientId`, as pyconnectwise's `_get_headers` sends them.
    var cwHeaders: [(String, String)] {
        let c = sim.config
        let basic = Data("\(c.cwCompany)+\(c.cwPublicKey):\(c.cwPrivateKey)".utf8).base64EncodedString()
        return [("Authorization", "Basic \(basic)"), ("clientId", c.cwClientID), ("Content-Type", "application/json")]
    }

    var cwAPI: String { sim.connectWiseSiteURL + "/" + sim.config.cwCodebase + "apis/3.0/" }

    func cw(
        _ method: String, _ path: String, headers: [(String, String)]? = nil, extra: [(String, String)] = [],
        body: String? = nil
    ) async throws -> HTTPResult {
        try await cwURL(
            method, path.hasPrefix("http") ? path : cwAPI + path, headers: headers, extra: extra, body: body)
    }

    func cwURL(
        _ method: String, _ url: String, headers: [(String, String)]? = nil, extra: [(String, String)] = [],
        body: String? = nil
    ) async throws -> HTTPResult {
        try await transport.send(
            HTTPRequestSpec(
                method: method, url: url, headers: (headers ?? cwHeaders) + extra, body: body.map { Data($0.utf8) }),
            timeout: timeout)
    }
}

/// `?conditions=` percent-encoded (the docs' rule: strings double-quoted, dates in brackets).
func cwQuery(_ conditions: String) -> String {
    "conditions="
        + (conditions.addingPercentEncoding(
            withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? "")
}

/// The ConnectWise twin against what apis.md and pyconnectwise 0.6.1.2 say of REST 3.0.
@Suite("Simulator: ConnectWise as published", .serialized, .timeLimit(.minutes(10)))
struct ConnectWiseContractTests {
    @Test("companyinfo names the codebase; the API lives at {site}/{codebase}apis/3.0/")
    func companyInfo() async throws {
        let raw = try await SimulatorTests.start { $0.tickets = 30 }
        let info = try await raw.cwURL(
            "GET", raw.sim.connectWiseSiteURL + "/login/companyinfo/\(raw.sim.config.cwCompany)", headers: [])
        #expect(info.status == 200)
        let codebase = try #require(json(info)["Codebase"] as? String)
        #expect(codebase == raw.sim.config.cwCodebase && codebase.hasSuffix("/"))
        let list = try await raw.cwURL("GET", raw.sim.connectWiseSiteURL + "/\(codebase)apis/3.0/service/tickets")
        #expect(list.status == 200)
        #expect(list.header("api-current-version") != nil)
        // No rate-limit headers on ConnectWise's answers.
        #expect(!list.headers.contains { $0.0.lowercased().contains("ratelimit") })
        let other = try await raw.cwURL("GET", raw.sim.connectWiseSiteURL + "/v1_0_release/apis/3.0/service/tickets")
        #expect(other.status == 404)
        await raw.sim.stop()
    }

    @Test("a missing or wrong clientId, or wrong keys: 401 in Manage's error shape")
    func auth() async throws {
        let raw = try await SimulatorTests.start { $0.tickets = 5 }
        let good = raw.cwHeaders
        let noClient = good.filter { $0.0 != "clientId" }
        let wrongClient = noClient + [("clientId", "00000000-0000-0000-0000-000000000000")]
        let badKey = [
            ("Authorization", "Basic " + Data("\(raw.sim.config.cwCompany)+x:y".utf8).base64EncodedString()),
            ("clientId", raw.sim.config.cwClientID),
        ]
        for headers in [noClient, wrongClient, badKey, []] {
            let r = try await raw.cw("GET", "service/tickets", headers: headers)
            #expect(r.status == 401)
            #expect(json(r)["code"] as? String == "Unauthorized" && json(r)["message"] is String)
        }
        #expect(try await raw.cw("GET", "service/tickets", headers: good).status == 200)
        await raw.sim.stop()
    }

    @Test("conditions: strings quoted with escapes, IN lists, dates in brackets, like, and/or; bad ones are 400")
    func conditions() async throws {
        let raw = try await SimulatorTests.start { $0.tickets = 200 }
        func ids(_ c: String, _ more: String = "") async throws -> [[String: Any]] {
            let r = try await raw.cw("GET", "service/tickets?pageSize=1000&\(cwQuery(c))\(more)")
            #expect(r.status == 200, "\(c): \(String(decoding: r.body, as: UTF8.self))")
            return jsonArray(r) as? [[String: Any]] ?? []
        }
        let all = try await ids("id > 0")
        #expect(all.count == 200)
        let helpDesk = try await ids(#"board/name = "Help Desk" and closedFlag = false"#)
        #expect(!helpDesk.isEmpty)
        #expect(helpDesk.allSatisfy { ($0["board"] as? [String: Any])?["name"] as? String == "Help Desk" })
        #expect(helpDesk.allSatisfy { $0["closedFlag"] as? Bool == false })
        let inList = try await ids("status/id IN (16,17)")
        #expect(inList.allSatisfy { [16, 17].contains(($0["status"] as? [String: Any])?["id"] as? Int ?? 0) })
        let quoted = try await ids(#"summary = "a \"quoted\" summary""#)
        #expect(quoted.isEmpty)
        let future = try await ids("lastUpdated > [2099-01-01T00:00:00Z]")
        #expect(future.isEmpty)
        let past = try await ids("lastUpdated > [2000-01-01T00:00:00Z] or id = 1")
        #expect(past.count == 200)
        let bad = try await raw.cw("GET", "service/tickets?" + cwQuery("summary = unquoted"))
        #expect(bad.status == 400 && json(bad)["code"] is String)
        let count = try await raw.cw("GET", "service/tickets/count?" + cwQuery(#"board/name = "Help Desk""#))
        let helpDeskAll = try await ids(#"board/name = "Help Desk""#)
        #expect(json(count)["count"] as? Int == helpDeskAll.count)
        await raw.sim.stop()
    }

    @Test("forward-only pages: pageId, the next URL in Link keeps the conditions; navigable pages name page=N")
    func pagination() async throws {
        let raw = try await SimulatorTests.start { $0.tickets = 130 }
        let cond = cwQuery("closedFlag = false")
        var url = raw.cwAPI + "service/tickets?pageSize=50&\(cond)&fields=id,summary"
        var seen: [Int] = []
        var pages = 0
        while true {
            let r = try await raw.cwURL("GET", url, extra: [("pagination-type", "forward-only")])
            #expect(r.status == 200)
            let rows = jsonArray(r) as? [[String: Any]] ?? []
            #expect(rows.allSatisfy { Set($0.keys).isSubset(of: ["id", "summary"]) && $0["closedFlag"] == nil })
            seen += rows.compactMap { $0["id"] as? Int }
            pages += 1
            guard let link = r.header("Link") else { break }
            let next = try #require(link.split(separator: ">").first.map { String($0.dropFirst()) })
            #expect(link.hasSuffix(#"rel="next""#) && next.contains("pageId=") && next.contains(cond))
            url = next
        }
        let open = try await raw.cw("GET", "service/tickets/count?\(cond)")
        #expect(seen.count == json(open)["count"] as? Int)
        #expect(seen == seen.sorted() && Set(seen).count == seen.count && pages >= 2)
        // Navigable: pyconnectwise reads `page=N>; rel="next"` from Link.
        let first = try await raw.cw("GET", "service/tickets?page=1&pageSize=25")
        let link = try #require(first.header("Link"))
        #expect(link.contains(#"page=2>; rel="next""#) && link.contains(#"rel="last""#))
        // pageSize is capped at 1,000.
        let big = try await SimulatorTests.start { $0.tickets = 1_100 }
        #expect(jsonArray(try await big.cw("GET", "service/tickets?pageSize=5000")).count == 1_000)
        await big.sim.stop()
        await raw.sim.stop()
    }

    @Test("statuses belong to a board (sortOrder, inactive); JSON Patch changes only what it names")
    func boardsAndPatch() async throws {
        let raw = try await SimulatorTests.start { $0.tickets = 40 }
        let boards = jsonArray(try await raw.cw("GET", "service/boards")) as? [[String: Any]] ?? []
        #expect(boards.count >= 2)
        var statusIDs: [Int: Set<Int>] = [:]
        for b in boards {
            let id = try #require(b["id"] as? Int)
            let statuses = jsonArray(try await raw.cw("GET", "service/boards/\(id)/statuses")) as? [[String: Any]] ?? []
            #expect(statuses.allSatisfy { $0["sortOrder"] is Int && $0["inactive"] is Bool && $0["name"] is String })
            statusIDs[id] = Set(statuses.compactMap { $0["id"] as? Int })
        }
        let sets = Array(statusIDs.values)
        #expect(sets.count >= 2 && sets[0].isDisjoint(with: sets[1]))
        let t = try #require(jsonArray(try await raw.cw("GET", "service/tickets?pageSize=1")).first as? [String: Any])
        let id = try #require(t["id"] as? Int)
        let board = try #require((t["board"] as? [String: Any])?["id"] as? Int)
        let target = try #require(statusIDs[board]?.first { $0 != (t["status"] as? [String: Any])?["id"] as? Int })
        let patched = try await raw.cw(
            "PATCH", "service/tickets/\(id)", body: #"[{"op":"replace","path":"status","value":{"id":\#(target)}}]"#)
        #expect(patched.status == 200)
        #expect((json(patched)["status"] as? [String: Any])?["id"] as? Int == target)
        #expect(json(patched)["summary"] as? String == t["summary"] as? String)
        let otherBoard = try #require(statusIDs.first { $0.key != board }?.value.first)
        let refused = try await raw.cw(
            "PATCH", "service/tickets/\(id)",
            body: #"[{"op":"replace","path":"status","value":{"id":\#(otherBoard)}}]"#)
        #expect(refused.status == 400)
        let notArray = try await raw.cw("PATCH", "service/tickets/\(id)", body: #"{"status":{"id":1}}"#)
        #expect(notArray.status == 400)
        await raw.sim.stop()
    }

    @Test("notes take text and the three flags (one at least); the description is the first note")
    func notes() async throws {
        let raw = try await SimulatorTests.start { $0.tickets = 5 }
        let ok = try await raw.cw(
            "POST", "service/tickets/1001/notes",
            body:
                #"{"text":"Called the user","internalAnalysisFlag":true,"detailDescriptionFlag":false,"resolutionFlag":false}"#
        )
        #expect(ok.status == 201)
        #expect(json(ok)["internalAnalysisFlag"] as? Bool == true && json(ok)["text"] as? String == "Called the user")
        let none = try await raw.cw("POST", "service/tickets/1001/notes", body: #"{"text":"no flag"}"#)
        #expect(none.status == 400)
        let list = jsonArray(try await raw.cw("GET", "service/tickets/1001/notes")) as? [[String: Any]] ?? []
        #expect(list.first?["detailDescriptionFlag"] as? Bool == true)
        #expect(list.last?["text"] as? String == "Called the user")
        await raw.sim.stop()
    }

    @Test("over capacity: Manage's JSON 429 with a numeric Retry-After; a burst gets the edge's HTML 429")
    func throttled() async throws {
        let raw = try await SimulatorTests.start {
            $0.tickets = 5
            $0.cwLimit = 3
            $0.cwEdgeLimit = 1_000
        }
        var statuses: [Int] = []
        var last: HTTPResult? = nil
        for _ in 0..<5 {
            let r = try await raw.cw("GET", "service/tickets?pageSize=1")
            statuses.append(r.status)
            last = r
        }
        #expect(statuses == [200, 200, 200, 429, 429])
        #expect(Int(last?.header("Retry-After") ?? "") != nil)
        #expect(json(try #require(last))["code"] as? String == "TooManyRequests")
        await raw.sim.stop()
        let edge = try await SimulatorTests.start {
            $0.tickets = 5
            $0.cwEdgeLimit = 2
        }
        var answers: [HTTPResult] = []
        for _ in 0..<3 { answers.append(try await edge.cw("GET", "service/tickets?pageSize=1")) }
        #expect(answers.map(\.status) == [200, 200, 429])
        #expect(answers[2].header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(String(decoding: answers[2].body, as: UTF8.self).contains("rate limited"))
        await edge.sim.stop()
    }
}
