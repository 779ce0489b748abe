import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A listening socket on a free loopback port, held until closed.
private final class HeldPort {
    let fd: Int32
    let port: Int

    init() throws {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard s >= 0, bound == 0, listen(s, 4) == 0 else {
            if s >= 0 { _ = Glibc.close(s) }
            throw CocoaError(.fileWriteUnknown)
        }
        var out = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &out) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) }
        }
        fd = s
        port = Int(UInt16(bigEndian: out.sin_port))
    }

    func close() { _ = Glibc.close(fd) }
}

/// A config with a working demo profile and a broken one (its Atera key in a file others can
/// read), plus `more`, in a new folder; returns the folder (its `config.toml`).
func brokenFleetConfig(_ tag: String, more: String = "") throws -> String {
    let dir = NSTemporaryDirectory() + "psatop-\(tag)-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let key = dir + "/broken.key"
    try "atera-key-value-123".write(toFile: key, atomically: true, encoding: .utf8)
    chmod(key, 0o644)
    try """
    [profiles.demo]
    demo = true

    [profiles.broken]
    vendor = "atera"
    api_key = { file = "\(key)" }
    \(more)
    """.write(toFile: dir + "/config.toml", atomically: true, encoding: .utf8)
    return dir
}

extension EndToEnd {
    @Suite(
        "Monitoring from the command line: a fleet with a broken profile, taken ports, one-page exports", .serialized)
    struct FleetCommandLineTests {
        @Test("status --all with one unusable profile: every tenant's line, the broken one named, the worst state")
        func statusAllKeepsEveryLine() throws {
            let bin = try psatopBinary()
            let dir = try brokenFleetConfig(
                "e2e-fleet",
                more: """

                    [profiles.fabrikam]
                    vendor = "atera"
                    demo = true
                    """)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let r = try spawn([bin, "status", "--all", "--config", dir + "/config.toml"], seconds: 60)
            #expect(r.output.hasPrefix("psatop "), "\(r.output)")
            #expect(r.output.contains("demo "), "\(r.output)")
            #expect(r.output.contains(", broken UNKNOWN profile 'broken': api_key"), "\(r.output)")
            #expect(r.output.contains(", fabrikam OK"), "\(r.output)")
            #expect(!r.output.contains("atera-key-value-123"))
            // The worst of the three: the demo tenant's state, or UNKNOWN when that one is OK.
            #expect([1, 2, 3].contains(r.status), "\(r.status): \(r.output)")
            let stateWord = ["", "WARNING", "CRITICAL", "UNKNOWN"][Int(r.status)]
            #expect(r.output.hasPrefix("psatop \(stateWord) - "), "\(r.output)")
            let check = try spawn([bin, "config", "check", "--config", dir + "/config.toml"])
            #expect(
                check.status == 1 && check.output.contains("1 of 3 profiles cannot be used: broken"), "\(check.output)")
        }

        @Test("serve-metrics and simulate on a taken port: exit 1 within seconds, saying where and why")
        func takenPort() throws {
            let bin = try psatopBinary()
            let held = try HeldPort()
            defer { held.close() }
            let m = try spawn([bin, "serve-metrics", "--demo", "--listen", "127.0.0.1:\(held.port)"], seconds: 30)
            #expect(m.status == 1, "\(m.output)")
            #expect(m.output.contains("cannot listen on 127.0.0.1:\(held.port): Address already in use"), "\(m.output)")
            #expect(!m.output.contains("serving metrics"), "\(m.output)")
            let s = try spawn([bin, "simulate", "--port", "\(held.port)"], seconds: 30)
            #expect(s.status == 1, "\(s.output)")
            #expect(s.output.contains("cannot listen on 127.0.0.1:\(held.port): Address already in use"), "\(s.output)")
        }

        @Test("tickets without --all says it printed one page of more, and points at --all")
        func onePageExportSaysSo() throws {
            let bin = try psatopBinary()
            let r = try spawn([bin, "tickets", "--demo", "--vendor", "atera", "--csv"], seconds: 60)
            #expect(r.status == 0, "\(r.output)")
            #expect(r.output.contains("psatop: printed 50 of "), "\(r.output.suffix(300))")
            #expect(r.output.contains("--all prints every one"))
            let all = try spawn([bin, "tickets", "--demo", "--vendor", "atera", "--csv", "--limit", "5"], seconds: 60)
            #expect(!all.output.contains("--all prints every one"), "--limit asked for the cut")
        }

        @Test("errors say where: the host, and what to check there (a closed port, a wrong path)")
        func errorsSayWhere() throws {
            let bin = try psatopBinary()
            let closed = try HeldPort()
            closed.close()  // nothing listens there now
            let r = try spawn([
                "/bin/sh", "-c",
                "env ATERA_API_KEY=abcdef \(bin) tickets --vendor atera --base-url http://127.0.0.1:\(closed.port)/api/v3",
            ])
            #expect(r.status == 1, "\(r.output)")
            #expect(r.output.contains("127.0.0.1:\(closed.port): no answer from the server"), "\(r.output)")
            #expect(r.output.contains("check the address (base_url, --base-url)"), "\(r.output)")
            let sim = try SimServer(bin)
            defer { sim.stop() }
            let w = try spawn([
                "/bin/sh", "-c",
                "env ATERA_API_KEY=demo-atera-key-not-real \(bin) tickets --vendor atera --base-url http://127.0.0.1:\(sim.port)/api/v9",
            ])
            #expect(w.status == 1, "\(w.output)")
            #expect(w.output.contains("127.0.0.1:\(sim.port): HTTP 404"), "\(w.output)")
            #expect(w.output.contains("check the base URL's path (…/api/v3)"), "\(w.output)")
        }

        @Test("a mistyped command is named with the one meant")
        func didYouMean() throws {
            let bin = try psatopBinary()
            let r = try spawn([bin, "tikets"])
            #expect(r.status == 64, "\(r.output)")
            #expect(r.output.contains("did you mean 'tickets'?"), "\(r.output)")
        }
    }
}
