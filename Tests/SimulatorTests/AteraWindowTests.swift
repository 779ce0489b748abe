import Clocks
import Foundation
import PSAClient
import PSACore
import Simulator
import Testing

@Suite("The Atera twin's limit over a configured window (test clock)", .timeLimit(.minutes(10)))
struct AteraWindowTests {
    @Test(
        "20 per 3 s: the 21st inside the window is refused; it is taken once the first has aged out; 300 per 5 min alike"
    )
    func configuredWindow() async throws {
        for (limit, window) in [(20, 3.0), (300, 300.0)] {
            let test = TestClock<Duration>()
            var c = SimulatorConfig()
            c.tickets = 10
            c.ateraLimitPerMinute = limit
            c.ateraWindowSeconds = window
            c.ateraRateHeaders = false
            let sim = try await Simulator.start(c, clock: PSAClock(test))
            let transport = AHCTransport()
            func get() async throws -> Int {
                try await transport.send(
                    HTTPRequestSpec(
                        method: "GET", url: sim.ateraBaseURL + "/tickets?itemsInPage=1",
                        headers: [("X-API-KEY", sim.config.ateraKey)]), timeout: .seconds(30)
                ).status
            }
            for _ in 0..<limit { #expect(try await get() == 200) }
            await test.advance(by: .seconds(double: window - 0.5))
            let refused = try await get()
            #expect(refused == 429)
            await test.advance(by: .seconds(1))
            #expect(try await get() == 200)
            await sim.stop()
        }
    }
}
