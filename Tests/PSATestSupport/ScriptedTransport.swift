import Clocks
import Foundation
import PSAClient
import PSACore

/// A transport that answers from a script and remembers when each request went out.
public actor ScriptedTransport: HTTPTransport {
    public struct Sent: Sendable {
        public let at: Double
        public let request: HTTPRequestSpec
        public var url: String { request.url }
        public var method: String { request.method }
    }
    public typealias Script =
        @Sendable (_ index: Int, _ at: Double, _ request: HTTPRequestSpec) -> (HTTPResult, hold: Duration)

    private let clock: PSAClock
    private let script: Script
    public private(set) var sent: [Sent] = []
    public private(set) var inFlight = 0
    public private(set) var maxInFlight = 0

    public init(clock: PSAClock, script: @escaping Script) {
        self.clock = clock
        self.script = script
    }

    public func send(_ request: HTTPRequestSpec, timeout: Duration) async throws -> HTTPResult {
        let at = clock.now().seconds
        let index = sent.count
        sent.append(Sent(at: at, request: request))
        inFlight += 1
        maxInFlight = max(maxInFlight, inFlight)
        defer { inFlight -= 1 }
        let (result, hold) = script(index, at, request)
        // Hold until an absolute deadline, however late this task got here.
        let remaining = .seconds(double: at) + hold - clock.now()
        if remaining > .zero { try await clock.sleep(remaining) }
        return result
    }

    public var sendTimes: [Double] { sent.map(\.at) }
}

public func get(_ path: String = "Tickets/1", endpoint: String = "Tickets", idempotent: Bool = true) -> ClientRequest {
    ClientRequest(
        spec: HTTPRequestSpec(method: idempotent ? "GET" : "POST", url: "https://example.invalid/\(path)"),
        endpoint: endpoint, logPath: "/" + path, idempotent: idempotent, purpose: "test")
}

public let ok = HTTPResult(status: 200, body: Data("{}".utf8))
public let epoch = Date(timeIntervalSince1970: 1_700_000_000)

public struct TimedOut: Error {
    public init() {}
}

/// Yields until a condition holds (real time is not involved: at most 10,000 yields).
/// Waits (in real time, the test clock untouched) until `condition` holds: yields first, then
/// polls every millisecond, for up to about 20 s — a loaded machine can take longer than ten
/// thousand yields to start a task.
public func eventually(_ condition: @Sendable () async -> Bool) async throws {
    for i in 0..<30_000 {
        if await condition() { return }
        if i < 10_000 { await Task.yield() } else { try await Task.sleep(for: .milliseconds(1)) }
    }
    throw TimedOut()
}

/// Advances a test clock in steps until `done` holds. (`TestClock.run()` can return while a task
/// is between two sleeps, and its real-time timeout cancels every sleeper on a busy machine.)
/// `advance(by:)` wakes each sleeper at its own deadline, so timings stay exact.
public func drive(
    _ clock: TestClock<Duration>, step: Duration = .milliseconds(250), until done: @Sendable () async -> Bool
)
    async throws
{
    for _ in 0..<20_000 {
        if await done() { return }
        await clock.advance(by: step)
        // Let the tasks the step woke run before time moves on, so what they record is on time.
        for _ in 0..<10 { await Task.yield() }
    }
    throw TimedOut()
}

/// Drives the clock until `task` has finished and returns its value. (Awaiting a request's task
/// right after seeing it sent would wait forever: the transport holds its answer until the clock
/// moves, and nothing moves it.)
public func drive<T: Sendable>(
    _ clock: TestClock<Duration>, step: Duration = .milliseconds(250),
    untilDone task: Task<T, any Error>
) async throws -> T {
    let done = Flag()
    Task {
        _ = await task.result
        await done.set()
    }
    try await drive(clock, step: step) { await done.isSet }
    return try await task.value
}

public actor Flag {
    public private(set) var isSet = false
    public init() {}
    public func set() { isSet = true }
}

/// A client on a test clock over a scripted transport: the setup every pacing test shares.
public struct Harness: Sendable {
    public let test = TestClock<Duration>()
    public let clock: PSAClock
    public let transport: ScriptedTransport
    public let client: RateAwareClient

    public init(policy: ClientPolicy = ClientPolicy(), seed: UInt64 = 1, script: @escaping ScriptedTransport.Script) {
        clock = PSAClock(test, epoch: epoch)
        transport = ScriptedTransport(clock: clock, script: script)
        client = RateAwareClient(transport: transport, policy: policy, clock: clock, seed: seed)
    }

    /// Advances the clock until the transport has seen `n` requests.
    public func drive(untilSent n: Int) async throws {
        try await PSATestSupport.drive(test) { await transport.sent.count >= n }
    }
}
