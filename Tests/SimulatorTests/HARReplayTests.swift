import Foundation
import PSAClient
import PSACore
import Simulator
import Testing

@Suite("HAR replay", .timeLimit(.minutes(10)))
struct HARReplayTests {
    static func entry(
        _ method: String, _ url: String, body: String? = nil, status: Int = 200, answer: String,
        wait: Double = 5
    ) -> String {
        let post = body.map { #","postData":{"mimeType":"application/json","text":\#(JSONStrings.quoted($0))}"# } ?? ""
        return
            #"{"startedDateTime":"2026-11-30T10:00:00.000Z","time":\#(wait),"request":{"method":"\#(method)","url":"\#(url)","#
            + #""httpVersion":"HTTP/1.1","cookies":[],"headers":[],"queryString":[],"headersSize":-1,"bodySize":0\#(post)},"#
            + #""response":{"status":\#(status),"statusText":"","httpVersion":"HTTP/1.1","cookies":[],"#
            + #""headers":[{"name":"Content-Type","value":"application/json"}],"content":{"size":0,"mimeType":"application/json","#
            + #""text":\#(JSONStrings.quoted(answer))},"redirectURL":"","headersSize":-1,"bodySize":0},"cache":{},"#
            + #""timings":{"send":0,"wait":\#(wait),"receive":0}}"#
    }

    static func har(_ entries: [String]) -> Data {
        Data(
            #"{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":[\#(entries.joined(separator: ","))]}}"#
                .utf8)
    }

    static let rec = "https://webservices15.autotask.net"

    @Test("Matched by method, path in any case, sorted query and body; dates and the zone user by shape")
    func matching() throws {
        let filter =
            #"{"filter":[{"op":"gt","field":"lastActivityDate","value":"2026-11-30T09:00:00Z"}],"MaxRecords":500}"#
        let replay = try HARReplay(
            data: Self.har([
                Self.entry(
                    "GET", "\(Self.rec)/ATServicesRest/V1.0/zoneInformation?user=qxw%40fakes.example",
                    answer: #"{"url":"\#(Self.rec)/ATServicesRest/"}"#),
                Self.entry(
                    "POST", "\(Self.rec)/ATServicesRest/V1.0/Tickets/query", body: filter, answer: #"{"items":[]}"#),
                Self.entry("GET", "\(Self.rec)/api/v3/tickets?page=1&itemsInPage=50", answer: "{}"),
                Self.entry(
                    "GET",
                    "\(Self.rec)/api/v3/tickets/lastmodified?date=2026-11-30T10:00:00&includeComments=true&page=1",
                    answer: "{}", wait: 655),
            ]))
        let here = "http://127.0.0.1:9"
        let zone = replay.answer(
            method: "GET", path: "/atservicesrest/v1.0/ZoneInformation", query: "user=me%40real.example",
            body: Data(), origin: here)
        #expect(
            zone.map { String(decoding: $0.body, as: UTF8.self) } == #"{"url":"http://127.0.0.1:9/ATServicesRest/"}"#)
        let later =
            #"{"MaxRecords":500,"filter":[{"field":"lastActivityDate","op":"gt","value":"2026-12-01T00:00:00Z"}]}"#
        #expect(
            replay.answer(
                method: "POST", path: "/zone3/ATServicesRest/V1.0/Tickets/query", query: "",
                body: Data(later.utf8), origin: here) != nil)
        #expect(
            replay.answer(
                method: "GET", path: "/api/v3/tickets", query: "itemsInPage=50&page=1", body: Data(), origin: here)
                != nil)
        #expect(
            replay.answer(
                method: "GET", path: "/api/v3/tickets", query: "itemsInPage=50&page=2", body: Data(), origin: here)
                == nil)
        #expect(
            replay.answer(
                method: "DELETE", path: "/api/v3/tickets", query: "itemsInPage=50&page=1", body: Data(), origin: here)
                == nil)
        let changes = replay.answer(
            method: "GET", path: "/api/v3/tickets/lastmodified",
            query: "page=1&includeComments=true&date=2026-12-01T08:30:00", body: Data(), origin: here)
        #expect(changes?.wait == 0.655)
        let stats = replay.currentStats
        #expect(stats.entries == 4 && stats.matched == 4 && stats.unmatched == 2)
        #expect(stats.unmatchedRequests == ["GET /api/v3/tickets", "DELETE /api/v3/tickets"])
    }

    @Test("Identical requests get the recorded answers in order, then the last one again")
    func order() throws {
        let url = "\(Self.rec)/ATServicesRest/V1.0/ThresholdInformation"
        let replay = try HARReplay(
            data: Self.har(
                (1...3).map { n in
                    Self.entry("GET", url, answer: #"{"currentTimeframeRequestCount":\#(n)}"#)
                }))
        let seen = (0..<5).compactMap { _ in
            replay.answer(
                method: "GET", path: "/ATServicesRest/V1.0/ThresholdInformation", query: "", body: Data(), origin: "x")
        }.map { String(decoding: $0.body, as: UTF8.self) }
        #expect(seen.map { $0.filter(\.isNumber) } == ["1", "2", "3", "3", "3"])
    }

    @Test("The simulator answers from the recording, 404s the rest with --replay-only and counts both in /__sim/stats")
    func served() async throws {
        var config = SimulatorConfig()
        config.tickets = 5
        let recorded =
            #"{"externalRequestThreshold":10000,"requestThresholdTimeframe":60,"currentTimeframeRequestCount":4321}"#
        config.replay = ReplaySettings(
            recording: try HARReplay(
                data: Self.har([
                    Self.entry("GET", "\(Self.rec)/ATServicesRest/V1.0/ThresholdInformation", answer: recorded)
                ])), only: true)
        let sim = try await Simulator.start(config)
        defer { Task { await sim.stop() } }
        let raw = Raw(sim: sim)
        let hit = try await raw.autotask("GET", "ThresholdInformation")
        #expect(hit.status == 200 && String(decoding: hit.body, as: UTF8.self) == recorded)
        let miss = try await raw.autotask("GET", "Tickets/1")
        #expect(miss.status == 404)
        let res = try await raw.transport.send(
            HTTPRequestSpec(method: "GET", url: sim.controlURL + "/stats"), timeout: .seconds(30))
        let obj = try #require(try JSONSerialization.jsonObject(with: res.body) as? [String: Any])
        let replay = try #require(obj["replay"] as? [String: Any])
        #expect(replay["matched"] as? Int == 1 && replay["unmatched"] as? Int == 1)
    }
}

