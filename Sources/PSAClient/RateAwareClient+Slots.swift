import Foundation
import PSACore

/// The thread limit: at most N requests in flight per endpoint, waiters served in order.
extension RateAwareClient {
    // MARK: Thread slots

    /// Takes a slot of the endpoint, waiting in FIFO order if all are busy. True if it waited.
    /// A caller cancelled while waiting leaves the queue and never sends.
    func takeSlot(_ endpoint: String) async throws -> Bool {
        if inFlight[endpoint, default: 0] < policy.threadsPerEndpoint {
            inFlight[endpoint, default: 0] += 1
            maxInFlightSeen[endpoint] = max(maxInFlightSeen[endpoint, default: 0], inFlight[endpoint]!)
            return false
        }
        let id = UUID()
        let handed = await withTaskCancellationHandler {
            await withCheckedContinuation { slotWaiters[endpoint, default: []].append((id, $0)) }
        } onCancel: {
            Task { await self.cancelSlotWait(endpoint, id) }
        }
        guard handed else { throw CancellationError() }
        // The releaser handed its slot over: inFlight already counts us.
        maxInFlightSeen[endpoint] = max(maxInFlightSeen[endpoint, default: 0], inFlight[endpoint]!)
        return true
    }

    /// Callers waiting for a slot of the endpoint.
    public func queuedForSlot(_ endpoint: String) -> Int { slotWaiters[endpoint]?.count ?? 0 }

    func cancelSlotWait(_ endpoint: String, _ id: UUID) {
        // already handed a slot
        guard let i = slotWaiters[endpoint]?.firstIndex(where: { $0.id == id }) else { return }
        slotWaiters[endpoint]!.remove(at: i).continuation.resume(returning: false)
    }

    func releaseSlot(_ endpoint: String) {
        if var q = slotWaiters[endpoint], !q.isEmpty {
            let next = q.removeFirst()
            slotWaiters[endpoint] = q
            next.continuation.resume(returning: true)  // hand the slot over; inFlight unchanged
        } else {
            inFlight[endpoint, default: 1] -= 1
        }
    }
}
