import Foundation

/// Stable fakes: a keyed hash of a value seeds the letters that replace it, so the same value
/// gets the same fake everywhere the key is used, and nobody without the key can test guesses
/// against a fake (a plain hash of a phone number is reversed by trying them all).
///
/// A fake keeps the value's length and script, letter by letter: ASCII letters stay ASCII
/// letters of the same case, digits stay digits, CJK stays CJK, Cyrillic stays Cyrillic, and so
/// on; punctuation, spaces, symbols, emoji, control, bidi and zero-width characters are kept as
/// they are (hostile text stays hostile, so the sanitizing behind it is still exercised).
public struct FakeText: Sendable {
    let k0: UInt64
    let k1: UInt64

    /// A fresh random key (a recording's: never written anywhere).
    public init<R: RandomNumberGenerator>(using rng: inout R) {
        k0 = rng.next()
        k1 = rng.next()
    }

    public init(key0: UInt64, key1: UInt64) {
        k0 = key0
        k1 = key1
    }

    /// The fake for `value`. Case does not change the letters chosen (`Bob` and `BOB` give the
    /// same letters), only their case, which follows the value.
    public func fake(_ value: String) -> String {
        var rng = SeededGenerator(seed: SipHash.hash(Array(value.lowercased().utf8), k0, k1))
        var out = String.UnicodeScalarView()
        for u in value.unicodeScalars { out.append(Self.replace(u, &rng)) }
        return String(out)
    }

    /// Letter ranges a letter is replaced within: (first, last) of the same script and case.
    static let ranges: [ClosedRange<UInt32>] = [
        0x61...0x7A, 0x41...0x5A,  // ASCII
        0xE0...0xF6, 0xF8...0xFE, 0xC0...0xD6, 0xD8...0xDE,  // Latin-1
        0x3B1...0x3C9, 0x391...0x3A9,  // Greek
        0x430...0x44F, 0x410...0x42F,  // Cyrillic
        0x5D0...0x5EA,  // Hebrew
        0x621...0x63A, 0x641...0x64A,  // Arabic
        0x905...0x939,  // Devanagari
        0xE01...0xE2E,  // Thai
        0x3041...0x3096, 0x30A1...0x30FA,  // Hiragana, Katakana
        0x4E00...0x9FFF,  // CJK unified ideographs
        0xAC00...0xD7A3,  // Hangul syllables
    ]

    static func replace(_ u: Unicode.Scalar, _ rng: inout SeededGenerator) -> Unicode.Scalar {
        let v = u.value
        if let r = ranges.first(where: { $0.contains(v) }) {
            return Unicode.Scalar(r.lowerBound + UInt32(rng.next() % UInt64(r.count))) ?? u
        }
        let p = u.properties
        // A decimal digit of any script: another digit of the same script.
        if p.numericType == .decimal, let n = p.numericValue, n >= 0, n <= 9 {
            return Unicode.Scalar(v - UInt32(n) + UInt32(rng.next() % 10)) ?? u
        }
        // Another letter outside the ranges: one of the same case from its own 128-scalar block.
        let kept: [Unicode.GeneralCategory] = [.nonspacingMark, .spacingMark, .modifierLetter]
        guard p.isAlphabetic, !p.isJoinControl, !kept.contains(p.generalCategory) else { return u }
        let base = v & ~0x7F
        for _ in 0..<16 {
            guard let c = Unicode.Scalar(base + UInt32(rng.next() % 128)) else { continue }
            let cp = c.properties
            if cp.generalCategory == p.generalCategory, cp.isAlphabetic { return c }
        }
        return u
    }
}

/// SipHash-2-4: a keyed hash (a pseudorandom function of its 128-bit key).
public enum SipHash {
    public static func hash(_ bytes: [UInt8], _ k0: UInt64, _ k1: UInt64) -> UInt64 {
        var v0: UInt64 = 0x736F_6D65_7073_6575 ^ k0
        var v1: UInt64 = 0x646F_7261_6E64_6F6D ^ k1
        var v2: UInt64 = 0x6C79_6765_6E65_7261 ^ k0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ k1
        func round() {
            v0 &+= v1
            v1 = rotl(v1, 13) ^ v0
            v0 = rotl(v0, 32)
            v2 &+= v3
            v3 = rotl(v3, 16) ^ v2
            v0 &+= v3
            v3 = rotl(v3, 21) ^ v0
            v2 &+= v1
            v1 = rotl(v1, 17) ^ v2
            v2 = rotl(v2, 32)
        }
        let full = bytes.count / 8
        for i in 0..<full {
            var m: UInt64 = 0
            for j in 0..<8 { m |= UInt64(bytes[i * 8 + j]) << (8 * j) }
            v3 ^= m
            round()
            round()
            v0 ^= m
        }
        var last = UInt64(bytes.count & 0xFF) << 56
        for j in 0..<(bytes.count % 8) { last |= UInt64(bytes[full * 8 + j]) << (8 * j) }
        v3 ^= last
        round()
        round()
        v0 ^= last
        v2 ^= 0xFF
        for _ in 0..<4 { round() }
        return v0 ^ v1 ^ v2 ^ v3
    }

    static func rotl(_ x: UInt64, _ b: UInt64) -> UInt64 { (x << b) | (x >> (64 - b)) }
}
