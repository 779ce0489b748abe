import Foundation

/// Vendors send ids as numbers or strings, dates with or without a zone, and nulls anywhere.
/// These helpers decode what is there and ignore what is not.
extension KeyedDecodingContainer {
    public func lenientInt64(_ key: Key) throws -> Int64? {
        do { return try decodeIfPresent(Int64.self, forKey: key) } catch {}  // another type: below
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let d = try? decode(Double.self, forKey: key), d.isFinite, abs(d) < 9e18 { return Int64(d) }
        if let s = try? decode(String.self, forKey: key) {
            return Int64(s.trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// A record's id, read leniently; a record without one is an error ("ticket without id").
    public func requiredID(_ key: Key, of what: String) throws -> Int64 {
        guard let id = try lenientInt64(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "\(what) without id"))
        }
        return id
    }

    public func lenientInt(_ key: Key) throws -> Int? {
        try lenientInt64(key).flatMap { Int(exactly: $0) }
    }

    public func lenientDouble(_ key: Key) throws -> Double? {
        do { return try decodeIfPresent(Double.self, forKey: key) } catch {}  // another type: below
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let s = try? decode(String.self, forKey: key) { return Double(s) }
        return nil
    }

    public func lenientString(_ key: Key) throws -> String? {
        // The common case (a string, null, or no key) in one look-up.
        do { return try decodeIfPresent(String.self, forKey: key) } catch {}  // another type: below
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        if let i = try? decode(Int64.self, forKey: key) { return String(i) }
        if let d = try? decode(Double.self, forKey: key) { return String(d) }
        if let b = try? decode(Bool.self, forKey: key) { return String(b) }
        return nil
    }

    public func lenientDate(_ key: Key) throws -> Date? {
        try lenientString(key).flatMap(VendorDate.parse)
    }
}

/// Parses the date forms both vendors send: `2019-08-18T01:00:00.000Z`, no zone (UTC),
/// `+02:00` offsets, a space instead of `T`, a date alone.
public enum VendorDate {
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// The same, from the text's UTF-8 bytes.
    public static func parse(utf8 u: UnsafeBufferPointer<UInt8>) -> Date? {
        var i = 0
        func num(_ n: Int) -> Int? {
            guard i + n <= u.count else { return nil }
            var v = 0
            for k in 0..<n {
                let c = u[i + k]
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < u.count, u[i] == c else { return false }
            i += 1
            return true
        }
        guard let y = num(4), expect(45), let mo = num(2), expect(45), let d = num(2),
            (1...12).contains(mo), (1...31).contains(d)
        else { return nil }
        var h = 0, mi = 0, s = 0, frac = 0.0, offset = 0
        if i < u.count, u[i] == 84 || u[i] == 32 {  // 'T' or ' '
            i += 1
            guard let hh = num(2), expect(58), let mm = num(2) else { return nil }
            h = hh
            mi = mm
            if expect(58) {
                guard let ss = num(2) else { return nil }
                s = ss
            }
            if expect(46) {  // fraction
                var scale = 0.1
                while i < u.count, u[i] >= 48, u[i] <= 57 {
                    frac += Double(u[i] - 48) * scale
                    scale /= 10
                    i += 1
                }
            }
            if i < u.count {
                if u[i] == 90 || u[i] == 122 {
                    i += 1
                }  // Z
                else if u[i] == 43 || u[i] == 45 {
                    let sign = u[i] == 45 ? -1 : 1
                    i += 1
                    guard let oh = num(2) else { return nil }
                    _ = expect(58)
                    let om = num(2) ?? 0
                    offset = sign * (oh * 3600 + om * 60)
                }
            }
            guard h < 24, mi < 60, s < 61 else { return nil }
        }
        guard i == u.count else { return nil }
        let days = daysFromCivil(y, mo, d)
        let secs = Double(days * 86_400 + h * 3600 + mi * 60 + s - offset) + frac
        return Date(timeIntervalSince1970: secs)
    }

    /// Howard Hinnant's days_from_civil.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `2019-08-18T01:00:00.000Z`, the form Autotask sends.
    public static func format(_ date: Date) -> String {
        let totalMS = Int((date.timeIntervalSince1970 * 1000).rounded())
        var whole = totalMS / 1000, ms = totalMS % 1000
        if ms < 0 {
            ms += 1000
            whole -= 1
        }
        var days = whole / 86_400, rem = whole % 86_400
        if rem < 0 {
            rem += 86_400
            days -= 1
        }
        let (y, m, d) = civilFromDays(days)
        func p(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return
            "\(p(y, 4))-\(p(m, 2))-\(p(d, 2))T\(p(rem / 3600, 2)):\(p(rem % 3600 / 60, 2)):\(p(rem % 60, 2)).\(p(ms, 3))Z"
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// A page may not carry more items than were asked for: the bound is given to the decoder
/// (`userInfo[PageLimit.key]`) and checked against the array's length before any item is
/// decoded, so a hostile page of a million tiny items costs nothing but its bytes.
public enum PageLimit {
    public static let key = CodingUserInfoKey(rawValue: "psatop.pageLimit")!

    public struct TooMany: Error, Sendable, CustomStringConvertible {
        public var count: Int
        public var limit: Int
        public var description: String {
            "the server sent \(count) items for a page of at most \(limit): refused (it ignored the page size)"
        }
    }
}

extension KeyedDecodingContainer {
    /// The array under `key` (nil when absent or null), refused unread when it is longer than the
    /// decoder's page limit.
    public func pageItems<T: Decodable>(_ type: [T].Type, forKey key: Key, decoder: any Decoder) throws -> [T]? {
        if let limit = decoder.userInfo[PageLimit.key] as? Int, contains(key), (try? decodeNil(forKey: key)) == false,
            let n = (try? nestedUnkeyedContainer(forKey: key))?.count, n > limit
        {
            throw PageLimit.TooMany(count: n, limit: limit)
        }
        return try decodeIfPresent([T].self, forKey: key)
    }
}
