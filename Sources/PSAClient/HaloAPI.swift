import Foundation
import PSACore

/// A HaloPSA application's client credentials (OAuth2 client credentials grant).
public struct HaloCredentials: Sendable {
    public var clientID: String
    public var clientSecret: String
    /// The scope asked for (`all` unless the application is narrower).
    public var scope: String
    public init(clientID: String, clientSecret: String, scope: String = "all") {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.scope = scope
    }
}

/// A self-hosted instance's limit is not known and none was configured: the count is ours alone.
public struct UnknownLimit: Error, Sendable, CustomStringConvertible {
    /// Our requests in the window.
    public var own: Int
    public var description: String {
        "limit unknown: \(own) of our requests in the last 5 minutes (set rate_limit for a gauge)"
    }
}

/// HaloPSA over the tenant's rate-aware client: `/api/authinfo` names the auth server, a
/// client-credentials token is fetched (refreshed a minute before it ends, and once on a 401),
/// and every request — the token's too — goes through `client.send`. Hosted Halo allows 300
/// requests per rolling 5 minutes and reports no usage: the quota is our own count.
public struct HaloAPI: TenantAPI, NotesCapable, AssignCapable {
    public let vendor = Vendor.halo
    public let client: RateAwareClient
    /// The instance, e.g. `https://yourmsp.halopsa.com` (the API is under `/api`).
    let instance: String
    let credentials: HaloCredentials
    /// An auth server configured explicitly (trusted as given); nil: discovered from `/api/authinfo`.
    let authURL: String?
    /// The tenant named to a configured auth server (`?tenant=`); nil: `/api/authinfo`'s `tenant_id`.
    let tenant: String?
    /// Requests per 5 minutes: 300 on hosted instances unless configured; nil: unknown.
    public let limit: Int?
    /// Who `me` is: the agent's e-mail.
    let me: String?
    let session = HaloSession()

    /// Rows per page: the server caps every page at 100 whatever is asked.
    public static let pageSize = 100
    /// Hosted Halo's limit: 300 requests per rolling 5 minutes (450 is also reported).
    public static let hostedLimit = 300
    public static let windowSeconds = 300

    public init(
        client: RateAwareClient, instance: String, credentials: HaloCredentials, authURL: String? = nil,
        tenant: String? = nil, limit: Int? = nil, me: String? = nil
    ) {
        var u = instance
        while u.hasSuffix("/") { u.removeLast() }
        if u.lowercased().hasSuffix("/api") { u.removeLast(4) }
        self.client = client
        self.instance = u
        self.credentials = credentials
        self.authURL = authURL.map { a in a.hasSuffix("/") ? String(a.dropLast()) : a }
        self.tenant = tenant.flatMap { $0.isEmpty ? nil : $0 }
        self.limit = limit ?? (Self.isHosted(u) || authURL.map(Self.isHosted) == true ? Self.hostedLimit : nil)
        self.me = me.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A hosted instance (`*.halopsa.com` and Halo's other hosted domains), whose limit is known.
    public static func isHosted(_ instance: String) -> Bool {
        guard let host = URL(string: instance)?.host?.lowercased() else { return false }
        return OriginPolicy.domains(.halo).contains { host.hasSuffix("." + $0) }
    }

    /// Halo hosts the instance, by its address or (a hosted tenant on its own domain) by where its
    /// auth server is: the configured one, else the one `/api/authinfo` named.
    public func hosted() async -> Bool {
        if Self.isHosted(instance) || authURL.map(Self.isHosted) == true { return true }
        return await session.discoveredAuth.map(Self.isHosted) == true
    }

    /// The client policy for Halo: the rolling 5-minute window (when the limit is known), and a
    /// 429 pauses the whole queue for at least 30 s (or its `Retry-After`): 5 s is too short for a
    /// 5-minute window.
    public static func policy(limit: Int?, timeScale: Double = 1) -> ClientPolicy {
        var p = ClientPolicy()
        p.timeScale = timeScale
        p.threadsPerEndpoint = 4
        if let limit { p.windows = [WindowLimit(limit: limit, window: Double(windowSeconds) / max(timeScale, 0.001))] }
        p.windowTuning.learns = false
        p.defaultPause = .seconds(double: 30 / max(timeScale, 0.001))
        return p
    }

    public func apiBaseURL() async -> String { instance + "/api" }

    // MARK: Requests

    /// A request to the API with the bearer token; a 401 fetches a new token and sends once more.
    func send(
        _ method: String, _ path: String, body: Data? = nil, idempotent: Bool, purpose: String,
        logPath: String? = nil
    ) async throws -> HTTPResult {
        var token = try await bearer(replacing: nil)
        var attempt = 0
        while true {
            var headers = [("Authorization", "Bearer \(token)"), ("Accept", "application/json")]
            if body != nil { headers.append(("Content-Type", "application/json")) }
            let endpoint = String(path.split(separator: "/").first?.split(separator: "?").first ?? "")
            let request = ClientRequest(
                spec: HTTPRequestSpec(method: method, url: instance + "/api/" + path, headers: headers, body: body),
                endpoint: endpoint, logPath: logPath ?? "/api/" + path, idempotent: idempotent, purpose: purpose)
            do {
                return try await client.send(request)
            } catch let e as APIError where e.status == 401 && attempt == 0 {
                // The token ended early (or was revoked): one new token, one more try. The server
                // refused the request unread, so even a write may go again.
                attempt += 1
                token = try await bearer(replacing: token)
            }
        }
    }

    func get(_ path: String, purpose: String) async throws -> HTTPResult {
        try await send("GET", path, idempotent: true, purpose: purpose)
    }

    /// `POST /api/{path}` with a JSON array of objects (Halo's writes take arrays). Sent once.
    func post(_ path: String, _ objects: [[String: Any]], purpose: String, logPath: String) async throws -> HTTPResult {
        let body = try JSONSerialization.data(withJSONObject: objects, options: [.sortedKeys])
        return try await send("POST", path, body: body, idempotent: false, purpose: purpose, logPath: logPath)
    }

    static func formValue(_ s: String) -> String {
        s.addingPercentEncoding(
            withAllowedCharacters: CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    // MARK: Quota

    /// Our own requests in the last 5 minutes against the limit. A 429 that names the limit
    /// ("300 Requests per rolling 5 minute window") wins over the configured one.
    public func quota() async throws -> Quota {
        let window = Double(Self.windowSeconds) / max(client.policy.timeScale, 0.001)
        let own = await client.sentInLast(seconds: window)
        let learned = await client.learnedLimit()
        let hostedLimit = await hosted() ? Self.hostedLimit : nil
        guard let limit = await namedLimit() ?? limit ?? hostedLimit else { throw UnknownLimit(own: own) }
        if let (h, at, fresh) = await client.lastRateLimit(freshWithin: window), let remaining = h.remaining, fresh {
            let server = ServerRateLimit(
                limit: h.limit, remaining: remaining, resetAt: h.resetSeconds.map { at.addingTimeInterval($0) }, at: at,
                clamped: h.clamped)
            let l = h.limit ?? limit
            return Quota(
                used: max(own, l - remaining), limit: l, windowSeconds: Self.windowSeconds, server: server,
                learned: learned)
        }
        return Quota(used: own, limit: limit, windowSeconds: Self.windowSeconds, learned: learned)
    }

    /// The limit the last 429 named, when one came.
    func namedLimit() async -> Int? {
        guard await client.stats.status429 > 0 else { return nil }
        let log = await client.log
        for r in log.reversed() where r.status == 429 {
            if let n = HaloRateLimit.parse(r.error ?? "") { return n.limit }
        }
        return nil
    }
}
