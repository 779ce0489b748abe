import Foundation
import Hummingbird
import Logging
import NIOCore
import PSACore

/// A running simulator of every vendor's API on loopback. Start it with `Simulator.start`.
public final class Simulator: Sendable {
    public let config: SimulatorConfig
    public let port: Int
    let state: SimState
    private let task: Task<Void, any Error>

    public var autotaskBaseURL: String { "http://\(config.host):\(port)/ATServicesRest/V1.0" }
    public var ateraBaseURL: String { "http://\(config.host):\(port)/api/v3" }
    public var controlURL: String { "http://\(config.host):\(port)/__sim" }
    /// The HaloPSA twin's instance (its API is under `/api`, its auth server under `/identity`).
    public var haloBaseURL: String { "http://\(config.host):\(port)\(HaloTwin.prefix)" }
    /// The ConnectWise twin's site (`/login/companyinfo/{company}` and `/{codebase}apis/3.0/` under it).
    public var connectWiseSiteURL: String { "http://\(config.host):\(port)\(ConnectWiseTwin.prefix)" }

    struct Tenant: Sendable { let name: String, vendor: Vendor, config: SimulatorConfig, state: SimState }
    let tenants: [Tenant]
    /// HaloPSA tenants by name: the primary's is `halo`.
    let halo: [String: HaloWorld]
    /// ConnectWise companies by tenant name: the primary's is `connectwise`.
    let connectWise: [String: ConnectWiseWorld]

    private init(
        config: SimulatorConfig, port: Int, state: SimState, tenants: [Tenant], halo: [String: HaloWorld],
        connectWise: [String: ConnectWiseWorld], task: Task<Void, any Error>
    ) {
        self.connectWise = connectWise
        self.config = config
        self.port = port
        self.state = state
        self.tenants = tenants
        self.halo = halo
        self.task = task
    }

    /// A HaloPSA tenant's tickets (id, status id, priority id, agent id), for tests.
    public func haloTickets(tenant: String = "halo") async -> [(
        id: Int64, status: Int64, priority: Int64, agent: Int64
    )] {
        guard let w = halo[tenant] else { return [] }
        return await w.tickets.map { ($0.id, $0.statusID, $0.priorityID, $0.agentID) }
    }

    /// A HaloPSA tenant's notes (actions added through the API) on one ticket, for tests.
    public func haloNotes(ticket: Int64, tenant: String = "halo") async -> [(
        note: String, hidden: Bool, outcome: String, sendEmail: Bool?
    )] {
        guard let w = halo[tenant] else { return [] }
        return await w.actions(ticket: ticket).dropFirst().map { ($0.note, $0.hidden, $0.outcome, $0.sendEmail) }
    }

    /// A HaloPSA tenant's actions with time on one ticket (hours, start, end, note), for tests.
    public func haloTime(ticket: Int64, tenant: String = "halo") async -> [(
        hours: Double, start: Date?, end: Date?, note: String
    )] {
        guard let w = halo[tenant] else { return [] }
        return await w.actions(ticket: ticket).filter { $0.timeTaken > 0 }.map {
            ($0.timeTaken, $0.arrival, $0.completion, $0.note)
        }
    }

    /// An extra tenant's configuration (its credentials), by name.
    public func tenantConfig(_ name: String) -> SimulatorConfig? { tenants.first { $0.name == name }?.config }

    /// An extra tenant's rolling Autotask count.
    public func autotaskCount(tenant name: String) async -> Int? {
        guard let t = tenants.first(where: { $0.name == name }) else { return nil }
        return await t.state.autotaskCount
    }

