import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import PSACore

/// One HTTP request as the client sends it.
public struct HTTPRequestSpec: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: Data?
    /// The largest answer taken for this request: a server chooses its sizes, so each kind of
    /// answer has its own bound (JSON pages and lookups a few MiB; attachment data more).
    public var maxBodyBytes: Int

    /// JSON pages and lookups: a page of 500 Autotask tickets with every field is ~1-2 MiB.
    public static let maxJSONBody = 8 << 20
    /// An attachment's data in its JSON envelope: a 6 MB file is 8 MB of base64.
    public static let maxAttachmentJSONBody = 12 << 20
    /// A file fetched as it is (Atera's attachment addresses).
    public static let maxFileBody = 64 << 20

    public init(
        method: String, url: String, headers: [(String, String)] = [], body: Data? = nil,
        maxBodyBytes: Int = HTTPRequestSpec.maxJSONBody
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.maxBodyBytes = maxBodyBytes
    }
}

/// The answer to it.
public struct HTTPResult: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }
}

/// A transport failure (no HTTP answer): connection refused or reset, timeout, TLS.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Where requests actually go. Tests can put anything behind it; production uses async-http-client.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequestSpec, timeout: Duration) async throws -> HTTPResult
}

/// async-http-client transport. TLS verification is never disabled.
///
/// Hostile servers are bounded here, for every vendor alike:
/// - **Redirects never take credentials to another origin.** async-http-client is told not to
///   follow redirects; this transport follows one only to the request's own origin (same scheme,
///   host and port — every request goes to a validated origin, see `OriginPolicy`) and refuses any
///   other with an error naming where it pointed. Nothing is sent to the other origin at all.
/// - **Every request ends by its deadline**, body included: the timeout covers the whole answer
///   (async-http-client's own deadline ends with the headers), and a body that goes silent for
///   `readIdleTimeout` ends sooner. Both surface as "timed out" (retried per the client's policy).
public struct AHCTransport: HTTPTransport {
    let client: HTTPClient
    /// Bodies larger than this are refused rather than buffered (hostile servers); each request
    /// has its own, smaller bound too (`HTTPRequestSpec.maxBodyBytes`).
    public var maxBodyBytes = 64 << 20
    /// An answer whose body sends nothing for this long is abandoned ("timed out").
    public var readIdleTimeout: Duration
    /// Same-origin redirects followed before giving up.
    public var maxRedirects = 5
    /// The clock the deadlines run on.
    let clock: PSAClock

    public init(
        client: HTTPClient = AHCTransport.sharedClient, readIdleTimeout: Duration = .seconds(30),
        clock: PSAClock = .continuous
    ) {
        self.client = client
        self.readIdleTimeout = readIdleTimeout
        self.clock = clock
    }

