import Foundation
import PSAApp
import PSAClient
import Testing

@Suite("Config file and profiles", .timeLimit(.minutes(10)))
struct ConfigTests {
    static let good = """
        # psatop profiles
        default = "contoso"
        theme = "mono"

        [profiles.contoso]
        vendor = "autotask"
        zone = 3
        username = "api@contoso.example"
        secret = { env = "CONTOSO_SECRET" }
        integration_code = { env = "CONTOSO_CODE" }
        ceiling = 60
        poll_budget = 0.5

        [profiles.fabrikam]
        vendor = "atera"
        api_key = { file = "/tmp/psatop-test-fabrikam.key" }
        atera_limit = 500
        theme = "default"

        [profiles.lab]
        demo = true
        """

    @Test("read_only and allow_public: per profile, true or false only, carried to the tenant's settings")
    func writePolicyKeys() throws {
        let base = "[profiles.f]\nvendor = \"atera\"\napi_key = { env = \"K\" }\n"
        let c = try PSAConfig.parse(base + "read_only = true\nallow_public = false\n", file: "c.toml")
        #expect(c.profiles[0].readOnly && !c.profiles[0].allowPublic)
        let plain = try PSAConfig.parse(base, file: "c.toml")
        #expect(!plain.profiles[0].readOnly && plain.profiles[0].allowPublic)
        #expect(throws: ConfigError.self) { try PSAConfig.parse(base + "read_only = \"yes\"\n", file: "c.toml") }
        var choice = TenantChoice()
        choice.configPath = NSTemporaryDirectory() + "psatop-ro-\(getpid()).toml"
        try (base + "read_only = true\n").write(
            toFile: choice.configPath!, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: choice.configPath!) }
        choice.profile = "f"
        choice.demo = true
        let settings = try choice.resolve(environment: ["K": "key"])
        #expect(settings.first?.readOnly == true && settings.first?.allowPublic == true)
    }

    @Test("profiles parse in file order with their settings; zone becomes the base URL")
    func parses() throws {
        let c = try PSAConfig.parse(Self.good, file: "config.toml")
        #expect(c.profiles.map(\.name) == ["contoso", "fabrikam", "lab"])
        #expect(c.defaultProfile == "contoso" && c.theme == "mono")
        let p = c.profiles[0]
        #expect(p.vendor == .autotask && p.zone == 3 && p.userName == "api@contoso.example")
        #expect(p.effectiveBaseURL == "https://webservices3.autotask.net/ATServicesRest/V1.0")
        #expect(p.secret == .env("CONTOSO_SECRET") && p.integrationCode == .env("CONTOSO_CODE"))
        #expect(p.ceiling == 60 && p.pollBudget == 0.5 && p.line == 5)
        #expect(c.profiles[1].apiKey == .file("/tmp/psatop-test-fabrikam.key") && c.profiles[1].ateraLimit == 500)
        #expect(c.profiles[2].demo)
    }

    @Test(
        "me: the person's e-mail per profile (Atera writes comments as this technician); not an e-mail is refused with its line"
    )
    func me() throws {
        let c = try PSAConfig.parse(
            "[profiles.f]\nvendor = \"atera\"\napi_key = { env = \"K\" }\nme = \"dana@msp.example\"\n", file: "c.toml")
        #expect(c.profiles[0].me == "dana@msp.example")
        #expect(throws: (any Error).self) {
            try PSAConfig.parse(
                "[profiles.f]\nvendor = \"atera\"\napi_key = { env = \"K\" }\nme = \"dana\"\n", file: "c.toml")
        }
    }

    @Test(
        "notify = true turns on the dashboard's terminal notifications for every tenant; not a boolean is refused with its line"
    )
    func notifyKey() throws {
        let c = try PSAConfig.parse(
            "notify = true\n[profiles.f]\nvendor = \"atera\"\napi_key = { env = \"K\" }\n", file: "c.toml")
        #expect(c.notify == true)
        #expect(
            try PSAConfig.parse("[profiles.f]\nvendor = \"atera\"\napi_key = { env = \"K\" }\n", file: "c.toml").notify
                == nil)
        do {
            _ = try PSAConfig.parse("theme = \"x\"\nnotify = \"yes\"\n", file: "c.toml")
            Issue.record("accepted notify = \"yes\"")
        } catch let e as ConfigError {
            #expect(e.line == 2 && e.message == "notify must be true or false")
        }
        // Through the settings the dashboard opens.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("psatop-notify-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("config.toml").path
        try "notify = true\n".write(toFile: file, atomically: true, encoding: .utf8)
        var choice = TenantChoice()
        choice.configPath = file
        choice.demo = true
        #expect(try choice.resolve().allSatisfy(\.notify))
    }

    @Test(
        "errors name the line",
        arguments: [
            (
                "[profiles.a]\nvendor = \"autotask\"\nusername = \"u\"\nsecret = \"hunter2\"\n", 4,
                "must not be written in the file"
            ),
            (
                "[profiles.a]\nvendor = \"autotsk\"\n", 2,
                "vendor must be \"autotask\", \"atera\", \"halo\" or \"connectwise\""
            ),
            ("[profiles.a]\nvendor = \"atera\"\napi_key = { env = \"K\" }\nvendr = 1\n", 4, "unknown key 'vendr'"),
            (
                "[profiles.a]\nvendor = \"atera\"\napi_key = { env = \"K\" }\nceiling = 140\n", 4,
                "ceiling must be a percentage"
            ),
            ("[profiles.a]\nvendor = \"autotask\"\nusername = \"u\"\n\n", 1, "needs secret"),
            ("default = \"nope\"\n[profiles.a]\ndemo = true\n", 1, "default profile 'nope' is not defined"),
            ("[profiles.a]\nvendor = \"atera\"\napi_key = { env = \"K\" \n", 3, ""),
            ("[profiles.a]\ndemo = true\nbase_url = \"http://example.com/x\"\n", 3, "http"),
            ("colour = \"red\"\n", 1, "unknown key 'colour'"),
        ])
    func errors(text: String, line: Int, message: String) {
        do {
            _ = try PSAConfig.parse(text, file: "c.toml")
            Issue.record("accepted: \(text)")
        } catch let e as ConfigError {
            #expect(e.line == line, "\(e)")
            #expect(e.description.hasPrefix("c.toml:\(line): "), "\(e)")
            if !message.isEmpty { #expect(e.message.contains(message), "\(e)") }
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a secret file must be the user's own and readable by nobody else")
    func secretFilePermissions() throws {
        let path = NSTemporaryDirectory() + "psatop-secret-\(UUID().uuidString)"
        try "s3cr3t-value\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        chmod(path, 0o644)
        #expect(throws: ConfigurationError.self) { try SecretSource.file(path).resolve() }
        do { _ = try SecretSource.file(path).resolve() } catch {
            #expect("\(error)".contains("mode 0644") && "\(error)".contains("chmod 600"))
            #expect(!"\(error)".contains("s3cr3t"))
        }
        chmod(path, 0o640)
        #expect(throws: ConfigurationError.self) { try SecretSource.file(path).resolve() }
        chmod(path, 0o600)
        #expect(try SecretSource.file(path).resolve() == "s3cr3t-value")
        chmod(path, 0o400)
        #expect(try SecretSource.file(path).resolve() == "s3cr3t-value")
        #expect(throws: ConfigurationError.self) { try SecretSource.file(path + ".missing").resolve() }
        #expect(try SecretSource.env("X_TOKEN").resolve(environment: ["X_TOKEN": "abc"]) == "abc")
        #expect(throws: ConfigurationError.self) { try SecretSource.env("X_TOKEN").resolve(environment: [:]) }
    }

    @Test("config check prints every profile with secrets redacted and names what is unusable")
    func check() throws {
        let keyPath = "/tmp/psatop-test-fabrikam-\(UUID().uuidString).key"
        try "atera-key-value-123".write(toFile: keyPath, atomically: true, encoding: .utf8)
        defer { unlink(keyPath) }
        chmod(keyPath, 0o644)
        let c = try PSAConfig.parse(
            Self.good.replacingOccurrences(of: "/tmp/psatop-test-fabrikam.key", with: keyPath), file: "config.toml")
        let env = ["CONTOSO_SECRET": "contoso-secret-value", "HOME": "/tmp"]
        let (text, ok) = ConfigReport.describe(c, environment: env)
        #expect(!ok)
        #expect(text.contains("contoso (default)"))
        #expect(text.contains("env CONTOSO_SECRET: readable, [redacted]"))
        #expect(text.contains("env CONTOSO_CODE: environment variable CONTOSO_CODE is not set"))
        #expect(text.contains("refusing secret file \(keyPath): group or others can read it"))
        #expect(!text.contains("contoso-secret-value") && !text.contains("atera-key-value-123"))
        chmod(keyPath, 0o600)
        let (text2, ok2) = ConfigReport.describe(c, environment: env.merging(["CONTOSO_CODE": "code-value-42"]) { $1 })
        #expect(ok2, "\(text2)")
        #expect(!text2.contains("code-value-42") && !text2.contains("atera-key-value-123"))
    }

    @Test(
        "flags override the profile; --profile picks one; the default is used without flags; --all takes every profile")
    func choice() throws {
        let dir = NSTemporaryDirectory() + "psatop-cfg-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/psatop", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let keyPath = dir + "/fabrikam.key"
        try Self.good.replacingOccurrences(of: "/tmp/psatop-test-fabrikam.key", with: keyPath)
            .write(toFile: dir + "/psatop/config.toml", atomically: true, encoding: .utf8)
        try "k-123456".write(toFile: keyPath, atomically: true, encoding: .utf8)
        chmod(keyPath, 0o600)
        let env = ["XDG_CONFIG_HOME": dir, "CONTOSO_SECRET": "s-123456", "CONTOSO_CODE": "c-123456"]

        var choice = TenantChoice()
        let d = try choice.resolve(environment: env)
        #expect(
            d.count == 1 && d[0].name == "contoso" && d[0].ceiling == 0.6 && d[0].pollBudgetPercent == 0.5
                && d[0].theme == "mono")
        guard case .autotask(let creds)? = d[0].credentials else {
            Issue.record("no credentials")
            return
        }
        #expect(creds.userName == "api@contoso.example" && creds.secret == "s-123456")

        choice.ceilingPercent = 50
        #expect(try choice.resolve(environment: env)[0].ceiling == 0.5)

        choice.profile = "fabrikam"
        let f = try choice.resolve(environment: env)[0]
        #expect(f.vendor == .atera && f.ateraLimitPerMinute == 500 && f.theme == "default")

        choice.profile = "missing"
        #expect(throws: ConfigurationError.self) { try choice.resolve(environment: env) }

        var all = TenantChoice()
        all.all = true
        #expect(try all.resolve(environment: env).map { $0.name ?? "" } == ["contoso", "fabrikam", "lab"])
        // Without a file, --all needs --demo.
        var none = TenantChoice()
        none.all = true
        #expect(throws: ConfigurationError.self) {
            try none.resolve(environment: ["XDG_CONFIG_HOME": dir + "/nowhere"])
        }
        none.demo = true
        #expect(
            try none.resolve(environment: ["XDG_CONFIG_HOME": dir + "/nowhere"]).map { $0.name ?? "" } == [
                "demo", "contoso", "fabrikam", "tailspin", "northwind",
            ])
    }
}
