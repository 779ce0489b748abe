import Foundation
import PSAClient
import PSACore
import Synchronization

/// `--record FILE.har`: every exchange of every tenant written as a HAR 1.2 entry as it comes.
///
/// Nothing that authenticates is written. Each text goes through its tenant client's `redact`
/// (every configured secret removed, the same redaction as the request view and `-v`); the
/// value of every header `RequestExchange.isCredentialHeader` names is `[redacted]`; the
/// values of token fields in answers (`access_token`, `refresh_token`, …) are `[redacted]`
/// and, as secrets obtained at run time, removed wherever else they appear. Attachment file
/// data is left out (its size said). Then, unless `--no-scrub`, the `Scrubber` replaces
/// personal data with stable fakes.
public final class HARRecorder: Sendable {
    public let file: HARFile
    public let scrubber: Scrubber?
    private let notice: @Sendable (String) -> Void
    /// Token values answers brought (removed from everything written after).
    private let obtained = Mutex<(values: [String], redactor: SecretRedactor)>(([], SecretRedactor([])))

    /// JSON keys whose long values are attachment file data (base64).
    static let attachmentDataKeys: Set<String> = ["data", "filedata", "attachmentdata", "base64data"]

    public init(file: HARFile, scrubber: Scrubber?, notice: @escaping @Sendable (String) -> Void) {
        self.file = file
        self.scrubber = scrubber
        self.notice = notice
    }

    /// A transport recording through `inner`, and the function that gives it its client's
    /// `redact` once the client exists (nothing is sent before: the client is made with it).
    public func wrap(_ inner: any HTTPTransport, clock: PSAClock = .continuous)
        -> (any HTTPTransport, @Sendable (@escaping @Sendable (String) -> String) -> Void)
    {
        let box = RedactBox()
        let transport = RecordingTransport(inner, clock: clock) { [self] exchange in
            record(exchange, redact: box.redact)
        }
        return (transport, { box.set($0) })
    }

    /// Writes one exchange.
    public func record(_ x: RecordedExchange, redact: @Sendable (String) -> String) {
        let entry = self.entry(x, redact: redact)
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        guard let json = try? JSONSerialization.data(withJSONObject: entry, options: options) else { return }
        if file.append(Array(json)) == .capReached {
            let mb = file.maxBytes / 1_048_576
            notice(
                "the recording reached \(mb) MB (--record-max-mb) after \(file.entryCount) exchanges and stopped; "
                    + "\(file.path) is complete and valid up to there")
        }
    }

    // MARK: Making text safe

    /// Text with every configured secret and every token obtained so far removed.
    func safe(_ text: String, _ redact: (String) -> String) -> String {
        let tokens = obtained.withLock { $0.redactor }
        let t = redact(text)
        return tokens.isEmpty ? t : tokens(t)
    }

    /// A body as written: token values and attachment data out, secrets removed, then scrubbed.
    /// nil when it is no text (binary data is left out; its size is kept by the caller).
    func bodyText(_ data: Data, url: String? = nil, redact: (String) -> String) -> String? {
        guard !data.isEmpty, String(data: data, encoding: .utf8) != nil else { return nil }
        // Token fields first (the request view's redaction), learnt as secrets for what follows.
        let (withoutTokens, tokens) = RequestExchange.redactingTokens(data)
        let learnt = tokens.filter { $0.count >= 4 }
        if !learnt.isEmpty {
            obtained.withLock {
                $0.values.append(contentsOf: learnt)
                $0.redactor = SecretRedactor($0.values)
            }
        }
        var cleaned = String(decoding: withoutTokens, as: UTF8.self)
        if let json = JSONStrings.rewrite(
            withoutTokens,
            { path, value in
                let key = path.last?.lowercased() ?? ""
                guard Self.attachmentDataKeys.contains(key), value.utf8.count > 256 else { return nil }
                return "[attachment data left out: \(value.utf8.count) base64 characters]"
            })
        {
            cleaned = String(decoding: json, as: UTF8.self)
        }
        cleaned = safe(cleaned, redact)
        return scrubber.map { $0.body(cleaned, url: url) } ?? cleaned
    }

