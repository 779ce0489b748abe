import Foundation
import PSAClient
import PSACore
import TOMLKit

/// One tenant as the config file describes it.
public struct Profile: Sendable, Equatable {
    public var name: String
    public var vendor: Vendor = .autotask
    /// Run against the embedded simulator instead (no credentials).
    public var demo = false
    public var baseURL: String?
    /// Autotask zone number: `webservicesN.autotask.net`.
    public var zone: Int?
    public var userName: String?
    public var secret: SecretSource?
    public var integrationCode: SecretSource?
    public var apiKey: SecretSource?
    /// HaloPSA: the instance (`https://yourmsp.halopsa.com`), the application's client id and
    /// secret, the scope asked for, an auth server given explicitly, and the limit per 5 minutes.
    public var instance: String?
    public var clientID: String?
    public var clientSecret: SecretSource?
    public var scope: String?
    public var authURL: String?
    /// HaloPSA: the tenant named to the auth server (`?tenant=`); nil: from `/api/authinfo`.
    public var tenant: String?
    public var rateLimit: Int?
    /// ConnectWise: the company id, the API member's public key (not secret) and private key,
    /// a codebase given explicitly (nil: from `/login/companyinfo`), and the person's budget
    /// (`rate_limit = "600 per minute"`: ConnectWise publishes no limit).
    public var company: String?
    public var publicKey: String?
    public var privateKey: SecretSource?
    public var codebase: String?
    public var rateBudget: RateBudget?
    /// Percent of the threshold bulk work may bring the tenant to.
    public var ceiling: Double?
    /// The poller's own requests per hour, percent of the threshold.
    public var pollBudget: Double?
    public var ateraLimit: Int?
    public var theme: String?
    /// Who "me" is on this tenant: the person's e-mail (Atera writes comments as this technician).
    public var me: String?
    /// `read_only = true`: no write of any kind; `allow_public = false`: nothing the customer sees.
    public var readOnly = false
    public var allowPublic = true
    /// Line of the profile's table in the file.
    public var line: Int

    public init(name: String, line: Int = 0) {
        self.name = name
        self.line = line
    }

    /// The base URL to use: given, or built from the zone; nil to discover the zone.
    public var effectiveBaseURL: String? {
        baseURL ?? zone.map { "https://webservices\($0).autotask.net/ATServicesRest/V1.0" }
    }
}

/// A config file error that names the file and line (the same type as a theme file's).
public typealias ConfigError = FileLineError

/// `$XDG_CONFIG_HOME/psatop/config.toml`: named profiles, a default one, a default theme.
public struct PSAConfig: Sendable, Equatable {
    public var path: String
    public var defaultProfile: String?
    public var theme: String?
    /// `notify = true`: the dashboard notifies through the terminal, as with `--notify`.
    public var notify: Bool?
    /// `history = false` keeps no quota history; `history_days` how long it keeps (HistorySession.swift).
    public var history: Bool?
    public var historyDays: Int?
    /// In file order.
    public var profiles: [Profile]
    /// `[[views]]`, `[[commands]]`, `mouse`, `gauge` (ConfigViews.swift).
    public var custom = CustomSettings()
    /// What the user should fix though the file can be used (a file others may write that names secret files).
    public var warnings: [String] = []

    public func profile(_ name: String) -> Profile? { profiles.first { $0.name == name } }

    /// Whether any profile takes a secret from a file.
    public var namesSecretFiles: Bool {
        profiles.contains { p in
            [p.secret, p.integrationCode, p.apiKey, p.clientSecret].contains {
                if case .file? = $0 { true } else { false }
            }
        }
    }

    /// `$XDG_CONFIG_HOME/psatop/config.toml`, else `~/.config/psatop/config.toml`.
    public static func defaultPath(environment env: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((env["HOME"] ?? "~") + "/.config")
        return base + "/psatop/config.toml"
    }

