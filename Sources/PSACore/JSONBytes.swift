import Foundation

/// A strict reader of JSON bytes for the plain forms only: each function returns nil (give up,
/// let `JSONDecoder` decide) on anything else.
struct JSONBytes {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    init(_ b: UnsafeBufferPointer<UInt8>) { self.b = b }

    mutating func ws() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    mutating func eat(_ c: UInt8) -> Bool {
        ws()
        guard i < b.count, b[i] == c else { return false }
        i += 1
        return true
    }

    mutating func peek() -> UInt8? {
        ws()
        return i < b.count ? b[i] : nil
    }

    mutating func literal(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard i + n <= b.count else { return false }
        for k in 0..<n where b[i + k] != word.utf8Start[k] { return false }
        i += n
        return true
    }

    /// A string's bytes without escapes (a key), else nil.
    mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        guard eat(0x22) else { return nil }
        let start = i
        while i < b.count {
            let c = b[i]
            if c == 0x22 {
                i += 1
                return UnsafeBufferPointer(rebasing: b[start..<(i - 1)])
            }
            if c == 0x5C || c < 0x20 || c >= 0x80 { return nil }
            i += 1
        }
        return nil
    }

    /// A string value (escapes decoded, UTF-8 checked).
    mutating func string() -> String? {
        guard eat(0x22) else { return nil }
        let start = i
        var ascii = true
        while i < b.count {
            let c = b[i]
            if c == 0x22 {
                let bytes = UnsafeBufferPointer(rebasing: b[start..<i])
                i += 1
                return ascii ? String(decoding: bytes, as: UTF8.self) : String(validating: bytes, as: UTF8.self)
            }
            if c == 0x5C {
                i = start
                return escapedString()
            }
            if c < 0x20 { return nil }
            if c >= 0x80 { ascii = false }
            i += 1
        }
        return nil
    }

    private mutating func escapedString() -> String? {
        var out: [UInt8] = []
        while i < b.count {
            let c = b[i]
            i += 1
            switch c {
            case 0x22: return String(validating: out, as: UTF8.self)
            case 0x5C:
                guard i < b.count else { return nil }
                let e = b[i]
                i += 1
                switch e {
                case 0x22, 0x5C, 0x2F: out.append(e)
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x75:
                    guard var u = hex4() else { return nil }
                    if u >= 0xD800 && u < 0xDC00 {
                        guard literal("\\u"), let lo = hex4(), lo >= 0xDC00 && lo < 0xE000 else { return nil }
                        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
                    } else if u >= 0xDC00 && u < 0xE000 {
                        return nil
                    }
                    guard let scalar = Unicode.Scalar(u) else { return nil }
                    out.append(contentsOf: UTF8.encode(scalar)!)
                default: return nil
                }
            default:
                if c < 0x20 { return nil }
                out.append(c)
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard i + 4 <= b.count else { return nil }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[i]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }

    /// A number's bytes, checked against JSON's grammar; `integer`: no fraction or exponent.
    mutating func number() -> (bytes: UnsafeBufferPointer<UInt8>, integer: Bool)? {
        ws()
        let start = i
        func digit() -> Bool { i < b.count && b[i] >= 0x30 && b[i] <= 0x39 }
        if i < b.count, b[i] == 0x2D { i += 1 }
        guard digit() else { return nil }
        if b[i] == 0x30 {
            i += 1
            if digit() { return nil }
        } else {
            while digit() { i += 1 }
        }
        var integer = true
        if i < b.count, b[i] == 0x2E {
            integer = false
            i += 1
            guard digit() else { return nil }
            while digit() { i += 1 }
        }
        if i < b.count, b[i] == 0x65 || b[i] == 0x45 {
            integer = false
            i += 1
            if i < b.count, b[i] == 0x2B || b[i] == 0x2D { i += 1 }
            guard digit() else { return nil }
            while digit() { i += 1 }
        }
        return (UnsafeBufferPointer(rebasing: b[start..<i]), integer)
    }

    /// Any value, skipped (checked all the same).
    mutating func skip(depth: Int = 0) -> Bool {
        guard depth < 256, let c = peek() else { return false }
        switch c {
        case 0x22: return string() != nil
        case 0x7B:
            i += 1
            if eat(0x7D) { return true }
            repeat {
                guard string() != nil, eat(0x3A), skip(depth: depth + 1) else { return false }
            } while eat(0x2C)
            return eat(0x7D)
        case 0x5B:
            i += 1
            if eat(0x5D) { return true }
            repeat {
                guard skip(depth: depth + 1) else { return false }
            } while eat(0x2C)
            return eat(0x5D)
        case 0x74: return literal("true")
        case 0x66: return literal("false")
        case 0x6E: return literal("null")
        default: return number() != nil
        }
    }

    /// null: `.some(nil)`; not null: nil (and nothing read).
    mutating func null() -> Bool {
        guard peek() == 0x6E else { return false }
        return literal("null")
    }

    /// An integer (as `decodeIfPresent(Int64.self)` takes it) or null.
    mutating func int64() -> Int64?? {
        if null() { return .some(nil) }
        guard let n = number(), n.integer, n.bytes.count <= 20 else { return nil }
        var v: Int64 = 0
        var k = 0
        let negative = n.bytes[0] == 0x2D
        if negative { k = 1 }
        while k < n.bytes.count {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let d = Int64(n.bytes[k] - 0x30)
            let (s, o2) = negative ? m.subtractingReportingOverflow(d) : m.addingReportingOverflow(d)
            guard !o1, !o2 else { return nil }
            v = s
            k += 1
        }
        return .some(v)
    }

    mutating func double() -> Double?? {
        if null() { return .some(nil) }
        guard let n = number(), let d = Double(String(decoding: n.bytes, as: UTF8.self)), d.isFinite else { return nil }
        return .some(d)
    }

    mutating func optionalString() -> String?? {
        if null() { return .some(nil) }
        return string().map { .some($0) }
    }

    mutating func bool() -> Bool?? {
        if null() { return .some(nil) }
        if peek() == 0x74 { return literal("true") ? .some(true) : nil }
        if peek() == 0x66 { return literal("false") ? .some(false) : nil }
        return nil
    }

    /// A date as `lenientDate` reads it: a string parsed (an unreadable one is nil), or null.
    mutating func date() -> Date?? {
        if null() { return .some(nil) }
        guard peek() == 0x22 else { return nil }
        let start = i
        if let bytes = plainString() { return .some(VendorDate.parse(utf8: bytes)) }
        i = start
        return string().map { VendorDate.parse($0) }
    }

    /// A page from its bytes: read by `onePass` where it takes the page's form, else by
    /// `JSONDecoder` (with `maxItems` as the page limit), so the answer or the error is always the
    /// one `JSONDecoder` gives.
    static func page<T: Decodable>(_ data: Data, maxItems: Int?, _ onePass: (inout JSONBytes) -> T?) throws -> T {
        if let page = data.withUnsafeBytes({ raw -> T? in
            var r = JSONBytes(raw.bindMemory(to: UInt8.self))
            return onePass(&r)
        }) {
            return page
        }
        let decoder = JSONDecoder()
        if let maxItems { decoder.userInfo[PageLimit.key] = maxItems }
        return try decoder.decode(T.self, from: data)
    }

    /// A page's array of records, each read by `one` (null: none); at most `maxItems` (a longer
    /// page goes to `JSONDecoder`, which refuses it). nil: not in the plain forms.
    mutating func records<T>(maxItems: Int?, usually: Int, _ one: (inout JSONBytes) -> T?) -> [T]? {
        if null() { return [] }
        guard eat(0x5B) else { return nil }
        var list: [T] = []
        list.reserveCapacity(min(maxItems ?? usually, 500))
        if !eat(0x5D) {
            repeat {
                guard maxItems.map({ list.count < $0 }) ?? true, let t = one(&self) else { return nil }
                list.append(t)
            } while eat(0x2C)
            guard eat(0x5D) else { return nil }
        }
        return list
    }

    /// An object of known fields, in one pass: each known key's value read by `read(&self, n)`
    /// (`n`: the key's place in `keys`; false: not a plain form), unknown keys skipped, a known key
    /// twice refused (`JSONDecoder` decides those), and field 0 (the record's id) required.
    mutating func knownFields(_ keys: KnownKeys, _ read: (inout JSONBytes, Int) -> Bool) -> Bool {
        guard eat(0x7B) else { return false }
        var seen: UInt64 = 0
        if !eat(0x7D) {
            repeat {
                guard let key = plainString(), eat(0x3A) else { return false }
                guard let field = keys.field(key) else {
                    guard skip() else { return false }
                    continue
                }
                guard seen & (1 << field) == 0 else { return false }
                seen |= 1 << field
                guard read(&self, field) else { return false }
            } while eat(0x2C)
            guard eat(0x7D) else { return false }
        }
        return seen & 1 != 0
    }
}

/// A record's known keys by their bytes, grouped by length (at most 64 fields: one bit each).
struct KnownKeys: Sendable {
    private let byLength: [[([UInt8], Int)]]

    init<K: CodingKey & CaseIterable>(_: K.Type) {
        let longest = K.allCases.map(\.stringValue.utf8.count).max() ?? 0
        var byLength = [[([UInt8], Int)]](repeating: [], count: longest + 1)
        for (n, k) in K.allCases.enumerated() {
            precondition(n < 64, "at most 64 known fields")
            let bytes = Array(k.stringValue.utf8)
            byLength[bytes.count].append((bytes, n))
        }
        self.byLength = byLength
    }

    /// The field number of `key`, or nil for a key not known.
    func field(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        guard key.count < byLength.count else { return nil }
        for (name, n) in byLength[key.count] where name.elementsEqual(key) { return n }
        return nil
    }
}
