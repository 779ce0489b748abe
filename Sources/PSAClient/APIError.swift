import Foundation
import PSACore

/// What went wrong with a request, in words a user can act on. Never contains credentials.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case badCredentials, permission, notFound, threadLimit, rateLimited, suspended, badRequest,
            serverError, transport, decoding, refused, attachmentLimit,
            /// A redirect psatop would not follow (another origin, or too many).
            redirected
    }
    public var kind: Kind
    public var status: Int?
    /// The server's own words, decoded best-effort and shortened.
    public var detail: String

    public init(kind: Kind, status: Int?, detail: String) {
        self.kind = kind
        self.status = status
        self.detail = detail
    }

    public var description: String {
        let cause: String
        switch kind {
        case .badCredentials:
            cause =
                "bad credentials — check the user name, secret and integration code (or API key, or client id and secret)"
        case .permission: cause = "permission denied — the API user's security level does not allow this"
        case .notFound: cause = "not found"
        case .threadLimit: cause = "thread limit — too many concurrent requests on this endpoint"
        case .rateLimited: cause = "rate limited — waiting as the server asked"
        case .suspended: cause = "API threshold exceeded — the tenant is suspended until its hourly count drops"
        case .badRequest: cause = "the request was refused as invalid"
        case .serverError: cause = "server error — retried where safe; try again later"
        case .transport: cause = "no answer from the server"
        case .decoding: cause = "the server's answer could not be read"
        case .refused: cause = "refused before sending"
        case .redirected:
            cause = "redirect not followed — credentials are sent only to the configured (or the vendor's own) address"
        case .attachmentLimit:
            cause =
                "attachment limit — Autotask takes at most 10,000,000 bytes of attachments per 5 minutes per tenant; wait and try again"
        }
        let s = status.map { "HTTP \($0): " } ?? ""
        return detail.isEmpty ? s + cause : "\(s)\(cause) (\(detail))"
    }

    /// Decodes an error body best-effort: RFC 7807 → `{"Message"}` → `{"errors":[…]}` → HTML title → first line.
    /// `redact` removes secrets before the text is shortened (a secret cut in two by the limit
    /// would otherwise survive as its first half).
    public static func message(from body: Data, redact: (String) -> String = { $0 }) -> String {
        func shorten(_ s: String) -> String { APIError.shorten(s, redact: redact) }
        let text = String(decoding: body.prefix(65_536), as: UTF8.self)
        if let obj = try? JSONSerialization.jsonObject(with: body.prefix(1 << 20)) as? [String: Any] {
            if let title = obj["title"] as? String {
                // ASP.NET's validation problem carries the reason in `errors`, not in the title
                // ("One or more validation errors occurred.").
                let reasons = (obj["errors"] as? [String: Any]).map(validationReasons)
                let detail = (obj["detail"] as? String) ?? reasons
                return shorten(detail.map { "\(title): \($0)" } ?? title)
            }
            if let m = (obj["Message"] ?? obj["message"]) as? String { return shorten(m) }
            if let errs = obj["errors"] as? [Any] {
                return shorten(errs.map { ($0 as? String) ?? String(describing: $0) }.joined(separator: "; "))
            }
            if let errs = obj["errors"] as? [String: Any] {  // ASP.NET validation shape
                return shorten(validationReasons(errs))
            }
        }
        let lower = text.lowercased()
        if lower.contains("<html") || lower.contains("<!doctype") {
            for tag in ["title", "h2", "h1"] {
                if let r = lower.range(of: "<\(tag)>"),
                    let e = lower.range(of: "</\(tag)>", range: r.upperBound..<lower.endIndex)
                {
                    let start = text.index(
                        text.startIndex, offsetBy: lower.distance(from: lower.startIndex, to: r.upperBound))
                    let end = text.index(
                        text.startIndex, offsetBy: lower.distance(from: lower.startIndex, to: e.lowerBound))
                    return shorten(String(text[start..<end]))
                }
            }
            return "an HTML error page"
        }
        return shorten(text.split(whereSeparator: \.isNewline).first.map(String.init) ?? "")
    }

    /// `{"Title":["The field is required."]}` → `Title: The field is required.` (fields sorted).
    static func validationReasons(_ errors: [String: Any]) -> String {
        errors.map { key, value in
            let reasons =
                (value as? [Any])?.map { ($0 as? String) ?? String(describing: $0) }.joined(separator: " ")
                ?? ((value as? String) ?? String(describing: value))
            return key.isEmpty ? reasons : "\(key): \(reasons)"
        }.sorted().joined(separator: "; ")
    }

    /// Sanitized, secrets removed (before and after sanitizing: a secret broken up by invisible
    /// characters is whole again after), then cut to 300 characters.
    static func shorten(_ s: String, redact: (String) -> String = { $0 }) -> String {
        let t = redact(redact(s).sanitized)
        return t.count > 300 ? String(t.prefix(299)) + "…" : t
    }

    /// Classifies a failed response by its status and the vendor's documented shape, never by
    /// words found anywhere in a body (an error may echo a ticket's title): a suspension or the
    /// thread limit is a 429 saying so, or an Autotask `{"errors":[…]}` answer whose message
    /// *begins* with Autotask's own words for it. `redact` removes secrets from the detail before
    /// it is shortened.
    public static func classify(status: Int, body: Data, redact: (String) -> String = { $0 }) -> APIError {
        let msg = message(from: body, redact: redact)
        let lower = msg.lowercased()
        let leads = autotaskErrors(body).map { $0.lowercased().trimmingCharacters(in: .whitespaces) }
        let kind: Kind
        if status == 429 && isSuspension(lower) || leads.contains(where: isSuspensionLead) {
            kind = .suspended
        } else if status == 429 && (lower.contains("thread threshold") || lower.contains("thread limit"))
            || leads.contains(where: { $0.hasPrefix("the autotask api thread threshold") })
        {
            kind = .threadLimit
        } else if [400, 403, 429, 500].contains(status),
            leads.contains(where: { $0.hasPrefix("attachment") && ($0.contains("limit") || $0.contains("exceed")) })
        {
            kind = .attachmentLimit
        } else {
            switch status {
            case 401: kind = .badCredentials
            case 403: kind = .permission
            case 404: kind = .notFound
            case 429: kind = .rateLimited
            case 400, 405, 409, 422: kind = .badRequest
            case 500
            where leads.contains(where: {
                $0.contains("permission") || $0.contains("not authorized") || $0.contains("security level")
            }):
                kind = .permission
            case 500 where leads.contains(where: { $0.hasPrefix("invalid query") || $0.contains("maxrecords") }):
                kind = .badRequest
            case 500...: kind = .serverError
            default: kind = .badRequest
            }
        }
        return APIError(kind: kind, status: status, detail: msg)
    }

    /// The messages of Autotask's error shape `{"errors":["…", …]}`; empty for any other body.
    static func autotaskErrors(_ body: Data) -> [String] {
        guard body.count <= 1 << 20, let obj = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
            let errs = obj["errors"] as? [Any]
        else { return [] }
        return errs.compactMap { $0 as? String }
    }

    /// "threshold exceeded" in any form, but not the thread threshold.
    static func isSuspension(_ lower: String) -> Bool {
        !lower.contains("thread") && lower.contains("threshold")
            && (lower.contains("exceed") || lower.contains("reached"))
    }

    /// An Autotask error message that is the suspension notice itself (it begins with the words).
    static func isSuspensionLead(_ lower: String) -> Bool {
        ["api call threshold", "api threshold", "external request threshold", "request threshold"].contains {
            lower.hasPrefix($0)
        } && isSuspension(lower)
    }
}

