import Foundation
import PSAClient
import PSACore
import Simulator
import Testing

/// Each twin's ticket list against the corpus fixture written to that vendor's published shape
/// (Tests/PSAClientTests/Corpus): the same keys, and each value of the JSON kind the fixture has.
/// The fixtures come from the specs, not from the twins, so a twin that drifts from the published
/// shape fails here even where our own decoders would still read it.
@Suite("Twin parity with the published shapes, per vendor", .timeLimit(.minutes(5)))
struct TwinParityTests {
    static func fixture(_ name: String, list key: String) throws -> [[String: Any]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PSAClientTests/Corpus/\(name)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try #require(root[key] as? [[String: Any]], "\(name): no \(key)")
    }

    /// A JSON value's kind: string, number, bool, array, object; nil for null.
    static func kind(_ v: Any) -> String? {
        switch v {
        case is NSNull: return nil
        // (JSONSerialization's true and false are NSNumbers of ObjC type "c".)
        case let n as NSNumber: return String(cString: n.objCType) == "c" ? "bool" : "number"
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        default: return "\(type(of: v))"
        }
    }

    /// The kinds each key holds across `records` (null left out: either side may lack a value).
    static func kinds(_ records: [[String: Any]]) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for r in records {
            for (k, v) in r {
                out[k, default: []].formUnion(kind(v).map { [$0] } ?? [])
            }
        }
        return out
    }

    /// The twin's records have exactly the fixture's keys, and no value of a kind the fixture
    /// does not have for that key.
    /// `optIn`: keys the published shape has only when asked for (left out of the comparison);
    /// `alsoKinds`: a kind the spec gives where the fixture holds a documented quirk instead.
    static func expectParity(
        twin: [[String: Any]], fixture: [[String: Any]], _ vendor: String, optIn: Set<String> = [],
        alsoKinds: [String: Set<String>] = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(!twin.isEmpty && !fixture.isEmpty, "\(vendor): nothing to compare", sourceLocation: sourceLocation)
        var want = kinds(fixture)
        for (k, extra) in alsoKinds { want[k, default: []].formUnion(extra) }
        let got = kinds(twin)
        let fixtureKeys = Set(fixture.flatMap(\.keys)).subtracting(optIn), twinKeys = Set(twin.flatMap(\.keys))
        #expect(
            twinKeys == fixtureKeys,
            "\(vendor): the twin adds \(twinKeys.subtracting(fixtureKeys).sorted()), lacks \(fixtureKeys.subtracting(twinKeys).sorted())",
            sourceLocation: sourceLocation)
        for (key, kinds) in got {
            guard let expected = want[key], !expected.isEmpty else { continue }
            #expect(
                kinds.isSubset(of: expected),
                "\(vendor): \(key) is \(kinds.sorted()), the published shape \(expected.sorted())",
                sourceLocation: sourceLocation)
        }
    }

    @Test("Autotask: a Tickets/query page (every field) has the full-width published ticket's keys and kinds")
    func autotask() async throws {
        var c = SimulatorConfig()
        c.tickets = 60
        let raw = Raw(sim: try await Simulator.start(c))
        defer { Task { await raw.sim.stop() } }
        let r = try await raw.autotask(
            "POST", "Tickets/query", body: #"{"MaxRecords":50,"filter":[{"op":"gt","field":"id","value":0}]}"#)
        #expect(r.status == 200)
        let items = try #require(json(r)["items"] as? [[String: Any]])
        Self.expectParity(
            twin: items, fixture: try Self.fixture("autotask-tickets-fullwidth.json", list: "items"), "autotask")
        await raw.sim.stop()
    }

    @Test("Atera: a /tickets page has the published ticket's keys and kinds")
    func atera() async throws {
        var c = SimulatorConfig()
        c.tickets = 60
        let raw = Raw(sim: try await Simulator.start(c))
        defer { Task { await raw.sim.stop() } }
        let r = try await raw.atera("tickets?page=1&itemsInPage=50")
        #expect(r.status == 200)
        let items = try #require(json(r)["items"] as? [[String: Any]])
        // RelationType and RelatedTicketId come only with includeRelations=true (Atera OpenAPI v3,
        // GET /api/v3/tickets); EndUserID is an int64 in TicketDto, a string in the fixture (the
        // "numeric ids sometimes arrive as strings" quirk of apis.md).
        Self.expectParity(
            twin: items, fixture: try Self.fixture("atera-tickets-full.json", list: "items"), "atera",
            optIn: ["RelationType", "RelatedTicketId"], alsoKinds: ["EndUserID": ["number"]])
        await raw.sim.stop()
    }

    @Test("HaloPSA: a /api/Tickets page has the published ticket's keys and kinds")
    func halo() async throws {
        var c = SimulatorConfig()
        c.tickets = 60
        let sim = try await Simulator.start(c)
        defer { Task { await sim.stop() } }
        let transport = AHCTransport()
        let form =
            "grant_type=client_credentials&client_id=\(c.haloClientID)&client_secret=\(c.haloClientSecret)&scope=all"
        let token = try await transport.send(
            HTTPRequestSpec(
                method: "POST", url: sim.haloBaseURL + "/auth/token",
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Data(form.utf8)),
            timeout: .seconds(10))
        let bearer = try #require(json(token)["access_token"] as? String, "\(token.status)")
        let r = try await transport.send(
            HTTPRequestSpec(
                method: "GET", url: sim.haloBaseURL + "/api/Tickets?pageinate=true&page_size=50&page_no=1",
                headers: [("Authorization", "Bearer " + bearer)]), timeout: .seconds(10))
        #expect(r.status == 200)
        let rows = try #require(json(r)["tickets"] as? [[String: Any]])
        Self.expectParity(twin: rows, fixture: try Self.fixture("halo-tickets.json", list: "tickets"), "halo")
        await sim.stop()
    }
}