    /// Reads a config file; nil when `path` is the default and no file is there.
    public static func load(path: String?, environment env: [String: String] = ProcessInfo.processInfo.environment)
        throws -> PSAConfig?
    {
        let p = path ?? defaultPath(environment: env)
        guard FileManager.default.fileExists(atPath: p) else {
            if path == nil { return nil }
            throw ConfigError(file: p, line: 0, message: "no such file")
        }
        // Opened once, without blocking (a FIFO named as the config cannot hang the start).
        guard let file = try? OpenedFile.openForReading(p) else {
            throw ConfigError(file: p, line: 0, message: "cannot read the file")
        }
        defer { file.release() }
        guard file.isRegular else {
            throw ConfigError(file: p, line: 0, message: "not a regular file (it is \(OpenedFile.describe(file.kind)))")
        }
        guard let data = file.readAll(upTo: 1 << 20 + 1), data.count <= 1 << 20 else {
            throw ConfigError(file: p, line: 0, message: "cannot read the file (at most 1 MiB)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: p, line: 0, message: "the file is not UTF-8 text")
        }
        var config = try parse(text, file: p)
        let mode = file.info.st_mode & 0o777
        if mode & 0o022 != 0, config.namesSecretFiles {
            config.warnings.append(
                "\(p) names secret files and others can write it (mode \(String(mode, radix: 8, uppercase: false).leftPadded(4))): "
                    + "whoever can change it can point psatop at their own file or server; run: chmod go-w \(p)")
        }
        return config
    }

    static let profileKeys: [String] = [
        "vendor", "demo", "base_url", "zone", "username", "secret", "integration_code", "api_key",
        "ceiling", "poll_budget", "atera_limit", "theme", "me", "read_only", "allow_public",
        "instance", "client_id", "client_secret", "scope", "auth_url", "tenant", "rate_limit",
        "company", "public_key", "private_key", "codebase",
    ]

    /// Parses and validates; every error names the line.
    public static func parse(_ text: String, file: String) throws -> PSAConfig {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw ConfigError(file: file, line: e.source.begin.line, message: e.description)
        }
        let lines = KeyLines(text)
        func fail(_ path: [String], _ message: String) -> ConfigError {
            ConfigError(file: file, line: lines.line(of: path), message: message)
        }

        var config = PSAConfig(path: file, defaultProfile: nil, theme: nil, profiles: [])
        for key in table.keys {
            guard let value = table[key] else { continue }
            switch key {
            case "default":
                guard let s = value.string else { throw fail([key], "default must be a profile name in quotes") }
                config.defaultProfile = s
            case "theme":
                guard let s = value.string else { throw fail([key], "theme must be a theme name or path in quotes") }
                config.theme = s
            case "notify":
                guard let b = value.bool else { throw fail([key], "notify must be true or false") }
                config.notify = b
            case "history":
                guard let b = value.bool else { throw fail([key], "history must be true or false") }
                config.history = b
            case "history_days":
                guard let n = value.int, (1...3650).contains(n) else {
                    throw fail([key], "history_days must be a number of days from 1 to 3650, e.g. 35")
                }
                config.historyDays = n
            case "profiles":
                guard let profiles = value.table else { throw fail([key], "profiles must be tables: [profiles.NAME]") }
                // File order, which TOMLKit's tables do not keep.
                for name in profiles.keys.sorted(by: {
                    lines.line(of: ["profiles", $0]) < lines.line(of: ["profiles", $1])
                }) {
                    guard let t = profiles[name]?.table else {
                        throw fail(["profiles", name], "profile '\(name)' must be a table: [profiles.\(name)]")
                    }
                    config.profiles.append(try profile(name, t, lines: lines, fail: fail))
                }
            case "views", "commands", "mouse", "gauge":
                try config.custom.read(key, value, lines: lines, fail: fail)
            default:
                throw fail(
                    [key],
                    "unknown key '\(key)' (expected default, theme, notify, mouse, gauge, history, history_days, [profiles.NAME], [[views]] or [[commands]])"
                )
            }
        }
        try config.custom.check(profiles: config.profiles.map(\.name), fail: fail)
        if let d = config.defaultProfile, config.profile(d) == nil {
            throw fail(
                ["default"],
                "default profile '\(d)' is not defined; profiles: \(config.profiles.map(\.name).joined(separator: ", "))"
            )
        }
        return config
    }

