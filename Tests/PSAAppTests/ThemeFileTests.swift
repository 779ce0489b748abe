import Dashboard
import Foundation
import PSAApp
import Testing

/// Theme files through the one TOML reader (TOMLKit, as the config).
@Suite("Themes", .timeLimit(.minutes(10)))
struct ThemeFileTests {
    static var themesDir: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("themes")
    }

    @Test("every shipped theme parses and sets every style", arguments: ["default", "light", "high-contrast", "mono"])
    func shipped(name: String) throws {
        let t = try ThemeFile.load(path: Self.themesDir.appendingPathComponent(name + ".toml").path)
        #expect(t.name == name)
        for role in Role.allCases { #expect(t.styles[role] != nil) }
    }

    @Test("colours: names, #rrggbb, indexes; attributes")
    func parse() throws {
        let t = try ThemeFile.parse(
            """
            name = "x"   # comment
            [error]
            fg = "bright-red"
            bg = "#102030"
            bold = true
            [ok]
            fg = 120
            """, file: "x.toml")
        #expect(t[.error] == Style(fg: .ansi(9), bg: .rgb(0x10, 0x20, 0x30), bold: true))
        #expect(t[.ok].fg == .indexed(120))
        #expect(t[.warning] == Theme.fallback[.warning])  // not set: built-in
    }

    @Test(
        "a bad theme file names the file and the line",
        arguments: [
            ("[error]\nfg = \"purpleish\"", 2, "unknown colour"),
            ("[nonsense]", 1, "unknown style"),
            ("[error]\nfg \"red\"", 2, "expected '='"),
            ("\n\n[ok]\nbold = yes", 4, "could not determine value type"),
            ("[ok]\nsparkle = true", 2, "unknown key"),
            ("[ok]\nfg = 300", 2, "outside 0–255"),
            ("[ok]\n[ok]", 2, "cannot redefine existing table 'ok'"),
            ("[ok\nfg = \"red\"", 1, "expected ']'"),
            ("[ok]\nfg = \"red", 2, "end-of-file"),
            ("[ok]\nfg = [1, 2]", 2, "fg must be a colour"),
            ("[gauge.none]\nfg = \"teal-ish\"", 2, "unknown colour 'teal-ish'"),
        ])
    func errors(text: String, line: Int, message: String) {
        do {
            _ = try ThemeFile.parse(text, file: "themes/broken.toml")
            Issue.record("expected an error")
        } catch let e as ThemeError {
            #expect(e.line == line)
            #expect(e.description.hasPrefix("themes/broken.toml:\(line): "))
            #expect(e.message.contains(message), "\(e.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a missing file is a clear error naming it")
    func missing() {
        #expect(throws: ThemeError.self) { try ThemeFile.load(path: "/nonexistent/psatop/themes/none.toml") }
        do { _ = try ThemeFile.load(path: "/nonexistent/t.toml") } catch {
            #expect(String(describing: error).contains("/nonexistent/t.toml"))
        }
    }
}
