import Dashboard
import Foundation
import PSAApp
import PSAClient
import PSACore
import Simulator
import Testing

/// Every file of `Tests/PSAClientTests/Corpus/har/` (written to the vendors' published shapes,
/// later real scrubbed recordings): each answer through its decoder, the whole file replayed by
/// the simulator (`--replay-only`) and walked by the client as `tickets --all` walks, and the
/// tickets it gives shown by the dashboard.
@Suite("HAR corpus", .serialized, .timeLimit(.minutes(10)))
struct HARCorpusTests {
    static var dir: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("PSAClientTests/Corpus/har")
    }

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".har") }
            .sorted()
    }

    struct Exchange {
        var method: String
        var path: String
        var status: Int
        var body: Data
    }

    static func exchanges(_ name: String) throws -> [Exchange] {
        let data = try Data(contentsOf: dir.appendingPathComponent(name))
        #expect(HARCheck.problems(data).isEmpty, "\(name): \(HARCheck.problems(data).prefix(3))")
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let entries = try #require((root["log"] as? [String: Any])?["entries"] as? [[String: Any]])
        return entries.compactMap { e in
            guard let req = e["request"] as? [String: Any], let res = e["response"] as? [String: Any],
                let url = req["url"] as? String, let path = URLComponents(string: url)?.path
            else { return nil }
            let text = (res["content"] as? [String: Any])?["text"] as? String ?? ""
            return Exchange(
                method: req["method"] as? String ?? "GET", path: path.lowercased(),
                status: res["status"] as? Int ?? 0, body: Data(text.utf8))
        }
    }

    /// The answer's JSON as a generic tree, to hold the decoders' values against.
    static func raw(_ x: Exchange) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: x.body) as? [String: Any], "\(x.path)")
    }

    /// `items`' values of `key` in the raw answer, as the decoders' types.
    static func rawItems(_ x: Exchange, _ key: String) throws -> [Int64?] {
        let items = try #require(try raw(x)["items"] as? [[String: Any]], "\(x.path): no items")
        return items.map { ($0[key] as? NSNumber)?.int64Value }
    }

    static func rawStrings(_ x: Exchange, _ key: String) throws -> [String?] {
        let items = try #require(try raw(x)["items"] as? [[String: Any]], "\(x.path): no items")
        return items.map { $0[key] as? String }
    }

    /// Decodes an answer with the decoder its path calls for and holds what it read against the
    /// raw JSON (ids, names, counts: not only "it did not throw"); false when no decoder is for it.
    static func decode(_ x: Exchange) throws -> Bool {
        let d = JSONDecoder()
        let p = x.path
        if p.hasSuffix("/zoneinformation") {
            let z = try d.decode(ZoneInformation.self, from: x.body)
            #expect(z.url == (try raw(x)["url"] as? String) && !z.url.isEmpty)
        } else if p.hasSuffix("/entityinformation/fields") {
            let names = try d.decode(EntityFields.self, from: x.body).fields.map(\.name)
            let rawNames = (try raw(x)["fields"] as? [[String: Any]])?.map { $0["name"] as? String }
            #expect(!names.isEmpty && rawNames == names.map { Optional($0) })
        } else if p.hasSuffix("/query/count") {
            let n = try d.decode(AutotaskCountResponse.self, from: x.body).queryCount
            #expect(n == (try raw(x)["queryCount"] as? Int))
        } else if p.hasSuffix("/tickets/query") {
            let items = try d.decode(AutotaskQueryResponse<AutotaskTicket>.self, from: x.body).items
            #expect(items.map { Optional($0.id) } == (try rawItems(x, "id")))
            #expect(items.map(\.title) == (try rawStrings(x, "title")))
        } else if p.hasSuffix("/companies/query") {
            let items = try d.decode(AutotaskQueryResponse<AutotaskCompany>.self, from: x.body).items
            #expect(items.map { Optional($0.id) } == (try rawItems(x, "id")))
            #expect(items.map(\.companyName) == (try rawStrings(x, "companyName")))
        } else if p.hasSuffix("/ticketnotes/query") {
            let items = try d.decode(AutotaskQueryResponse<AutotaskTicketNote>.self, from: x.body).items
            #expect(items.map { Optional($0.id) } == (try rawItems(x, "id")))
        } else if p.hasSuffix("/comments") {
            let items = try d.decode(AteraEnvelope<AteraComment>.self, from: x.body).items
            #expect(items.map(\.Comment) == (try rawStrings(x, "Comment")))
        } else if p.hasSuffix("/api/v3/tickets") {
            let items = try d.decode(AteraEnvelope<AteraTicket>.self, from: x.body).items
            #expect(items.map { Optional($0.TicketID) } == (try rawItems(x, "TicketID")))
            #expect(items.map(\.TicketTitle) == (try rawStrings(x, "TicketTitle")))
        } else if p.hasSuffix("/api/authinfo") {
            let info = try d.decode(HaloAuthInfo.self, from: x.body)
            #expect(info.authURL == (try raw(x)["auth_url"] as? String))
        } else if p.hasSuffix("/token") {
            let token = try d.decode(HaloToken.self, from: x.body)
            #expect(token.accessToken != nil && token.expiresIn > 0)
        } else if p.hasSuffix("/api/tickets") {
            let page = try d.decode(HaloTicketPage.self, from: x.body)
            // (An id may come as a string: Halo's decoder is lenient, the raw side reads both.)
            let rawIDs = (try raw(x)["tickets"] as? [[String: Any]])?.map {
                ($0["id"] as? NSNumber)?.int64Value ?? ($0["id"] as? String).flatMap { Int64($0) }
            }
            #expect(!page.tickets.isEmpty && page.tickets.map { Optional($0.id) } == rawIDs)
        } else if ["/api/status", "/api/priority", "/api/team", "/api/tickettype", "/api/sla"].contains(
            where: p.hasSuffix)
        {
            _ = try HaloLookup.list(x.body)
        } else if p.hasSuffix("/api/agent") {
            _ = try HaloList<HaloAgent>.decode(x.body)
        } else if p.hasPrefix("/login/companyinfo/") {
            let info = try d.decode(CWCompanyInfo.self, from: x.body)
            #expect(info.codebase == (try raw(x)["Codebase"] as? String) && info.codebase != nil)
        } else if p.hasSuffix("/service/tickets") {
            let rows = try d.decode(LenientList<CWTicket>.self, from: x.body).items
            let rawRows = try #require(try JSONSerialization.jsonObject(with: x.body) as? [[String: Any]])
            #expect(
                !rows.isEmpty
                    && rows.map { Optional($0.id) }
                        == rawRows.map {
                            ($0["id"] as? NSNumber)?.int64Value ?? ($0["id"] as? String).flatMap { Int64($0) }
                        }
            )
            #expect(rows.map(\.summary) == rawRows.map { $0["summary"] as? String })
        } else if p.hasSuffix("/service/tickets/count") {
            #expect(try d.decode(CWCount.self, from: x.body).count == (try raw(x)["count"] as? Int))
        } else if p.hasSuffix("/thresholdinformation") {
            #expect(try raw(x)["externalRequestThreshold"] is Int)
        } else {
            return false
        }
        return true
    }

    /// Every ticket, walked through a connection with `settings` against the replaying `sim`
    /// (started with `config`), and the replay's counters; the simulator is stopped either way.
    static func walkReplayed(_ settings: ConnectionSettings, _ sim: Simulator, _ config: SimulatorConfig)
        async throws -> ([Ticket], HARReplay.Stats?)
    {
        let conn: Connection
        do { conn = try await Connection.open(settings, environment: [:]) } catch {
            await sim.stop()
            throw error
        }
        let tickets: [Ticket]
        do {
            tickets = try await conn.api.allTickets(filter: ServerFilter(), options: WalkOptions(threads: 1))
        } catch {
            await conn.close()
            await sim.stop()
            throw error
        }
        let stats = config.replay?.recording.currentStats
        await conn.close()
        await sim.stop()
        return (tickets, stats)
    }

    /// The ticket ids the file's ticket lists hold, in order.
    static func recordedIDs(_ list: [Exchange]) throws -> [Int64] {
        var ids: [Int64] = []
        for x in list
        where x.path.hasSuffix("/tickets/query") || x.path.hasSuffix("/api/v3/tickets")
            || x.path.hasSuffix("/api/tickets") || x.path.hasSuffix("/service/tickets")
        {
            if x.path.hasSuffix("/service/tickets") {
                ids += try JSONDecoder().decode(LenientList<CWTicket>.self, from: x.body).items.map(\.id)
            } else if x.path.hasSuffix("/api/tickets") {
                ids += try JSONDecoder().decode(HaloTicketPage.self, from: x.body).tickets.map(\.id)
            } else if x.path.hasSuffix("/tickets/query") {
                ids += try JSONDecoder().decode(AutotaskQueryResponse<AutotaskTicket>.self, from: x.body).items.map(
                    \.id)
            } else {
                ids += try JSONDecoder().decode(AteraEnvelope<AteraTicket>.self, from: x.body).items.map(\.TicketID)
            }
        }
        return ids
    }

    @Test("The corpus has files of every vendor")
    func present() {
        for v in Vendor.allCases { #expect(Self.files.contains { $0.hasPrefix(v.rawValue + "-") }, "no \(v) file") }
    }

    @Test("Every answer of every file reads with its decoder", arguments: files)
    func decoders(_ name: String) throws {
        let list = try Self.exchanges(name)
        var decoded = 0
        for x in list where x.status == 200 {
            do { if try Self.decode(x) { decoded += 1 } } catch {
                Issue.record("\(name) \(x.method) \(x.path): \(error)")
            }
        }
        // Every answer but the lookups the walk makes on the side (resources) went through a decoder.
        let answered = list.filter { $0.status == 200 && !$0.path.hasSuffix("/resources/query") }
        #expect(decoded > 0 && decoded == answered.count, "\(answered.map(\.path))")
    }

    @Test(
        "Replayed by the simulator, each file walks to its tickets, and the dashboard shows them cleanly",
        arguments: files)
    func replayed(_ name: String) async throws {
        var config = SimulatorConfig()
        config.tickets = 0
        config.timeScale = 1_000
        config.replay = ReplaySettings(
            recording: try HARReplay(path: Self.dir.appendingPathComponent(name).path), only: true)
        let sim = try await Simulator.start(config)
        var settings = ConnectionSettings()
        // As `tickets` asks: every field the export prints.
        settings.fieldSet = .export
        if name.hasPrefix("atera-") {
            settings.vendor = .atera
            settings.baseURL = sim.ateraBaseURL
            settings.credentials = .atera(key: "replay-key")
        } else if name.hasPrefix("halo-") {
            // The instance is the simulator's root: the recording's paths are the instance's own
            // (/api/…, /auth/token), its addresses (auth_url too) rewritten to the simulator's.
            settings.vendor = .halo
            settings.baseURL = "http://127.0.0.1:\(sim.port)"
            settings.credentials = .halo(HaloCredentials(clientID: "replay-client", clientSecret: "replay-secret"))
        } else if name.hasPrefix("connectwise-") {
            // The site is the simulator's root: the recording's paths are the site's own.
            settings.vendor = .connectwise
            settings.baseURL = "http://127.0.0.1:\(sim.port)"
            settings.credentials = .connectwise(
                ConnectWiseCredentials(
                    company: "yourmsp", publicKey: "replayPublic", privateKey: "replay-private",
                    clientID: "replay-client"))
        } else {
            settings.baseURL = sim.autotaskBaseURL
            settings.credentials = .autotask(
                AutotaskCredentials(
                    userName: "someone@else.example", secret: "replay-secret",
                    integrationCode: "REPLAY-CODE"))
        }
        let (tickets, stats) = try await Self.walkReplayed(settings, sim, config)
        #expect(!tickets.isEmpty)
        #expect(
            tickets.map(\.id) == (try Self.recordedIDs(Self.exchanges(name))),
            "unmatched: \(stats?.unmatchedRequests ?? [])")
        #expect(stats?.unmatched == 0, "\(stats?.unmatchedRequests ?? [])")
        for (w, h) in [(80, 24), (120, 40)] {
            var s = DashboardState(
                vendor: settings.vendor, tenant: "replay", now: Date(timeIntervalSince1970: 1_796_000_000),
                width: w, height: h)
            s.timeZone = TimeZone(identifier: "UTC")!
            s.tickets = TicketList(tickets)
            s.total = tickets.count
            for text in [render(s, theme: .fallback).text] {
                let bad = text.unicodeScalars.filter {
                    ($0.value < 0x20 && $0 != "\n") || (0x202A...0x202E).contains($0.value)
                }
                #expect(bad.isEmpty, "\(name) at \(w)x\(h): control or bidi characters reached the screen")
            }
            if let first = tickets.first {
                s.listCursor.index = 0
                _ = s.reduce(.key(.enter))
                _ = s.reduce(.detail(first))
                let text = render(s, theme: .fallback).text
                #expect(!text.unicodeScalars.contains { $0.value == 0x1B || (0x202A...0x202E).contains($0.value) })
            }
        }
    }
}
