import Clocks
import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Synchronization
import Testing

/// ConnectWise without a budget: the window limiter learns the limit from Manage's 429s (which
/// carry only `Retry-After`), as on Atera, and paces under what it learned.
@Suite("ConnectWise learns its unpublished limit from 429s", .serialized, .timeLimit(.minutes(10)))
struct ConnectWiseLearningTests {
    /// A Manage whose real limit is `limit` per `window` s (sliding, at arrival), answering a
    /// refusal as Manage does: its JSON and a numeric `Retry-After`, no rate-limit header.
    final class Manage: Sendable {
        let accepted = Mutex<[Double]>([])
        let refused = Mutex<[Double]>([])
        let limit: Int, window: Double
        init(limit: Int, window: Double) {
            self.limit = limit
            self.window = window
        }
        func answer(at t: Double) -> HTTPResult {
            let ok = accepted.withLock { a -> Bool in
                guard a.filter({ $0 > t - window }).count < limit else { return false }
                a.append(t)
                return true
            }
            if ok { return HTTPResult(status: 200, body: Data("[]".utf8)) }
            refused.withLock { $0.append(t) }
            return HTTPResult(
                status: 429, headers: [("Retry-After", "1"), ("Content-Type", "application/json")],
                body: Data(#"{"code":"TooManyRequests","message":"Too many requests."}"#.utf8))
        }
    }

    @Test("after 429s at 6 requests in 4 s, the limit is learned and the pacing keeps under it")
    func learnsWithoutBudget() async throws {
        let manage = Manage(limit: 6, window: 4)
        let h = Harness(policy: ConnectWiseAPI.policy(budget: nil), seed: 3) { _, at, _ in
            (manage.answer(at: at), hold: .milliseconds(20))
        }
        let walk = Task {
            try await RequestPriority.$current.withValue(.bulk) {
                for i in 0..<18 {
                    _ = try await h.client.send(get("service/tickets?page=\(i)", endpoint: "service/tickets"))
                }
            }
        }
        _ = try await drive(h.test, step: .milliseconds(50), untilDone: walk)
        let learned = try #require(await h.client.learnedLimit(), "nothing learned from Manage's 429s")
        // Six accepted, then the seventh refused: about six is learned, over a window at least the server's.
        #expect((5...7).contains(learned.limit) && learned.windowSeconds >= 4, "\(learned)")
        #expect(await h.client.ownRate().learned == learned)
        // The first event's 429s (the refused probes while the window was unknown) and at most one
        // more, when a clean window lets the learned figure try one step up (as on Atera).
        let refused = manage.refused.withLock { $0 }
        #expect(refused.count <= 4, "429s at \(refused)")
        // Once learned (the first request accepted after the first 429), no 4 s of sends holds
        // more than the six learned and that one step.
        let accepted = manage.accepted.withLock { $0 }
        try #require(accepted.count == 18)
        let after = await h.transport.sendTimes.filter { $0 >= accepted[6] }
        #expect(after.count >= 10 && LimiterRun.most(after, window: 4) <= 7, "\(after)")
    }

    @Test("with a budget the budget is the window; Manage's 429 still teaches a lower figure")
    func learnsUnderBudget() async throws {
        let manage = Manage(limit: 5, window: 3)
        let h = Harness(policy: ConnectWiseAPI.policy(budget: RateBudget(limit: 30, windowSeconds: 60)), seed: 5) {
            _, at, _ in (manage.answer(at: at), hold: .milliseconds(20))
        }
        let walk = Task {
            try await RequestPriority.$current.withValue(.bulk) {
                for i in 0..<8 {
                    _ = try await h.client.send(get("service/tickets?page=\(i)", endpoint: "service/tickets"))
                }
            }
        }
        _ = try await drive(h.test, step: .milliseconds(250), untilDone: walk)
        let learned = try #require(await h.client.learnedLimit())
        #expect(learned.limit == 5, "\(learned)")
    }
}
