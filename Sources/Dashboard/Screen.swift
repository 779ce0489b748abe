import Foundation
import PSACore

/// The dashboard's terminal-wide state: one for all tenants.
public struct Screen: Equatable, Sendable {
    public var now: Date
    public var width: Int
    public var height: Int
    public var ascii = false
    /// psatop's version (`--version`), shown in the help overlay's title; nil: not shown.
    public var version: String?
    public var timeZone: TimeZone = .current
    public var spinner = 0
    public var showHelp = false
    public var quit = false
    /// `--notify`: a terminal notification when it matters (a latency tier entered, a suspension,
    /// tickets newly breaching their SLA), at most one a minute per kind and tenant.
    public var notify = false
    /// The command palette (`Ctrl-P`, `V` for the views), while open.
    public var palette: PaletteState?
    /// `z`: the focused pane has the whole screen; `Z` (or `gauge = "line"`): the gauge on one line.
    public var zoomed = false
    public var gaugeFolded = false
    /// `mouse = true`: wheel, clicks and double-clicks act (off: the terminal selects text).
    public var mouse = false
    /// The config's `[[commands]]`, and what the last one run in a pane printed.
    public var commands: [CustomCommand] = []
    public var output: CommandOutput?
    /// The themes the palette offers (the terminal loop's cycle).
    public var themeNames: [String] = []
    /// The timer running on a ticket (`T`), its entry being confirmed, and whether a timer kept
    /// from before is being offered back (Timer.swift).
    public var timer: RunningTimer?
    public var timerEntry: TimerEntry?
    public var timerOffered = false
}

/// The screen's fields read as the state's own (every pane reads `s.width`, `s.now`…).
extension DashboardState {
    public var now: Date {
        get { screen.now }
        set { screen.now = newValue }
    }
    public var width: Int {
        get { screen.width }
        set { screen.width = newValue }
    }
    public var height: Int {
        get { screen.height }
        set { screen.height = newValue }
    }
    public var ascii: Bool {
        get { screen.ascii }
        set { screen.ascii = newValue }
    }
    public var version: String? {
        get { screen.version }
        set { screen.version = newValue }
    }
    public var timeZone: TimeZone {
        get { screen.timeZone }
        set { screen.timeZone = newValue }
    }
    public var spinner: Int {
        get { screen.spinner }
        set { screen.spinner = newValue }
    }
    public var showHelp: Bool {
        get { screen.showHelp }
        set { screen.showHelp = newValue }
    }
    public var quit: Bool {
        get { screen.quit }
        set { screen.quit = newValue }
    }
    public var notify: Bool {
        get { screen.notify }
        set { screen.notify = newValue }
    }
}

/// Where the panes go at a given size.
public struct Layout: Equatable, Sendable {
    public struct Rect: Equatable, Sendable { public var x, y, width, height: Int }
    public static let minWidth = 80, minHeight = 24
    public let width: Int, height: Int
    public let quota: Rect, tickets: Rect, log: Rect, body: Rect
    /// The tenants' overview (height 0 with one tenant).
    public let overview: Rect
    public var tooSmall: Bool { width < Self.minWidth || height < Self.minHeight }

    /// `zoom`: the pane that has the whole screen (nil: none); `foldGauge`: the gauge on one line.
    public init(width: Int, height: Int, overviewRows: Int = 0, zoom: Pane? = nil, foldGauge: Bool = false) {
        self.width = width
        self.height = height
        let rows = zoom == nil ? overviewRows : 0
        overview = Rect(x: 0, y: 1, width: width, height: rows > 0 ? rows + 2 : 0)
        quota = Rect(x: 0, y: 1 + overview.height, width: width, height: zoom != nil ? 0 : foldGauge ? 1 : 7)
        let bodyTop = quota.y + quota.height, bodyHeight = max(0, height - bodyTop - 1)
        body = Rect(x: 0, y: bodyTop, width: width, height: bodyHeight)
        let logH = zoom == nil ? max(5, bodyHeight / 3) : zoom == .tickets ? 0 : bodyHeight
        tickets = Rect(x: 0, y: bodyTop, width: width, height: max(0, bodyHeight - logH))
        log = Rect(x: 0, y: bodyTop + tickets.height, width: width, height: logH)
    }
}
