import Foundation
import PSAClient
import PSACore
import Simulator

/// A profile of `--all` that cannot be used: shown and exported as broken while the others run.
public struct BrokenTenant: Sendable, Equatable {
    public var name: String
    public var vendor: Vendor
    /// What is wrong and where (the profile, the key or host), in words to act on.
    public var reason: String
    public init(name: String, vendor: Vendor, reason: String) {
        self.name = name
        self.vendor = vendor
        self.reason = reason
    }
}

/// One tenant of a fleet, in the config file's order: opened, or broken with why.
public enum FleetMember: Sendable {
    case open(Connection)
    case broken(BrokenTenant)

    public var connection: Connection? { if case .open(let c) = self { c } else { nil } }
    public var broken: BrokenTenant? { if case .broken(let b) = self { b } else { nil } }
    /// The name shown and exported (the profile's).
    public var name: String {
        switch self {
        case .open(let c): c.settings.name ?? c.tenantName
        case .broken(let b): b.name
        }
    }
    public var vendor: Vendor {
        switch self {
        case .open(let c): c.api.vendor
        case .broken(let b): b.vendor
        }
    }
}

extension Connection {
    /// Opens every tenant that can be opened; one that cannot (its settings `broken`, or a
    /// failure opening it) comes back as `.broken` and the others go on. Only what no tenant can
    /// do without (the demo's simulator) throws.
    public static func openFleet(
        _ list: [ConnectionSettings], environment env: [String: String] = ProcessInfo.processInfo.environment,
        clock: PSAClock = .continuous
    ) async throws -> [FleetMember] {
        var sim: Simulator? = nil
        let usable = list.filter { $0.broken == nil }
        if let first = usable.first(where: \.demo) {
            var config = SimulatorConfig()
            config.tickets = first.demoTickets
            config.seed = first.demoSeed
            config.timeScale = first.demoTimeScale
            config.background = .demo
            config.ateraLimitPerMinute = first.ateraLimitPerMinute
            config.faults = first.demoFaults
            config.extraTenants = usable.filter(\.demo).compactMap(\.demoTenant)
            sim = try await Simulator.start(config)
        }
        var out: [FleetMember] = []
        var owner = false
        for settings in list {
            let name = settings.name ?? settings.vendor.rawValue
            if let why = settings.broken {
                out.append(.broken(BrokenTenant(name: name, vendor: settings.vendor, reason: why)))
                continue
            }
            do {
                var c =
                    try settings.demo
                    ? demo(settings, sim!, clock: clock) : try real(settings, environment: env, clock: clock)
                c.settings = settings
                // The first demo connection stops the shared simulator.
                c.ownsSimulator = !(settings.demo && owner)
                if settings.demo { owner = true }
                out.append(.open(c))
            } catch {
                let text = "\(error)"
                let reason = settings.name == nil || text.hasPrefix("profile '") ? text : "profile '\(name)': \(text)"
                out.append(.broken(BrokenTenant(name: name, vendor: settings.vendor, reason: reason)))
            }
        }
        if let sim, !owner { await sim.stop() }
        return out
    }
}
