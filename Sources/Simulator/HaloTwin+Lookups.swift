import Foundation
import Hummingbird
import PSACore

/// The twin's lookups as real tenants have them (each beside its source in apis.md): `/Status`
/// lists non-ticket statuses too (types 1 and 3; tickets' are type 0), `/Priority` a row per SLA
/// (a second SLA repeats the `priorityid`s, one row hidden), `/Agent` leaves out agent 1
/// ("Unassigned") unless `includeunassigned=true`, `/Outcome` the action types.
extension HaloTwin {
    func lookup(_ resource: String, _ req: SimRequest) -> Response {
        switch resource {
        case "status":
            let tickets = HaloWorld.statuses.enumerated().map {
                ["id": $1.0, "name": $1.1, "sequence": $0 + 1, "type": 0] as [String: Any]
            }
            let others = HaloWorld.otherStatuses.map { ["id": $0.0, "name": $0.1, "sequence": 1, "type": $0.2] }
            return json(200, tickets + others)
        case "priority":
            var rows: [[String: Any]] = []
            for sla in [1, 2] {
                for p in HaloWorld.priorities {
                    rows.append([
                        "id": "\(sla)0\(p.0)-5a1e-4c2b-9d1f-priority", "priorityid": p.0, "slaid": sla, "name": p.1,
                        "ishidden": false,
                    ])
                }
            }
            rows.append(["id": "20-hidden", "priorityid": 5, "slaid": 2, "name": "Scheduled", "ishidden": true])
            return json(200, rows)
        case "agent":
            let all = req.query["includeunassigned"]?.lowercased() == "true"
            return json(
                200,
                HaloWorld.agents.filter { all || $0.0 > 1 }.map {
                    ["id": $0.0, "name": $0.1, "email": $0.2, "isdisabled": false]
                })
        case "team": return json(200, HaloWorld.teams.map { ["id": $0.0, "name": $0.1] })
        case "tickettype": return json(200, [["id": 1, "name": "Incident"], ["id": 2, "name": "Service Request"]])
        case "sla": return json(200, [["id": 1, "name": "Standard SLA"], ["id": 2, "name": "Premium SLA"]])
        case "outcome":
            return json(200, HaloWorld.outcomes.map { ["id": $0.0, "outcome": $0.1, "hiddenfromuser": $0.2] })
        default:
            var clients = SimData.companyNames.enumerated().map {
                ["id": Int64($0) + HaloWorld.firstClientID, "name": $1] as [String: Any]
            }
            if let s = req.query["search"]?.lowercased(), !s.isEmpty {
                clients = clients.filter { ($0["name"] as? String)?.lowercased().contains(s) == true }
            }
            return json(200, ["record_count": clients.count, "clients": clients])
        }
    }
}

extension HaloWorld {
    /// Statuses that are not tickets' (`type` other than 0).
    static let otherStatuses: [(Int64, String, Int)] = [(21, "Quote Sent", 1), (22, "Awaiting Approval", 3)]
    /// The action types (`/api/Outcome`): id, name, hidden from the end user.
    static let outcomes: [(Int64, String, Bool)] = [
        (1, "Private Note", true), (2, "Email User", false), (3, "Note", false), (4, "Phone Call", true),
    ]
    /// Client ids start past Halo's placeholder client (1).
    static let firstClientID: Int64 = 2
    /// The agent the API application logs in as (its `id_token` names it).
    static var applicationAgent: (Int64, String, String) { agents[1] }

    /// An `id_token` as the token answer carries it: a JWT (unsigned here) naming the agent.
    static func idToken(issuer: String) -> String {
        func b64(_ obj: [String: Any]) -> String {
            let d = (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])) ?? Data()
            return d.base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let a = applicationAgent
        return b64(["alg": "none", "typ": "JWT"]) + "."
            + b64(["iss": issuer, "sub": String(a.0), "name": a.1, "email": a.2, "aud": "halo-sim"]) + ".sig"
    }
}
