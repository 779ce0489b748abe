import Foundation
import Hummingbird
import PSACore

extension SimRouter {
    /// A ConnectWise request: its company by the path of `/login/companyinfo/{company}` or by the
    /// Basic credentials' company, the primary's otherwise; faults as for the other twins (not
    /// on companyinfo).
    func connectWiseRespond(_ req: SimRequest) async -> Response {
        let rest = String(req.path.dropFirst(ConnectWiseTwin.prefix.count))
        guard let (config, world, state) = connectWiseTenant(req, rest: rest) else { return .html404(req.path) }
        if !rest.lowercased().hasPrefix("/login/"), let f = await state.drawFault(), let r = await fault(f) {
            return r
        }
        return await ConnectWiseTwin(world: world, config: config).handle(req, rest: rest)
    }

    func connectWiseTenant(_ req: SimRequest, rest: String) -> (SimulatorConfig, ConnectWiseWorld, SimState)? {
        func stateOf(_ name: String) -> SimState { tenants.first { $0.name == name }?.state ?? state }
        var company = ""
        if rest.lowercased().hasPrefix("/login/companyinfo/") {
            company = String(rest.dropFirst("/login/companyinfo/".count))
        } else if let auth = req.header("Authorization"), auth.lowercased().hasPrefix("basic "),
            let data = Data(base64Encoded: String(auth.dropFirst(6))), let text = String(data: data, encoding: .utf8),
            let plus = text.firstIndex(of: "+")
        {
            company = String(text[..<plus])
        }
        if let t = connectWise.first(where: { $0.config.cwCompany.caseInsensitiveCompare(company) == .orderedSame }) {
            return (t.config, t.world, stateOf(t.name))
        }
        return connectWise.first.map { ($0.config, $0.world, state) }
    }
}
