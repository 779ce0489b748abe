import Foundation

/// Credentials are checked where they are loaded (an environment variable, a secret file, a
/// profile key), before anything is sent: a value holding a C0 control character or DEL cannot
/// be a real credential — a `.env` file with Windows line ends gives every value a trailing
/// carriage return, and an HTTP library refusing that header would otherwise put the value in
/// its error text. What is wrong is said; the value never is.
public enum CredentialCheck {
    /// Why the value cannot be sent, in words that never include it; nil when it may be sent.
    public static func problem(_ value: String) -> String? {
        let scalars = Array(value.unicodeScalars)
        if scalars.last == "\r" || (scalars.count >= 2 && scalars.suffix(2) == ["\r", "\n"]) {
            return "ends with a carriage return: a Windows line ending? (convert the file with dos2unix)"
        }
        if scalars.last == "\n" { return "ends with a line feed" }
        guard let i = scalars.firstIndex(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        let v = scalars[i].value
        let name: String =
            switch v {
            case 0x09: "a tab"
            case 0x0A: "a line feed"
            case 0x0D: "a carriage return"
            case 0x00: "a NUL"
            case 0x7F: "DEL"
            default: "a control character"
            }
        return "holds \(name) (U+\(String(format: "%04X", v))) at character \(i + 1) of \(scalars.count)"
    }
}

/// Removes secrets from text bound for the outside (stderr, `-v`, the request view, `status`,
/// recordings): each secret as it is and in the escaped forms it takes inside other text — as a
/// Swift string literal prints it (`"S3cret\r"` → `S3cret\r`), as JSON escapes it, and
/// percent-encoded the ways a URL or a form body carries it. A library error that echoes a
/// header, a URL or a form holds one of these forms, not the raw value.
public struct SecretRedactor: Sendable {
    /// Every form to remove, longest first (so a longer form is not cut by a shorter one inside it).
    public let forms: [String]
    public static let replacement = "[redacted]"

    /// Secrets shorter than `minimumLength` are not redacted (they would match ordinary text).
    public init(_ secrets: [String], minimumLength: Int = 4) {
        var all = Set<String>()
        for s in secrets where s.count >= minimumLength {
            for f in Self.forms(of: s) where f.count >= minimumLength { all.insert(f) }
        }
        forms = all.sorted { $0.utf8.count != $1.utf8.count ? $0.utf8.count > $1.utf8.count : $0 < $1 }
    }

    /// The longest form in bytes (a body cut after redacting keeps this much more, so a secret
    /// straddling the cut is removed whole).
    public var longest: Int { forms.first?.utf8.count ?? 0 }

    public var isEmpty: Bool { forms.isEmpty }

    public func callAsFunction(_ text: String) -> String {
        var t = text
        for f in forms where t.contains(f) { t = t.replacingOccurrences(of: f, with: Self.replacement) }
        return t
    }

    /// The raw value, its Swift-debug and JSON escapes, and its percent-encodings (strict, query,
    /// form with `+` for space, lower-case hex).
    public static func forms(of s: String) -> [String] {
        var out: [String] = [s]
        // The value without the line end a hand-edited file may have given it.
        let trimmed = s.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed != s { out.append(trimmed) }
        let debug = String(reflecting: s)
        out.append(String(debug.dropFirst().dropLast()))
        if let data = try? JSONEncoder().encode(s), let json = String(data: data, encoding: .utf8) {
            let inner = String(json.dropFirst().dropLast())
            out.append(inner)
            out.append(inner.replacingOccurrences(of: "/", with: "\\/"))
        }
        // As psatop's own JSON writer quotes it (slashes kept), and as JSONSerialization (what a
        // body built with it holds) escapes it: `/` as `\/`.
        out.append(String(JSONStrings.quoted(s).dropFirst().dropLast()))
        if let data = try? JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed]),
            let json = String(data: data, encoding: .utf8), json.count >= 4
        {
            out.append(String(json.dropFirst(2).dropLast(2)))
        }
        let strict = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)..<"\u{80}"))
            .union(CharacterSet(charactersIn: "-._~"))
        for allowed in [strict, .urlQueryAllowed, .urlPathAllowed, .urlHostAllowed] {
            if let e = s.addingPercentEncoding(withAllowedCharacters: allowed) {
                out.append(e)
                out.append(lowercasedHex(e))
            }
        }
        let formAllowed = strict.union(CharacterSet(charactersIn: " "))
        if let e = s.addingPercentEncoding(withAllowedCharacters: formAllowed) {
            out.append(e.replacingOccurrences(of: " ", with: "+"))
        }
        var seen = Set<String>()
        return out.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    /// `%2F` → `%2f` (some encoders write lower-case hex).
    static func lowercasedHex(_ s: String) -> String {
        var out = ""
        var it = s.makeIterator()
        while let c = it.next() {
            out.append(c)
            if c == "%" {
                if let a = it.next() { out.append(Character(a.lowercased())) }
                if let b = it.next() { out.append(Character(b.lowercased())) }
            }
        }
        return out
    }
}