    private static func profile(
        _ name: String, _ t: TOMLTable, lines: KeyLines, fail: ([String], String) -> ConfigError
    ) throws -> Profile {
        var p = Profile(name: name, line: lines.line(of: ["profiles", name]))
        func at(_ key: String) -> [String] { ["profiles", name, key] }
        func string(_ key: String) throws -> String? {
            guard let v = t[key] else { return nil }
            guard let s = v.string, !s.isEmpty else { throw fail(at(key), "\(key) must be text in quotes") }
            return s
        }
        func number(_ key: String, in range: ClosedRange<Double>, what: String) throws -> Double? {
            guard let v = t[key] else { return nil }
            guard let d = v.double ?? v.int.map(Double.init), range.contains(d) else {
                throw fail(at(key), "\(key) must be \(what)")
            }
            return d
        }
        func secret(_ key: String) throws -> SecretSource? {
            guard let v = t[key] else { return nil }
            if v.string != nil {
                throw fail(
                    at(key),
                    "\(key) must not be written in the file; use \(key) = { env = \"VARIABLE\" } or \(key) = { file = \"~/.config/psatop/\(name).\(key)\" } (mode 600)"
                )
            }
            guard let s = v.table, s.keys.count == 1 else {
                throw fail(at(key), "\(key) must be { env = \"VARIABLE\" } or { file = \"PATH\" }")
            }
            if let e = s["env"]?.string, !e.isEmpty { return .env(e) }
            if let f = s["file"]?.string, !f.isEmpty { return .file(f) }
            throw fail(at(key), "\(key) must be { env = \"VARIABLE\" } or { file = \"PATH\" }")
        }
        for key in t.keys where !profileKeys.contains(key) {
            throw fail(
                at(key), "unknown key '\(key)' in profile '\(name)'; known: \(profileKeys.joined(separator: ", "))")
        }
        if let v = try string("vendor") {
            guard let vendor = Vendor(rawValue: v.lowercased()) else {
                throw fail(at("vendor"), "vendor must be \(Vendor.quotedNameList), not \"\(v)\"")
            }
            p.vendor = vendor
        } else if !(t["demo"]?.bool ?? false) {
            throw fail(["profiles", name], "profile '\(name)' needs vendor = \(Vendor.quotedNameList)")
        }
        if let d = t["demo"] {
            guard let b = d.bool else { throw fail(at("demo"), "demo must be true or false") }
            p.demo = b
        }
        if let u = try string("base_url") {
            do { _ = try URLPolicy.check(u) } catch { throw fail(at("base_url"), "\(error)") }
            p.baseURL = u
        }
        if let z = t["zone"] {
            guard let n = z.int, (1...99).contains(n) else {
                throw fail(at("zone"), "zone must be the number of an Autotask zone, e.g. 3 for webservices3")
            }
            guard p.baseURL == nil else { throw fail(at("zone"), "give base_url or zone, not both") }
            p.zone = n
        }
        p.userName = try string("username")
        p.secret = try secret("secret")
        p.integrationCode = try secret("integration_code")
        p.apiKey = try secret("api_key")
        if let u = try string("instance") {
            do { _ = try URLPolicy.check(u) } catch { throw fail(at("instance"), "\(error)") }
            p.instance = u
        }
        if let u = try string("auth_url") {
            do { _ = try URLPolicy.check(u) } catch { throw fail(at("auth_url"), "\(error)") }
            p.authURL = u
        }
        p.tenant = try string("tenant")
        p.clientID = try string("client_id")
        p.clientSecret = try secret("client_secret")
        p.scope = try string("scope")
        if let text = t["rate_limit"]?.string {
            // `N per window`: a budget where no limit is published (ConnectWise).
            guard let b = RateBudget(parsing: text) else {
                throw fail(
                    at("rate_limit"), "rate_limit must be a number or \"N per minute\" (or per N minutes, per hour)")
            }
            p.rateBudget = b
            p.rateLimit = b.limit
        } else if let l = try number("rate_limit", in: 1...1_000_000, what: "requests per 5 minutes, e.g. 300") {
            p.rateLimit = Int(l)
        }
        p.company = try string("company")
        p.publicKey = try string("public_key")
        p.privateKey = try secret("private_key")
        p.codebase = try string("codebase")
        p.ceiling = try number(
            "ceiling", in: 1...100, what: "a percentage from 1 to 100 (75 keeps out of the +1 s tier)")
        p.pollBudget = try number("poll_budget", in: 0.01...100, what: "a percentage of the threshold per hour, e.g. 1")
        if let l = try number("atera_limit", in: 1...1_000_000, what: "requests per minute, e.g. 700") {
            p.ateraLimit = Int(l)
        }
        p.theme = try string("theme")
        for key in ["read_only", "allow_public"] {
            guard let v = t[key] else { continue }
            guard let b = v.bool else { throw fail(at(key), "\(key) must be true or false") }
            if key == "read_only" { p.readOnly = b } else { p.allowPublic = b }
        }
        p.me = try string("me")
        if let me = p.me, !me.contains("@") || me.contains(where: { $0.isWhitespace || $0.isNewline }) {
            throw fail(
                ["profiles", name, "me"], "me must be your e-mail as the PSA knows it, e.g. me = \"dana@yourmsp.com\"")
        }
        if !p.demo {
            switch p.vendor {
            case .autotask:
                guard p.userName != nil else {
                    throw fail(["profiles", name], "Autotask profile '\(name)' needs username")
                }
                guard p.secret != nil else {
                    throw fail(
                        ["profiles", name], "Autotask profile '\(name)' needs secret = { env = … } or { file = … }")
                }
                guard p.integrationCode != nil else {
                    throw fail(
                        ["profiles", name],
                        "Autotask profile '\(name)' needs integration_code = { env = … } or { file = … }")
                }
            case .atera:
                guard p.apiKey != nil else {
                    throw fail(
                        ["profiles", name], "Atera profile '\(name)' needs api_key = { env = … } or { file = … }")
                }
            case .halo:
                guard p.instance != nil || p.baseURL != nil else {
                    throw fail(
                        ["profiles", name], "HaloPSA profile '\(name)' needs instance = \"https://yourmsp.halopsa.com\""
                    )
                }
                guard p.clientID != nil else {
                    throw fail(["profiles", name], "HaloPSA profile '\(name)' needs client_id")
                }
                guard p.clientSecret != nil else {
                    throw fail(
                        ["profiles", name],
                        "HaloPSA profile '\(name)' needs client_secret = { env = … } or { file = … }")
                }
            case .connectwise:
                for (key, present) in [
                    ("base_url = \"https://na.myconnectwise.net\"", p.baseURL != nil), ("company", p.company != nil),
                    ("public_key", p.publicKey != nil), ("client_id (your registered clientId)", p.clientID != nil),
                    ("private_key = { env = … } or { file = … }", p.privateKey != nil),
                ] where !present {
                    throw fail(["profiles", name], "ConnectWise profile '\(name)' needs \(key)")
                }
            }
        }
        return p
    }
}