    /// One HTTP client for the process. Failed connection attempts are not retried inside
    /// async-http-client (its pool would retry a refused connection until the request's deadline —
    /// minutes against a server that is down); the rate-aware client retries, with backoff and a
    /// budget, and shows each attempt in the log. Connecting may take 10 s; TLS verification is the default (full).
    /// Redirects are not followed here (async-http-client would keep custom credential headers such
    /// as `Secret` or `X-API-KEY` across origins): `send` decides.
    public static let sharedClient: HTTPClient = {
        var c = HTTPClient.Configuration()
        c.connectionPool.retryConnectionEstablishment = false
        c.timeout.connect = .seconds(10)
        c.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: c)
    }()

    public func send(_ request: HTTPRequestSpec, timeout: Duration) async throws -> HTTPResult {
        let deadline = clock.now() + timeout
        var current = request
        var hops = 0
        while true {
            let result = try await sendOnce(current, deadline: deadline)
            guard let next = try Self.redirect(result, from: current) else { return result }
            hops += 1
            guard hops <= maxRedirects else {
                throw APIError(
                    kind: .redirected, status: result.status,
                    detail: "more than \(maxRedirects) redirects from \(Origin.describe(current.url))")
            }
            current = next
        }
    }

    /// The request a redirect answer asks for, when it stays on the request's origin; nil when the
    /// answer is no redirect. A redirect to any other origin is refused before anything is sent there.
    public static func redirect(_ result: HTTPResult, from request: HTTPRequestSpec) throws -> HTTPRequestSpec? {
        guard [301, 302, 303, 307, 308].contains(result.status), let location = result.header("Location") else {
            return nil
        }
        guard let base = URL(string: request.url), let target = URL(string: location, relativeTo: base)?.absoluteURL,
            let to = Origin(target), let from = Origin(base)
        else {
            throw APIError(
                kind: .redirected, status: result.status,
                detail: "the server redirected to an unreadable address; not followed")
        }
        guard to == from else {
            throw APIError(
                kind: .redirected, status: result.status,
                detail:
                    "the server at \(from) redirected to \(to), another origin: not followed, so no credential leaves for it. Check the base URL (it may have moved)"
            )
        }
        var next = request
        next.url = target.absoluteString
        // 303 (and 301/302 after anything but GET/HEAD, as browsers do) become a GET without a body.
        if result.status == 303
            || ([301, 302].contains(result.status) && !["GET", "HEAD"].contains(request.method.uppercased()))
        {
            next.method = "GET"
            next.body = nil
        }
        return next
    }

    /// One exchange, headers and whole body, by `deadline`, with the body's read-idle bound.
    private func sendOnce(_ request: HTTPRequestSpec, deadline: Duration) async throws -> HTTPResult {
        var req = HTTPClientRequest(url: request.url)
        req.method = HTTPMethod(rawValue: request.method)
        for (k, v) in request.headers { req.headers.add(name: k, value: v) }
        if let body = request.body { req.body = .bytes(ByteBuffer(bytes: body)) }
        let remaining = deadline - clock.now()
        guard remaining > .zero else { throw TransportError("timed out") }
        let progress = BodyProgress()
        let maxBytes = min(maxBodyBytes, request.maxBodyBytes)
        let (client, clock, idle, sent) = (self.client, self.clock, readIdleTimeout, req)
        do {
            return try await withThrowingTaskGroup(of: HTTPResult?.self) { group in
                group.addTask {
                    let ns = max(
                        1_000_000,
                        remaining.components.seconds * 1_000_000_000 + remaining.components.attoseconds / 1_000_000_000)
                    let resp = try await client.execute(sent, timeout: .nanoseconds(ns))
                    var body = ByteBuffer()
                    await progress.touch(clock.now())
                    // Too large is the server's answer, not a lost connection: refused, never retried.
                    let tooLarge = APIError(
                        kind: .refused, status: Int(resp.status.code),
                        detail: "the answer is larger than \(ByteSize.text(maxBytes)); refused")
                    if let length = resp.headers.first(name: "Content-Length").flatMap(Int.init), length > maxBytes {
                        throw tooLarge
                    }
                    for try await chunk in resp.body {
                        var chunk = chunk
                        guard body.readableBytes + chunk.readableBytes <= maxBytes else { throw tooLarge }
                        body.writeBuffer(&chunk)
                        await progress.touch(clock.now())
                    }
                    return HTTPResult(
                        status: Int(resp.status.code), headers: resp.headers.map { ($0.name, $0.value) },
                        body: Data(body.readableBytesView))
                }
                // The watchdog: returns nil at the deadline, or when the body (once the headers came)
                // has been silent for `idle`. The wait for the headers is bounded by the deadline only.
                group.addTask {
                    while true {
                        let now = clock.now()
                        if now >= deadline { return nil }
                        let last = await progress.last
                        if let last, now >= last + idle { return nil }
                        try await clock.sleep(until: min(deadline, (last ?? now) + idle))
                    }
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let result = first else { throw TransportError("timed out") }
                return result
            }
        } catch _ where Task.isCancelled {
            throw CancellationError()
        } catch let e as HTTPClientError {
            throw TransportError(Self.describe(e))
        } catch is CancellationError {
            throw CancellationError()
        } catch let e as TransportError {
            throw e
        } catch let e as APIError {
            throw e
        } catch {
            throw TransportError(Self.describe(other: error))
        }
    }

    /// Socket errors in words ("connection refused"), not NIO's internal description. A library
    /// error is never turned into text with its payload (an error may carry header values — a
    /// credential — or addresses): a fixed message per known case, else only the error's type.
    static func describe(other error: any Error) -> String {
        let text = String(describing: error)
        let known = [
            "Connection refused": "connection refused", "No route to host": "no route to host",
            "Network is unreachable": "network unreachable",
            "Connection reset by peer": "connection reset by the server",
            "Name or service not known": "host name not found", "No address associated": "host name not found",
            "Temporary failure in name resolution": "host name not found",
            "certificate": "the server's TLS certificate was not accepted",
            "handshake": "the TLS handshake failed",
        ]
        if let hit = known.first(where: { text.contains($0.key) }) { return hit.value }
        return "the connection failed (\(String(describing: type(of: error))))"
    }

    /// async-http-client's errors by case name only (`shortDescription` carries no associated
    /// value: `invalidHeaderFieldValues([...])` would hold the refused header's value).
    static func describe(_ e: HTTPClientError) -> String {
        switch e {
        case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
        case .remoteConnectionClosed: return "connection closed by the server"
        default:
            let name = e.shortDescription
            if name.hasPrefix("Invalid header field") { return "a request header was refused by the HTTP library" }
            return "the HTTP request failed (\(name.lowercased()))"
        }
    }
}