    func url(_ text: String, _ redact: (String) -> String) -> String {
        let t = safe(text, redact)
        return scrubber.map { $0.url(t) } ?? t
    }

    func headers(_ list: [(String, String)], _ redact: (String) -> String) -> [[String: Any]] {
        list.map { name, value in
            let v: String
            if RequestExchange.isCredentialHeader(name) {
                v = RequestExchange.redacted
            } else {
                let t = safe(value, redact)
                v = scrubber.map { $0.header(name, t) } ?? t
            }
            return ["name": safe(name, redact), "value": v]
        }
    }

    // MARK: The entry

    func entry(_ x: RecordedExchange, redact: (String) -> String) -> [String: Any] {
        let ms = (x.duration * 1_000 * 1_000).rounded() / 1_000
        let url = self.url(x.request.url, redact)
        var request: [String: Any] = [
            "method": x.request.method, "url": url, "httpVersion": "HTTP/1.1", "cookies": [[String: Any]](),
            "headers": headers(x.request.headers, redact), "queryString": Self.queryString(url),
            "headersSize": -1, "bodySize": x.request.body?.count ?? 0,
        ]
        if let body = x.request.body, !body.isEmpty {
            let mime = Self.header("Content-Type", x.request.headers) ?? "application/json"
            var post: [String: Any] = ["mimeType": mime]
            if let text = bodyText(body, url: x.request.url, redact: redact) {
                post["text"] = text
            } else {
                post["comment"] = "binary data left out (\(body.count) bytes)"
            }
            request["postData"] = post
        }
        var response: [String: Any] = [
            "status": x.result?.status ?? 0, "statusText": Self.statusText(x.result?.status ?? 0),
            "httpVersion": "HTTP/1.1",
            "cookies": [[String: Any]](), "headers": headers(x.result?.headers ?? [], redact), "headersSize": -1,
            "bodySize": x.result?.body.count ?? 0,
            "redirectURL": x.result?.header("Location").map { self.url($0, redact) } ?? "",
        ]
        var content: [String: Any] = [
            "size": x.result?.body.count ?? 0,
            "mimeType": x.result?.header("Content-Type") ?? "application/octet-stream",
        ]
        if let body = x.result?.body, !body.isEmpty {
            if let text = bodyText(body, url: x.request.url, redact: redact) {
                content["text"] = text
            } else {
                content["comment"] = "binary data left out (\(body.count) bytes)"
            }
        }
        response["content"] = content
        if let error = x.error { response["_error"] = safe(error, redact) }
        return [
            "startedDateTime": Self.iso(x.started), "time": ms, "request": request, "response": response,
            "cache": [String: Any](),
            "timings": ["blocked": -1, "dns": -1, "connect": -1, "ssl": -1, "send": 0, "wait": ms, "receive": 0],
        ]
    }

    static func header(_ name: String, _ list: [(String, String)]) -> String? {
        list.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    /// The URL's query as HAR lists it: each parameter decoded.
    static func queryString(_ url: String) -> [[String: String]] {
        guard let q = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return [] }
        return q.split(separator: "&").map { part in
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            return ["name": decode(kv[0]), "value": kv.count > 1 ? decode(kv[1]) : ""]
        }
    }

    static func iso(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: d)
    }

    static func statusText(_ s: Int) -> String {
        let known = [
            200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 302: "Found",
            304: "Not Modified", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            405: "Method Not Allowed",
            409: "Conflict", 429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
            503: "Service Unavailable", 504: "Gateway Timeout",
        ]
        return known[s] ?? ""
    }
}

/// A client's `redact`, given once the client is made.
final class RedactBox: Sendable {
    private let fn = Mutex<(@Sendable (String) -> String)?>(nil)
    func set(_ f: @escaping @Sendable (String) -> String) { fn.withLock { $0 = f } }
    func redact(_ s: String) -> String { fn.withLock { $0 }.map { $0(s) } ?? s }
}
