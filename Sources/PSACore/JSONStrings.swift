import Foundation

/// Rewrites the string values of a JSON text and nothing else: keys, numbers, literals, nulls,
/// whitespace and the order of members are copied byte for byte, so the shape of an answer
/// survives exactly (a parse and re-encode would not: number formats and key order change).
///
/// `transform` sees each string value with the keys that lead to it (`["items", "title"]`:
/// an array adds no key) and returns its replacement, or nil to keep it. Text that is not
/// JSON gives nil from `rewrite`.
public enum JSONStrings {
    public typealias Transform = (_ path: [String], _ value: String) -> String?

    public static func rewrite(_ data: Data, _ transform: Transform) -> Data? {
        withoutActuallyEscaping(transform) { transform in
            var reader = Reader(bytes: Array(data), transform: transform)
            guard reader.rewriteValue(path: []) else { return nil }
            reader.skipSpace()
            guard reader.pos == reader.bytes.count else { return nil }
            return Data(reader.out)
        }
    }

    /// A string as a JSON string literal: quotes, backslashes and control characters escaped,
    /// everything else (bidi controls and other hostile characters included) kept as UTF-8.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F || u.value == 0x2028 || u.value == 0x2029 {
                    out += String(format: "\\u%04x", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    private struct Reader {
        let bytes: [UInt8]
        let transform: Transform
        var pos = 0
        var out: [UInt8] = []
        /// Containers open now: past `maxDepth` the text is refused (a hostile answer nested
        /// 100,000 deep must not exhaust the stack).
        var depth = 0
        static let maxDepth = 512

        init(bytes: [UInt8], transform: @escaping Transform) {
            self.bytes = bytes
            self.transform = transform
            out.reserveCapacity(bytes.count)
        }

        mutating func skipSpace() {
            while pos < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[pos]) {
                out.append(bytes[pos])
                pos += 1
            }
        }

        mutating func rewriteValue(path: [String]) -> Bool {
            skipSpace()
            guard pos < bytes.count else { return false }
            switch bytes[pos] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth < Self.maxDepth else { return false }
                depth += 1
                defer { depth -= 1 }
                return bytes[pos] == UInt8(ascii: "{") ? rewriteObject(path: path) : rewriteArray(path: path)
            case UInt8(ascii: "\""):
                let start = pos
                guard let s = readString() else { return false }
                if let replacement = transform(path, s) {
                    out += Array(JSONStrings.quoted(replacement).utf8)
                } else {
                    out += bytes[start..<pos]
                }
                return true
            default:
                // A number or a literal: copied as it is.
                let start = pos
                while pos < bytes.count, !",]} \t\r\n".utf8.contains(bytes[pos]) { pos += 1 }
                guard pos > start else { return false }
                out += bytes[start..<pos]
                return true
            }
        }

        mutating func rewriteObject(path: [String]) -> Bool {
            out.append(bytes[pos])
            pos += 1
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
                out.append(bytes[pos])
                pos += 1
                return true
            }
            while true {
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { return false }
                let start = pos
                guard let key = readString() else { return false }
                out += bytes[start..<pos]
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { return false }
                out.append(bytes[pos])
                pos += 1
                guard rewriteValue(path: path + [key]) else { return false }
                skipSpace()
                guard pos < bytes.count else { return false }
                let c = bytes[pos]
                out.append(c)
                pos += 1
                if c == UInt8(ascii: "}") { return true }
                guard c == UInt8(ascii: ",") else { return false }
            }
        }

        mutating func rewriteArray(path: [String]) -> Bool {
            out.append(bytes[pos])
            pos += 1
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
                out.append(bytes[pos])
                pos += 1
                return true
            }
            while true {
                guard rewriteValue(path: path) else { return false }
                skipSpace()
                guard pos < bytes.count else { return false }
                let c = bytes[pos]
                out.append(c)
                pos += 1
                if c == UInt8(ascii: "]") { return true }
                guard c == UInt8(ascii: ",") else { return false }
            }
        }

        /// Reads a string literal at `pos` (its escapes decoded); nil when it is not one.
        mutating func readString() -> String? {
            pos += 1
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() -> Bool {
                guard !raw.isEmpty else { return true }
                guard let s = String(bytes: raw, encoding: .utf8) else { return false }
                scalars.append(contentsOf: s.unicodeScalars)
                raw.removeAll()
                return true
            }
            var pendingHigh: UInt32?
            while pos < bytes.count {
                let c = bytes[pos]
                pos += 1
                if c == UInt8(ascii: "\"") {
                    guard flush() else { return nil }
                    return String(scalars)
                }
                guard c == UInt8(ascii: "\\") else {
                    raw.append(c)
                    continue
                }
                guard flush(), pos < bytes.count else { return nil }
                let e = bytes[pos]
                pos += 1
                let simple: [UInt8: Unicode.Scalar] = [
                    0x22: "\"", 0x5C: "\\", 0x2F: "/", 0x62: "\u{08}",
                    0x66: "\u{0C}", 0x6E: "\n", 0x72: "\r", 0x74: "\t",
                ]
                if let s = simple[e] {
                    scalars.append(s)
                    continue
                }
                guard e == UInt8(ascii: "u"), pos + 4 <= bytes.count,
                    let v = UInt32(String(decoding: bytes[pos..<pos + 4], as: UTF8.self), radix: 16)
                else {
                    return nil
                }
                pos += 4
                if (0xD800...0xDBFF).contains(v) {
                    pendingHigh = v
                    continue
                }
                if (0xDC00...0xDFFF).contains(v), let high = pendingHigh {
                    let combined = 0x10000 + ((high - 0xD800) << 10) + (v - 0xDC00)
                    pendingHigh = nil
                    scalars.append(Unicode.Scalar(combined) ?? "\u{FFFD}")
                    continue
                }
                scalars.append(Unicode.Scalar(v) ?? "\u{FFFD}")
            }
            return nil
        }
    }
}

extension JSONStrings {
    /// JSON text with every invisible or reordering character written as a `\uXXXX` escape: C1
    /// controls, bidi marks, overrides and isolates, zero-width characters, line and paragraph
    /// separators, the BOM. They can only stand inside strings, so the text means the same to a
    /// JSON reader, while a person reading it (or a tool that pastes it in a terminal) sees no
    /// hidden reordering or control.
    public static func escapingInvisibles(_ data: Data) -> Data {
        guard let text = String(data: data, encoding: .utf8) else { return data }
        guard text.unicodeScalars.contains(where: isInvisible) else { return data }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            if isInvisible(u) {
                out.append(contentsOf: String(format: "\\u%04x", u.value).unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return Data(String(out).utf8)
    }

    static func isInvisible(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x7F...0x9F, 0x00AD, 0x061C, 0x180E, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2069, 0x206A...0x206F,
            0xFEFF, 0xFFF9...0xFFFB:
            true
        default: false
        }
    }
}