/// An address refused before anything is sent to it (not a URL, plain `http://` off loopback, an
/// origin not allowed credentials).
public struct URLRefused: Error, CustomStringConvertible { public var description: String }

/// Plain `http://` is refused for any host but loopback.
public enum URLPolicy {

    public static func check(_ text: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
        else {
            throw URLRefused(description: "'\(text)' is not a valid URL (expected https://host/…)")
        }
        switch scheme {
        case "https": return url
        case "http" where isLoopback(host): return url
        case "http":
            throw URLRefused(
                description:
                    "plain http:// is refused for \(host): use https:// (http is allowed only for loopback addresses)")
        default: throw URLRefused(description: "unsupported URL scheme '\(scheme)' in \(text)")
        }
    }

    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" { return true }
        let parts = h.split(separator: ".")
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}

/// When the body last brought bytes (nil until the headers came).
private actor BodyProgress {
    private(set) var last: Duration?
    func touch(_ now: Duration) { last = now }
}

/// Scheme, host and port: what a credential may be sent to.
public struct Origin: Hashable, Sendable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int

    public init?(_ url: URL) {
        guard let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(), !host.isEmpty else {
            return nil
        }
        let port = url.port ?? (scheme == "https" ? 443 : scheme == "http" ? 80 : -1)
        guard port > 0 else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    public init?(_ text: String) {
        guard let u = URL(string: text) else { return nil }
        self.init(u)
    }

    public var description: String {
        let defaultPort = (scheme == "https" && port == 443) || (scheme == "http" && port == 80)
        return "\(scheme)://\(host)\(defaultPort ? "" : ":\(port)")"
    }

    /// An address shortened to its origin for messages (never its path or query, which may hold a user name).
    static func describe(_ url: String) -> String { Origin(url)?.description ?? "an unreadable address" }
}

/// What a *validated origin* is, once for every vendor — the only places a credential is sent:
/// - the origin of the base URL the user configured (`URLPolicy.check`: https, or http on loopback);
/// - an origin the client discovered (Autotask's zone from `zoneInformation`) only when it is
///   https and on the vendor's own domain (`*.autotask.net`), or loopback when the discovery
///   address was itself configured as loopback (the simulator, a test).
/// Redirects never leave the request's origin (`AHCTransport`), so nothing reaches any other.
public enum OriginPolicy {
    /// The domains each vendor's discovered addresses must be on.
    public static func domains(_ vendor: Vendor) -> [String] {
        switch vendor {
        case .autotask: ["autotask.net"]
        case .atera: ["atera.com"]
        // Hosted HaloPSA (and its ITSM and service-desk editions); a self-hosted instance's own
        // domain is trusted by HaloAPI, an auth server elsewhere only when configured.
        case .halo: ["halopsa.com", "haloitsm.com", "haloservicedesk.com"]
        // ConnectWise's cloud sites (na., eu., au., za. …); a self-hosted site is its configured origin.
        case .connectwise: ["myconnectwise.net", "connectwisedev.com"]
        }
    }

    /// A configured base URL: its origin, or why it is refused.
    public static func configured(_ text: String) throws -> Origin {
        let url = try URLPolicy.check(text)
        guard let o = Origin(url) else {
            throw URLRefused(description: "'\(text)' is not a valid URL (expected https://host/…)")
        }
        return o
    }

    /// An address a server told us to use (`discovered`), found by asking `source` (itself
    /// configured or the vendor's default): its origin, or a refusal naming it.
    public static func discovered(_ text: String, vendor: Vendor, source: String) throws -> Origin {
        guard let url = URL(string: text), let o = Origin(url) else {
            throw URLRefused(
                description:
                    "the server named '\(String(text.prefix(200)).sanitized)' as the API address, which is not a valid URL"
            )
        }
        if o.scheme == "https", domains(vendor).contains(where: { o.host == $0 || o.host.hasSuffix("." + $0) }) {
            return o
        }
        if let from = Origin(source), URLPolicy.isLoopback(from.host), URLPolicy.isLoopback(o.host) { return o }
        let expected = domains(vendor).map { "https://*.\($0)" }.joined(separator: " or ")
        throw URLRefused(
            description:
                "the server named \(o) as the API address; only \(expected) is trusted with credentials (set base_url to use another)"
        )
    }
}
