import Foundation
import Synchronization

/// Why a request waited before it went out.
public enum WaitReason: String, Sendable, Codable, Equatable {
    case paced  // the pacer held it to stay under the rate
    case threadSlot  // all thread slots of its endpoint were busy
    case backoff  // waiting before a retry
    case retryAfter  // the server said when to come back (429/503)
    case suspended  // the tenant is suspended; probing later
    case ceiling  // bulk work held near or at the quota ceiling
    case attachmentBudget  // the tenant's attachment bytes in the last 5 minutes are at the limit

    /// As the request log says it (the dashboard's pane and the `-v` lines alike).
    public var label: String {
        switch self {
        case .paced: "paced"
        case .threadSlot: "thread slot"
        case .backoff: "backing off"
        case .retryAfter: "Retry-After"
        case .suspended: "suspended"
        case .ceiling: "ceiling"
        case .attachmentBudget: "attachment budget"
        }
    }
}

/// One request as the request log shows it. Never holds credentials: `path` has no query
/// secrets and headers are not kept.
public struct RequestRecord: Sendable, Equatable, Identifiable, Codable {
    public var id: Int
    public var time: Date
    public var method: String
    public var path: String
    /// HTTP status, or nil for a transport failure.
    public var status: Int?
    /// Seconds from sending to the full response.
    public var duration: Double
    /// 0 for the first attempt.
    public var attempt: Int
    /// Seconds waited before sending, and why.
    public var waited: Double
    public var waitReason: WaitReason?
    /// Short cause for a failure.
    public var error: String?
    /// Who asked: "quota", "tickets", "detail" …
    public var purpose: String
    /// Why the poller sent it on its own ("poll: near 50%", "refresh: changes since 10:42"); nil when a person asked.
    public var background: String?
    /// The request and its answer in full for `Enter` in the log: secrets redacted, bodies cut.
    public var exchange: RequestExchange?

    public init(
        id: Int, time: Date, method: String, path: String, status: Int?, duration: Double,
        attempt: Int = 0, waited: Double = 0, waitReason: WaitReason? = nil, error: String? = nil, purpose: String = "",
        background: String? = nil, exchange: RequestExchange? = nil
    ) {
        self.id = id
        self.time = time
        self.method = method
        self.path = path
        self.status = status
        self.duration = duration
        self.attempt = attempt
        self.waited = waited
        self.waitReason = waitReason
        self.error = error
        self.purpose = purpose
        self.background = background
        self.exchange = exchange
    }

    /// A copy without the exchange (what a summary needs).
    public var summary: RequestRecord {
        var r = self
        r.exchange = nil
        return r
    }

    public var isError: Bool { status.map { $0 >= 400 } ?? true }
}

/// One header line as the request view shows it (a secret's value already replaced).
public struct HeaderField: Sendable, Equatable, Codable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A request and its answer as the client saw them, made safe to show: the value of every
/// header that carries a credential replaced, every configured secret removed from the URL,
/// headers and bodies, and bodies cut to `bodyLimit` bytes.
public struct RequestExchange: Sendable, Equatable, Codable {
    public var url: String
    public var requestHeaders: [HeaderField]
    /// nil: no body, or one not kept (an attachment's file data).
    public var requestBody: String?
    public var requestBodyBytes: Int
    public var responseHeaders: [HeaderField]
    public var responseBody: String?
    public var responseBodyBytes: Int
    public static let bodyLimit = 2_048
    public static let redacted = "[redacted]"

    public init(
        url: String, requestHeaders: [HeaderField] = [], requestBody: String? = nil, requestBodyBytes: Int = 0,
        responseHeaders: [HeaderField] = [], responseBody: String? = nil, responseBodyBytes: Int = 0
    ) {
        self.url = url
        self.requestHeaders = requestHeaders
        self.requestBody = requestBody
        self.requestBodyBytes = requestBodyBytes
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
        self.responseBodyBytes = responseBodyBytes
    }

    /// Headers whose whole value is a credential (Autotask's `Secret` and `ApiIntegrationCode`,
    /// Atera's `X-API-KEY`, `Authorization`, cookies), and any whose name says it holds one.
    public static func isCredentialHeader(_ name: String) -> Bool {
        let n = name.lowercased()
        if [
            "authorization", "proxy-authorization", "cookie", "set-cookie", "secret", "apiintegrationcode", "x-api-key",
        ].contains(n) {
            return true
        }
        return ["secret", "token", "password", "passwd", "apikey", "api-key", "api_key", "auth", "session"].contains {
            n.contains($0)
        }
    }
}

