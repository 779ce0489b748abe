import Foundation
import PSACore

/// An API member's keys and the MSP's registered clientId (psatop ships none).
public struct ConnectWiseCredentials: Sendable {
    public var company: String
    public var publicKey: String
    public var privateKey: String
    public var clientID: String
    public init(company: String, publicKey: String, privateKey: String, clientID: String) {
        self.company = company
        self.publicKey = publicKey
        self.privateKey = privateKey
        self.clientID = clientID
    }

    /// `Basic base64("company+public:private")`'s base64.
    public var basic: String { Data("\(company)+\(publicKey):\(privateKey)".utf8).base64EncodedString() }

    /// What the client redacts: the private key, the Basic header's base64 (which holds it), the clientId.
    public var secrets: [String] { [privateKey, basic, clientID] }
}

/// ConnectWise publishes no limit: without a budget the count is ours alone.
public struct UnpublishedLimit: Error, Sendable, CustomStringConvertible {
    /// Our requests in the last minute.
    public var own: Int
    public var description: String {
        "limit not published: \(own) of our requests in the last minute (set rate_limit for a budget)"
    }
}

/// A budget the person set for a vendor that publishes no limit: `N per window`.
public struct RateBudget: Sendable, Equatable {
    public var limit: Int
    public var windowSeconds: Int
    public init(limit: Int, windowSeconds: Int) {
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    /// `600 per minute`, `3000 per 5 minutes`, `10000 per hour`, or a bare number (a minute).
    public init?(parsing text: String) {
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "/" }).map(String.init)
            .filter { $0 != "per" }
        guard let n = words.first.flatMap({ Int($0.replacingOccurrences(of: "_", with: "")) }), n > 0 else {
            return nil
        }
        var seconds = 60
        if words.count > 1 {
            let count = words.count > 2 ? Int(words[1]) : 1
            let unit = words.last ?? "minute"
            guard let count, count > 0 else { return nil }
            switch unit {
            case "s", "sec", "second", "seconds": seconds = count
            case "min", "minute", "minutes", "m": seconds = count * 60
            case "h", "hour", "hours": seconds = count * 3_600
            default: return nil
            }
        }
        self.init(limit: n, windowSeconds: seconds)
    }
}

/// ConnectWise PSA (Manage) REST 3.0 over the tenant's rate-aware client. `/login/companyinfo`
/// names the codebase; every call carries Basic credentials and the `clientId`; lists walk
/// forward-only (`pagination-type: forward-only`), following each `Link` as given. No limit is
/// published and no usage reported: the quota is our own count, against a budget if set.
public struct ConnectWiseAPI: TenantAPI, NotesCapable, AssignCapable {
    public let vendor = Vendor.connectwise
    public let client: RateAwareClient
    /// The site, e.g. `https://na.myconnectwise.net` (the API is under `/{codebase}apis/3.0`).
    let site: String
    let credentials: ConnectWiseCredentials
    /// A codebase given explicitly (`v2025_1/`); nil: from `/login/companyinfo`.
    let configuredCodebase: String?
    /// The person's budget; nil: none (the limit is not published).
    public let budget: RateBudget?
    /// Who `me` is: the member's e-mail.
    let me: String?
    let session = ConnectWiseSession()

    /// Rows a page asks for (the server allows up to 1,000).
    public static let pageSize = 500
    public static let maxPageSize = 1_000
    /// The URL length past which the conditions go in `POST /service/tickets/search`.
    public static let maxURLLength = 2_000
    /// The most change pages one refresh reads; more is an incomplete read.
    public static let maxChangePages = 5
    public static let windowSeconds = 60