    /// Starts the server and returns once it listens.
    public static func start(_ config: SimulatorConfig = SimulatorConfig(), clock: PSAClock = .continuous) async throws
        -> Simulator
    {
        let state = SimState(config: config, clock: clock)
        var router = SimRouter(state: state, config: config, clock: clock)
        var names = Set(Vendor.allCases.map(\.rawValue))
        for t in config.extraTenants {
            guard names.insert(t.name).inserted else {
                throw SimulatorError(message: "two tenants are named '\(t.name)'")
            }
            let c = config.config(for: t)
            router.tenants.append((t.name, t.vendor, c, SimState(config: c, clock: clock)))
        }
        let extra = router.tenants.map { Tenant(name: $0.name, vendor: $0.vendor, config: $0.config, state: $0.state) }
        router.halo =
            [("halo", config, HaloWorld(name: "halo", config: config, clock: clock))]
            + router.tenants.filter { $0.vendor == .halo }.map {
                ($0.name, $0.config, HaloWorld(name: $0.name, config: $0.config, clock: clock))
            }
        let haloWorlds = Dictionary(uniqueKeysWithValues: router.halo.map { ($0.name, $0.world) })
        router.connectWise =
            [("connectwise", config, ConnectWiseWorld(name: "connectwise", config: config, clock: clock))]
            + router.tenants.filter { $0.vendor == .connectwise }.map {
                ($0.name, $0.config, ConnectWiseWorld(name: $0.name, config: $0.config, clock: clock))
            }
        let cwWorlds = Dictionary(uniqueKeysWithValues: router.connectWise.map { ($0.name, $0.world) })
        let routerCopy = router
        let (portStream, portCont) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: CallbackResponder<BasicRequestContext> { request, _ in await routerCopy.respond(request) },
            configuration: .init(address: .hostname(config.host, port: config.port), serverName: "psatop-simulator"),
            onServerRunning: { channel in
                portCont.yield(channel.localAddress?.port ?? config.port)
                portCont.finish()
            },
            logger: .init(label: "psatop.simulator", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        // A listener that fails (the port taken) ends the wait with its reason, instead of never.
        let (failStream, failCont) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let task = Task {
            do { try await app.run() } catch {
                failCont.yield(ListenFailure.reason(error))
                portCont.finish()
                throw error
            }
            portCont.finish()
        }
        var port: Int?
        for await p in portStream {
            port = p
            break
        }
        guard let port else {
            task.cancel()
            failCont.finish()
            var why = "the server stopped before it listened"
            for await w in failStream {
                why = w
                break
            }
            throw SimulatorError(message: "cannot listen on \(config.host):\(config.port): \(why)")
        }
        return Simulator(
            config: config, port: port, state: state, tenants: extra, halo: haloWorlds, connectWise: cwWorlds,
            task: task)
    }

    /// Stops the server.
    public func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// The tenant's current rolling count, as ThresholdInformation would say (without counting a request).
    public func autotaskCount() async -> Int { await state.autotaskCount }

    /// Moves the Autotask tenant to a new zone: the old URL answers 401 from now on, and
    /// zoneInformation names the new one (also `POST /__sim/zone-move`).
    public func moveZone() async { await state.moveZone() }

    /// The Autotask tenant's ticket ids, in order (for tests and examples).
    public func autotaskTicketIDs() async -> [Int64] { await state.snapshotAutotask().map(\.id) }
    /// The Autotask ticket flooded with more than 500 notes.
    public func autotaskNoteFloodedTicketID() async -> Int64? {
        await state.snapshotAutotask().first { $0.noteFlood > 0 }?.id
    }
    public func autotaskTickets() async -> [SimAutotaskTicket] { await state.snapshotAutotask() }
    /// The Autotask time entries created through the API (for tests).
    public func autotaskAddedTimeEntries() async -> [SimTimeEntry] { await state.addedTimeEntryList() }
    /// The Atera tenant's tickets, as the twin holds them (for tests and examples).
    public func ateraTickets() async -> [SimAteraTicket] { await state.snapshotAtera() }

    /// Counters, as `GET /__sim/stats` returns them.
    public func statsJSON() async -> Data {
        await SimRouter.statsJSON(
            primary: state, tenants: tenants.map { ($0.name, $0.state) },
            halo: halo.map { ($0.key, $0.value) }, connectWise: connectWise.map { ($0.key, $0.value) })
    }
}

public struct SimulatorError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
