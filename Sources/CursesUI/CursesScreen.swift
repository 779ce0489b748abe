import CNcurses
import Dashboard
import Foundation

/// Turns canvases into ncurses calls and ncurses input into keys. Only this type touches the terminal.
/// Not thread-safe: use it from the one UI thread.
final class CursesScreen {
    private var pairs: [PairKey: Int32] = [:]
    private var nextPair: Int32 = 1
    private let colors: Int
    let depth: ColorDepth
    private let maxPairs: Int
    private var last: Canvas?
    /// Bytes of UTF-8 handed to ncurses, for the curious (ncurses itself sends only what changed).
    private(set) var frames = 0

    struct PairKey: Hashable {
        let fg: Int32
        let bg: Int32
    }

    /// - Parameter term: a terminfo entry to use instead of `$TERM` (see `ColorDepth.directEntry`).
    init(color: Bool, term: String? = nil) throws {
        let started = term.map { t in t.withCString { psa_start(color ? 1 : 0, $0) } } ?? psa_start(color ? 1 : 0, nil)
        guard started == 0 else { throw TerminalError(message: "cannot start the terminal (is TERM set?)") }
        colors = color ? Int(psa_colors()) : 0
        depth = ColorDepth(colors: colors)
        maxPairs = Int(psa_color_pairs())
    }

    var size: (width: Int, height: Int) { (Int(psa_cols()), Int(psa_rows())) }
    var colorCount: Int { colors }

    func stop() { psa_stop() }

