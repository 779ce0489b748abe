import Foundation
import PSAClient
import PSACore
import Simulator
import Testing

@Suite("Atera company: by name through /customers")
struct AteraCustomersTests {
    @Test(
        "a customer named before any of its tickets was loaded is found through /customers (paged, read once), also for --all"
    )
    func companyByName() async throws {
        var config = SimulatorConfig()
        config.tickets = 300
        config.addLatency = false
        let sim = try await Simulator.start(config)
        // Another client learns which customers have tickets (the one under test sees none of it).
        let other = SimulatorWalkTests.atera(sim)
        let every = try await other.allTickets(limit: nil, filter: ServerFilter(), options: WalkOptions())
        let names = Set(every.map(\.company)).filter { !$0.isEmpty }
        // A name no other name contains, from the last tickets (not on the first page).
        let name = try #require(
            every.reversed().map(\.company).first { n in !n.isEmpty && names.filter { $0.contains(n) }.count == 1 })
        let api = SimulatorWalkTests.atera(sim)
        let page = try await api.page(after: nil, filter: ServerFilter(company: name))
        #expect(!page.tickets.isEmpty)
        #expect(page.tickets.allSatisfy { $0.company == name }, "\(page.tickets.map(\.company))")
        let walked = try await api.allTickets(limit: nil, filter: ServerFilter(company: name), options: WalkOptions())
        #expect(walked.count == every.filter { $0.company == name }.count)
        // The directory is read once: a second name costs no /customers request.
        let before = await api.client.log.filter { $0.path.contains("/customers") }.count
        #expect(before >= 1)
        let second = try #require(names.first { $0 != name })
        _ = try? await api.page(after: nil, filter: ServerFilter(company: second))
        #expect(await api.client.log.filter { $0.path.contains("/customers") }.count == before)
        // A name no customer has is refused, saying where it looked.
        await #expect(throws: APIError.self) {
            _ = try await api.page(after: nil, filter: ServerFilter(company: "No Such Customer Zzz"))
        }
        do { _ = try await api.page(after: nil, filter: ServerFilter(company: "No Such Customer Zzz")) } catch {
            #expect("\(error)".contains("among the tenant's customers"), "\(error)")
        }
        await sim.stop()
    }
}
