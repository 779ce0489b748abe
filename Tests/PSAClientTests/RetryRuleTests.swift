import Foundation
import PSAClient
import PSACore
import Testing

/// The client's retry decision as a table: what goes again, how, and what never does.
@Suite("Retry rule", .timeLimit(.minutes(10)))
struct RetryRuleTests {
    typealias F = RetryRule.Failure

    @Test(
        "reads and writes after each kind of failure",
        arguments: [
            // (failure, idempotent, expected)
            (F.noAnswer, true, RetryPlan.afterBackoff),
            (F.noAnswer, false, .giveUp),  // a write the server may have acted on is not sent again
            // not acted on
            (F.answered(.rateLimited, status: 429), false, .afterGate(.retryAfter, spendsBudget: true)),
            (F.answered(.rateLimited, status: 429), true, .afterGate(.retryAfter, spendsBudget: true)),
            (F.answered(.serverError, status: 503), true, .afterGate(.retryAfter, spendsBudget: true)),
            (F.answered(.serverError, status: 503), false, .giveUp),
            (F.answered(.serverError, status: 500), true, .afterBackoff),
            (F.answered(.serverError, status: 500), false, .giveUp),
            (F.answered(.threadLimit, status: 429), false, .afterBackoff),  // refused before any work
            (F.answered(.suspended, status: 403), true, .afterGate(.suspended, spendsBudget: false)),
            (F.answered(.suspended, status: 403), false, .giveUp),
            (F.answered(.rateLimited, status: 403), true, .giveUp),
            (F.answered(.badCredentials, status: 401), true, .giveUp),
            (F.answered(.permission, status: 403), true, .giveUp),
            (F.answered(.notFound, status: 404), true, .giveUp),
            (F.answered(.badRequest, status: 400), true, .giveUp),
            (F.answered(.attachmentLimit, status: 500), false, .giveUp),
            (F.answered(.decoding, status: 200), true, .giveUp),
        ])
    func table(_ failure: F, idempotent: Bool, expected: RetryPlan) {
        #expect(RetryRule.plan(failure, idempotent: idempotent, attempt: 0, maxRetries: 3) == expected)
    }

    @Test("bounded: the last attempt gives up; a 429 the window limiter owns gets 8 more tries, no more")
    func bounded() {
        for failure in [
            F.noAnswer, .answered(.serverError, status: 500), .answered(.serverError, status: 503),
            .answered(.rateLimited, status: 429), .answered(.threadLimit, status: 429),
            .answered(.suspended, status: 403),
        ] {
            #expect(RetryRule.plan(failure, idempotent: true, attempt: 2, maxRetries: 3) != .giveUp, "\(failure)")
            #expect(RetryRule.plan(failure, idempotent: true, attempt: 3, maxRetries: 3) == .giveUp, "\(failure)")
        }
        let owned = F.answered(.rateLimited, status: 429)
        #expect(RetryRule.plan(owned, idempotent: false, attempt: 10, maxRetries: 3, windowOwns429: true) != .giveUp)
        #expect(RetryRule.plan(owned, idempotent: false, attempt: 11, maxRetries: 3, windowOwns429: true) == .giveUp)
    }
}
