import Foundation
import PSAApp
import PSAClient
import PSACore
import Simulator
import Testing

/// A HaloPSA session recorded scrubbed (the default) and replayed: the auth flow (authinfo, the
/// client-credentials token) and the ticket walk answer from the recording, with the recording's
/// URLs, form field names and status labels still meaning what they meant.
@Suite("HaloPSA: a scrubbed recording replays end to end", .serialized)
struct HaloReplayTests {
    @Test("record tickets --all scrubbed, replay it --replay-only: the same tickets, statuses and priorities")
    func scrubbedRecordingReplays() async throws {
        let path = try HARRecordTests.tempPath("halo")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        // Record: the demo's HaloPSA tenant, scrubbed with a per-file key.
        var settings = ConnectionSettings()
        settings.demo = true
        settings.vendor = .halo
        settings.demoTickets = 130
        settings.recorder = HARRecorder(
            file: try HARFile(path: path, force: false, maxBytes: 8 << 20, creatorVersion: "t"),
            scrubber: Scrubber(fakes: FakeText(key0: 11, key1: 12))
        ) { _ in }
        let recorded = try await Connection.open(settings, environment: [:])
        let original = try await recorded.api.allTickets(filter: ServerFilter(), options: WalkOptions(threads: 1))
        await recorded.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // What a replay needs kept: the auth server's address, the token form's field names, the labels.
        let entries = try HARRecordTests.entries(path)
        func answer(_ suffix: String) -> String {
            let e = entries.first { (($0["request"] as? [String: Any])?["url"] as? String)?.hasSuffix(suffix) == true }
            return ((e?["response"] as? [String: Any])?["content"] as? [String: Any])?["text"] as? String ?? ""
        }
        let authinfo = answer("/api/authinfo")
        #expect(authinfo.contains(#""auth_url":"http://127.0.0.1:"#), "\(authinfo)")
        let form =
            entries.compactMap {
                (($0["request"] as? [String: Any])?["postData"] as? [String: Any])?["text"] as? String
            }
            .first ?? ""
        #expect(form.hasPrefix("grant_type=client_credentials&client_id="), "the token form's names kept: \(form)")
        #expect(form.contains("client_secret=") && !text.contains(SimulatorConfig().haloClientSecret))
        #expect(answer("/api/Status").contains(#""name":"In Progress""#), "\(answer("/api/Status"))")
        // …while people are replaced.
        let firstCompany = try #require(original.first?.company)
        #expect(!firstCompany.isEmpty && !text.contains(firstCompany))

        // Replay, answering only from the file.
        var config = SimulatorConfig()
        config.tickets = 0
        config.replay = ReplaySettings(recording: try HARReplay(path: path), only: true)
        let sim = try await Simulator.start(config)
        var replay = ConnectionSettings()
        replay.vendor = .halo
        replay.baseURL = sim.haloBaseURL
        replay.credentials = .halo(HaloCredentials(clientID: "someone-else", clientSecret: "another-secret-value"))
        let (again, stats) = try await HARCorpusTests.walkReplayed(replay, sim, config)
        #expect(stats?.unmatched == 0, "\(stats?.unmatchedRequests ?? [])")
        #expect(again.map(\.id) == original.map(\.id))
        #expect(again.map(\.status) == original.map(\.status), "status labels kept")
        #expect(again.map(\.priority) == original.map(\.priority))
    }
}
