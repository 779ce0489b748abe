import PSACore

/// A terminal colour as a theme names it.
public enum TermColor: Hashable, Sendable {
    case `default`
    /// 0–15: the terminal's own palette.
    case ansi(UInt8)
    /// 16–255 of the xterm 256-colour cube.
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)
}

/// How a cell looks.
public struct Style: Hashable, Sendable {
    public var fg: TermColor
    public var bg: TermColor
    public var bold: Bool
    public var underline: Bool
    public var reverse: Bool
    public var dim: Bool

    public init(
        fg: TermColor = .default, bg: TermColor = .default, bold: Bool = false, underline: Bool = false,
        reverse: Bool = false, dim: Bool = false
    ) {
        self.fg = fg
        self.bg = bg
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
        self.dim = dim
    }

    public static let plain = Style()
}

/// A grid of styled cells, the whole screen, drawn by pure code and handed to the terminal edge.
/// Every string written here is sanitized first, so remote text cannot reach the terminal raw.
public struct Canvas: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        public var char: Character
        public var style: Style
        /// The right half of a wide character: the terminal draws nothing here.
        public var continuation: Bool
    }

    /// Work the frame did (tickets looked at), counted: a frame visits the rows it shows.
    public var work = WorkCounters()
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int, style: Style = .plain) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(char: " ", style: style, continuation: false), count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell { cells[y * width + x] }

    /// Writes `text` at (x, y), clipped to `maxWidth` columns and the canvas. Returns the columns used.
    @discardableResult
    public mutating func put(_ x: Int, _ y: Int, _ text: String, _ style: Style, maxWidth: Int = .max) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(maxWidth, width - max(0, x))
        var col = x, used = 0
        // Printable ASCII (most of a frame): one column a byte, nothing to sanitize or to measure.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            for b in text.utf8 {
                if used + 1 > limit { break }
                if col >= 0 {
                    clearWide(at: col)
                    cells[y * width + col] = Cell(char: Character(Unicode.Scalar(b)), style: style, continuation: false)
                }
                col += 1
                used += 1
            }
            return used
        }
        for ch in text.sanitized {
            let w = TextWidth.of(ch)
            if w == 0 { continue }
            if used + w > limit { break }
            if col >= 0 {
                // Writing over half of a wide character clears its other half.
                clearWide(at: col)
                if w == 2 { clearWide(at: col + 1) }
                cells[y * width + col] = Cell(char: ch, style: style, continuation: false)
                if w == 2 { cells[y * width + col + 1] = Cell(char: " ", style: style, continuation: true) }
            }
            col += w
            used += w
        }
        return used

        func clearWide(at c: Int) { clearWideChar(at: c, y) }
    }

    /// `count` columns of one of our own glyphs (a box's lines), sanitized and measured once
    /// rather than per column; a glyph that is not one column wide is written as `put` writes it.
    public mutating func repeated(_ x: Int, _ y: Int, _ glyph: String, count: Int, _ style: Style) {
        let clean = glyph.sanitized
        guard let ch = clean.first, clean.count == 1, TextWidth.of(ch) == 1 else {
            put(x, y, String(repeating: glyph, count: max(0, count)), style)
            return
        }
        guard y >= 0, y < height, count > 0 else { return }
        for col in max(0, x)..<min(width, x + count) {
            clearWideChar(at: col, y)
            cells[y * width + col] = Cell(char: ch, style: style, continuation: false)
        }
    }

    /// Writing over half of a wide character clears its other half.
    private mutating func clearWideChar(at c: Int, _ y: Int) {
        guard c < width else { return }
        let i = y * width + c
        if cells[i].continuation, c > 0 {
            cells[i - 1] = Cell(char: " ", style: cells[i - 1].style, continuation: false)
        }
        if c + 1 < width, cells[i + 1].continuation, TextWidth.of(cells[i].char) == 2 {
            cells[i + 1] = Cell(char: " ", style: cells[i + 1].style, continuation: false)
        }
    }

    /// Fills a rectangle with spaces in a style.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ style: Style) {
        for row in max(0, y)..<min(height, y + h) {
            for col in max(0, x)..<min(width, x + w) {
                cells[row * width + col] = Cell(char: " ", style: style, continuation: false)
            }
        }
    }

    /// The screen as lines of text (trailing spaces kept), for snapshot tests.
    public var lines: [String] {
        (0..<height).map { y in
            var s = ""
            for x in 0..<width where !cells[y * width + x].continuation { s.append(cells[y * width + x].char) }
            return s
        }
    }

    /// The text of all lines joined by newlines.
    public var text: String { lines.joined(separator: "\n") }
}
