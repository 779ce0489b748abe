import Foundation
import PSACore

/// psatop's own rate, from the client's own records: what was sent when (the exact log the
/// pacing uses), what is out now, how long recent answers took, and the last 429.
extension RateAwareClient {
    /// Answers whose durations the latency percentiles are taken over.
    static let latencySamples = 100

    /// Notes an answer's duration and, for a 429, when it came, its `Retry-After` and who sent it.
    func noteAnswer(_ r: HTTPResult, duration: Double) {
        latencies.append(duration)
        if latencies.count > Self.latencySamples { latencies.removeFirst(latencies.count - Self.latencySamples) }
        guard r.status == 429 else { return }
        let now = clock.now()
        throttleTimes.append(now.seconds)
        if throttleTimes.count > 2_000 { throttleTimes.removeFirst(1_000) }
        let wait = r.header("Retry-After").flatMap { RetryAfter.parse($0, now: wallTime(now)) }
        last429 = (now.seconds, wait?.seconds, OwnRate.isEdgeThrottle(status: r.status, body: r.body))
    }

    /// Our rate over the last 1, 5 and 60 minutes of the vendor's clock, requests in flight,
    /// latency p50/p95 of the last answers, 429s in the last hour and the last one (with when
    /// its `Retry-After` ends), and what the window limiter learned from 429s.
    public func ownRate() -> OwnRate {
        let scale = max(policy.timeScale, 0.001)
        let now = clock.now().seconds
        let hour = 3_600 / scale
        return OwnRate(
            lastMinute: sentInLast(seconds: 60 / scale), last5Minutes: sentInLast(seconds: 300 / scale),
            lastHour: sentInLast(seconds: hour), inFlight: sending,
            p50: OwnRate.percentile(latencies, 0.5), p95: OwnRate.percentile(latencies, 0.95),
            throttled: throttleTimes.reversed().prefix { $0 > now - hour }.count,
            last429: last429.flatMap { t in
                now - t.at < hour
                    ? OwnRate.Throttle(
                        at: wallTime(.seconds(double: t.at)),
                        retryUntil: t.retryAfter.map { wallTime(.seconds(double: t.at + $0)) }, edge: t.edge)
                    : nil
            },
            learned: learnedLimit())
    }
}
