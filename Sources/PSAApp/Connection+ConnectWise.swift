import Foundation
import PSAClient
import PSACore

extension Connection {
    /// ConnectWise: the site from `--base-url` (or the profile's `base_url`), the API member's
    /// keys and the clientId from `CW_COMPANY`, `CW_PUBLIC_KEY`, `CW_PRIVATE_KEY`, `CW_CLIENT_ID`
    /// (or the profile). The codebase is asked of the site; credentials go nowhere else.
    static func connectWise(_ settings: ConnectionSettings, environment env: [String: String], clock: PSAClock) throws
        -> Connection
    {
        guard let site = settings.baseURL else {
            throw ConfigurationError(
                "ConnectWise needs the site: --base-url https://na.myconnectwise.net (or base_url = … in a profile)")
        }
        let creds: ConnectWiseCredentials
        if case .connectwise(let c)? = settings.credentials {
            creds = c
        } else {
            let v = CredentialVariable.self
            func need(_ name: String) throws -> String {
                guard let value = env[name], !value.isEmpty else {
                    throw ConfigurationError(
                        "\(name) is not set: ConnectWise needs \(v.cwCompany), \(v.cwPublicKey), \(v.cwPrivateKey) and "
                            + "\(v.cwClientID) (your clientId from developer.connectwise.com) in the environment "
                            + "(or a profile in config.toml)")
                }
                return try Credential.checked(value, "environment variable \(name)")
            }
            creds = ConnectWiseCredentials(
                company: try need(v.cwCompany), publicKey: try need(v.cwPublicKey),
                privateKey: try need(v.cwPrivateKey), clientID: try need(v.cwClientID))
        }
        let client = makeClient(
            settings, policy: ConnectWiseAPI.policy(budget: settings.cwBudget), clock: clock, secrets: creds.secrets)
        let api = ConnectWiseAPI(
            client: client, site: site, credentials: creds, codebase: settings.cwCodebase, budget: settings.cwBudget,
            me: settings.me)
        let host = URL(string: site)?.host ?? "connectwise"
        return Connection(api: api, simulator: nil, tenantName: settings.name ?? host, timeScale: 1)
    }
}