    public init(
        client: RateAwareClient, site: String, credentials: ConnectWiseCredentials, codebase: String? = nil,
        budget: RateBudget? = nil, me: String? = nil
    ) {
        var s = site
        while s.hasSuffix("/") { s.removeLast() }
        self.client = client
        self.site = s
        self.credentials = credentials
        self.configuredCodebase = codebase.flatMap { $0.isEmpty ? nil : ($0.hasSuffix("/") ? $0 : $0 + "/") }
        self.budget = budget
        self.me = me.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Requests a minute the window limiter starts from without a budget: no limit, only room to
    /// learn one from 429s (nothing is paced until a 429 teaches a figure).
    public static let unbudgetedLimit = 100_000

    /// The client policy: the budget as a window when one is set, else a minute with room for
    /// anything; either way a lower limit is learned from 429s as on Atera (Manage's 429 carries
    /// only `Retry-After`, which says how long, not how many). Four requests at once per endpoint.
    public static func policy(budget: RateBudget?, timeScale: Double = 1) -> ClientPolicy {
        var p = ClientPolicy()
        p.timeScale = timeScale
        p.threadsPerEndpoint = 4
        p.windowTuning.retryAfterTeaches = true
        let scale = max(timeScale, 0.001)
        if let budget {
            p.windows = [WindowLimit(limit: budget.limit, window: Double(budget.windowSeconds) / scale)]
        } else {
            p.windows = [WindowLimit(limit: unbudgetedLimit, window: Double(windowSeconds) / scale)]
            // Not a limit anyone believes: a burst is not held to the limiter's unproven two.
            p.windowTuning.unprovenInFlight = p.threadsPerEndpoint
        }
        return p
    }

    /// A codebase is one path segment of letters, digits, `_` and `.` ending in `/`
    /// (`v4_6_release/`): anything else could move the credentials elsewhere.
    public static func validCodebase(_ text: String) -> Bool {
        let body = text.dropLast()
        return text.hasSuffix("/") && !body.isEmpty && body.count <= 64 && body != "." && body != ".."
            && body.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ".") }
    }

    /// The codebase, asked once of `/login/companyinfo/{company}` (no credentials needed there).
    func codebase() async throws -> String {
        if let c = configuredCodebase {
            guard Self.validCodebase(c) else {
                throw ConfigurationError("codebase '\(c.sanitized)' is not a codebase (e.g. v2025_1/)")
            }
            return c
        }
        if let c = await session.codebase { return c }
        let company = Self.pathSegment(credentials.company)
        let r = try await client.send(
            ClientRequest(
                spec: HTTPRequestSpec(
                    method: "GET", url: site + "/login/companyinfo/" + company,
                    headers: [("Accept", "application/json")]),
                endpoint: "companyinfo", logPath: "/login/companyinfo/{company}", idempotent: true, purpose: "codebase")
        )
        let info = try r.decode(CWCompanyInfo.self)
        guard let c = info.codebase, Self.validCodebase(c) else {
            throw APIError(
                kind: .refused, status: r.status,
                detail: "ConnectWise named no usable codebase for company '\(credentials.company.sanitized)' "
                    + "(got '\(String((info.codebase ?? "").prefix(80)).sanitized)'); check the company id or set codebase"
            )
        }
        await session.setCodebase(c)
        return c
    }

    public func apiBaseURL() async -> String {
        let c = (try? await codebase()) ?? configuredCodebase ?? "{codebase}/"
        return site + "/" + c + "apis/3.0"
    }

    static func pathSegment(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: CWQuery.unreserved) ?? ""
    }

    // MARK: Requests

    /// A request to `{api}/{path}` (or to a `Link` address, which must lie under the API's own
    /// address — the validated origin — before the credentials go with it).
    func send(
        _ method: String, _ path: String, body: Data? = nil, forwardOnly: Bool = false, idempotent: Bool,
        purpose: String, absolute: String? = nil
    ) async throws -> HTTPResult {
        let api = site + "/" + (try await codebase()) + "apis/3.0"
        let url: String
        if let absolute {
            guard absolute.hasPrefix(api + "/"), Origin(absolute)?.description == Origin(api)?.description else {
                throw APIError(
                    kind: .refused, status: nil,
                    detail:
                        "the server's next-page link leaves the API's address (\(Origin.describe(absolute))): not followed"
                )
            }
            url = absolute
        } else {
            url = api + "/" + path
        }
        var headers = [
            ("Authorization", "Basic \(credentials.basic)"), ("clientId", credentials.clientID),
            ("Accept", "application/json"),
        ]
        if forwardOnly { headers.append(("pagination-type", "forward-only")) }
        if body != nil { headers.append(("Content-Type", "application/json")) }
        let rel = String(url.dropFirst(api.count))
        let endpoint =
            rel.split(separator: "?").first.map { p in
                p.split(separator: "/").prefix(2).joined(separator: "/")
            } ?? ""
        let logPath = String(rel.split(separator: "?", maxSplits: 1).first ?? "")
        return try await client.send(
            ClientRequest(
                spec: HTTPRequestSpec(method: method, url: url, headers: headers, body: body), endpoint: endpoint,
                logPath: logPath, idempotent: idempotent, purpose: purpose))
    }

    func get(_ path: String, purpose: String) async throws -> HTTPResult {
        try await send("GET", path, idempotent: true, purpose: purpose)
    }

    // MARK: Quota

    /// Our own requests in the last minute against the budget; without one, `UnpublishedLimit`.
    public func quota() async throws -> Quota {
        let scale = max(client.policy.timeScale, 0.001)
        let learned = await client.learnedLimit()
        guard let budget else {
            throw UnpublishedLimit(own: await client.sentInLast(seconds: Double(Self.windowSeconds) / scale))
        }
        let own = await client.sentInLast(seconds: Double(budget.windowSeconds) / scale)
        return Quota(used: own, limit: budget.limit, windowSeconds: budget.windowSeconds, learned: learned)
    }

    /// `status`'s one request: one ticket id.
    public func probe() async throws {
        _ = try await get("service/tickets?pageSize=1&fields=id", purpose: "probe")
    }
}

/// What one ConnectWise connection learns once: the codebase and the lookups.
actor ConnectWiseSession {
    var codebase: String?
    var priorities: [CWNamed]?
    var members: [CWMember]?
    /// Each board's statuses as listed (inactive ones too: a ticket may hold one).
    var statuses: [Int64: [CWBoardStatus]] = [:]
    var boards: [CWNamed]?

    func setCodebase(_ c: String) { codebase = c }
    func setPriorities(_ p: [CWNamed]) { priorities = p }
    func setMembers(_ m: [CWMember]) { members = m }
    func setStatuses(_ s: [CWBoardStatus], board: Int64) { statuses[board] = s }
    func setBoards(_ b: [CWNamed]) { boards = b }
}
