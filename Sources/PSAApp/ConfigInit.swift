import Foundation
import PSAClient
import PSACore

/// `psatop config init`: asks for the vendor, the instance or zone and where each secret comes
/// from (an environment variable or a file only its owner can read — never the secret itself),
/// tests the connection with one request, and adds the profile to the config file (mode 0600).
/// Questions and answers go through `ask` (nil: the input ended) and `say`, so a terminal, a
/// pipe or a test can drive it.
public struct ConfigInit {
    public var configPath: String?
    public var environment: [String: String]
    public var ask: (String) -> String?
    public var say: (String) -> Void

    public init(
        configPath: String?, environment: [String: String], ask: @escaping (String) -> String?,
        say: @escaping (String) -> Void
    ) {
        self.configPath = configPath
        self.environment = environment
        self.ask = ask
        self.say = say
    }

    struct InputEnded: Error {}

    /// 0: the profile was written; 1: it was not (the input ended, the file cannot be read or
    /// written, or the connection failed and the profile was not wanted anyway).
    public func run() async -> Int32 {
        let path = configPath ?? PSAConfig.defaultPath(environment: environment)
        var existing: PSAConfig? = nil
        // A missing file is made; one that is there must parse before a profile is added to it.
        if FileManager.default.fileExists(atPath: path) {
            do { existing = try PSAConfig.load(path: path, environment: environment) } catch {
                say("psatop: \(error)\nFix the file first (psatop config check), then run config init again.")
                return 1
            }
        }
        do {
            let p = try questions(taken: existing?.profiles.map(\.name) ?? [])
            let ok = await test(p)
            if !ok {
                let again = try answer("Write the profile anyway? [y/N]: ").lowercased()
                guard again == "y" || again == "yes" else {
                    say("Nothing written.")
                    return 1
                }
            }
            try ProfileWriter.add(p, to: path, makeDefault: existing?.defaultProfile == nil)
            _ = try PSAConfig.load(path: path, environment: environment)
            say("Wrote profile '\(p.name)' to \(path) (mode 0600; no secret in it).")
            say("Start: psatop --profile \(p.name)    (psatop config check lists every profile)")
            return 0
        } catch is InputEnded {
            say("\nNothing written.")
            return 1
        } catch {
            say("psatop: \(String(describing: error).sanitized)")
            return 1
        }
    }

    func answer(_ prompt: String) throws -> String {
        guard let a = ask(prompt) else { throw InputEnded() }
        return a.trimmingCharacters(in: .whitespaces).sanitized
    }

    /// Asks until `parse` accepts the answer (it returns nil after saying why).
    func until<T>(_ prompt: String, _ parse: (String) -> T?) throws -> T {
        while true { if let v = parse(try answer(prompt)) { return v } }
    }

    func questions(taken: [String]) throws -> Profile {
        let vendor = try until("Vendor (\(Vendor.allCases.map(\.rawValue).joined(separator: ", "))): ") { a in
            if let v = Vendor(rawValue: a.lowercased()) { return v }
            say("  one of: \(Vendor.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        let name = try until("Profile name [\(vendor.rawValue)]: ") { a -> String? in
            let n = a.isEmpty ? vendor.rawValue : a
            guard n.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                say("  letters, digits, - and _ only")
                return nil
            }
            guard !taken.contains(n) else {
                say("  the config file already has a profile '\(n)'; choose another name")
                return nil
            }
            return n
        }
        var p = Profile(name: name)
        p.vendor = vendor
        for field in InitField.fields(for: vendor) {
            switch field {
            case .text(let key, let question, let optional, let check):
                let v = try until(question) { a -> String? in
                    if a.isEmpty { return optional ? "" : nil }
                    if let why = check(a) {
                        say("  \(why)")
                        return nil
                    }
                    return a
                }
                if !v.isEmpty { InitField.set(key, v, on: &p) }
            case .secret(let key, let suggested):
                let source = try until(
                    "Where does \(key) come from? env VARIABLE or file PATH (never the value) [env \(suggested)]: "
                ) { a -> SecretSource? in
                    let s = InitField.source(a.isEmpty ? "env \(suggested)" : a)
                    guard let s else {
                        say("  answer 'env VARIABLE' or 'file PATH'")
                        return nil
                    }
                    do { _ = try s.resolve(environment: environment) } catch {
                        say("  \(String(describing: error).sanitized)")
                        return nil
                    }
                    return s
                }
                InitField.set(key, source, on: &p)
            }
        }
        return p
    }

    /// One request with the profile's credentials: Autotask's ThresholdInformation (after the
    /// zone lookup when no zone or URL was given), one page of Atera tickets, one HaloPSA token.
    func test(_ p: Profile) async -> Bool {
        let what =
            switch p.vendor {
            case .autotask: "one ThresholdInformation request"
            case .atera: "one page of tickets"
            case .halo: "one token from the auth server"
            case .connectwise: "the codebase, then one ticket"
            }
        say("Testing the connection (\(what))…")
        var s = ConnectionSettings()
        s.name = p.name
        s.vendor = p.vendor
        s.baseURL = p.instance ?? p.effectiveBaseURL
        s.haloTenant = p.tenant
        let c: Connection
        do {
            s.credentials = try TenantChoice.credentials(p, vendor: p.vendor, environment: environment)
            c = try await Connection.open(s, environment: environment)
        } catch {
            say("The connection failed: \(String(describing: error).sanitized)")
            return false
        }
        do {
            switch p.vendor {
            case .autotask:
                let q = try await c.api.quota()
                say("OK: \(q.used) of \(q.limit) requests used in the tenant's hour.")
            case .atera:
                let page = try await c.api.page(after: nil)
                say("OK: the first page has \(page.tickets.count) tickets.")
            case .halo:
                let who = try await (c.api as? HaloAPI)?.actingAs()
                say("OK: a token for \(who?.name ?? "the application").")
            case .connectwise:
                try await c.api.probe()
                say("OK: the API at \(await c.api.apiBaseURL()) answered.")
            }
            await c.close()
            return true
        } catch {
            await c.close()
            say("The connection failed: \(String(describing: error).sanitized)")
            return false
        }
    }
}
