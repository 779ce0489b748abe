import Foundation
import PSAApp
import PSAClient
import Testing

@Suite("HaloPSA profiles", .timeLimit(.minutes(10)))
struct HaloConfigTests {
    static let profile = """
        [profiles.tailspin]
        vendor = "halo"
        instance = "https://tailspin.halopsa.com"
        client_id = "psatop-app"
        client_secret = { env = "TAILSPIN_HALO_SECRET" }
        scope = "all"
        rate_limit = 450
        """

    @Test("instance, client_id, client_secret from the environment, scope and rate_limit become the settings")
    func parses() throws {
        let c = try PSAConfig.parse(Self.profile, file: "config.toml")
        let p = try #require(c.profiles.first)
        #expect(p.vendor == .halo && p.instance == "https://tailspin.halopsa.com" && p.clientID == "psatop-app")
        #expect(p.clientSecret == .env("TAILSPIN_HALO_SECRET") && p.scope == "all" && p.rateLimit == 450)
        let dir = NSTemporaryDirectory() + "psatop-halo-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir + "/psatop", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.profile.write(toFile: dir + "/psatop/config.toml", atomically: true, encoding: .utf8)
        var choice = TenantChoice()
        choice.profile = "tailspin"
        let s = try choice.resolve(environment: ["XDG_CONFIG_HOME": dir, "TAILSPIN_HALO_SECRET": "sec-123456"])[0]
        #expect(s.vendor == .halo && s.baseURL == "https://tailspin.halopsa.com" && s.haloRateLimit == 450)
        guard case .halo(let creds)? = s.credentials else {
            Issue.record("no HaloPSA credentials")
            return
        }
        #expect(creds.clientID == "psatop-app" && creds.clientSecret == "sec-123456" && creds.scope == "all")
    }

    @Test("a secret written in the file, or a missing client_secret, is refused naming the key")
    func refusals() {
        let inline = Self.profile.replacingOccurrences(of: #"{ env = "TAILSPIN_HALO_SECRET" }"#, with: #""plain""#)
        #expect { try PSAConfig.parse(inline, file: "c.toml") } throws: {
            "\($0)".contains("client_secret must not be written in the file")
        }
        let missing = Self.profile.replacingOccurrences(
            of: #"client_secret = { env = "TAILSPIN_HALO_SECRET" }"#, with: "")
        #expect { try PSAConfig.parse(missing, file: "c.toml") } throws: { "\($0)".contains("needs client_secret") }
    }

    @Test("tenant names the tenant to a configured auth_url; it reaches the settings")
    func tenantKey() throws {
        let text = Self.profile + "\nauth_url = \"https://login.tailspin.example/auth\"\ntenant = \"tailspin\"\n"
        let p = try #require(try PSAConfig.parse(text, file: "config.toml").profiles.first)
        #expect(p.authURL == "https://login.tailspin.example/auth" && p.tenant == "tailspin")
    }

    @Test("status --json says who the demo's HaloPSA tenant acts as (the token's id_token)")
    func statusActingAs() async throws {
        var settings = ConnectionSettings()
        settings.demo = true
        settings.vendor = .halo
        let c = try await Connection.open(settings)
        let status = await StatusReport.check(c, name: "halo", timeout: .seconds(60))
        await c.close()
        #expect(status.actingAs == "Dana Whitfield")
        let json = try JSONSerialization.jsonObject(with: StatusReport.json([status])) as? [[String: Any]]
        #expect(json?.first?["actingAs"] as? String == "Dana Whitfield")
    }
}
