import ArgumentParser
import Foundation
import PSAApp
import PSACore
import Synchronization

/// `--record FILE.har` and its companions, shared by the dashboard and every headless command
/// (through `ConnectionOptions`): every exchange with the tenant written as HAR 1.2, with no
/// credential and, unless `--no-scrub`, no personal data.
struct RecordOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Write every exchange with the tenant to this file as HAR 1.2 (created new, mode 0600; "
                + "credentials never written; personal data replaced unless --no-scrub).",
            valueName: "file.har"))
    var record: String?

    @Flag(help: "With --record: replace the file if it exists.")
    var force = false

    @Option(
        help: ArgumentHelp(
            "With --record: stop recording when the file reaches this size (default 100).",
            valueName: "MB"))
    var recordMaxMb = 100

    @Flag(
        inversion: .prefixedNo,
        help: "With --record: replace names, addresses, phone numbers and free text with stable fakes (default on).")
    var scrub = true

    @Flag(help: "With --record: replace picklist labels (statuses, queues, priorities) too.")
    var scrubLabels = false

    func validate() throws {
        guard recordMaxMb > 0, recordMaxMb <= 100_000 else {
            throw ValidationError("--record-max-mb must be 1 to 100000")
        }
        if record == nil, force || scrubLabels {
            throw ValidationError("--force and --scrub-labels go with --record FILE.har")
        }
        if let record, record.isEmpty { throw ValidationError("--record needs a file name") }
    }

    /// The process's one recorder (made at the first call: the file is created then), or nil
    /// without `--record`. Says on stderr where it records and how.
    func recorder() throws -> HARRecorder? {
        guard let path = record else { return nil }
        return try Self.made.withLock { made -> HARRecorder in
            if let made { return made }
            let existed = FileManager.default.fileExists(atPath: path)
            let file = try HARFile(
                path: path, force: force, maxBytes: recordMaxMb * 1_048_576,
                creatorVersion: BuildInfo.version)
            var rng = SystemRandomNumberGenerator()
            let scrubber = scrub ? Scrubber(fakes: FakeText(using: &rng), labels: scrubLabels) : nil
            let r = HARRecorder(file: file, scrubber: scrubber) { message in note(message) }
            let how =
                scrub
                ? "personal data replaced with fakes\(scrubLabels ? ", labels too" : "")"
                : "NOT scrubbed: it holds personal data"
            let replaced = existed && force ? " (replaced)" : ""
            note("recording to \(path)\(replaced) (mode 0600; credentials redacted; \(how))")
            made = r
            return r
        }
    }

    private static let made = Mutex<HARRecorder?>(nil)
}
