import Foundation

/// Terminal column widths without the C library's locale: East Asian wide and emoji take two
/// columns, combining marks ride on their base character.
public enum TextWidth {
    /// Columns one grapheme cluster takes.
    public static func of(_ c: Character) -> Int {
        let scalars = c.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.value < 0x7F { return first.value < 0x20 ? 0 : 1 }
        if scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }  // emoji presentation
        if isWide(first.value) { return 2 }
        if isZeroWidth(first.value) { return 0 }
        return 1
    }

    /// Columns a string takes.
    public static func of(_ s: String) -> Int {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return s.utf8.count }
        return s.reduce(0) { $0 + of($1) }
    }

    static func isZeroWidth(_ v: UInt32) -> Bool {
        (0x0300...0x036F).contains(v) || (0x200B...0x200F).contains(v) || (0xFE00...0xFE0F).contains(v)
            || (0x20D0...0x20FF).contains(v)
    }

    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
            0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB,
            0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA,
            0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757,
            0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55,
            0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
            0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F004, 0x1F0CF, 0x1F18E, 0x1F191...0x1F19A,
            0x1F200...0x1F251, 0x1F300...0x1F64F, 0x1F680...0x1F6FF, 0x1F7E0...0x1F7EB,
            0x1F90C...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// The longest prefix of `s` that fits in `width` columns, with `…` when cut (ASCII `~` if `ascii`).
    public static func truncate(_ s: String, to width: Int, ascii: Bool = false) -> String {
        guard width > 0 else { return "" }
        if of(s) <= width { return s }
        var out = "", used = 0
        for c in s {
            let w = of(c)
            if used + w > width - 1 { break }
            out.append(c)
            used += w
        }
        return out + (ascii ? "~" : "…")
    }

    /// `s` cut or padded with spaces to exactly `width` columns.
    public static func fit(_ s: String, _ width: Int, ascii: Bool = false, alignRight: Bool = false) -> String {
        let t = truncate(s, to: width, ascii: ascii)
        let pad = String(repeating: " ", count: max(0, width - of(t)))
        return alignRight ? pad + t : t + pad
    }

    /// Word-wraps text to `width` columns, keeping paragraph breaks; each paragraph is sanitized
    /// first (what is measured is what will be drawn). A word longer than the line is cut into
    /// pieces that fit. Linear in the text: every character is measured once, so a long unbroken
    /// (CJK) paragraph costs no more than words would. The last results are remembered, so a
    /// screen that draws the same text every frame does not wrap it again.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        if let hit = wrapCache.get(text, width) { return hit }
        let lines = computeWrap(text, width: width)
        wrapCache.put(text, width, lines)
        return lines
    }

    static func computeWrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let para = String(raw).sanitized
            var line = "", lineWidth = 0
            for word in para.split(separator: " ") {
                var w = Substring(word), ww = of(String(word))
                if ww > width {  // a word longer than the line: whole pieces of `width` columns
                    if !line.isEmpty {
                        lines.append(line)
                        line = ""
                        lineWidth = 0
                    }
                    var piece = "", pieceWidth = 0
                    var rest = ww
                    var cut = w.startIndex
                    for c in w {
                        let cw = of(c)
                        if piece.isEmpty, rest <= width { break }  // what is left fits on a line
                        if pieceWidth + cw > width, !piece.isEmpty {
                            lines.append(piece)
                            piece = ""
                            pieceWidth = 0
                            if rest <= width { break }
                        }
                        piece.append(c)
                        pieceWidth += cw
                        rest -= cw
                        cut = w.index(after: cut)
                    }
                    if !piece.isEmpty { lines.append(piece) }
                    w = w[cut...]
                    ww = rest
                    // (Only when one character is wider than the line is nothing left: the last piece is the line then.)
                    if w.isEmpty, let last = lines.popLast() {
                        line = last
                        lineWidth = of(last)
                        continue
                    }
                }
                if line.isEmpty {
                    line = String(w)
                    lineWidth = ww
                } else if lineWidth + 1 + ww <= width {
                    line += " " + w
                    lineWidth += 1 + ww
                } else {
                    lines.append(line)
                    line = String(w)
                    lineWidth = ww
                }
            }
            lines.append(line)
        }
        return lines
    }

    private static let wrapCache = WrapCache()
    /// How many wraps the cache answered (for tests: a redrawn frame must not wrap again).
    @_spi(Testing) public static var wrapCacheHits: Int { wrapCache.hits }
}

/// A wrap cache's key: hashed on the width, the length and the text's ends only, so a frame that
/// looks up a long description does not hash all of it (equality, checked on a hash match,
/// is immediate for the same string, which is what a redrawn screen passes).
struct WrapKey: Hashable {
    let text: String
    let width: Int
    /// Bytes of each end that take part in the hash.
    static let sample = 64

    func hash(into h: inout Hasher) {
        h.combine(width)
        let u = text.utf8
        h.combine(u.count)
        for b in u.prefix(Self.sample) { h.combine(b) }
        for b in u.suffix(Self.sample) { h.combine(b) }
    }

    static func == (a: WrapKey, b: WrapKey) -> Bool { a.width == b.width && a.text == b.text }
}

/// The last few wraps, by text and width. Thread-safe: every access to `entries` and `order`
/// happens with `lock` held, so the class may be shared (hence `@unchecked Sendable`).
private final class WrapCache: @unchecked Sendable {
    private typealias Key = WrapKey
    private var entries: [Key: [String]] = [:]
    private var order: [Key] = []
    private let lock = NSLock()
    private let capacity = 64
    private var hitCount = 0

    var hits: Int {
        lock.lock()
        defer { lock.unlock() }
        return hitCount
    }

    func get(_ text: String, _ width: Int) -> [String]? {
        lock.lock()
        defer { lock.unlock() }
        let hit = entries[Key(text: text, width: width)]
        if hit != nil { hitCount += 1 }
        return hit
    }

    func put(_ text: String, _ width: Int, _ lines: [String]) {
        let key = Key(text: text, width: width)
        lock.lock()
        defer { lock.unlock() }
        if entries.updateValue(lines, forKey: key) == nil {
            order.append(key)
            if order.count > capacity { entries[order.removeFirst()] = nil }
        }
    }
}
