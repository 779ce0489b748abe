import Dashboard
import Foundation
import PSAApp
import PSACore
import Testing

/// `[[views]]`, `[[commands]]`, `mouse`, `gauge`, and reading the file again.
@Suite("Config: views, commands, reload", .timeLimit(.minutes(5)))
struct ConfigViewsTests {
    static let text = """
        default = "lab"
        mouse = true
        gauge = "line"

        [profiles.lab]
        demo = true

        [profiles.other]
        demo = true

        [[views]]
        name = "Escalations"
        server_filter = "status:Escalated queue:\\"Level II Support\\""
        filter = "-prio:low"
        sort = "-priority"
        columns = ["number", "title", "priority", "due"]

        [[views]]
        name = "Mine"
        profile = "other"
        filter = "who:me"

        [[commands]]
        name = "ssh"
        key = "K"
        run = ["ssh", "admin@{company}", "--", "echo", "{title}"]
        output = "foreground"
        read_only_safe = true
        """

    @Test("views and commands parse with their parts; a profile's view is for that profile only")
    func parses() throws {
        let c = try PSAConfig.parse(Self.text, file: "config.toml")
        #expect(c.custom.mouse == true && c.custom.gaugeFolded == true)
        let v = try #require(c.custom.views.first?.view)
        #expect(v.serverFilter == ServerFilter(status: "Escalated", queue: "Level II Support"))
        #expect(v.filter == "-prio:low" && v.order == ListOrder(column: .priority, descending: true))
        #expect(v.columns == [.number, .title, .priority, .due])
        #expect(c.custom.views(for: "lab").map(\.name) == ["Escalations"])
        #expect(c.custom.views(for: "other").map(\.name) == ["Escalations", "Mine"])
        #expect(
            c.custom.commands == [
                CustomCommand(
                    name: "ssh", key: "K", argv: ["ssh", "admin@{company}", "--", "echo", "{title}"],
                    output: .foreground, readOnlySafe: true)
            ])
    }

    /// The file with one line changed, and the error it must give (with its line).
    static func error(_ replace: String, _ with: String) -> String {
        do {
            _ = try PSAConfig.parse(text.replacingOccurrences(of: replace, with: with), file: "config.toml")
            return "parsed"
        } catch { return "\(error)" }
    }

    @Test(
        "a key psatop uses is refused by name; so are unknown placeholders, columns, sorts and profiles, each with its line"
    )
    func refusals() {
        #expect(
            Self.error(#"key = "K""#, #"key = "v""#)
                == "config.toml:25: command 'ssh': key 'v' is psatop's own (next view); choose another")
        #expect(Self.error(#"key = "K""#, #"key = "s""#).contains("key 's' is psatop's own (change status)"))
        #expect(
            Self.error("{title}", "{password}").contains(
                "config.toml:26: command 'ssh': unknown placeholder {password}"))
        #expect(Self.error(#""due"]"#, #""dew"]"#).hasPrefix("config.toml:16: view 'Escalations': columns are"))
        #expect(
            Self.error(#"sort = "-priority""#, #"sort = "size""#).hasPrefix(
                "config.toml:15: view 'Escalations': sort must be"))
        #expect(
            Self.error(#"profile = "other""#, #"profile = "nope""#).hasPrefix(
                "config.toml:20: view 'Mine' is for profile 'nope'"))
        #expect(Self.error(#"run = ["ssh""#, #"run = "ssh"; x = ["ssh""#) != "parsed")
        #expect(Self.error("gauge = \"line\"", "gauge = \"tiny\"").hasPrefix("config.toml:3: gauge must be"))
        #expect(Self.error("server_filter = \"status:", "server_filter = \"stat:").contains("config.toml:13:"))
    }

    @Test("a reload says what changed; a broken file keeps the old settings and names its line")
    func reload() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("psatop-reload-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("config.toml").path
        try Self.text.write(toFile: path, atomically: true, encoding: .utf8)
        let old = try PSAConfig.load(path: path, environment: [:])
        let changed = Self.text.replacingOccurrences(of: "name = \"Mine\"", with: "name = \"Yours\"")
            .replacingOccurrences(of: "mouse = true", with: "mouse = false")
        try changed.write(toFile: path, atomically: true, encoding: .utf8)
        let (event, new) = ConfigReload.reload(path: path, old: old, profiles: ["lab", "other"], environment: [:])
        guard case .reloaded(let r) = event else {
            Issue.record("not reloaded: \(event)")
            return
        }
        #expect(r.changes == ["views +Yours -Mine", "mouse off"])
        #expect(r.views[1]?.map(\.name) == ["Escalations", "Yours"] && r.views[0]?.map(\.name) == ["Escalations"])
        #expect(!r.mouse && new?.custom.mouse == false)
        try (changed + "\ncolums = 3\n").write(toFile: path, atomically: true, encoding: .utf8)
        let (bad, kept) = ConfigReload.reload(path: path, old: new, profiles: ["lab"], environment: [:])
        #expect(
            bad
                == .reloadFailed(
                    "\(path):29: unknown key 'colums' in [[commands]]; known: name, key, run, output, read_only_safe"
                ))
        #expect(kept == new)
    }
}
