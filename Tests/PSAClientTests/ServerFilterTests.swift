import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Simulator
import Testing

@Suite("Server-side ticket filters", .timeLimit(.minutes(10)))
struct ServerFilterTests {
    @Test("parsing: a value runs to the next key, quotes optional, aliases, errors said")
    func parse() throws {
        #expect(try ServerFilter.parse("") == ServerFilter())
        #expect(
            try ServerFilter.parse("status:Waiting Customer queue:\"Level I Support\" co:Acme")
                == ServerFilter(status: "Waiting Customer", queue: "Level I Support", company: "Acme"))
        #expect(try ServerFilter.parse("  customer: Contoso Ltd  ") == ServerFilter(company: "Contoso Ltd"))
        // A colon inside a value that is not a key stays in the value.
        #expect(try ServerFilter.parse("company:\"A status:B\"") == ServerFilter(company: "A status:B"))
        #expect(ServerFilter(status: "In Progress", company: "Acme").text == "status:\"In Progress\" company:Acme")
        #expect(
            try ServerFilter.parse(ServerFilter(status: "In Progress", queue: "Q", company: "Acme").text)
                == ServerFilter(status: "In Progress", queue: "Q", company: "Acme"))
        for bad in ["New", "prio:High", "status:", "status:New status:Complete", "foo status:New"] {
            #expect(throws: ServerFilter.ParseError.self, "\(bad)") { _ = try ServerFilter.parse(bad) }
        }
    }

    @Test("fuzz: 5,000 seeded texts never crash the parser; whatever parses comes back the same from its own text")
    func fuzz() {
        var rng = SeededGenerator(seed: 20_261_124)
        let pieces = [
            "status:", "queue:", "co:", "company:", "customer:", "Status:", "prio:", "\"", ":", " ", "  ", "New",
            "In Progress",
            "Level I", "Acme", "打印", "🔥", "\u{1B}", "\u{0}", "\u{202E}", "#", "#12", "-", "x", "é", "e\u{301}",
        ]
        var parsed = 0
        for _ in 0..<5_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...7, using: &rng) { text += pieces.randomElement(using: &rng)! }
            guard let f = try? ServerFilter.parse(text) else { continue }
            parsed += 1
            // No value is empty, none starts or ends with a space.
            for v in [f.status, f.queue, f.company].compactMap({ $0 }) {
                #expect(!v.isEmpty && v.first != " " && v.last != " ", "'\(text)' → '\(v)'")
            }
            // Values holding a quote or a key of their own need not survive a round trip; the rest do.
            let values = [f.status, f.queue, f.company].compactMap { $0 }
            if !values.contains(where: { $0.contains("\"") || $0.contains(":") }) {
                #expect((try? ServerFilter.parse(f.text)) == f, "'\(text)' → \(f) → '\(f.text)'")
            }
        }
        #expect(parsed > 500)
    }

    @Test(
        "against the simulator: Autotask by status, queue and company; Atera by status and customer; unknown names refused unsent"
    )
    func againstSimulator() async throws {
        var config = SimulatorConfig()
        config.tickets = 200
        let sim = try await Simulator.start(config)
        let at = AutotaskAPI.twin(
            sim, client: RateAwareClient(transport: AHCTransport(), seed: 1, secrets: [config.autotaskSecret]),
            config: config)
        let all = try await at.allTickets()
        let sample = try #require(
            all.first { !$0.company.isEmpty && $0.fields.contains { $0.name == "Queue" } } ?? all.first)
        let queue = sample.fields.first { $0.name == "Queue" }?.value
        let filter = ServerFilter(status: sample.status, queue: queue, company: sample.company)
        let page = try await at.page(after: nil, filter: filter)
        let expected = all.filter { t in
            t.status == sample.status && t.company == sample.company
                && (queue == nil || t.fields.contains { $0.name == "Queue" && $0.value == queue })
        }
        #expect(page.tickets.map(\.id) == expected.map(\.id) && page.total == expected.count)
        #expect(page.tickets.contains { $0.id == sample.id })
        // A company on no ticket loaded yet: the server finds it (one Companies query), by its whole
        // name in any case, or by a word only its name has.
        func fresh() -> AutotaskAPI {
            AutotaskAPI.twin(
                sim, client: RateAwareClient(transport: AHCTransport(), seed: 1, secrets: [config.autotaskSecret]),
                config: config)
        }
        let companyCount = all.filter { $0.company == sample.company }.count
        #expect(
            try await fresh().page(after: nil, filter: ServerFilter(company: sample.company.uppercased())).total
                == companyCount)
        let names = Set(all.map(\.company))
        let word = try #require(
            sample.company.split(separator: " ").map(String.init).first { w in
                names.filter { $0.localizedCaseInsensitiveContains(w) }.count == 1
            })
        let api = fresh()
        #expect(try await api.page(after: nil, filter: ServerFilter(company: word.lowercased())).total == companyCount)
        #expect(
            await api.client.log.contains { $0.path == "/Companies/query (companyName contains \(word.lowercased()))" })

        // An unknown status is refused unsent; an unknown company after the one Companies query; no ticket query either way.
        func listRequests() async -> Int {
            await api.client.log.filter { $0.purpose == "tickets" || $0.purpose == "count" }.count
        }
        let before = await listRequests(), sent = await api.client.stats.sent
        await #expect(throws: APIError.self) {
            _ = try await api.page(after: nil, filter: ServerFilter(status: "No Such Status"))
        }
        #expect(await api.client.stats.sent == sent)
        do {
            _ = try await api.page(after: nil, filter: ServerFilter(company: "Nobody Inc"))
            Issue.record("an unknown company was not refused")
        } catch let e as APIError {
            #expect(e.kind == .refused && e.detail == "no company 'Nobody Inc' on this tenant", "\(e)")
        }
        let after = await listRequests()
        #expect(await api.client.stats.sent == sent + 1 && after == before)

        let atera = AteraAPI(
            client: RateAwareClient(transport: AHCTransport(), seed: 1, secrets: [config.ateraKey]),
            key: config.ateraKey, baseURL: sim.ateraBaseURL)
        let aAll = try await atera.allTickets()
        let aSample = try #require(aAll.first { !$0.company.hasPrefix("Customer #") })
        let aPage = try await atera.allTickets(status: aSample.status)
        // Exactly the tickets of that status (an empty answer would pass an allSatisfy).
        #expect(!aPage.isEmpty)
        #expect(aPage.map(\.id).sorted() == aAll.filter { $0.status == aSample.status }.map(\.id).sorted())
        #expect(aPage.count < aAll.count, "the filter filtered nothing")
        let byCustomer = try await atera.page(
            after: nil, filter: ServerFilter(status: aSample.status, company: aSample.company))
        #expect(
            byCustomer.tickets.map(\.id)
                == aAll.filter { $0.status == aSample.status && $0.company == aSample.company }.prefix(50).map(\.id))
        await #expect(throws: APIError.self) {
            _ = try await atera.page(after: nil, filter: ServerFilter(queue: "Any"))
        }
        await sim.stop()
    }
}

extension Array where Element: Hashable {
    var uniqueCount: Int { Set(self).count }
}
