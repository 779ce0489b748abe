import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    @Suite("tickets --json --with-time", .timeLimit(.minutes(5)))
    struct TicketsWithTimeTests {
        @Test("each ticket gains loggedHours; 150 tickets cost one TimeEntries query (the HAR counts it)")
        func withTime() throws {
            let bin = try psatopBinary()
            let dir = NSTemporaryDirectory() + "psatop-with-time-\(getpid())"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let r = try spawn([
                "/bin/sh", "-c",
                "\(bin) tickets --demo --demo-tickets 150 --all --json --with-time -q --record \(dir)/t.har > \(dir)/t.json",
            ])
            #expect(r.status == 0, "\(r.output.suffix(500))")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/t.json")))
            let tickets = try #require(json as? [[String: Any]])
            #expect(tickets.count == 150)
            let hours = tickets.compactMap { ($0["loggedHours"] as? NSNumber)?.doubleValue }
            #expect(hours.count == 150 && hours.contains { $0 > 0 } && hours.contains(0))
            #expect(tickets.allSatisfy { $0["number"] != nil })
            let har = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/t.har")))
            let entries = ((har as? [String: Any])?["log"] as? [String: Any])?["entries"] as? [[String: Any]] ?? []
            let timeQueries = entries.filter {
                (($0["request"] as? [String: Any])?["url"] as? String)?.contains("/TimeEntries/query") == true
            }
            #expect(timeQueries.count == 1)
            // Without --json it is refused, before anything is sent.
            let plain = try spawn([bin, "tickets", "--demo", "--with-time"])
            #expect(plain.status == 64 && plain.output.contains("--with-time goes with --json"))
        }
    }
}
