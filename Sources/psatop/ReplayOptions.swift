import ArgumentParser
import Foundation
import Simulator

/// `simulate --replay FILE.har`: serve a recording's answers (see `HARReplay`).
struct ReplayOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Answer from this HAR recording (psatop --record): a request matching a recorded one "
                + "gets its answer; others go to the simulator's twins.",
            valueName: "file.har"))
    var replay: String?

    @Flag(
        help: ArgumentHelp(
            "With --replay: answer 404 to a request the recording does not hold instead of going "
                + "to the twins (counted in /__sim/stats)."))
    var replayOnly = false

    @Flag(help: "With --replay: answer as slowly as the recorded server did (divided by --time-scale).")
    var replayLatency = false

    func validate() throws {
        if replay == nil, replayOnly || replayLatency {
            throw ValidationError("--replay-only and --replay-latency go with --replay FILE.har")
        }
    }

    func settings() throws -> ReplaySettings? {
        guard let replay else { return nil }
        return ReplaySettings(recording: try HARReplay(path: replay), only: replayOnly, latency: replayLatency)
    }
}
