import ArgumentParser
import Foundation
import History
import PSAApp

/// `--no-history`, with the config file's `history` and `history_days`.
struct HistoryOptions: ParsableArguments {
    @Flag(
        name: .customLong("no-history"),
        help: "Keep no quota history for this run (config file: history = false). See psatop history --help.")
    var noHistory = false

    /// What the run records, from the flag, the config file and the environment (`$XDG_STATE_HOME`).
    func config(configPath: String?, environment env: [String: String] = ProcessInfo.processInfo.environment)
        -> HistoryConfig
    {
        var c = HistoryConfig(path: HistoryStore.defaultPath(environment: env))
        let file = try? PSAConfig.load(path: configPath, environment: env)
        c.enabled = !noHistory && file?.history != false
        if let d = file?.historyDays { c.days = d }
        return c
    }
}

extension ConnectionOptions {
    /// Starts this run's quota history for `connections` ("history off: <reason>" said once on stderr).
    func startHistory(
        _ kind: ProcessKind, _ connections: [Connection],
        say: @escaping @Sendable (String) -> Void = { Out.err("psatop: \($0)\n") }
    ) async -> HistorySession? {
        await HistorySession.start(history.config(configPath: config), kind: kind, connections: connections, say: say)
    }
}
