import Dashboard
import Foundation
import PSACore
import Testing

/// One pane alone, at the size the layout gives it: a change to the footer, the title bar or
/// another pane leaves these be. (The whole-screen snapshots beside them show the panes together.)
@Suite("One pane alone", .timeLimit(.minutes(5)))
struct PaneSnapshotTests {
    struct Case: Sendable, CustomTestStringConvertible {
        /// A screen of `SnapshotTests.screen`, and the pane of it drawn alone.
        let screen: String, pane: PaneID
        var testDescription: String { "\(pane.rawValue) in \(screen)" }
    }

    static let cases = [
        Case(screen: "main", pane: .quota), Case(screen: "main", pane: .tickets), Case(screen: "main", pane: .log),
        Case(screen: "log", pane: .log), Case(screen: "request", pane: .request), Case(screen: "detail", pane: .detail),
        Case(screen: "picker", pane: .detail), Case(screen: "sorted", pane: .tickets),
        Case(screen: "filter", pane: .tickets), Case(screen: "suspended", pane: .quota),
        Case(screen: "overview", pane: .overview),
    ]

    @Test("each pane as a person reaches it, alone, at both sizes", arguments: cases, SnapshotTests.sizes)
    func pane(c: Case, size: (Int, Int)) throws {
        let s = SnapshotTests.screen(c.screen, width: size.0, height: size.1)
        #expect(s.panesShown.contains(c.pane))
        let canvas = try #require(renderPane(c.pane, s, theme: .fallback))
        #expect(canvas.width == size.0 && canvas.height < size.1)
        assertSnapshot(canvas, "panes/\(c.pane.rawValue)-\(c.screen)-\(size.0)x\(size.1)")
    }

    @Test("the pane alone reads as it does on the whole screen", arguments: cases)
    func sameAsOnScreen(c: Case) throws {
        let s = SnapshotTests.screen(c.screen, width: 120, height: 40)
        let alone = try #require(renderPane(c.pane, s, theme: .fallback))
        let screen = render(s, theme: .fallback)
        let top = screen.lines.indices.first { y in
            y + alone.height <= screen.height
                && (0..<alone.height).allSatisfy { screen.lines[y + $0] == alone.lines[$0] }
        }
        #expect(top != nil, "\(c.pane.rawValue) alone is not what the screen shows")
    }

    @Test("the alerts pane and one alert, alone (Atera)")
    func alerts() throws {
        var s = sampleState(width: 120, height: 40)
        s.vendor = .atera
        _ = s.reduce(.alerts(AlertsPaneTests.alerts, at: fixedNow))
        _ = s.reduce(.key(.tab))
        #expect(s.focus == .alerts && s.panesShown.contains(.alerts))
        assertSnapshot(try #require(renderPane(.alerts, s, theme: .fallback)), "panes/alerts-120x40")
        _ = s.reduce(.key(.char("j")))
        _ = s.reduce(.key(.enter))
        assertSnapshot(try #require(renderPane(.alert, s, theme: .fallback)), "panes/alert-120x40")
        #expect(renderPane(.detail, s, theme: .fallback) == nil)
    }
}
