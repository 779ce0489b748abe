import Foundation
import PSACore

/// One exchange as it went over the wire, for a recording: the request, its answer (nil for a
/// transport failure, with `error`), when it started and how long the answer took. Raw: nothing
/// is redacted yet (the recorder does that before anything is written).
public struct RecordedExchange: Sendable {
    public var request: HTTPRequestSpec
    public var result: HTTPResult?
    public var error: String?
    public var started: Date
    /// Seconds from sending to the whole answer (the server's added latency included).
    public var duration: Double

    public init(request: HTTPRequestSpec, result: HTTPResult?, error: String?, started: Date, duration: Double) {
        self.request = request
        self.result = result
        self.error = error
        self.started = started
        self.duration = duration
    }
}

/// A transport that hands every exchange of the one behind it to `sink` (`--record`): every
/// request the client sends goes through here, retries and probes included, so the recording is
/// what the server really saw and said.
public struct RecordingTransport: HTTPTransport {
    public let inner: any HTTPTransport
    public let clock: PSAClock
    public let sink: @Sendable (RecordedExchange) -> Void

    public init(
        _ inner: any HTTPTransport, clock: PSAClock = .continuous,
        sink: @escaping @Sendable (RecordedExchange) -> Void
    ) {
        self.inner = inner
        self.clock = clock
        self.sink = sink
    }

    public func send(_ request: HTTPRequestSpec, timeout: Duration) async throws -> HTTPResult {
        let started = clock.wall()
        let t0 = clock.now()
        do {
            let result = try await inner.send(request, timeout: timeout)
            sink(
                RecordedExchange(
                    request: request, result: result, error: nil, started: started,
                    duration: (clock.now() - t0).seconds))
            return result
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            sink(
                RecordedExchange(
                    request: request, result: nil, error: String(describing: error), started: started,
                    duration: (clock.now() - t0).seconds))
            throw error
        }
    }
}
