import Foundation
import PSAClient
import PSACore

/// Where a secret comes from: an environment variable, or a file only its owner can read.
/// Secrets are never written in the config file itself.
public enum SecretSource: Sendable, Equatable, CustomStringConvertible {
    case env(String)
    case file(String)

    public var description: String {
        switch self {
        case .env(let name): "env \(name)"
        case .file(let path): "file \(path)"
        }
    }

    /// The secret's value. A file must be a regular file owned by this user and readable by
    /// nobody else (mode 0600 or 0400); anything looser is refused with the fix.
    public func resolve(environment env: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        switch self {
        case .env(let name):
            CredentialVariable.register(name)
            guard let v = env[name], !v.isEmpty else {
                throw ConfigurationError("environment variable \(name) is not set")
            }
            return try Credential.checked(v, "environment variable \(name)")
        case .file(let raw):
            let path = Self.expand(raw, env: env)
            // Opened once; owner, mode and type are those of what was opened (a link's target).
            let file: OpenedFile
            do { file = try OpenedFile.openForReading(path) } catch {
                let code = if case OpenedFile.Failure.open(let e) = error { e } else { EIO }
                throw ConfigurationError("secret file \(raw) cannot be read (\(String(cString: strerror(code))))")
            }
            defer { file.release() }
            let st = file.info
            guard file.isRegular else {
                throw ConfigurationError(
                    "secret file \(raw) is not a regular file (it is \(OpenedFile.describe(file.kind)))")
            }
            guard st.st_uid == getuid() else {
                throw ConfigurationError(
                    "refusing secret file \(raw): it belongs to another user (uid \(st.st_uid)); it must be yours and readable only by you"
                )
            }
            let mode = st.st_mode & 0o777
            guard mode & 0o077 == 0 else {
                throw ConfigurationError(
                    "refusing secret file \(raw): group or others can read it (mode \(String(mode, radix: 8, uppercase: false).leftPadded(4))); run: chmod 600 \(raw)"
                )
            }
            // A secret is short: 64 KiB is far more than any key, and bounds a hostile file.
            guard let data = file.readAll(upTo: 65_536), let text = String(data: data, encoding: .utf8) else {
                throw ConfigurationError("secret file \(raw) cannot be read")
            }
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { throw ConfigurationError("secret file \(raw) is empty") }
            return try Credential.checked(value, "secret file \(raw)")
        }
    }

    /// `~/x` and `$XDG_CONFIG_HOME`-free paths: only a leading `~` is expanded.
    static func expand(_ path: String, env: [String: String]) -> String {
        guard path.hasPrefix("~/"), let home = env["HOME"] ?? ProcessInfo.processInfo.environment["HOME"] else {
            return path
        }
        return home + path.dropFirst()
    }
}

extension String {
    /// "644" → "0644".
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