extension HTTPResult {
    /// Decodes the body, or throws an `APIError` of kind `.decoding` naming the type. With
    /// `maxItems`, a page holding more items than that is refused before any is decoded.
    public func decode<T: Decodable>(_ type: T.Type, maxItems: Int? = nil) throws -> T {
        let decoder = JSONDecoder()
        if let maxItems { decoder.userInfo[PageLimit.key] = maxItems }
        do {
            // A page of Autotask tickets (the walk's 500 a page): read in one pass (PSACore's
            // AutotaskPageReader; any form it does not take goes to JSONDecoder all the same).
            if let page = try (T.self as? AutotaskQueryResponse<AutotaskTicket>.Type)?.read(body, maxItems: maxItems) {
                return page as! T
            }
            // And a page of Atera tickets (PSACore's AteraPageReader), alike.
            if let page = try (T.self as? AteraEnvelope<AteraTicket>.Type)?.read(body, maxItems: maxItems) {
                return page as! T
            }
            return try decoder.decode(T.self, from: body)
        } catch let e as PageLimit.TooMany {
            throw APIError(kind: .decoding, status: status, detail: e.description)
        } catch {
            throw APIError(
                kind: .decoding, status: status, detail: "\(T.self): \(String(describing: error).prefix(160))")
        }
    }
}