/// What the client tells its watchers: every attempt, and every pause of the whole queue.
public enum ClientEvent: Sendable, Equatable {
    case record(RequestRecord)
    /// The whole queue is held until `until`; `suspended` when the tenant's threshold was exceeded.
    case paused(until: Date, reason: WaitReason, detail: String)
    case resumed
    /// Bulk work is spread or held by the quota ceiling; nil when it runs freely again.
    case ceiling(CeilingStatus?)
    /// The tier the server's added latency shows, when it changes.
    case measuredTier(LatencyTier)
    /// An attachment waits for the tenant's 5-minute attachment budget (bytes used, limit, until).
    case attachmentWait(used: Int, limit: Int, until: Date)
}

/// The environment variables psatop reads credentials from; the request view's curl copy names
/// them in place of the values. Each vendor declares its own (`Vendor.credentials`).
public enum CredentialVariable {
    public static let autotaskUserName = "AUTOTASK_USERNAME"
    public static let autotaskSecret = "AUTOTASK_SECRET"
    public static let autotaskIntegrationCode = "AUTOTASK_INTEGRATION_CODE"
    public static let ateraKey = "ATERA_API_KEY"
    public static let haloClientID = "HALO_CLIENT_ID"
    public static let haloClientSecret = "HALO_CLIENT_SECRET"
    public static let haloScope = "HALO_SCOPE"
    /// Not read by psatop: what the curl copy of a HaloPSA request names for its bearer token.
    public static let haloToken = "HALO_TOKEN"
    public static let cwCompany = "CW_COMPANY"
    public static let cwPublicKey = "CW_PUBLIC_KEY"
    public static let cwPrivateKey = "CW_PRIVATE_KEY"
    public static let cwClientID = "CW_CLIENT_ID"
    /// Every variable that holds a credential, of every vendor psatop speaks.
    public static var all: [String] { Vendor.allCases.flatMap(\.credentials.variables) }

    /// Variables a profile names as the source of a secret (`{ env = "X" }`), registered as they
    /// are read: a child process gets none of them either.
    private static let named = Mutex<Set<String>>([])

    public static func register(_ name: String) { _ = named.withLock { $0.insert(name.uppercased()) } }

    /// A variable a child process must not inherit: a credential variable of any vendor, one a
    /// profile named as a secret's source, or any whose name says it holds one (…_SECRET,
    /// …_API_KEY, …_TOKEN, …_PASSWORD) — an editor or a browser needs none.
    public static func isCredential(_ name: String) -> Bool {
        let n = name.uppercased()
        if all.contains(n) || named.withLock({ $0.contains(n) }) { return true }
        return ["SECRET", "_API_KEY", "APIKEY", "_TOKEN", "PASSWORD", "INTEGRATION_CODE", "PRIVATE_KEY", "CLIENT_ID"]
            .contains { n.contains($0) }
    }
}

extension RequestExchange {
    /// JSON fields whose values are credentials a server hands out at run time (OAuth token
    /// answers and the like), compared lowercased.
    public static let tokenKeys: Set<String> = [
        "access_token", "refresh_token", "id_token", "accesstoken", "refreshtoken", "client_secret", "password",
    ]

    /// Whether a piece of a body names a token field (a quick look, for bodies too large to rewrite).
    public static func mentionsTokenKey(_ data: Data) -> Bool {
        let text = String(decoding: data, as: UTF8.self).lowercased()
        return tokenKeys.contains { text.contains("\"\($0)\"") }
    }

    /// A JSON body with the value of every token field replaced by `[redacted]`, and the values
    /// found (to be removed wherever else they appear). A body that is no JSON comes back as it is.
    public static func redactingTokens(_ data: Data) -> (body: Data, tokens: [String]) {
        var found: [String] = []
        let out = JSONStrings.rewrite(data) { path, value in
            guard let key = path.last?.lowercased(), tokenKeys.contains(key), !value.isEmpty else { return nil }
            found.append(value)
            return redacted
        }
        return (found.isEmpty ? data : out ?? data, found)
    }
}
