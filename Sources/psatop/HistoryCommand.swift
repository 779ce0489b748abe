import ArgumentParser
import Foundation
import History
import PSACore

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "The quota history: peak count, ours by command, the others' estimate, tiers, 429s and spikes.",
        discussion: """
            Reads the store only ($XDG_STATE_HOME/psatop/history.sqlite, else \
            ~/.local/state/psatop/history.sqlite): no credentials, no request to any API.
            "others" is the server's rolling count less every psatop process's exact count (see README, \
            "Quota history"); n/a where the server reports no count (Atera, HaloPSA, ConnectWise).
            """)

    @Option(help: "Only this tenant (the profile's name; the demo records as 'demo').")
    var tenant: String?

    @Option(help: "How far back: 90m, 24h, 7d, 2w.")
    var since = "24h"

    @Option(help: "One row per minute, hour or day.")
    var by: String = "hour"

    @Flag(help: "A JSON list of rows (tenant, start, peak, ours, others, …).")
    var json = false

    @Flag(help: "CSV with a header line.")
    var csv = false

    @Option(help: "The store (default: $XDG_STATE_HOME/psatop/history.sqlite).")
    var store: String?

    @Flag(help: "Times in UTC instead of the local time zone.")
    var utc = false

    func validate() throws {
        guard HistoryReport.parseSince(since) != nil else {
            throw ValidationError("--since '\(since.sanitized)': use a number and m, h, d or w (24h, 7d)")
        }
        guard Bucket(rawValue: by) != nil else { throw ValidationError("--by must be minute, hour or day") }
        if json && csv { throw ValidationError("--json and --csv: choose one") }
    }

    func run() throws {
        let path = store ?? HistoryStore.defaultPath()
        guard FileManager.default.fileExists(atPath: path) else {
            Out.err(
                "psatop: no history yet (\(path.sanitized)); the dashboard and the commands record it as they run\n")
            throw ExitCode.failure
        }
        var options = HistoryStore.Options()
        options.readOnly = true
        let report: HistoryReport
        do {
            let s = try HistoryStore(path: path, options: options)
            var tenants = try s.tenants()
            if let name = tenant {
                tenants = tenants.filter { $0.name == name }
                if tenants.isEmpty {
                    let known = try s.tenants().map(\.name.sanitized).joined(separator: ", ")
                    Out.err(
                        "psatop: no history for tenant '\(name.sanitized)' (known: \(known.isEmpty ? "none" : known))\n"
                    )
                    throw ExitCode.failure
                }
            }
            let now = Date()
            report = try HistoryReport.build(
                store: s, tenants: tenants, from: now.addingTimeInterval(-HistoryReport.parseSince(since)!),
                to: now.addingTimeInterval(60), by: Bucket(rawValue: by)!, timeZone: utc ? .gmt : .current)
        } catch let fault as HistoryFault {
            Out.err("psatop: history: \(fault)\n")
            throw ExitCode.failure
        }
        if json {
            Out.data((try? report.json()) ?? Data("[]".utf8))
            Out.data(Data("\n".utf8))
        } else if csv {
            Out.data(Data(report.csv().utf8))
        } else {
            Out.data(
                Data(report.table(bucket: Bucket(rawValue: by)!, timeZone: utc ? .gmt : .current).sanitizedLines.utf8))
        }
    }
}

extension String {
    /// Each line sanitized for the terminal, the line breaks kept.
    fileprivate var sanitizedLines: String {
        split(separator: "\n", omittingEmptySubsequences: false).map { String($0).sanitized }.joined(separator: "\n")
    }
}
