import Clocks
import Foundation
import PSAClient
import PSACore
import PSATestSupport
import Testing

/// "Never sends while suspended" for every request: the probe cannot deadlock on the ceiling's
/// own quota reading, a cancelled probe does not block the queue, and a request that already
/// waited in the window limiter or for a slot does not go out into a pause that began meanwhile.
@Suite("Pause and suspension gates on a test clock", .serialized, .timeLimit(.minutes(10)))
struct SuspensionGateTests {
    static let reading = HTTPResult(
        status: 200,
        body: Data(
            #"{"externalRequestThreshold":10000,"requestThresholdTimeframe":60,"currentTimeframeRequestCount":100}"#
                .utf8))

    static func bulk(_ path: String = "Tickets/query") -> ClientRequest {
        ClientRequest(
            spec: HTTPRequestSpec(method: "POST", url: "https://example.invalid/\(path)"), endpoint: "Tickets",
            logPath: "/" + path, idempotent: true, purpose: "walk", priority: .bulk)
    }

    @Test("a bulk request due to probe a suspension does not wait for a quota reading that waits for the probe")
    func probeNeedsReading() async throws {
        var policy = ClientPolicy()
        policy.ceiling = 0.75
        let h = Harness(policy: policy, seed: 3) { _, _, r in
            (r.url.hasSuffix("ThresholdInformation") ? Self.reading : ok, hold: .zero)
        }
        let api = AutotaskAPI(
            client: h.client, credentials: .init(userName: "u@x", secret: "secret-1", integrationCode: "code-1"),
            baseURL: "https://example.invalid/ATServicesRest/V1.0")
        h.client.quotaSource.connect { _ = try await api.quota() }
        await h.client.markSuspended(detail: "test")
        let walk = Task { try await h.client.send(Self.bulk()) }
        let result = try await drive(h.test, untilDone: walk)
        #expect(result.status == 200)
        let sent = await h.transport.sent
        // The reading went out first, as the probe, after the probe interval; then the walk's page.
        #expect(sent.count == 2)
        #expect(sent.first?.url.hasSuffix("ThresholdInformation") == true)
        #expect(sent.allSatisfy { $0.at >= 60 })
        #expect(await !h.client.isSuspended)
    }

    @Test("a probe cancelled while it waits for a slot leaves the next request free to probe")
    func cancelledProbe() async throws {
        var policy = ClientPolicy()
        policy.threadsPerEndpoint = 1
        // The first request holds the only slot for 200 s.
        let h = Harness(policy: policy, seed: 5) { i, _, _ in (ok, hold: i == 0 ? .seconds(200) : .zero) }
        let holder = Task { try await h.client.send(get("Tickets/0")) }
        try await eventually { await h.transport.sent.count == 1 }
        await h.client.markSuspended(detail: "test")
        let probe = Task { try await h.client.send(get("Tickets/1")) }
        // past the pause, waiting for the slot
        try await drive(h.test) { await h.client.queuedForSlot("Tickets") == 1 }
        probe.cancel()
        await #expect(throws: (any Error).self) { _ = try await probe.value }
        _ = try await drive(h.test, untilDone: holder)
        let next = Task { try await h.client.send(get("Tickets/2")) }
        #expect(try await drive(h.test, untilDone: next).status == 200)
        let urls = await h.transport.sent.map(\.url)
        // the cancelled probe never went
        #expect(urls == ["https://example.invalid/Tickets/0", "https://example.invalid/Tickets/2"])
        #expect(await !h.client.isSuspended)
    }

