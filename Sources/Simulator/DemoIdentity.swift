import Foundation

extension Simulator {
    /// Who the demo writes Atera comments as: the simulator's first technician (id 9000).
    public static var demoTechnicianEmail: String { SimData.technician(id: 9_000)?.email ?? "technician@example.com" }
}

extension Simulator {
    /// The HaloPSA twin's first agent (a person, not the API application): who the demo is.
    public static var demoHaloAgentEmail: String { HaloWorld.agents.dropFirst().first?.2 ?? "dana@msp.example" }
}

extension Simulator {
    /// The ConnectWise twin's first member (a person, not the API member): who the demo is.
    public static var demoConnectWiseMemberEmail: String { ConnectWiseWorld.members.first?.email ?? "dana@msp.example" }
}
