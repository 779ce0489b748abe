import Foundation
import PSAClient
import PSACore

/// What `config init` asks of each vendor, in order: plain settings (checked as the config file
/// checks them) and secrets (asked only for their source).
enum InitField {
    /// key, question, may be left empty, the reason an answer is refused (nil: accepted).
    case text(String, String, Bool, (String) -> String?)
    /// key, the environment variable suggested (the one the command line reads).
    case secret(String, String)

    static func fields(for vendor: Vendor) -> [InitField] {
        switch vendor {
        case .autotask:
            [
                .text("username", "API user name (the API user's e-mail): ", false, { _ in nil }),
                .text(
                    "zone",
                    "Zone number (3 for webservices3) or the API's base URL (empty: found from the user name): ",
                    true, zoneOrURL),
                .secret("secret", "AUTOTASK_SECRET"),
                .secret("integration_code", "AUTOTASK_INTEGRATION_CODE"),
            ]
        case .atera:
            [
                .text("base_url", "API base URL (empty: https://app.atera.com/api/v3): ", true, url),
                .secret("api_key", "ATERA_API_KEY"),
            ]
        case .halo:
            [
                .text("instance", "Instance URL (https://yourmsp.halopsa.com): ", false, url),
                .text("client_id", "Client ID of the API application: ", false, { _ in nil }),
                .text("tenant", "Tenant named to the auth server (empty: none): ", true, { _ in nil }),
                .secret("client_secret", "HALO_CLIENT_SECRET"),
            ]
        case .connectwise:
            [
                .text("base_url", "Site (https://na.myconnectwise.net): ", false, url),
                .text("company", "Company id (as at the login screen): ", false, { _ in nil }),
                .text("public_key", "API member's public key: ", false, { _ in nil }),
                .text("client_id", "Your clientId (registered at developer.connectwise.com): ", false, { _ in nil }),
                .secret("private_key", "CW_PRIVATE_KEY"),
            ]
        }
    }

    static func url(_ a: String) -> String? {
        do { _ = try URLPolicy.check(a) } catch { return "\(error)" }
        return nil
    }

    static func zoneOrURL(_ a: String) -> String? {
        if let n = Int(a) { return (1...99).contains(n) ? nil : "a zone is a number from 1 to 99" }
        return url(a)
    }

    /// "env NAME", "file PATH", or a bare variable name or path.
    static func source(_ a: String) -> SecretSource? {
        let parts = a.split(separator: " ", maxSplits: 1).map(String.init)
        if parts.count == 2, parts[0] == "env", isVariable(parts[1]) { return .env(parts[1]) }
        if parts.count == 2, parts[0] == "file" { return .file(parts[1]) }
        if parts.count == 1, isVariable(a) { return .env(a) }
        if parts.count == 1, a.hasPrefix("/") || a.hasPrefix("~/") { return .file(a) }
        return nil
    }

    static func isVariable(_ s: String) -> Bool {
        guard let first = s.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
        return s.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    }

    static func set(_ key: String, _ value: String, on p: inout Profile) {
        switch key {
        case "username": p.userName = value
        case "zone":
            if let n = Int(value) { p.zone = n } else { p.baseURL = value }
        case "base_url": p.baseURL = value
        case "instance": p.instance = value
        case "client_id": p.clientID = value
        case "tenant": p.tenant = value
        case "company": p.company = value
        case "public_key": p.publicKey = value
        default: break
        }
    }

    static func set(_ key: String, _ source: SecretSource, on p: inout Profile) {
        switch key {
        case "secret": p.secret = source
        case "integration_code": p.integrationCode = source
        case "api_key": p.apiKey = source
        case "client_secret": p.clientSecret = source
        case "private_key": p.privateKey = source
        default: break
        }
    }
}

/// Adds a profile to the config file as a `[profiles.NAME]` table: the file is made (with its
/// folder) when missing, and always left with mode 0600. Written to a temporary file beside it
/// and renamed, so a reader never sees half a file. Secrets appear only as their sources.
enum ProfileWriter {
    static func text(_ p: Profile) -> String {
        func q(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        func source(_ s: SecretSource) -> String {
            switch s {
            case .env(let v): "{ env = \(q(v)) }"
            case .file(let f): "{ file = \(q(f)) }"
            }
        }
        var lines = ["[profiles.\(p.name)]", "vendor = \(q(p.vendor.rawValue))"]
        if let v = p.zone { lines.append("zone = \(v)") }
        if let v = p.baseURL { lines.append("base_url = \(q(v))") }
        if let v = p.instance { lines.append("instance = \(q(v))") }
        if let v = p.userName { lines.append("username = \(q(v))") }
        if let v = p.clientID { lines.append("client_id = \(q(v))") }
        if let v = p.tenant { lines.append("tenant = \(q(v))") }
        if let v = p.company { lines.append("company = \(q(v))") }
        if let v = p.publicKey { lines.append("public_key = \(q(v))") }
        for (key, s) in [
            ("secret", p.secret), ("integration_code", p.integrationCode), ("api_key", p.apiKey),
            ("client_secret", p.clientSecret), ("private_key", p.privateKey),
        ] {
            if let s { lines.append("\(key) = \(source(s))") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func add(_ p: Profile, to path: String, makeDefault: Bool) throws {
        let fm = FileManager.default
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty, !fm.fileExists(atPath: dir) {
            try fm.createDirectory(
                atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        var old = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        if !old.isEmpty, !old.hasSuffix("\n") { old += "\n" }
        // A top-level key must come before every table: a new file starts with it.
        let head = old.isEmpty && makeDefault ? "default = \"\(p.name)\"\n\n" : (old.isEmpty ? "" : old + "\n")
        let tmp = path + ".init-\(getpid())"
        guard fm.createFile(atPath: tmp, contents: Data((head + text(p)).utf8), attributes: [.posixPermissions: 0o600])
        else { throw ConfigurationError("cannot write \(tmp)") }
        chmod(tmp, 0o600)  // whatever the umask made of it
        guard rename(tmp, path) == 0 else {
            unlink(tmp)
            throw ConfigurationError("cannot write \(path) (\(String(cString: strerror(errno))))")
        }
    }
}
