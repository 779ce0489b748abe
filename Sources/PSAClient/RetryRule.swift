import Foundation
import PSACore

/// Whether a request that failed goes again, and how: the client's retry decision as a pure
/// function of what happened, so it is tested as a table (RetryRuleTests) and read in one place.
/// What it does not decide: the shared retry budget (the client spends it where the plan says).
public enum RetryPlan: Equatable, Sendable {
    /// Fail now with the error.
    case giveUp
    /// Go again when the pause gate opens (a 429's or 503's pause, a suspension's probe): no
    /// sleep of its own. `spendsBudget`: the retry counts against the client's retry budget.
    case afterGate(WaitReason, spendsBudget: Bool)
    /// Sleep a jittered backoff, then go again (always spends the budget).
    case afterBackoff
}

public enum RetryRule {
    /// What went wrong with one attempt.
    public enum Failure: Equatable, Sendable {
        /// No answer: a connection error or a timeout (not a refusal by psatop's transport).
        case noAnswer
        /// The server answered with this status, classified.
        case answered(APIError.Kind, status: Int)
    }

    /// - Parameters:
    ///   - idempotent: the request may be sent twice without harm (reads, queries); a write the
    ///     server may have acted on is never sent again blindly.
    ///   - attempt: 0 for the first send.
    ///   - windowOwns429: a header-less 429 the window limiter learns from and probes after; it
    ///     may take a few more refusals while the window is unknown (still bounded).
    public static func plan(
        _ failure: Failure, idempotent: Bool, attempt: Int, maxRetries: Int,
        windowOwns429: Bool = false
    ) -> RetryPlan {
        switch failure {
        case .noAnswer:
            return idempotent && attempt < maxRetries ? .afterBackoff : .giveUp
        case .answered(let kind, let status):
            switch kind {
            case .suspended:
                // A read waits for the probe; it is not re-sent in a storm.
                return idempotent && attempt < maxRetries ? .afterGate(.suspended, spendsBudget: false) : .giveUp
            case .rateLimited where status == 429, .serverError where status == 503:
                // 429: the server did not act on it, so any request may go again; 503 only if idempotent.
                let most = windowOwns429 ? maxRetries + 8 : maxRetries
                return (status == 429 || idempotent) && attempt < most
                    ? .afterGate(.retryAfter, spendsBudget: true) : .giveUp
            case .threadLimit, .serverError:
                // The thread limit refused it before any work; a 5xx may have done the work.
                return (kind == .threadLimit || idempotent) && attempt < maxRetries ? .afterBackoff : .giveUp
            case .badCredentials, .permission, .notFound, .rateLimited, .badRequest, .transport, .decoding, .refused,
                .attachmentLimit, .redirected:
                return .giveUp
            }
        }
    }
}
