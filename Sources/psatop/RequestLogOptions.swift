import ArgumentParser
import Foundation
import PSAApp
import PSAClient

/// `-v/--verbose` for the headless commands: the request log on stderr as it happens, through
/// the writer the dashboard's `--stderr-log` uses (one format, one redaction).
struct RequestLogOptions: ParsableArguments {
    @Flag(
        name: [.customShort("v"), .long],
        help:
            "Print every request on stderr as it happens: time, method, path, status, duration, retries, why it waited (secrets redacted)."
    )
    var verbose = false

    /// Starts writing the requests of these tenants to stderr when `-v` was given.
    func start(_ conns: [Connection]) async -> RequestLogWriter? {
        guard verbose else { return nil }
        let writer = RequestLogWriter.standardError()
        await writer.follow(RequestLogOptions.tenants(conns))
        return writer
    }

    /// Each tenant's client, named on its lines when there are several.
    static func tenants(_ conns: [Connection]) -> [(name: String?, client: RateAwareClient)] {
        conns.map { (conns.count > 1 ? ($0.settings.name ?? $0.tenantName) : nil, $0.api.client) }
    }
}
