import Foundation
import PSAClient
import PSACore

/// Errors that say where: the host asked, and what to check there. (The tenant or profile is
/// named by whoever shows the text: its status line, its overview line.)
public enum ErrorPlace {
    /// "api.example.com: HTTP 404: not found (…) — check the base URL's path (…/api/v3)".
    public static func text(_ error: any Error, vendor: Vendor, baseURL: String) -> String {
        let host = URL(string: baseURL).map { u in (u.host ?? baseURL) + (u.port.map { ":\($0)" } ?? "") } ?? baseURL
        let what = String(describing: error)
        guard let e = error as? APIError, let hint = hint(e.kind, vendor: vendor) else { return "\(host): \(what)" }
        return "\(host): \(what) — \(hint)"
    }

    static func hint(_ kind: APIError.Kind, vendor: Vendor) -> String? {
        switch kind {
        case .transport: "check the address (base_url, --base-url), the network, and that the server is up"
        case .notFound: "check the base URL's path (\(examplePath(vendor)))"
        case .badCredentials: "check the profile's credentials (psatop config check)"
        case .permission: "check what the API user may do"
        case .decoding: "check that the base URL points at the \(vendor.label) API, not a web page"
        default: nil
        }
    }

    static func examplePath(_ vendor: Vendor) -> String {
        switch vendor {
        case .autotask: "…/ATServicesRest/V1.0"
        case .atera: "…/api/v3"
        case .halo: "the instance's root, e.g. https://yourmsp.halopsa.com"
        case .connectwise: "the site's root, e.g. https://na.myconnectwise.net"
        }
    }
}
