import Foundation
import PSACore

/// What `psatop config check` prints: each profile with where its secrets come from, whether
/// each can be read — never the secret itself.
public enum ConfigReport {
    public static func describe(
        _ config: PSAConfig, environment env: [String: String] = ProcessInfo.processInfo.environment
    ) -> (text: String, ok: Bool) {
        var out = "\(config.path): \(config.profiles.count) profile\(config.profiles.count == 1 ? "" : "s")"
        if let d = config.defaultProfile { out += ", default \(d)" }
        if let t = config.theme { out += ", theme \(t)" }
        out += "\n"
        for w in config.warnings { out += "warning: \(w)\n" }
        var allOK = true
        var unusable: [String] = []
        for p in config.profiles {
            var problems: [String] = []
            out += "\n\(p.name)\(p.name == config.defaultProfile ? " (default)" : "")  [line \(p.line)]\n"
            func row(_ k: String, _ v: String) {
                out += "  " + k.padding(toLength: 18, withPad: " ", startingAt: 0) + v + "\n"
            }
            row("vendor", p.vendor.rawValue + (p.demo ? " (simulated: --demo, no credentials)" : ""))
            if let u = p.baseURL { row("base URL", u) }
            if let z = p.zone { row("zone", "\(z) → \(p.effectiveBaseURL ?? "")") }
            if p.vendor.discoversZone, p.baseURL == nil, p.zone == nil, !p.demo {
                row("zone", "discovered from the user name")
            }
            if let u = p.userName { row("username", u) }
            func secret(_ key: String, _ s: SecretSource?) {
                guard let s else { return }
                do {
                    _ = try s.resolve(environment: env)
                    row(key, "\(s): readable, [redacted]")
                } catch {
                    row(key, "\(s): \(error)")
                    problems.append("\(key): \(error)")
                }
            }
            if !p.demo {
                secret("secret", p.secret)
                secret("integration_code", p.integrationCode)
                secret("api_key", p.apiKey)
                secret("client_secret", p.clientSecret)
            }
            if let c = p.ceiling { row("ceiling", "\(Self.number(c))% of the threshold for bulk work") }
            row(
                "poll budget",
                "\(Self.number(p.pollBudget ?? 1))% of the threshold per hour"
                    + (p.pollBudget == nil ? " (default)" : ""))
            if let l = p.ateraLimit { row("atera limit", "\(l) requests/minute") }
            if let i = p.instance { row("instance", i) }
            if let l = p.rateLimit { row("rate limit", "\(l) requests per 5 minutes") }
            if let t = p.theme ?? config.theme { row("theme", t) }
            if let me = p.me { row("me", me) }
            if problems.isEmpty {
                out += "  ok\n"
            } else {
                allOK = false
                unusable.append(p.name)
                out += "  NOT USABLE: \(problems.joined(separator: "; "))\n"
            }
        }
        if !unusable.isEmpty {
            out +=
                "\n\(unusable.count) of \(config.profiles.count) profiles cannot be used: \(unusable.joined(separator: ", ")) (--all watches the others and reports these as broken)\n"
        }
        return (out, allOK)
    }

    static func number(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }
}
