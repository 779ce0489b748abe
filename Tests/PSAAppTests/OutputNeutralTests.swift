import Foundation
import PSAApp
import PSACore
import Testing

/// Output that others open — a spreadsheet, a JSON viewer, a terminal — cannot be turned against
/// them by text from the server.
@Suite("Output others open", .timeLimit(.minutes(5)))
struct OutputNeutralTests {
    static func row(_ title: String) -> String {
        let t = Ticket(id: 1, number: "T1", title: title, status: "New", priority: "Low")
        return TicketCSV.text([t]).components(separatedBy: "\r\n")[1]
    }

    @Test(
        "a cell holding any delimiter a spreadsheet may split on is quoted; a formula start is neutralised",
        arguments: [
            ("a;=1+1", "\"a;=1+1\""), ("a|b", "\"a|b\""), ("x,y", "\"x,y\""),
            ("=cmd", "'=cmd"), ("  =cmd", "'  =cmd"), ("＝HYPERLINK(1)", "'＝HYPERLINK(1)"), ("@SUM(1)", "'@SUM(1)"),
            ("plain title", "plain title"),
        ])
    func csvCells(title: String, cell: String) {
        #expect(Self.row(title) == "1,T1,\(cell),New,Low,,,,,,,", "\(Self.row(title))")
    }

    @Test("JSON keeps its meaning while C1 controls, bidi and zero-width characters are escaped")
    func jsonInvisibles() throws {
        let hostile = "a\u{202E}evil\u{2066}\u{200B}b\u{0085}c\u{2028}d"
        let data = try JSONEncoder().encode(["title": hostile])
        let escaped = JSONStrings.escapingInvisibles(data)
        let text = String(decoding: escaped, as: UTF8.self)
        for u in ["\u{202E}", "\u{2066}", "\u{200B}", "\u{0085}", "\u{2028}"] { #expect(!text.contains(u)) }
        #expect(text.contains("\\u202e") && text.contains("\\u0085"))
        // The same value to any JSON reader.
        let back = try JSONDecoder().decode([String: String].self, from: escaped)
        #expect(back["title"] == hostile)
        // Text with nothing to escape is passed through untouched.
        let plain = Data(#"{"title":"ordinary — ünïcode"}"#.utf8)
        #expect(JSONStrings.escapingInvisibles(plain) == plain)
    }
}
