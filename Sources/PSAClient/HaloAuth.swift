import Foundation
import PSACore

/// HaloPSA's token: the auth server (configured, or the instance's own from `/api/authinfo`), the
/// tenant named to it, the client-credentials grant, and who the application acts as.
extension HaloAPI {
    /// A valid token: the one held while it has more than a minute left, else a new one. A
    /// caller whose token was refused names it (`replacing`) so that only one new token is fetched.
    func bearer(replacing stale: String?) async throws -> String {
        let now = client.clock.now().seconds
        return try await session.token(now: now, replacing: stale) { try await self.fetchToken() }
    }

    /// The agent the application acts as (the token's `id_token`), after fetching a token if none
    /// is held yet; nil when the server names no one.
    public func actingAs() async throws -> HaloIdentity? {
        if await session.hasToken { return await session.identity }
        _ = try await bearer(replacing: nil)
        return await session.identity
    }

    public func actingAgent() async throws -> String? { try await actingAs()?.name }

    /// `GET /api/authinfo` on the instance (no credential goes with it); nil where there is none.
    func authInfo() async throws -> HaloAuthInfo? {
        do {
            let r = try await client.send(
                ClientRequest(
                    spec: HTTPRequestSpec(
                        method: "GET", url: instance + "/api/authinfo", headers: [("Accept", "application/json")]),
                    endpoint: "authinfo", logPath: "/api/authinfo", idempotent: true, purpose: "auth discovery"))
            return try r.decode(HaloAuthInfo.self)
        } catch let e as APIError where e.status == 404 {
            return nil
        }
    }

    /// The token endpoint with `?tenant=` where a tenant is known (hosted Halo wants it: HaloAPI's
    /// `Connect-HaloAPI`, HaloAPI#64). A configured `auth_url` is used as given, with the
    /// configured `tenant` or `/api/authinfo`'s `tenant_id`; otherwise the auth server
    /// `/api/authinfo` names, which must be the instance's own origin; `/auth/token` on the
    /// instance when it has no authinfo.
    func tokenURL() async throws -> String {
        if let known = await session.tokenURL { return known }
        var url: String
        var tenant = self.tenant
        if let authURL {
            url = authURL + "/token"
            if tenant == nil {
                // Only the tenant's name is wanted: an instance without authinfo just has none.
                let info: HaloAuthInfo?
                do { info = try await authInfo() } catch let e as APIError where e.kind != .rateLimited {
                    info = nil
                }
                tenant = info?.tenantID
            }
        } else if let info = try await authInfo() {
            guard let auth = info.authURL, !auth.isEmpty else {
                throw APIError(kind: .decoding, status: nil, detail: "/api/authinfo named no auth_url")
            }
            await session.setDiscoveredAuth(auth)
            try Self.trust(auth, instance: instance)
            url = (auth.hasSuffix("/") ? String(auth.dropLast()) : auth) + "/token"
            tenant = tenant ?? info.tenantID
        } else {
            url = instance + "/auth/token"
        }
        if let tenant, !tenant.isEmpty { url += "?tenant=" + Self.formValue(tenant) }
        await session.setTokenURL(url)
        return url
    }

    /// A discovered auth server receives the client secret only when it is the instance's own
    /// origin: not another hosted Halo tenant, not a neighbour under the instance's parent domain.
    /// Anything else is refused before the secret is sent (configure `auth_url` to use it).
    static func trust(_ auth: String, instance: String) throws {
        guard let a = Origin(auth), let i = Origin(instance) else {
            throw URLRefused(
                description:
                    "the instance named '\(String(auth.prefix(200)).sanitized)' as its auth server, which is not a valid URL"
            )
        }
        if a == i { return }
        throw URLRefused(
            description: "the instance named \(String(a.description.prefix(200)).sanitized) as its auth server; "
                + "the client secret goes only to the instance's own origin (\(i)) — set auth_url in the "
                + "profile if that auth server is yours")
    }

    /// `POST {auth}/token` with the client-credentials form. Neither body reaches the request view.
    func fetchToken() async throws -> HaloToken {
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
        return t
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
}

/// What a token, its URL and the lookups are, once per tenant.
actor HaloSession {
    private var token: String?
    private var expiresAt = 0.0
    private var refreshing: Task<HaloToken, any Error>?
    private(set) var tokenURL: String?
    /// The auth server `/api/authinfo` named (trusted or not): a Halo domain there means hosted.
    private(set) var discoveredAuth: String?
    /// Who the application acts as, from the last token's `id_token`.
    private(set) var identity: HaloIdentity?
    var labels: HaloLabels?
    var statusOrder: [Int64] = []
    var priorityOrder: [Int64] = []
    var clients: [Int64: String] = [:]
    var outcomes: [HaloOutcome]?
    /// The last page read of each query (its number and ids): a page repeating it is the end.
    var lastPage: [String: (n: Int, ids: [Int64])] = [:]

    var hasToken: Bool { token != nil }
    func setTokenURL(_ url: String) { tokenURL = url }
    func setDiscoveredAuth(_ url: String) { discoveredAuth = url }

    func token(
        now: Double, replacing stale: String?, fetch: @escaping @Sendable () async throws -> HaloToken
    ) async throws -> String {
        // Held and more than a minute left, and not the one the server just refused.
        if let token, token != stale, now < expiresAt - 60 { return token }
        let task = refreshing ?? Task { try await fetch() }
        refreshing = task
        defer { refreshing = nil }
        let fresh = try await task.value
        token = fresh.accessToken
        expiresAt = now + fresh.expiresIn
        if let who = fresh.identity { identity = who }
        return fresh.accessToken ?? ""
    }
}
