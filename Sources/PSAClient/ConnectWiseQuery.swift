import Foundation
import PSACore

/// ConnectWise's `conditions`, written as the REST docs say (apis.md): strings double-quoted with
/// `\` and `"` escaped, dates in brackets (`[2026-06-01T00:00:00Z]`), then the whole expression
/// percent-encoded into the query (only unreserved characters left as they are).
public enum CWQuery {
    /// RFC 3986 unreserved characters: everything else is percent-encoded.
    public static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `"text"` with `\` and `"` escaped; control characters dropped (never part of a name).
    public static func string(_ s: String) -> String {
        var out = "\""
        for ch in s.withoutControlOrFormat {
            if ch == "\\" || ch == "\"" { out.append("\\") }
            out.append(ch)
        }
        return out + "\""
    }

    /// `[2026-06-01T00:00:00Z]`, in UTC, whole seconds.
    public static func date(_ d: Date) -> String { "[" + CWDate.format(d) + "]" }

    /// A query value, percent-encoded.
    public static func encode(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// `a and b and …` of the parts given (nil ones left out).
    public static func all(_ parts: [String?]) -> String {
        parts.compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " and ")
    }
}
