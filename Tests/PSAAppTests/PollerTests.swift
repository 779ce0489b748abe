import Dashboard
import Foundation
import PSAApp
import PSAClient
import PSACore
import Testing

@Suite("Poller")
struct PollerTests {
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
