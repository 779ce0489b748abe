import Foundation

/// Rate-limit fields when the server sends them: `X-RateLimit-Limit/Remaining/Reset` (reset as
/// delta seconds or an epoch timestamp, told apart by magnitude), or the IETF draft's
/// `RateLimit: "default";r=50;t=30` with `RateLimit-Policy: "default";q=100;w=60`.
public struct RateLimitHeaders: Sendable, Equatable {
    /// Requests allowed per `windowSeconds`.
    public var limit: Int?
    public var windowSeconds: Double?
    public var remaining: Int?
    /// Seconds until the window resets.
    public var resetSeconds: Double?

    public init?(_ r: HTTPResult, now: Date) {
        func int(_ name: String) -> Int? { r.header(name).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        limit = int("X-RateLimit-Limit")
        remaining = int("X-RateLimit-Remaining")
        resetSeconds = r.header("X-RateLimit-Reset").flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }.map {
            $0 > 1_000_000_000 ? max(0, $0 - now.timeIntervalSince1970) : $0
        }
        if let field = r.header("RateLimit") {
            let p = Self.parameters(field)
            remaining = remaining ?? p["r"].flatMap { Int($0) }
            resetSeconds = resetSeconds ?? p["t"].flatMap { Double($0) }
        }
        if let field = r.header("RateLimit-Policy") {
            let p = Self.parameters(field)
            limit = limit ?? p["q"].flatMap { Int($0) }
            windowSeconds = p["w"].flatMap { Double($0) }
        }
        if limit == nil && remaining == nil && resetSeconds == nil { return nil }
    }

    /// `"default";r=50;t=30` → ["r": "50", "t": "30"] (first policy only).
    static func parameters(_ field: String) -> [String: String] {
        let first = field.split(separator: ",").first ?? ""
        var out: [String: String] = [:]
        for part in first.split(separator: ";").dropFirst() {
            let kv = part.split(separator: "=", maxSplits: 1)
            if kv.count == 2 {
                out[kv[0].trimmingCharacters(in: .whitespaces).lowercased()] = kv[1].trimmingCharacters(
                    in: CharacterSet(charactersIn: " \""))
            }
        }
        return out
    }

    /// The server's limit as requests per minute, when it says.
    public var perMinute: Double? {
        guard let limit else { return nil }
        return Double(limit) * 60 / (windowSeconds ?? 60)
    }
}
