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
public struct HaloAPI: TenantAPI {
    public let vendor = Vendor.halo
    public let client: RateAwareClient
    /// The instance, e.g. `https://yourmsp.halopsa.com` (the API is under `/api`).
    let instance: String
    let credentials: HaloCredentials
    /// An auth server configured explicitly (trusted as given); nil: discovered from `/api/authinfo`.
    let authURL: String?
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
        limit: Int? = nil, me: String? = nil
    ) {
        var u = instance
        while u.hasSuffix("/") { u.removeLast() }
        if u.lowercased().hasSuffix("/api") { u.removeLast(4) }
        self.client = client
        self.instance = u
        self.credentials = credentials
        self.authURL = authURL.map { a in a.hasSuffix("/") ? String(a.dropLast()) : a }
        self.limit = limit ?? (Self.isHosted(u) ? Self.hostedLimit : nil)
        self.me = me.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A hosted instance (`*.halopsa.com` and Halo's other hosted domains), whose limit is known.
    public static func isHosted(_ instance: String) -> Bool {
        guard let host = URL(string: instance)?.host?.lowercased() else { return false }
        return OriginPolicy.domains(.halo).contains { host.hasSuffix("." + $0) }
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

    // MARK: Token

    /// A valid token: the one held while it has more than a minute left, else a new one. A
    /// caller whose token was refused names it (`replacing`) so that only one new token is fetched.
    func bearer(replacing stale: String?) async throws -> String {
        let now = client.clock.now().seconds
        return try await session.token(now: now, replacing: stale) { try await self.fetchToken() }
    }

    /// The token endpoint: configured, or from `/api/authinfo` on a validated origin; `/auth/token`
    /// on the instance when the instance has no authinfo.
    func tokenURL() async throws -> String {
        if let authURL { return authURL + "/token" }
        if let known = await session.tokenURL { return known }
        let info: HaloAuthInfo
        do {
            let r = try await client.send(
                ClientRequest(
                    spec: HTTPRequestSpec(
                        method: "GET", url: instance + "/api/authinfo", headers: [("Accept", "application/json")]),
                    endpoint: "authinfo", logPath: "/api/authinfo", idempotent: true, purpose: "auth discovery"))
            info = try r.decode(HaloAuthInfo.self)
        } catch let e as APIError where e.status == 404 {
            let url = instance + "/auth/token"
            await session.setTokenURL(url)
            return url
        }
        guard let auth = info.authURL, !auth.isEmpty else {
            throw APIError(kind: .decoding, status: nil, detail: "/api/authinfo named no auth_url")
        }
        try Self.trust(auth, instance: instance)
        var url = (auth.hasSuffix("/") ? String(auth.dropLast()) : auth) + "/token"
        if let tenant = info.tenantID, !tenant.isEmpty { url += "?tenant=" + Self.formValue(tenant) }
        await session.setTokenURL(url)
        return url
    }

    /// The auth server may receive the client secret when it is the instance's own origin, https
    /// on the instance's own domain, or https on Halo's hosted domains; anything else is refused
    /// (configure `auth_url` to use it).
    static func trust(_ auth: String, instance: String) throws {
        guard let a = Origin(auth), let i = Origin(instance) else {
            throw URLPolicy.Refused(
                description:
                    "the instance named '\(String(auth.prefix(200)).sanitized)' as its auth server, which is not a valid URL"
            )
        }
        if a == i { return }
        let parent = i.host.split(separator: ".").dropFirst().joined(separator: ".")
        if a.scheme == "https", parent.contains("."), a.host == parent || a.host.hasSuffix("." + parent) { return }
        do { _ = try OriginPolicy.discovered(auth, vendor: .halo, source: instance) } catch {
            throw URLPolicy.Refused(
                description: "the instance named \(a) as its auth server; only the instance's own domain or "
                    + "https://*.halopsa.com receives the client secret (set auth_url to use another)")
        }
    }

    /// `POST {auth}/token` with the client-credentials form. Neither body reaches the request view.
    func fetchToken() async throws -> (token: String, expiresIn: Double) {
        let url = try await tokenURL()
        let form = [
            ("grant_type", "client_credentials"), ("client_id", credentials.clientID),
            ("client_secret", credentials.clientSecret), ("scope", credentials.scope),
        ]
        .map { "\($0.0)=\(Self.formValue($0.1))" }.joined(separator: "&")
        var request = ClientRequest(
            spec: HTTPRequestSpec(
                method: "POST", url: url,
                headers: [
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    ("Accept", "application/json"),
                ], body: Data(form.utf8)),
            endpoint: "token", logPath: "/auth/token (client credentials)", idempotent: true, purpose: "token")
        request.redactsBodies = true
        let r: HTTPResult
        do { r = try await client.send(request) } catch let e as APIError where [400, 401, 403].contains(e.status ?? 0)
        {
            throw APIError(
                kind: .badCredentials, status: e.status, detail: Self.refusal(e.detail, scope: credentials.scope))
        }
        let t = try r.decode(HaloToken.self)
        guard let token = t.accessToken, !token.isEmpty else {
            throw APIError(kind: .decoding, status: r.status, detail: "the token answer holds no access_token")
        }
        return (token, t.expiresIn)
    }

    /// Which field a refused token names (OAuth's `error`), never the secret itself.
    static func refusal(_ detail: String, scope: String) -> String {
        let d = detail.lowercased()
        if d.contains("invalid_scope") {
            return
                "HaloPSA refused the token: scope '\(scope.sanitized.prefix(60))' is not allowed for this application (scope)"
        }
        if d.contains("unauthorized_client") {
            return
                "HaloPSA refused the token: this application may not use client credentials (check its authentication method)"
        }
        if d.contains("secret") { return "HaloPSA refused the token: the client secret is wrong (client_secret)" }
        if d.contains("invalid_client") || d.contains("client") {
            return "HaloPSA refused the token: unknown client or wrong secret (check client_id, then client_secret)"
        }
        return "HaloPSA refused the token: check client_id, client_secret and scope"
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
        guard let limit = await namedLimit() ?? limit else { throw UnknownLimit(own: own) }
        if let (h, at, fresh) = await client.lastRateLimit(freshWithin: window), let remaining = h.remaining, fresh {
            let server = ServerRateLimit(
                limit: h.limit, remaining: remaining, resetAt: h.resetSeconds.map { at.addingTimeInterval($0) }, at: at)
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

/// What a token, its URL and the lookups are, once per tenant.
actor HaloSession {
    private var token: String?
    private var expiresAt = 0.0
    private var refreshing: Task<(token: String, expiresIn: Double), any Error>?
    private(set) var tokenURL: String?
    var labels: HaloLabels?
    var statusOrder: [Int64] = []
    var priorityOrder: [Int64] = []
    var clients: [Int64: String] = [:]

    func setTokenURL(_ url: String) { tokenURL = url }

    func token(
        now: Double, replacing stale: String?,
        fetch: @escaping @Sendable () async throws -> (token: String, expiresIn: Double)
    ) async throws -> String {
        // Held and more than a minute left, and not the one the server just refused.
        if let token, token != stale, now < expiresAt - 60 { return token }
        let task = refreshing ?? Task { try await fetch() }
        refreshing = task
        defer { refreshing = nil }
        let fresh = try await task.value
        token = fresh.token
        expiresAt = now + fresh.expiresIn
        return fresh.token
    }
}
