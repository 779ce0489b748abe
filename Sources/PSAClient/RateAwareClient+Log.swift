import Foundation
import PSACore

/// The request log, the exchange the request view shows, and redaction.
extension RateAwareClient {
    // MARK: Log

    func record(
        _ r: ClientRequest, status: Int?, duration: Double, attempt: Int, waited: Double, reason: WaitReason?,
        error: String?,
        result: HTTPResult? = nil
    ) {
        var rec = RequestRecord(
            id: nextID, time: clock.wall(), method: r.spec.method, path: redact(r.logPath), status: status,
            duration: duration, attempt: attempt, waited: waited, waitReason: waited > 0.0005 ? reason : nil,
            error: error, purpose: r.purpose, background: RequestTag.current?.reason)
        nextID += 1
        // The client's own log keeps the summary; its watchers (the request view) get the exchange too.
        log.append(rec)
        if log.count > policy.logCapacity { log.removeFirst(log.count - policy.logCapacity) }
        // (Built only for a watcher: a headless walk with none does not copy and redact bodies for nothing.)
        guard !watchers.isEmpty else { return }
        rec.exchange = exchange(r, result)
        emit(.record(rec))
    }

    /// The request and its answer made safe to show (see `RequestExchange`).
    nonisolated func exchange(_ r: ClientRequest, _ result: HTTPResult?) -> RequestExchange {
        func fields(_ h: [(String, String)]) -> [HeaderField] {
            h.prefix(64).map { name, value in
                HeaderField(
                    String(redact(name).prefix(128)),
                    RequestExchange.isCredentialHeader(name)
                        ? RequestExchange.redacted : String(redact(value).prefix(512)))
            }
        }
        return RequestExchange(
            url: redact(r.spec.url),
            requestHeaders: fields(r.spec.headers),
            // An attachment's file data (base64 of up to 7 MB) is not kept.
            requestBody: r.redactsBodies
                ? RequestExchange.redacted : r.attachmentBytes == nil ? r.spec.body.flatMap(bodyText) : nil,
            requestBodyBytes: r.spec.body?.count ?? 0,
            responseHeaders: fields(result?.headers ?? []),
            responseBody: r.redactsBodies ? RequestExchange.redacted : result.flatMap { bodyText($0.body) },
            responseBodyBytes: result?.body.count ?? 0)
    }

    /// The start of a body as text with secrets removed. The cut comes after redacting, so a
    /// secret that straddles the limit is removed whole rather than shown in part.
    nonisolated func bodyText(_ data: Data) -> String? {
        guard !data.isEmpty else { return nil }
        let limit = RequestExchange.bodyLimit
        let longest = redactor.longest
        // Token fields (an OAuth answer's access_token…) as the recording redacts them. Only the
        // kept prefix is worked on (a server's 15 MB page is not re-scanned on the tenant's
        // actor): a token answer is small; a large body whose kept part names a token field is
        // not shown at all rather than shown in part.
        let kept = data.prefix(64 << 10)
        let body: Data
        if data.count <= kept.count {
            body = RequestExchange.redactingTokens(data).body
        } else if RequestExchange.mentionsTokenKey(kept) {
            return RequestExchange.redacted
        } else {
            body = kept
        }
        let safe = redact(String(decoding: body.prefix(limit + longest), as: UTF8.self))
        guard safe.utf8.count > limit else { return safe }
        return String(decoding: Array(safe.utf8.prefix(limit)), as: UTF8.self)
    }

    /// Removes any secret (raw, escaped or percent-encoded: see `SecretRedactor`) from text bound
    /// for the log or an error.
    public nonisolated func redact(_ text: String) -> String { redactor(text) }

    /// Tightens to what the server says: its limit for the pacer, and when nothing remains,
    /// holds the queue until its reset instead of drawing a 429.
    func noteRateLimitHeaders(_ r: HTTPResult) {
        let now = clock.now()
        guard let h = RateLimitHeaders(r, now: wallTime(now)) else { return }
        lastRateLimitHeaders = h
        lastRateLimitAt = wallTime(now)
        if let remaining = h.remaining, remaining <= 0, let reset = h.resetSeconds, reset > 0, r.status != 429 {
            holdQueue(
                from: now, for: .seconds(double: min(reset, 3_600)) + jitter(upTo: .milliseconds(250)), reason: .paced,
                detail: "the server says no requests remain until its window resets")
        }
    }
}
