import CNcurses
import Dashboard
import Foundation

/// Turns canvases into ncurses calls and ncurses input into keys. Only this type touches the terminal.
/// Not thread-safe: use it from the one UI thread.
final class CursesScreen {
    private var pairs: [PairKey: Int32] = [:]
    private var nextPair: Int32 = 1
    private let colors: Int
    private let maxPairs: Int
    private var last: Canvas?
    /// Bytes of UTF-8 handed to ncurses, for the curious (ncurses itself sends only what changed).
    private(set) var frames = 0

    struct PairKey: Hashable { let fg: Int32; let bg: Int32 }

    init(color: Bool) throws {
        guard psa_start(color ? 1 : 0) == 0 else { throw TerminalError(message: "cannot start the terminal (is TERM set?)") }
        colors = Int(psa_colors())
        maxPairs = Int(psa_color_pairs())
    }

    var size: (width: Int, height: Int) { (Int(psa_cols()), Int(psa_rows())) }
    var colorCount: Int { colors }

    func stop() { psa_stop() }

    /// Draws a canvas; does nothing when it equals the last one. One doupdate per frame.
    func draw(_ c: Canvas) {
        if let last, last == c { return }
        let full = last.map { $0.width != c.width || $0.height != c.height } ?? true
        var buf: [UInt8] = []
        buf.reserveCapacity(c.width * 4)
        for y in 0..<c.height {
            if !full, let last, rowEqual(last, c, y) { continue }
            var x = 0
            while x < c.width {
                let style = c[x, y].style
                let start = x
                buf.removeAll(keepingCapacity: true)
                while x < c.width, c[x, y].style == style {
                    let cell = c[x, y]
                    if !cell.continuation { buf.append(contentsOf: Array(String(cell.char).utf8)) }
                    x += 1
                }
                buf.append(0)
                apply(style)
                buf.withUnsafeBufferPointer { p in
                    p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { psa_put(Int32(y), Int32(start), $0) }
                }
            }
        }
        psa_flush()
        last = c
        frames += 1
    }

    private func rowEqual(_ a: Canvas, _ b: Canvas, _ y: Int) -> Bool {
        let w = a.width
        for x in 0..<w where a.cells[y * w + x] != b.cells[y * w + x] { return false }
        return true
    }

    private func apply(_ s: Style) {
        var attrs: Int32 = 0
        if s.bold { attrs |= Int32(PSA_A_BOLD) }
        if s.underline { attrs |= Int32(PSA_A_UNDERLINE) }
        if s.reverse { attrs |= Int32(PSA_A_REVERSE) }
        if s.dim { attrs |= Int32(PSA_A_DIM) }
        psa_set_style(pair(s), attrs)
    }

    private func pair(_ s: Style) -> Int32 {
        guard colors > 0 else { return 0 }
        let key = PairKey(fg: map(s.fg), bg: map(s.bg))
        if key.fg == -1 && key.bg == -1 { return 0 }
        if let p = pairs[key] { return p }
        guard Int(nextPair) < maxPairs else { return 0 }
        let p = nextPair
        nextPair += 1
        _ = psa_init_pair(p, key.fg, key.bg)
        pairs[key] = p
        return p
    }

    /// A theme colour in the terminal's depth: 8, 16, 256 (or more) colours.
    private func map(_ c: TermColor) -> Int32 {
        switch c {
        case .default: return -1
        case .ansi(let n): return Int32(colors >= 16 ? Int(n) : Int(n) % 8)
        case .indexed(let n): return colors >= 256 ? Int32(n) : Int32(ColorMath.nearestANSI(index: n) % (colors >= 16 ? 16 : 8))
        case .rgb(let r, let g, let b):
            if colors >= 256 { return Int32(ColorMath.cubeIndex(r, g, b)) }
            return Int32(ColorMath.nearestANSI(r, g, b) % (colors >= 16 ? 16 : 8))
        }
    }

    /// The next key, or nil after `timeoutMS` without one.
    func readKey(timeoutMS: Int32) -> RawKey? {
        let k = psa_read_key(timeoutMS)
        switch k {
        case -1: return nil
        case Int32(PSA_KEY_RESIZE): return .resize
        case Int32(PSA_KEY_UP): return .key(.up)
        case Int32(PSA_KEY_DOWN): return .key(.down)
        case Int32(PSA_KEY_LEFT): return .key(.left)
        case Int32(PSA_KEY_RIGHT): return .key(.right)
        case Int32(PSA_KEY_PGUP): return .key(.pageUp)
        case Int32(PSA_KEY_PGDN): return .key(.pageDown)
        case Int32(PSA_KEY_HOME): return .key(.home)
        case Int32(PSA_KEY_END): return .key(.end)
        case Int32(PSA_KEY_ENTER), 10, 13: return .key(.enter)
        case Int32(PSA_KEY_BACKTAB): return .key(.backTab)
        case Int32(PSA_KEY_BACKSPACE), 127, 8: return .key(.backspace)
        case 27: return .key(.escape)
        case 9: return .key(.tab)
        case 1...26: return .key(.ctrl(Character(Unicode.Scalar(UInt8(k) + 96))))
        case 32...0x10FFFF:
            guard let u = Unicode.Scalar(UInt32(k)) else { return nil }
            return .key(.char(Character(u)))
        default: return nil
        }
    }

    enum RawKey { case key(Key), resize }
}

struct TerminalError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Colour arithmetic for terminals with fewer colours than the theme asks for.
enum ColorMath {
    static let ansiRGB: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    static func cubeIndex(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        func level(_ v: UInt8) -> Int { v < 48 ? 0 : v < 115 ? 1 : (Int(v) - 35) / 40 }
        return 16 + 36 * level(r) + 6 * level(g) + level(b)
    }

    static func nearestANSI(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        var best = 0, bestD = Int.max
        for (i, c) in ansiRGB.enumerated() {
            let d = (c.0 - Int(r)) * (c.0 - Int(r)) + (c.1 - Int(g)) * (c.1 - Int(g)) + (c.2 - Int(b)) * (c.2 - Int(b))
            if d < bestD { bestD = d; best = i }
        }
        return best
    }

    static func nearestANSI(index n: UInt8) -> Int {
        if n < 16 { return Int(n) }
        if n >= 232 { let v = UInt8(8 + 10 * (Int(n) - 232)); return nearestANSI(v, v, v) }
        let i = Int(n) - 16
        let steps = [0, 95, 135, 175, 215, 255]
        return nearestANSI(UInt8(steps[i / 36]), UInt8(steps[(i / 6) % 6]), UInt8(steps[i % 6]))
    }
}
