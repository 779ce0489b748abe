import PSAClient
import PSACore
import Simulator

extension AutotaskCredentials {
    /// The credentials a simulator's Autotask tenant was started with (`config`: the tenant's).
    public static func twin(_ c: SimulatorConfig) -> AutotaskCredentials {
        AutotaskCredentials(
            userName: c.autotaskUser, secret: c.autotaskSecret, integrationCode: c.autotaskIntegrationCode)
    }
}

extension AutotaskAPI {
    /// An Autotask API on the simulator's Autotask tenant, through `client`, with the tenant's
    /// credentials (`config`: another tenant's, default the simulator's own), at the simulator's
    /// address unless `discover` (then the zone is found through the simulator).
    /// `zoneDiscoveryURL` stays the real one unless `discover` or asked: as each test built it.
    public static func twin(
        _ sim: Simulator, client: RateAwareClient, config: SimulatorConfig? = nil, discover: Bool = false,
        zoneDiscoveryURL: String? = nil, pageSize: Int = 500, me: String? = nil
    ) -> AutotaskAPI {
        AutotaskAPI(
            client: client, credentials: .twin(config ?? sim.config), baseURL: discover ? nil : sim.autotaskBaseURL,
            zoneDiscoveryURL: zoneDiscoveryURL ?? (discover ? sim.autotaskBaseURL : AutotaskAPI.defaultZoneDiscovery),
            pageSize: pageSize, me: me)
    }

    /// An Autotask API on a scripted server (`Harness`): any credentials do, the zone is given.
    public static func scripted(
        _ client: RateAwareClient, fieldSet: AutotaskFieldSet = .list, me: String? = nil
    ) -> AutotaskAPI {
        AutotaskAPI(
            client: client, credentials: .init(userName: "u@x", secret: "s", integrationCode: "c"),
            baseURL: "https://example.invalid/ATServicesRest/V1.0", fieldSet: fieldSet, me: me)
    }
}