@Suite("Replaying a broken recording", .timeLimit(.minutes(5)))
struct BrokenRecordingTests {
    @Test(
        "a recorded status outside 100–599 is refused when the file is read, naming the entry; waits are held to a minute"
    )
    func badStatus() throws {
        func har(status: Int, wait: Double = 5) -> Data {
            Data(
                #"{"log":{"version":"1.2","entries":[{"request":{"method":"GET","url":"http://x/api/v3/tickets","headers":[]},"response":{"status":\#(status),"headers":[],"content":{"text":"{}"}},"timings":{"wait":\#(wait)}}]}}"#
                    .utf8)
        }
        for status in [1000, 42, 600] {
            do {
                _ = try HARReplay(data: har(status: status), name: "t.har")
                Issue.record("status \(status) was taken")
            } catch let e as HARReplay.Unreadable {
                #expect(e.description.contains("entry 1") && e.description.contains("\(status)"), "\(e)")
            }
        }
        // Positive control: an ordinary status is read.
        _ = try HARReplay(data: har(status: 200))
        let slow = try HARReplay(data: har(status: 200, wait: 1e12))
        let a = try #require(
            slow.answer(method: "GET", path: "/api/v3/tickets", query: "", body: Data(), origin: "http://y"))
        #expect(a.wait <= 60)
    }
}
