/// Text from the network is untrusted. Before it reaches the screen, `sanitized` removes
/// C0/C1 control characters (tabs and newlines become spaces), whole ANSI escape sequences
/// (CSI, OSC, DCS, …), bidi overrides and isolates, zero-width and invisible characters (soft
/// hyphen, tag characters, Hangul fillers), and keeps at most `maxCombiningMarks` combining
/// marks on one base character (a letter carrying megabytes of them is one "character" that
/// would stall every width computation and smear over its neighbours).
extension String {
    /// Combining marks kept on one base character; real scripts stack far fewer.
    public static let maxCombiningMarks = 16

    public var sanitized: String {
        // Fast path: printable ASCII only.
        if utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return self }
        var out = String.UnicodeScalarView()
        var marks = 0  // combining marks on the current base character
        var it = unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending {
                pending = nil
                return p
            }
            return it.next()
        }
        while let s = next() {
            let v = s.value
            switch v {
            case 0x1B:  // ESC: drop the whole sequence
                guard let k = next() else { break }
                switch k.value {
                case 0x5B:  // CSI: params/intermediates then a final byte 0x40–0x7E
                    while let c = next() { if (0x40...0x7E).contains(c.value) { break } }
                case 0x5D, 0x50, 0x58, 0x5E, 0x5F:  // OSC, DCS, SOS, PM, APC: until BEL or ST
                    while let c = next() {
                        if c.value == 0x07 || c.value == 0x9C { break }
                        if c.value == 0x1B {
                            if let t = next(), t.value != 0x5C { pending = t }
                            break
                        }
                    }
                default: break  // two-character escape: drop both
                }
            case 0x9B:  // 8-bit CSI
                while let c = next() { if (0x40...0x7E).contains(c.value) { break } }
            case 0x9D, 0x90:  // 8-bit OSC/DCS
                while let c = next() { if c.value == 0x07 || c.value == 0x9C { break } }
            case 0x09, 0x0A, 0x0D, 0x0B, 0x0C, 0x85, 0x2028, 0x2029:
                out.append(" ")
                marks = 0
            case 0..<0x20, 0x7F, 0x80..<0xA0:
                continue
            case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0x206A...0x206F,
                0xFEFF, 0x061C, 0x180E, 0xFFF9...0xFFFB:
                continue  // zero-width, bidi marks/overrides/isolates, invisible operators
            case 0x00AD, 0x115F, 0x1160, 0x3164, 0xFFA0, 0xE0000...0xE007F:
                continue  // soft hyphen, Hangul fillers, tag characters: invisible, or blank yet wide
            default:
                if v >= 0x300, s.properties.generalCategory.isCombiningMark {
                    marks += 1
                    if marks > String.maxCombiningMarks { continue }
                } else {
                    marks = 0
                }
                out.append(s)
            }
        }
        return String(out)
    }
}

extension String {
    /// The text without control and format characters (see `isControlOrFormat`): for typed text
    /// used as a search needle or a name to look up.
    public var withoutControlOrFormat: String {
        String(String.UnicodeScalarView(unicodeScalars.filter { !$0.properties.generalCategory.isControlOrFormat }))
    }
}

extension Character {
    /// A character a prompt takes: none of its scalars a control or format character (every
    /// newline is one: \n, \r, NEL are controls, U+2028/2029 separators).
    public var isTypable: Bool { unicodeScalars.allSatisfy { !$0.properties.generalCategory.isControlOrFormat } }
}

extension Unicode.GeneralCategory {
    /// Marks that ride on the character before them.
    var isCombiningMark: Bool {
        switch self {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    /// Characters that must not reach typed text or a search needle: controls, format characters
    /// (bidi, zero-width), separators of lines and paragraphs, and what is not a character at all.
    public var isControlOrFormat: Bool {
        switch self {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: true
        default: false
        }
    }
}
