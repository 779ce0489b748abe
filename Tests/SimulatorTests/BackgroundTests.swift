import Clocks
import Foundation
import PSACore
import Simulator
import Testing

@Suite("Other integrations' load on the simulated tenant (test clock)", .timeLimit(.minutes(10)))
struct BackgroundTests {
    static func start(_ load: BackgroundLoad) async throws -> (Simulator, TestClock<Duration>) {
        let test = TestClock<Duration>()
        var c = SimulatorConfig()
        c.tickets = 10
        c.background = load
        let sim = try await Simulator.start(c, clock: PSAClock(test))
        return (sim, test)
    }

    @Test(
        "a ramp from 30% to 90% over an hour crosses both latency tiers: the rolling count trails the rate by half a window"
    )
    func ramp() async throws {
        let (sim, test) = try await Self.start(.ramp(from: 0.3, to: 0.9, minutes: 60))
        var tiers: [LatencyTier] = []
        var counts: [Int] = []
        for _ in 0...8 {
            let n = await sim.autotaskCount()
            counts.append(n)
            tiers.append(LatencyTier(count: n, threshold: 10_000))
            await test.advance(by: .seconds(15 * 60))
        }
        #expect(abs(counts[0] - 3_000) <= 2)
        #expect(abs(counts[4] - 6_000) <= 2)  // after one hour: the average of the ramp
        #expect(abs(counts[8] - 9_000) <= 2)  // after two: the top
        #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(tiers.first == LatencyTier.none && tiers.contains(.half) && tiers.last == .one)
        await sim.stop()
    }

    @Test("bursts: 100 requests every minute hold the hour at 6,000, arriving all at once")
    func bursty() async throws {
        let (sim, test) = try await Self.start(.bursty(perHour: 0, every: 60, size: 100))
        #expect(abs(await sim.autotaskCount() - 6_000) <= 100)
        var seen: Set<Int> = []
        for _ in 0..<120 {
            await test.advance(by: .seconds(1))
            seen.insert(await sim.autotaskCount())
        }
        // The count only moves in steps of a burst as one enters and one leaves the window.
        #expect(seen.allSatisfy { abs($0 - 6_000) <= 100 && $0 % 100 == 0 })
        await sim.stop()
    }

    @Test(
        "load specs parse, and bad ones are refused",
        arguments: [
            ("none", true), ("demo", true), ("6000", true), ("burst:3000,60,200", true), ("ramp:30%,90%,60", true),
            ("ramp:30,90", false), ("burst:1,0,5", false), ("fast", false), ("-5", false),
        ])
    func parsing(text: String, valid: Bool) {
        #expect(((try? BackgroundLoad(parsing: text)) != nil) == valid)
    }
}
