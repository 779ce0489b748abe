import Foundation

// HaloPSA's auth answers and the lookups that only notes use, decoded leniently.

/// `GET /api/authinfo`: where the instance's auth server is, and the tenant to name to it.
public struct HaloAuthInfo: Sendable, Decodable {
    public var authURL: String?
    public var tenantID: String?
    enum CodingKeys: String, CodingKey { case auth_url, tenant_id }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        authURL = try c.lenientString(.auth_url)
        tenantID = try c.lenientString(.tenant_id)
    }
}

/// The token answer: `access_token`, `expires_in` and the `id_token` naming the agent the
/// application logs in as (HaloAPI's `Connect-HaloAPI` keeps it as `Id`).
public struct HaloToken: Sendable, Decodable {
    public var accessToken: String?
    /// Seconds the token is held: what the server said, clamped to 5 minutes … 1 day, so that a
    /// server saying 60 (or 0) does not make every call fetch a token first.
    public var expiresIn: Double
    /// What the server said, when it said a number.
    public var statedExpiresIn: Double?
    public var identity: HaloIdentity?
    public static let heldAtLeast = 300.0
    public static let heldAtMost = 86_400.0

    enum CodingKeys: String, CodingKey { case access_token, expires_in, id_token }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accessToken = try c.lenientString(.access_token)
        statedExpiresIn = try c.lenientDouble(.expires_in)
        expiresIn = Self.held(statedExpiresIn)
        identity = try c.lenientString(.id_token).flatMap(HaloIdentity.init(idToken:))
    }

    /// How long a token is held for what the server said (an hour when it said nothing usable).
    public static func held(_ stated: Double?) -> Double {
        guard let e = stated, e.isFinite else { return 3_600 }
        return min(heldAtMost, max(heldAtLeast, e))
    }
}

/// Who the application acts as: the agent the `id_token` (a JWT) names. Only the claims' text is
/// read (the token is not verified: it names, it does not authorise); the token itself is never kept.
public struct HaloIdentity: Sendable, Equatable {
    public var name: String?
    public var email: String?

    public init(name: String?, email: String?) {
        self.name = name
        self.email = email
    }

    /// The payload's `name` (else `given_name family_name`, `unique_name`, `preferred_username`)
    /// and `email`; nil when the token is not a readable JWT or names no one.
    public init?(idToken: String) {
        let parts = idToken.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].utf8.count <= 16_384 else { return nil }
        var b64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.utf8.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64),
            let claims = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return nil }
        func text(_ key: String) -> String? {
            guard let s = claims[key] as? String else { return nil }
            let clean = String(s.sanitized.trimmingCharacters(in: .whitespaces).prefix(200))
            return clean.isEmpty ? nil : clean
        }
        let given = [text("given_name"), text("family_name")].compactMap { $0 }.joined(separator: " ")
        let name = text("name") ?? (given.isEmpty ? nil : given) ?? text("unique_name") ?? text("preferred_username")
        let email = text("email").flatMap { $0.contains("@") ? $0 : nil }
        guard name != nil || email != nil else { return nil }
        self.init(name: name ?? email, email: email)
    }
}

/// One row of `/api/Outcome`: the action types a tenant defines ("Private Note", "Email User"…).
public struct HaloOutcome: Sendable, Decodable, Equatable {
    public var id: Int64
    public var name: String
    public var hiddenFromUser: Bool?

    enum CodingKeys: String, CodingKey { case id, outcome, buttonname, name, hiddenfromuser }

    public init(id: Int64, name: String, hiddenFromUser: Bool? = nil) {
        self.id = id
        self.name = name
        self.hiddenFromUser = hiddenFromUser
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let id = try c.requiredID(.id, of: "outcome")
        self.id = id
        let n = try c.lenientString(.outcome) ?? c.lenientString(.name) ?? c.lenientString(.buttonname) ?? ""
        name = String(n.prefix(200))
        hiddenFromUser = try? c.decodeIfPresent(Bool.self, forKey: .hiddenfromuser)
    }

    /// The outcome a note is posted with: "Private Note" for internal, "Note" for the customer's
    /// eyes (else one that names a note and agrees on `hiddenfromuser`); nil when none fits.
    public static func pick(_ list: [HaloOutcome], internal hidden: Bool) -> HaloOutcome? {
        let wanted = hidden ? "private note" : "note"
        func fits(_ o: HaloOutcome) -> Bool { o.hiddenFromUser.map { $0 == hidden } ?? true }
        if let exact = list.first(where: { $0.name.lowercased() == wanted && fits($0) }) { return exact }
        return list.first { o in
            let n = o.name.lowercased()
            return n.contains("note") && (hidden ? n.contains("private") : !n.contains("private")) && fits(o)
        }
    }
}
