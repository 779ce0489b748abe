import Foundation
import Hummingbird
import PSACore

extension SimRouter {
    /// A HaloPSA request: its tenant by the bearer token the twin issued (or the token request's
    /// `client_id`), the primary's otherwise; faults as for the other twins (not on authinfo or
    /// the token).
    func haloRespond(_ req: SimRequest) async -> Response {
        let rest = String(req.path.dropFirst(HaloTwin.prefix.count))
        guard let (config, world, state) = haloTenant(req) else { return .html404(req.path) }
        let lower = rest.lowercased()
        if lower.hasPrefix("/api/"), lower != "/api/authinfo", let f = await state.drawFault(), let r = await fault(f) {
            return r
        }
        return await HaloTwin(world: world, config: config).handle(req, rest: rest)
    }

    func haloTenant(_ req: SimRequest) -> (SimulatorConfig, HaloWorld, SimState)? {
        func stateOf(_ name: String) -> SimState { tenants.first { $0.name == name }?.state ?? state }
        let bearer = req.header("Authorization").flatMap {
            $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil
        }
        let tokenTenant = bearer.flatMap { b in
            b.hasPrefix("halo-sim.") ? b.split(separator: ".").dropFirst().first.map(String.init) : nil
        }
        let clientID = SimRouter.parseQuery(String(decoding: req.body.prefix(4_096), as: UTF8.self))["client_id"]
        if let t = halo.first(where: {
            $0.name == tokenTenant || (clientID != nil && $0.config.haloClientID == clientID)
        }) {
            return (t.config, t.world, stateOf(t.name))
        }
        return halo.first.map { ($0.config, $0.world, state) }
    }
}
