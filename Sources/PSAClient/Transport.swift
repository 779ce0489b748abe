import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP request as the client sends it.
public struct HTTPRequestSpec: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: Data?

    public init(method: String, url: String, headers: [(String, String)] = [], body: Data? = nil) {
        self.method = method; self.url = url; self.headers = headers; self.body = body
    }
}

/// The answer to it.
public struct HTTPResult: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status; self.headers = headers; self.body = body
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
public struct AHCTransport: HTTPTransport {
    let client: HTTPClient
    /// Bodies larger than this are refused rather than buffered (hostile servers).
    public var maxBodyBytes = 64 << 20

    public init(client: HTTPClient = AHCTransport.sharedClient) { self.client = client }

    /// One HTTP client for the process. Failed connection attempts are not retried inside
    /// async-http-client (its pool would retry a refused connection until the request's deadline —
    /// minutes against a server that is down); the rate-aware client retries, with backoff and a
    /// budget, and shows each attempt in the log. Connecting may take 10 s; TLS verification is the default (full).
    public static let sharedClient: HTTPClient = {
        var c = HTTPClient.Configuration()
        c.connectionPool.retryConnectionEstablishment = false
        c.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: c)
    }()

    public func send(_ request: HTTPRequestSpec, timeout: Duration) async throws -> HTTPResult {
        var req = HTTPClientRequest(url: request.url)
        req.method = HTTPMethod(rawValue: request.method)
        for (k, v) in request.headers { req.headers.add(name: k, value: v) }
        if let body = request.body { req.body = .bytes(ByteBuffer(bytes: body)) }
        do {
            let secs = Int64(timeout.components.seconds)
            let resp = try await client.execute(req, timeout: .seconds(max(1, secs)))
            let buf = try await resp.body.collect(upTo: maxBodyBytes)
            return HTTPResult(status: Int(resp.status.code), headers: resp.headers.map { ($0.name, $0.value) },
                              body: Data(buf.readableBytesView))
        } catch let e as HTTPClientError {
            throw TransportError(Self.describe(e))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw TransportError(Self.describe(other: error))
        }
    }

    /// Socket errors in words ("connection refused"), not NIO's internal description.
    static func describe(other error: any Error) -> String {
        let text = String(describing: error)
        let known = ["Connection refused": "connection refused", "No route to host": "no route to host",
                     "Network is unreachable": "network unreachable", "Connection reset by peer": "connection reset by the server",
                     "Name or service not known": "host name not found", "No address associated": "host name not found"]
        if let hit = known.first(where: { text.contains($0.key) }) { return hit.value }
        return text.prefix(200).description
    }

    static func describe(_ e: HTTPClientError) -> String {
        switch e {
        case .deadlineExceeded, .readTimeout, .connectTimeout: "timed out"
        case .remoteConnectionClosed: "connection closed by the server"
        default: String(describing: e).prefix(200).description
        }
    }
}

/// Plain `http://` is refused for any host but loopback.
public enum URLPolicy {
    public struct Refused: Error, CustomStringConvertible { public var description: String }

    public static func check(_ text: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw Refused(description: "'\(text)' is not a valid URL (expected https://host/…)")
        }
        switch scheme {
        case "https": return url
        case "http" where isLoopback(host): return url
        case "http": throw Refused(description: "plain http:// is refused for \(host): use https:// (http is allowed only for loopback addresses)")
        default: throw Refused(description: "unsupported URL scheme '\(scheme)' in \(text)")
        }
    }

    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" { return true }
        let parts = h.split(separator: ".")
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
