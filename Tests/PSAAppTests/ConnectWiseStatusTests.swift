import Foundation
import PSAApp
import PSAClient
import PSACore
import Simulator
import Testing

/// `status` for a vendor that publishes no limit: UNKNOWN with our own count, unless the profile
/// sets a budget (then OK/WARNING/CRITICAL against it).
@Suite("ConnectWise status", .timeLimit(.minutes(5)))
struct ConnectWiseStatusTests {
    static func settings(_ sim: Simulator, budget: RateBudget?) -> ConnectionSettings {
        let c = sim.config
        var s = ConnectionSettings()
        s.vendor = .connectwise
        s.baseURL = sim.connectWiseSiteURL
        s.cwBudget = budget
        s.credentials = .connectwise(
            ConnectWiseCredentials(
                company: c.cwCompany, publicKey: c.cwPublicKey, privateKey: c.cwPrivateKey, clientID: c.cwClientID))
        return s
    }

    @Test("no budget: UNKNOWN with our count; a budget: its tier (CRITICAL past 75%, OK well under)")
    func states() async throws {
        var config = SimulatorConfig()
        config.tickets = 10
        let sim = try await Simulator.start(config)
        let plain = try await Connection.open(Self.settings(sim, budget: nil), environment: [:])
        let unknown = await StatusReport.check(plain, name: "cw")
        #expect(unknown.state == .unknown, "\(unknown)")
        #expect(unknown.used ?? 0 >= 2 && unknown.countedBy == "psatop")
        #expect(unknown.reason?.contains("limit not published") == true, "\(unknown.reason ?? "")")
        let tight = try await Connection.open(
            Self.settings(sim, budget: RateBudget(limit: 2, windowSeconds: 60)), environment: [:])
        #expect(await StatusReport.check(tight, name: "cw").state == .critical)
        let roomy = try await Connection.open(
            Self.settings(sim, budget: RateBudget(limit: 1_000, windowSeconds: 60)), environment: [:])
        let ok = await StatusReport.check(roomy, name: "cw")
        #expect(ok.state == .ok && ok.reason?.contains("your budget") == true, "\(ok)")
        for c in [plain, tight, roomy] { await c.close() }
        await sim.stop()
    }

    @Test("rate_limit = \"N per window\" is a budget; a bare number is a minute's")
    func budgetParsing() {
        #expect(RateBudget(parsing: "600 per minute") == RateBudget(limit: 600, windowSeconds: 60))
        #expect(RateBudget(parsing: "3000 per 5 minutes") == RateBudget(limit: 3_000, windowSeconds: 300))
        #expect(RateBudget(parsing: "10000/hour") == RateBudget(limit: 10_000, windowSeconds: 3_600))
        #expect(RateBudget(parsing: "60") == RateBudget(limit: 60, windowSeconds: 60))
        #expect(RateBudget(parsing: "many per minute") == nil && RateBudget(parsing: "5 per fortnight") == nil)
    }
}
