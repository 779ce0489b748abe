import Dashboard
import Foundation
import PSAApp
import PSAClient
import PSACore
import Testing

@Suite("Poller")
struct PollerTests {
    @Test("reads the quota more often near a tier boundary; Autotask far reads stay at 1/min (≤ 0.6% of 10,000/h)")
    func schedule() async throws {
        var settings = ConnectionSettings()
        settings.demo = true
        settings.demoTickets = 10
        let conn = try await Connection.open(settings)
        let poller = Poller(api: conn.api, clock: .continuous) { _ in }
        #expect(poller.nextInterval(after: Quota(used: 2_000, limit: 10_000, windowSeconds: 3600)) == .seconds(60))
        #expect(poller.nextInterval(after: Quota(used: 4_800, limit: 10_000, windowSeconds: 3600)) == .seconds(30))
        #expect(poller.nextInterval(after: Quota(used: 7_600, limit: 10_000, windowSeconds: 3600)) == .seconds(30))
        #expect(poller.nextInterval(after: Quota(used: 6_200, limit: 10_000, windowSeconds: 3600)) == .seconds(60))
        #expect(poller.nextInterval(after: nil) == .seconds(30))
        await conn.close()
    }

    @Test("against the demo simulator it emits a quota, the first page, and every request of the log", arguments: [Vendor.autotask, .atera])
    func events(vendor: Vendor) async throws {
        var settings = ConnectionSettings()
        settings.demo = true
        settings.vendor = vendor
        settings.demoTickets = 120
        let conn = try await Connection.open(settings)
        let mailbox = Mailbox()
        let poller = Poller(api: conn.api, clock: .continuous, timeScale: conn.timeScale) { mailbox.post($0) }
        await poller.start()
        var state = DashboardState(vendor: conn.vendorLabel, tenant: conn.tenantName, now: Date())
        for _ in 0..<500 where state.quota == nil || state.tickets.isEmpty || state.log.isEmpty {
            for e in mailbox.drain() { _ = state.reduce(e) }
            try await Task.sleep(for: .milliseconds(20))
        }
        await poller.stop()
        await conn.close()
        #expect(state.quota != nil)
        #expect(state.tickets.count == min(120, vendor == .autotask ? 500 : 50))
        #expect(state.total == 120)
        #expect(!state.log.isEmpty)
        #expect(state.log.allSatisfy { !$0.path.contains(conn.simulator!.config.autotaskSecret) })
    }
}