    @Test(
        "a request waiting for a slot when a 429 comes back waits out the pause; the slot goes on after the answer is read"
    )
    func waitingForSlotHonoursLaterPause() async throws {
        var policy = ClientPolicy()
        policy.threadsPerEndpoint = 1
        let throttled = HTTPResult(
            status: 429, headers: [("Retry-After", "10")], body: Data(#"{"Message":"Too many requests"}"#.utf8))
        let h = Harness(policy: policy, seed: 7) { i, _, _ in
            (i == 0 ? throttled : ok, hold: i == 0 ? .seconds(1) : .zero)
        }
        let first = Task { try await h.client.send(get("Tickets/0")) }
        try await eventually { await h.transport.sent.count == 1 }
        let second = Task { try await h.client.send(get("Tickets/1")) }
        try await eventually { await h.client.queuedForSlot("Tickets") == 1 }
        try await h.drive(untilSent: 3)
        #expect(try await first.value.status == 200)
        #expect(try await second.value.status == 200)
        let times = await h.transport.sendTimes
        #expect(times[0] == 0)
        // The 429 came at 1 s with Retry-After 10: nothing else before 11 s.
        for t in times.dropFirst() { #expect(t >= 11, "sent at \(t), inside the pause") }
    }

    @Test("a request waiting in the window limiter when a suspension begins does not go out into it")
    func waitingInPacerHonoursSuspension() async throws {
        var policy = ClientPolicy()
        policy.windows = [WindowLimit(limit: 1, window: 1)]
        policy.threadsPerEndpoint = 10
        let suspendedBody = Data(
            #"{"errors":["API call threshold exceeded. The external request threshold of 10000 requests per 60 minutes has been reached."]}"#
                .utf8)
        // The first answer (at 0.5 s) says the tenant is suspended; later ones are fine.
        let h = Harness(policy: policy, seed: 9) { i, _, _ in
            (i == 0 ? HTTPResult(status: 429, body: suspendedBody) : ok, hold: i == 0 ? .milliseconds(500) : .zero)
        }
        let first = Task { try await h.client.send(get("Tickets/0")) }
        try await eventually { await h.transport.sent.count == 1 }
        // One per second, counted from the first one's answer (0.5 s): it waits in the limiter when the suspension comes.
        let second = Task { try await h.client.send(get("Tickets/1")) }
        try await h.drive(untilSent: 3)
        _ = try await first.value
        _ = try await second.value
        let times = await h.transport.sendTimes
        // After the suspension (0.5 s) the next request is the probe, no sooner than 60 s.
        for t in times.dropFirst() { #expect(t >= 60, "sent at \(t), while suspended") }
    }

    @Test("a refused redirect is not retried and names where it pointed")
    func refusedRedirectNotRetried() async throws {
        let moved = HTTPResult(status: 302, headers: [("Location", "https://elsewhere.example:8443/steal")])
        struct Redirecting: HTTPTransport {
            let moved: HTTPResult
            func send(_ request: HTTPRequestSpec, timeout: Duration) async throws -> HTTPResult {
                guard let next = try AHCTransport.redirect(moved, from: request) else { return moved }
                return HTTPResult(status: 200, body: Data(next.url.utf8))
            }
        }
        let client = RateAwareClient(transport: Redirecting(moved: moved), seed: 1)
        do {
            _ = try await client.send(get())
            Issue.record("the redirect was followed")
        } catch let e as APIError {
            #expect(e.kind == .redirected)
            #expect(e.detail.contains("https://elsewhere.example:8443"))
        }
        #expect(await client.log.count == 1)
    }

    @Test("a reading with timeframe 0 is refused once, not re-read in a loop; the error says what the server sent")
    func timeframeZeroNoBusyLoop() async throws {
        var policy = ClientPolicy()
        policy.ceiling = 0.75
        let zero = HTTPResult(
            status: 200,
            body: Data(
                #"{"externalRequestThreshold":10000,"requestThresholdTimeframe":0,"currentTimeframeRequestCount":100}"#
                    .utf8))
        let h = Harness(policy: policy, seed: 4) { _, _, r in
            (r.url.hasSuffix("ThresholdInformation") ? zero : ok, hold: .milliseconds(10))
        }
        let api = AutotaskAPI(
            client: h.client, credentials: .init(userName: "u@x", secret: "secret-1", integrationCode: "code-1"),
            baseURL: "https://example.invalid/ATServicesRest/V1.0")
        h.client.quotaSource.connect { _ = try await api.quota() }
        let walk = Task {
            for i in 0..<5 { _ = try await h.client.send(Self.bulk("Tickets/query?page=\(i)")) }
        }
        try await drive(h.test, step: .milliseconds(50), untilDone: walk)
        let readings = await h.transport.sent.filter { $0.url.hasSuffix("ThresholdInformation") }.count
        #expect(readings == 1, "\(readings) readings for 5 pages")
        do {
            _ = try await drive(h.test, step: .milliseconds(50), untilDone: Task { try await api.quota() })
            Issue.record("a timeframe of 0 was taken")
        } catch {
            #expect(String(describing: error).contains("server sent timeframe 0"))
        }
    }

    @Test("a secret that straddles the error text's length limit is removed whole, not cut in half")
    func redactBeforeTruncate() async throws {
        let secret = "S3cr3t-Value-0123456789"
        let body =
            Data(#"{"errors":[""#.utf8) + Data((String(repeating: "x", count: 290) + secret + " and more").utf8)
            + Data(#""]}"#.utf8)
        let test = TestClock<Duration>()
        let clock = PSAClock(test, epoch: epoch)
        let transport = ScriptedTransport(clock: clock) { _, _, _ in (HTTPResult(status: 400, body: body), hold: .zero)
        }
        let client = RateAwareClient(transport: transport, clock: clock, seed: 1, secrets: [secret])
        do {
            _ = try await client.send(get())
            Issue.record("a 400 was taken")
        } catch let e as APIError {
            #expect(!e.detail.contains("S3cr3t"), "\(e.detail)")
            #expect(!String(describing: e).contains("S3cr3t"))
        }
        #expect(await client.log.allSatisfy { !($0.error ?? "").contains("S3cr3t") })
    }
}
