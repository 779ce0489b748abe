import PSAApp
import PSAClient
import PSACore
import Simulator

extension ConnectionSettings {
    /// A profile for the simulator's Autotask tenant, with the credentials it was started with.
    public static func autotask(_ name: String, at sim: Simulator) -> ConnectionSettings {
        var s = ConnectionSettings()
        s.name = name
        s.vendor = .autotask
        s.baseURL = sim.autotaskBaseURL
        let c = sim.config
        s.credentials = .autotask(
            AutotaskCredentials(
                userName: c.autotaskUser, secret: c.autotaskSecret, integrationCode: c.autotaskIntegrationCode))
        return s
    }
}