    /// Gives the terminal to another program (an editor) and takes it back; the next draw repaints all.
    func suspend() { psa_suspend() }
    func resume() {
        psa_resume()
        last = nil
    }

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
                    p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) {
                        psa_put(Int32(y), Int32(start), $0)
                    }
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

    private func map(_ c: TermColor) -> Int32 { ColorMath.number(c, depth: depth) }

    /// The next key, or nil after `timeoutMS` without one.
    func readKey(timeoutMS: Int32) -> RawKey? {
        let k = psa_read_key(timeoutMS)
        switch k {
        case -1: return nil
        case Int32(PSA_KEY_RESIZE): return .resize
        case Int32(PSA_KEY_MOUSE):
            var x: Int32 = 0, y: Int32 = 0
            let kinds: [Int32: MouseEvent.Kind] = [1: .press, 2: .doubleClick, 3: .wheelUp, 4: .wheelDown]
            guard let kind = kinds[psa_mouse_event(&x, &y)] else { return nil }
            return .mouse(MouseEvent(kind, x: Int(x), y: Int(y)))
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

    enum RawKey { case key(Key), resize, mouse(MouseEvent) }

    /// Mouse reports on or off (`mouse = true`; off, the terminal selects text as usual).
    func mouse(_ on: Bool) { psa_mouse(on ? 1 : 0) }
}

struct TerminalError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// How many colours the terminal shows, from its terminfo entry's `colors`.
public enum ColorDepth: String, Sendable, Equatable, CaseIterable {
    case none, ansi8, ansi16, palette256, direct

    public init(colors: Int) {
        switch colors {
        case ..<8: self = .none
        case ..<16: self = .ansi8
        case ..<256: self = .ansi16
        case ..<(1 << 24): self = .palette256
        default: self = .direct
        }
    }

    public var label: String {
        switch self {
        case .none: "no colour"
        case .ansi8: "8 colours"
        case .ansi16: "16 colours"
        case .palette256: "256 colours"
        case .direct: "truecolour"
        }
    }

    /// The direct-colour terminfo entry to use when the terminal says it shows 24-bit colour
    /// (`COLORTERM=truecolor` or `24bit`, as iTerm2, GNOME Terminal, Windows Terminal, kitty set)
    /// but `$TERM` names a 256-colour entry: `xterm-256color` → `xterm-direct`, `tmux-256color` →
    /// `tmux-direct`, when that entry is installed. nil: keep `$TERM`.
    public static func directEntry(environment env: [String: String], exists: (String) -> Bool = Terminfo.exists)
        -> String?
    {
        guard let ct = env["COLORTERM"]?.lowercased(), ct == "truecolor" || ct == "24bit",
            let term = env["TERM"], !term.contains("direct")
        else { return nil }
        let family = term.split(separator: "-").first.map(String.init) ?? term
        guard ["xterm", "tmux"].contains(family) else { return nil }
        let entry = family + "-direct"
        return exists(entry) ? entry : nil
    }
}

/// Where terminfo entries live (as ncurses looks for them).
public enum Terminfo {
    public static func exists(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !name.contains("/") else { return false }
        let env = ProcessInfo.processInfo.environment
        var dirs: [String] = []
        if let t = env["TERMINFO"] { dirs.append(t) }
        if let home = env["HOME"] { dirs.append(home + "/.terminfo") }
        if let list = env["TERMINFO_DIRS"] { dirs += list.split(separator: ":").map(String.init) }
        dirs += ["/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo", "/usr/lib/terminfo"]
        let letter = String(first), hex = String(format: "%02x", first.value)
        return dirs.contains { d in
            FileManager.default.fileExists(atPath: "\(d)/\(letter)/\(name)")
                || FileManager.default.fileExists(atPath: "\(d)/\(hex)/\(name)")
        }
    }
}

/// Colour arithmetic: a theme colour as the terminal's colour number, in its depth.
public enum ColorMath {
    /// -1 for the terminal's default; ANSI 0–7 at 8 colours, 0–15 at 16, the xterm palette at
    /// 256, and 0xRRGGBB in direct colour (where 0–7 are still the ANSI colours, so a near-black
    /// below 8 is sent as 8).
    public static func number(_ c: TermColor, depth: ColorDepth) -> Int32 {
        switch depth {
        case .none: return -1
        case .direct:
            switch c {
            case .default: return -1
            case .ansi(let n) where n < 8: return Int32(n)
            case .indexed(let n) where n < 8: return Int32(n)
            case .ansi(let n), .indexed(let n): return direct(rgb(index: n))
            case .rgb(let r, let g, let b): return direct((r, g, b))
            }
        default:
            let colors = depth == .ansi8 ? 8 : depth == .ansi16 ? 16 : 256
            switch c {
            case .default: return -1
            case .ansi(let n): return Int32(colors >= 16 ? Int(n) : Int(n) % 8)
            // Brought down to the nearest of the colours there are (at 8, a grey is white, not black).
            case .indexed(let n): return colors >= 256 ? Int32(n) : Int32(nearestANSI(index: n, among: colors))
            case .rgb(let r, let g, let b):
                if colors >= 256 { return Int32(cubeIndex(r, g, b)) }
                return Int32(nearestANSI(r, g, b, among: colors))
            }
        }
    }

    static func direct(_ c: (UInt8, UInt8, UInt8)) -> Int32 {
        max(8, Int32(c.0) << 16 | Int32(c.1) << 8 | Int32(c.2))
    }

    /// The RGB of a palette index (0–15 the xterm defaults, then the 6×6×6 cube, then the greys).
    static func rgb(index n: UInt8) -> (UInt8, UInt8, UInt8) {
        if n < 16 {
            let c = ansiRGB[Int(n)]
            return (UInt8(c.0), UInt8(c.1), UInt8(c.2))
        }
        if n >= 232 {
            let v = UInt8(8 + 10 * (Int(n) - 232))
            return (v, v, v)
        }
        let i = Int(n) - 16
        let steps: [UInt8] = [0, 95, 135, 175, 215, 255]
        return (steps[i / 36], steps[(i / 6) % 6], steps[i % 6])
    }

    static let ansiRGB: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
        (255, 255, 255),
    ]

    static func cubeIndex(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        func level(_ v: UInt8) -> Int { v < 48 ? 0 : v < 115 ? 1 : (Int(v) - 35) / 40 }
        return 16 + 36 * level(r) + 6 * level(g) + level(b)
    }

    static func nearestANSI(_ r: UInt8, _ g: UInt8, _ b: UInt8, among count: Int = 16) -> Int {
        var best = 0, bestD = Int.max
        for (i, c) in ansiRGB.prefix(count).enumerated() {
            let d = (c.0 - Int(r)) * (c.0 - Int(r)) + (c.1 - Int(g)) * (c.1 - Int(g)) + (c.2 - Int(b)) * (c.2 - Int(b))
            if d < bestD {
                bestD = d
                best = i
            }
        }
        return best
    }

    static func nearestANSI(index n: UInt8, among count: Int = 16) -> Int {
        if Int(n) < count { return Int(n) }
        let c = rgb(index: n)
        return nearestANSI(c.0, c.1, c.2, among: count)
    }
}
