import Foundation
import PSACore

/// The whole-queue pause: a 429 holds every request, a suspension lets one probe through.
extension RateAwareClient {
    // MARK: Pause gate

    /// Waits while the queue is held, and while a suspension's probe is out. Returns when the
    /// queue is open or a probe is due (`admit` decides which request is the probe).
    func waitWhilePaused() async throws -> WaitReason? {
        var waitedFor: WaitReason? = nil
        while true {
            try Task.checkCancellation()
            if let until = pausedUntil {
                let now = clock.now()
                if now < until {
                    waitedFor = pauseReason
                    try await nap(until: until)
                    continue
                }
                if !suspended {
                    pausedUntil = nil
                    emit(.resumed)
                }
            }
            guard suspended, probing else { return waitedFor }
            waitedFor = .suspended
            let id = UUID()
            await withTaskCancellationHandler {
                await withCheckedContinuation { probeWaiters.append((id, $0)) }
            } onCancel: {
                Task { await self.cancelProbeWait(id) }
            }
        }
    }

    enum Admission { case go, probe, wait }

    /// The last look before a request goes out, with no suspension point between it and the
    /// send: the queue open → go; suspended with no probe out → this request is the probe (the
    /// one request that may go); held or a probe out → wait again. Only this sets `probing`, and
    /// the send that follows always settles it.
    func admit() -> Admission {
        if let until = pausedUntil {
            if clock.now() < until { return .wait }
            if !suspended {
                pausedUntil = nil
                emit(.resumed)
            }
        }
        guard suspended else { return .go }
        if probing { return .wait }
        probing = true
        return .probe
    }

    /// Callers waiting for a suspension's probe to settle (for tests: a cancel that lands before
    /// a caller queued proves nothing about the queue).
    @_spi(Testing) public var queuedForProbe: Int { probeWaiters.count }

    /// A cancelled caller leaves the probe queue at once instead of waking later and sending.
    func cancelProbeWait(_ id: UUID) {
        guard let i = probeWaiters.firstIndex(where: { $0.id == id }) else { return }
        probeWaiters.remove(at: i).continuation.resume()
    }

    func beginSuspension(detail: String, isProbe: Bool) {
        let wasSuspended = suspended
        suspended = true
        if isProbe { probing = false }
        probeFailures = 0
        pausedUntil = clock.now() + policy.suspensionProbe + jitter(upTo: policy.pauseJitterMax)
        pauseReason = .suspended
        if !wasSuspended || isProbe { emit(.paused(until: wallTime(pausedUntil!), reason: .suspended, detail: detail)) }
        wakeProbeWaiters()
    }

    /// Settles a probe. A success ends the suspension. A failure that is not a suspension answer
    /// (a 500, a timeout) leaves the tenant suspended and puts the next probe out by a growing
    /// backoff, so a failing server does not see a quick series of probes.
    func endProbe(stillSuspended: Bool) {
        probing = false
        if !stillSuspended {
            suspended = false
            probeFailures = 0
            pausedUntil = nil
            emit(.resumed)
        } else if suspended {
            probeFailures += 1
            let ceiling = min(policy.backoff.ceiling(attempt: probeFailures), policy.suspensionProbe)
            let wait = ceiling / 2 + jitter(upTo: ceiling / 2)
            pausedUntil = clock.now() + wait
            pauseReason = .suspended
            emit(
                .paused(
                    until: wallTime(pausedUntil!), reason: .suspended,
                    detail: "the probe failed; probing again after a backoff"))
        }
        wakeProbeWaiters()
    }

    func wakeProbeWaiters() {
        let w = probeWaiters
        probeWaiters = []
        for c in w { c.continuation.resume() }
    }

    func holdQueue(from now: Duration, for pause: Duration, reason: WaitReason, detail: String) {
        let until = now + pause
        if pausedUntil.map({ until > $0 }) ?? true {
            pausedUntil = until
            pauseReason = reason
            emit(.paused(until: wallTime(until), reason: reason, detail: detail))
        }
    }

    /// Retry-After (seconds or HTTP-date) or a backoff, with full jitter added on top — never subtracted.
    func pauseFor(_ result: HTTPResult, now: Duration) -> Duration {
        let base =
            result.header("Retry-After").flatMap { RetryAfter.parse($0, now: wallTime(now)) } ?? policy.defaultPause
        return base + jitter(upTo: min(policy.pauseJitterMax, max(.milliseconds(100), base / 4)))
    }

    func jitter(upTo max: Duration) -> Duration {
        .seconds(double: Double.random(in: 0...max.seconds, using: &rng))
    }

    func wallTime(_ d: Duration) -> Date { clock.epoch.addingTimeInterval(d.seconds) }
}
