import Foundation
import PSACore

/// Bulk work under the quota ceiling (Autotask) and the attachment byte budget.
extension RateAwareClient {
    // MARK: Quota ceiling

    /// Holds a bulk request while the tenant is at our ceiling, spreads it near the ceiling, and
    /// refreshes the reading when it is too old to decide on. True if it waited.
    func passCeiling() async throws -> Bool {
        guard governor != nil else { return false }
        ceilingWaiters += 1
        defer {
            ceilingWaiters -= 1
            if ceilingWaiters == 0, ceilingStatus?.state == .holding || Task.isCancelled { setCeiling(nil) }
        }
        var waited = false
        var readJustNow = false
        while true {
            try Task.checkCancellation()
            guard let g = governor else { return waited }
            let now = clock.now().seconds
            let ours = oursSinceReading()
            var decision = g.decide(now: now, oursSinceReading: ours, lastBulkAt: lastBulkAt)
            if decision == .read {
                // Without a way to read (or right after a failed read) decide on what we have.
                let recentlyFailed = quotaReadFailedAt.map { now - $0 < g.recheck } ?? false
                if quotaSource.read != nil, !recentlyFailed, !readJustNow {
                    await refreshQuota()
                    readJustNow = true
                    continue
                }
                // A read that left no usable reading (numbers refused, or still stale at once)
                // counts as a failed one: no one reads again before `recheck`. No endless re-read.
                if readJustNow, quotaReadFailedAt == nil { quotaReadFailedAt = now }
                decision = g.decide(now: now, oursSinceReading: ours, lastBulkAt: lastBulkAt, acceptOld: true)
            }
            let status = { (state: CeilingStatus.State) in
                CeilingStatus(
                    state: state, estimate: g.estimate(oursSinceReading: ours) ?? 0, ceiling: g.ceilingCount ?? 0,
                    threshold: g.reading?.threshold ?? 0)
            }
            switch decision {
            case .go, .read:
                lastBulkAt = now
                if ceilingStatus != nil { setCeiling(nil) }
                return waited
            case .spread(let seconds):
                readJustNow = false
                if ceilingStatus?.state != .holding { setCeiling(status(.spreading)) }
                waited = true
                try await nap(until: .seconds(double: now + seconds))
            case .hold(let seconds):
                readJustNow = false
                setCeiling(status(.holding))
                waited = true
                try await nap(until: .seconds(double: now + seconds))
            }
        }
    }

    func setCeiling(_ s: CeilingStatus?) {
        guard s != ceilingStatus else { return }
        ceilingStatus = s
        emit(.ceiling(s))
    }

    /// One reading at a time, however many bulk callers need it.
    func refreshQuota() async {
        guard let source = quotaSource.read else { return }
        if quotaRead == nil {
            quotaRead = Task { try await RequestPriority.$current.withValue(.reading) { try await source() } }
        }
        let task = quotaRead!
        do {
            try await task.value
            quotaReadFailedAt = nil
        } catch { quotaReadFailedAt = clock.now().seconds }
        if quotaRead == task { quotaRead = nil }
    }

    // MARK: Attachments

    /// Refuses a file over the per-file limit before sending; waits while the tenant's attachment
    /// bytes in the window would pass the limit. Returns the seconds waited and the budget's token.
    func passAttachmentBudget(_ bytes: Int) async throws -> (Double, Int) {
        guard bytes <= attachments.fileLimit else {
            throw APIError(
                kind: .refused, status: nil,
                detail:
                    "the file is \(ByteSize.text(bytes)); Autotask takes at most \(ByteSize.text(attachments.fileLimit)) per attachment"
            )
        }
        let start = clock.now().seconds
        while true {
            try Task.checkCancellation()
            let now = clock.now().seconds
            let wait = attachments.wait(for: bytes, at: now)
            if wait <= 0 {
                return (now - start, attachments.record(bytes, at: now))
            }
            emit(
                .attachmentWait(
                    used: attachments.used(at: now), limit: attachments.windowBytes,
                    until: wallTime(.seconds(double: now + wait))))
            try await nap(until: .seconds(double: now + wait))
        }
    }
}
