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
    /// What the server said that was out of any sane range, and what was taken instead; nil when
    /// every number was used as sent.
    public var clamped: String?

    /// The ranges a server's numbers are held to (a window of a billion seconds would freeze a walk).
    public static let limitRange = 1...10_000_000
    public static let windowRange = 1.0...3_600.0
    public static let resetRange = 0.0...3_600.0

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
        var said: [String] = []
        if let l = limit, !Self.limitRange.contains(l) {
            limit = min(max(l, Self.limitRange.lowerBound), Self.limitRange.upperBound)
            said.append("limit \(l) (taken as \(limit!))")
        }
        if let w = windowSeconds, !(w.isFinite && Self.windowRange.contains(w)) {
            windowSeconds = w.isFinite ? min(max(w, Self.windowRange.lowerBound), Self.windowRange.upperBound) : nil
            said.append("window \(w) s (taken as \(windowSeconds.map { "\(Int($0)) s" } ?? "unknown"))")
        }
        if let t = resetSeconds, !(t.isFinite && Self.resetRange.contains(t)) {
            resetSeconds = t.isFinite ? min(max(t, Self.resetRange.lowerBound), Self.resetRange.upperBound) : nil
            said.append("reset in \(t) s (taken as \(resetSeconds.map { "\(Int($0)) s" } ?? "unknown"))")
        }
        if let r = remaining, r < 0 || r > Self.limitRange.upperBound {
            remaining = min(max(r, 0), Self.limitRange.upperBound)
            said.append("remaining \(r) (taken as \(remaining!))")
        }
        if !said.isEmpty { clamped = "the server's rate-limit headers said " + said.joined(separator: ", ") }
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
