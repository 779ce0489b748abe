import Foundation
import PSACore

/// Tuning of the client. Defaults follow `apis.md`.
public struct ClientPolicy: Sendable {
    /// Concurrent requests per endpoint (Autotask: 3 per integration code and object).
    public var threadsPerEndpoint = 3
    /// Requests per minute allowed by the server (Atera's per-key limit); nil when the server's limit is not per-minute.
    public var perMinuteLimit: Int? = nil
    /// Other per-key or per-instance windows, in seconds of the client's clock (HaloPSA:
    /// `WindowLimit(limit: 300, window: 300)`). With `perMinuteLimit` they all apply, through the
    /// window limiter (`WindowLimiter`); Autotask has none and keeps its thread slots and ceiling.
    public var windows: [WindowLimit] = []
    /// How the window limiter admits: requests in flight during a burst, people ahead of bulk,
    /// and learning a lower limit from 429s that carry no rate-limit header.
    public var windowTuning = WindowLimiter.Tuning()
    public var backoff = Backoff()
    /// Attempts after the first for retryable failures.
    public var maxRetries = 4
    public var retryBudget = RetryBudget()
    /// Without Retry-After, how long a 429 pauses the queue (before jitter), and how long a suspension waits before its single probe.
    public var defaultPause: Duration = .seconds(5)
    public var suspensionProbe: Duration = .seconds(60)
    /// Jitter added on top of a server-given pause: uniform in 0…(this fraction of the pause, at least 1 s' worth capped here).
    public var pauseJitterMax: Duration = .seconds(2)
    public var timeout: Duration = .seconds(60)
    public var logCapacity = 1_000
    /// Autotask: the share of the tenant's threshold bulk work may bring it to (nil: no quota pacing).
    /// 0.75 keeps our bulk work from pushing the tenant into the +1 s tier; 0.5 out of any tier.
    public var ceiling: Double? = nil
    /// Autotask: read the server-added latency from response times.
    public var detectLatencyTiers = false
    /// Autotask attachment limits: per file, and per tenant in a 5-minute window.
    public var attachmentFileLimit = 6_000_000
    public var attachmentWindowBytes = 10_000_000
    /// Compresses the vendor's windows (quota timeframe, attachment window, tier latencies) for a
    /// time-scaled simulator. 1 against a real tenant.
    public var timeScale = 1.0

    public init() {}

    /// Every window the limiter keeps to.
    public var windowLimits: [WindowLimit] { (perMinuteLimit.map { [.perMinute($0)] } ?? []) + windows }
}

/// One request as a caller asks for it.
public struct ClientRequest: Sendable {
    public var spec: HTTPRequestSpec
    /// Thread-slot key (Autotask: the object endpoint, e.g. "Tickets").
    public var endpoint: String
    /// What the request log shows instead of the URL (no query secrets).
    public var logPath: String
    /// Safe to repeat (GET, query POSTs). Non-idempotent requests are retried only after a 429, which the server did not process.
    public var idempotent: Bool
    public var purpose: String
    /// Takes no thread slot and ignores the pause (zone discovery is exempt).
    public var exempt = false
    /// Nil: the priority of the calling task (`RequestPriority.current`).
    public var priority: RequestPriority? = nil
    /// Size of the file an attachment upload carries (Autotask's attachment limits apply).
    public var attachmentBytes: Int? = nil
    /// Both bodies hold credentials (an OAuth token request: the client secret out, the bearer
    /// token back): the request view shows neither.
    public var redactsBodies = false

    public init(
        spec: HTTPRequestSpec, endpoint: String, logPath: String, idempotent: Bool, purpose: String,
        exempt: Bool = false,
        priority: RequestPriority? = nil, attachmentBytes: Int? = nil
    ) {
        self.spec = spec
        self.endpoint = endpoint
        self.logPath = logPath
        self.idempotent = idempotent
        self.purpose = purpose
        self.exempt = exempt
        self.priority = priority
        self.attachmentBytes = attachmentBytes
    }
}
