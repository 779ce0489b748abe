import Clocks
import Foundation
import PSAClient
import PSACore
import Simulator
import Testing

@testable import History

/// The others' estimate against the simulator's truth: a simulated day on a test clock, the
/// background swinging between 15% and 55% of the threshold every two hours, one integration's
/// burst of 2,800 requests at 14:05, and our own requests swinging from 0 to 8 a minute.
@Suite("Attribution against the simulator's truth", .timeLimit(.minutes(10)))
struct AttributionSimTests {
    @Test("Each hour's others within 5% of what the other integrations sent; the burst is found")
    func simulatedDay() async throws {
        let clock = TestClock<Duration>()
        let start = Date(timeIntervalSince1970: 1_796_083_200)  // a midnight, UTC
        var config = SimulatorConfig()
        config.tickets = 20
        config.addLatency = false
        config.background = .wave(mean: 0.35, amplitude: 0.2, phase: 0)
        let burstAt = 14 * 3600 + 5 * 60
        config.otherBursts = [OtherBurst(integration: "billing-export", at: Double(burstAt), seconds: 720, size: 2_800)]
        let sim = try await Simulator.start(config, clock: PSAClock(clock, epoch: start))
        let transport = AHCTransport()
        let headers = [
            ("ApiIntegrationCode", config.autotaskIntegrationCode), ("UserName", config.autotaskUser),
            ("Secret", config.autotaskSecret),
        ]
        let key = TenantKey(parts: ["sim"])
        var readings: [QuotaReading] = []
        var ours: [MinuteCount] = []
        let minutes = 24 * 60
        for m in 0..<minutes {
            let n = (m / 7) % 9
            var last: Int?
            for _ in 0..<n {
                let r = try await transport.send(
                    HTTPRequestSpec(
                        method: "GET", url: sim.autotaskBaseURL + "/ThresholdInformation", headers: headers),
                    timeout: .seconds(30))
                #expect(r.status == 200)
                let obj = try JSONSerialization.jsonObject(with: r.body) as? [String: Any]
                last = obj?["currentTimeframeRequestCount"] as? Int
            }
            let at = start.addingTimeInterval(Double(m) * 60)
            if n > 0 { ours.append(MinuteCount(minute: at.epochMinute, byKind: [.dashboard: n])) }
            // Readings kept on two minutes of three: the method must bridge gaps.
            if let c = last, m % 3 != 1 {
                readings.append(
                    QuotaReading(
                        tenant: key, at: at, count: c, limit: 10_000, timeframeMinutes: 60, tier: 0, source: .server))
            }
            await clock.advance(by: .seconds(60))
        }
        let stats = try JSONSerialization.jsonObject(with: await sim.statsJSON()) as? [String: Any]
        await sim.stop()
        let integrations = try #require(stats?["integrations"] as? [String: [String: Int]])
        #expect(Set(integrations.keys) == ["backup-sync", "billing-export", "rmm-bridge", "psatop"])
        var truthPerHour = [Int](repeating: 0, count: 24)
        for (name, perMinute) in integrations where name != "psatop" {
            for (minute, n) in perMinute { if let m = Int(minute), m < minutes { truthPerHour[m / 60] += n } }
        }
        let oursTruth = integrations["psatop"]!.values.reduce(0, +)
        #expect(oursTruth == ours.reduce(0) { $0 + $1.total })

        let report = HistoryReport.rowsFor(
            tenant: "sim", readings: readings, ours: ours, events: [], from: start,
            to: start.addingTimeInterval(Double(minutes) * 60), bucket: .hour, timeZone: TimeZone(identifier: "UTC")!)
        #expect(report.rows.count == 24)
        for (h, row) in report.rows.enumerated() {
            let truth = Double(truthPerHour[h])
            let estimate = Double(row.others ?? -1)
            #expect(abs(estimate - truth) <= truth * 0.05, "hour \(h): others \(estimate), truth \(truth)")
        }
        // The swing is real: the quietest and busiest hours differ by more than twice.
        #expect(truthPerHour.max()! > 2 * truthPerHour.min()!)
        let burst = try #require(report.spikes.max { $0.size < $1.size })
        let burstMinute = start.addingTimeInterval(Double(burstAt)).epochMinute
        #expect(abs(burst.start - burstMinute) <= 3, "\(burst)")
        #expect(abs(burst.size - 2_800) <= 560, "\(burst)")
        #expect(burst.text(timeZone: TimeZone(identifier: "UTC")!).hasPrefix("others +"))
    }
}
