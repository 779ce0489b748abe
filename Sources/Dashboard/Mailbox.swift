import Synchronization

/// Events from any thread to the UI loop, which drains them once per frame.
public final class Mailbox: Sendable {
    private let events = Mutex<[DashboardEvent]>([])

    public init() {}

    public func post(_ e: DashboardEvent) { events.withLock { $0.append(e) } }

    public func drain() -> [DashboardEvent] {
        events.withLock { e in
            defer { e.removeAll(keepingCapacity: true) }
            return e
        }
    }
}
