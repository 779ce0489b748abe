import Foundation

/// The forms a secret travels in, so that redaction finds it in each: as it is; percent-encoded
/// (a form body or a query, as HaloAPI's token form and URLComponents encode it, in either case
/// of hex); JSON- or Swift-escaped (a `"` or `\` in it, a `/` as JSON may write it). Redacting the
/// raw value alone left `a+b/c` in a form body as `a%2Bb%2Fc`, and `g"h` in a JSON body as `g\"h`.
public enum SecretForms {
    /// Every form of `secret`, longest first (a longer form is removed before a shorter one inside it).
    public static func all(of secret: String) -> [String] {
        let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        var forms = [secret]
        for allowed in [unreserved, .urlQueryAllowed] {
            if let e = secret.addingPercentEncoding(withAllowedCharacters: allowed) {
                forms.append(e)
                forms.append(lowercasedHex(e))
            }
        }
        let json = jsonEscaped(secret)
        forms += [json, json.replacingOccurrences(of: "/", with: "\\/")]
        var seen = Set<String>()
        return forms.filter { seen.insert($0).inserted }.sorted { $0.utf8.count > $1.utf8.count }
    }

    /// `\`, `"` and control characters escaped as JSON (and Swift's string literal) writes them.
    static func jsonEscaped(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// `%2F` as `%2f`: the same encoding in lower-case hex.
    static func lowercasedHex(_ s: String) -> String {
        var out = ""
        var rest = Substring(s)
        while let i = rest.firstIndex(of: "%") {
            out += rest[..<i]
            let hex = rest[i...].prefix(3)
            out += hex.lowercased()
            rest = rest[hex.endIndex...]
        }
        return out + rest
    }
}
