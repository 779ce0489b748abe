import Foundation
import PSAApp
import Testing

@Suite("--theme with a name that is no theme")
struct ThemeNameTests {
    @Test("the error lists the theme names, not only the paths looked in")
    func listsNames() {
        do {
            _ = try ThemeLocator.load("nosuch-theme")
            Issue.record("an unknown theme loaded")
        } catch {
            let text = "\(error)"
            #expect(text.contains("theme 'nosuch-theme' not found; the themes are default"), "\(text)")
            for name in ThemeLocator.available() { #expect(text.contains(name), "\(name) not named: \(text)") }
        }
    }
}
