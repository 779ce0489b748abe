import ArgumentParser
import Foundation
import PSAApp

struct ServeMetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-metrics",
        abstract:
            "Serve each tenant's quota, tier, suspension and psatop's own traffic for Prometheus to scrape (GET /metrics).",
        discussion: """
            Quota readings follow the dashboard's frugal schedule (≤ the poll budget per hour); a scrape sends no request to the tenant.
            Prometheus rules, a scrape config and a Grafana dashboard: deploy/prometheus/ in the source.

            Exit codes: 0 stopped by SIGINT or SIGTERM; 1 could not start (the address in use, the \
            configuration, the connection); 64 a bad command line.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var requestLog: RequestLogOptions

    @Flag(help: "Every profile of the config file (with --demo and no config file: four simulated tenants).")
    var all = false

    @Option(help: ArgumentHelp("Address to listen on.", valueName: "host:port"))
    var listen = "127.0.0.1:9464"

    func validate() throws { _ = try Self.split(listen) }

    static func split(_ s: String) throws -> (String, Int) {
        guard let colon = s.lastIndex(of: ":"), let port = Int(s[s.index(after: colon)...]), (0...65_535).contains(port)
        else {
            throw ValidationError("--listen must be host:port, e.g. 127.0.0.1:9464")
        }
        var host = String(s[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    func run() async throws {
        let (host, port) = try Self.split(listen)
        let list: [ConnectionSettings]
        do { list = try connection.settings(all: all) } catch { fail("\(error)") }
        // With --all a profile that cannot be used is exported as broken; the others are watched.
        let fleet: [FleetMember]
        do { fleet = try await Connection.openFleet(list) } catch { fail("\(error)") }
        if !all, let bad = fleet.first?.broken { fail(bad.reason) }
        let conns = fleet.compactMap(\.connection)
        let verbose = await requestLog.start(conns)
        let history = await connection.startHistory(.serveMetrics, conns)
        let server: MetricsServer
        do { server = try await MetricsServer.start(fleet: fleet, host: host, port: port, history: history) } catch {
            for c in conns { await c.close() }
            fail("\(error)")
        }
        for b in fleet.compactMap(\.broken) { note("not watching \(b.name): \(b.reason)") }
        note(
            "serving metrics for \(conns.count) tenant\(conns.count == 1 ? "" : "s") on http://\(host):\(server.port)/metrics"
        )
        // SIGINT / SIGTERM: stop cleanly.
        let (stop, cont) = AsyncStream<Void>.makeStream()
        let sources = [SIGINT, SIGTERM].map { sig -> any DispatchSourceSignal in
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler { cont.yield() }
            src.resume()
            return src
        }
        for await _ in stop { break }
        sources.forEach { $0.cancel() }
        await server.stop()
        await verbose?.finish()
        await history?.finish()
    }
}
