import Dashboard
import Foundation
import History
import PSAClient
import PSACore

/// Whether and where the quota history is kept: `history = false` / `--no-history` turn it off,
/// `history_days` sets how long it keeps (35 by default).
public struct HistoryConfig: Sendable, Equatable {
    public var enabled = true
    public var days = 35
    public var path: String
    /// The store's size bound (the oldest days go first past it).
    public var maxBytes = 64 * 1024 * 1024
    /// How often the recorder writes (on the session's clock).
    public var flushEvery: Duration = .seconds(5)
    public init(path: String = HistoryStore.defaultPath()) { self.path = path }
}

/// One command's history: a recorder, and a tap per tenant. Readings reach it through
/// `observe` (the poller's events, in order), requests straight from each tenant's client.
public final class HistorySession: Sendable {
    public let recorder: HistoryRecorder
    /// Index-aligned with the connections it was started with.
    public let taps: [HistoryTap]
    let clients: [RateAwareClient]
    let queue: AsyncStream<(Int, PollerEvent)>.Continuation
    let relay: Task<Void, Never>

    /// Starts recording for `connections`; nil when the history is off by configuration.
    /// `say` is told "history off: <reason>" once, if the store cannot be used.
    public static func start(
        _ config: HistoryConfig, kind: ProcessKind, connections: [Connection], clock: PSAClock = .continuous,
        environment env: [String: String] = ProcessInfo.processInfo.environment,
        say: @escaping @Sendable (String) -> Void
    ) async -> HistorySession? {
        guard config.enabled, !connections.isEmpty else { return nil }
        var settings = HistoryRecorder.Settings(path: config.path, kind: kind)
        settings.retentionDays = config.days
        settings.maxBytes = config.maxBytes
        settings.flushEvery = config.flushEvery
        let recorder = HistoryRecorder(settings: settings, clock: clock, say: say)
        var taps: [HistoryTap] = []
        for c in connections {
            let tap = HistoryTap(recorder: recorder, connection: c, clock: clock, environment: env)
            await tap.watch(c.api.client)
            taps.append(tap)
        }
        await recorder.start()
        return HistorySession(recorder: recorder, taps: taps, clients: connections.map(\.api.client))
    }

    init(recorder: HistoryRecorder, taps: [HistoryTap], clients: [RateAwareClient]) {
        self.recorder = recorder
        self.taps = taps
        self.clients = clients
        let (stream, cont) = AsyncStream<(Int, PollerEvent)>.makeStream(bufferingPolicy: .bufferingNewest(10_000))
        queue = cont
        relay = Task {
            for await (i, e) in stream where taps.indices.contains(i) { await taps[i].observe(e) }
        }
    }

    /// A poller's event for the tenant at `index` (only readings are kept; cheap for the rest).
    public func observe(_ index: Int, _ e: PollerEvent) {
        switch e {
        case .quota: queue.yield((index, e))
        default: break
        }
    }

    /// At the end of the run (the clients send nothing more): counts what they sent, writes what is left.
    public func finish() async {
        queue.finish()
        await relay.value
        for (t, c) in zip(taps, clients) { await t.stop(draining: c) }
        await recorder.stop()
    }
}
