import Clocks
import Foundation
@_spi(Testing) import PSAClient
import PSACore
import PSATestSupport
import Testing

/// A ThresholdInformation answer.
func reading(_ count: Int, threshold: Int = 10_000) -> HTTPResult {
    HTTPResult(
        status: 200,
        body: Data(
            #"{"externalRequestThreshold":\#(threshold),"requestThresholdTimeframe":60,"currentTimeframeRequestCount":\#(count)}"#
                .utf8))
}

/// Reads the quota through the client, as AutotaskAPI does, and tells the client.
func readQuota(_ client: RateAwareClient) async throws {
    let r = try await client.send(get("ThresholdInformation", endpoint: "ThresholdInformation"))
    await client.noteQuota(try r.decode(ThresholdInformation.self).quota)
}

func bulk(_ client: RateAwareClient, _ n: Int) -> Task<Void, any Error> {
    Task {
        try await RequestPriority.$current.withValue(.bulk) {
            for i in 0..<n { _ = try await client.send(get("Tickets/query?\(i)")) }
        }
    }
}

extension ScriptedTransport {
    func times(matching part: String) -> [Double] { sent.filter { $0.url.contains(part) }.map(\.at) }
}

@Suite("Quota ceiling, measured latency, attachments, cancellation (test clock)", .serialized, .timeLimit(.minutes(10)))
struct CeilingTests {
    static func autotaskPolicy(ceiling: Double = 0.75) -> ClientPolicy {
        var p = ClientPolicy()
        p.ceiling = ceiling
        p.detectLatencyTiers = true
        return p
    }

    @Test(
        "bulk work stops at the ceiling and says so; a person's request still goes; bulk resumes when a reading shows room"
    )
    func holdsAtCeiling() async throws {
        // Other integrations hold the tenant at 76% for the first 100 s, then it drains to 60%.
        let h = Harness(policy: Self.autotaskPolicy()) { _, at, req in
            (req.url.contains("ThresholdInformation") ? reading(at < 100 ? 7_600 : 6_000) : ok, hold: .milliseconds(50))
        }
        let client = h.client
        client.quotaSource.connect { try await readQuota(client) }
        let events = await client.events()
        let work = bulk(client, 5)
        try await h.drive(untilSent: 1)
        try await drive(h.test) { await client.ceilingStatus?.state == .holding }
        // Held: no bulk request went out, but an interactive one does.
        let person = Task { try await client.send(get("Tickets/42")) }
        #expect(try await drive(h.test, untilDone: person).status == 200)
        #expect(await h.transport.times(matching: "Tickets/42").count == 1)
        #expect(await h.transport.times(matching: "Tickets/query").isEmpty)
        try await drive(h.test, untilDone: work)
        #expect(await h.transport.times(matching: "Tickets/query").count == 5)
        let reads = await h.transport.times(matching: "ThresholdInformation")
        let queries = await h.transport.times(matching: "Tickets/query")
        // A fresh reading every 60 s while held (0, 60, 120); the bulk work went after the one showing room.
        try #require(reads.count == 3, "reads at \(reads)")
        #expect(reads[1] >= 60 && reads[1] < 61 && reads[2] >= 120 && reads[2] < 121, "reads at \(reads)")
        #expect(queries.allSatisfy { $0 >= reads[2] })
        #expect(await client.ceilingStatus == nil)
        let logged = await client.log.filter { $0.path.hasPrefix("/Tickets/query") }
        #expect(logged.first?.waitReason == .ceiling)
        var sawHold: CeilingStatus? = nil, sawRelease = false
        await client.finishEvents()
        for await e in events {
            if case .ceiling(let s?) = e, s.state == .holding { sawHold = s }
            if case .ceiling(nil) = e {
                sawRelease = true
                break
            }
        }
        #expect(sawHold?.estimate ?? 0 >= 7_600)
        #expect(sawHold?.text.contains("75% ceiling") == true)
        #expect(sawRelease)
    }

    @Test("near the ceiling bulk work is spread: the headroom would last the timeframe")
    func spreadsNearCeiling() async throws {
        // 7,440 of 10,000: 60 left below 7,500 → one bulk request per 60 s.
        let h = Harness(policy: Self.autotaskPolicy()) { _, _, req in
            (req.url.contains("ThresholdInformation") ? reading(7_440) : ok, hold: .zero)
        }
        let client = h.client
        client.quotaSource.connect { try await readQuota(client) }
        let work = bulk(client, 3)
        try await drive(h.test, step: .seconds(1)) { await h.transport.times(matching: "Tickets/query").count == 3 }
        try await work.value
        let q = await h.transport.times(matching: "Tickets/query")
        #expect(q[1] - q[0] >= 59.9 && q[2] - q[1] >= 59.9)
        // It never went past the ceiling: at most 60 of our requests on top of 7,440.
        #expect(await h.transport.sent.count <= 60)
    }

    @Test("a measured +1 s latency holds bulk work even when the last reading said 60%")
    func measuredTierHolds() async throws {
        // The first answers are quick; then the server adds a second to each.
        let h = Harness(policy: Self.autotaskPolicy()) { i, _, req in
            if req.url.contains("ThresholdInformation") { return (reading(6_000), hold: .milliseconds(80)) }
            return (ok, hold: i < 4 ? .milliseconds(80) : .milliseconds(1_080))
        }
        let client = h.client
        client.quotaSource.connect { try await readQuota(client) }
        let first = Task { try await readQuota(client) }
        try await drive(h.test, step: .milliseconds(20)) { await client.governor?.reading != nil }
        try await first.value
        for i in 0..<6 {
            let t = Task { try await client.send(get("Tickets/\(i)")) }
            try await drive(h.test, step: .milliseconds(20)) {
                let n = await h.transport.sent.count
                let f = await h.transport.inFlight
                return n == i + 2 && f == 0
            }
            _ = try await t.value
        }
        #expect(await client.measuredTier == .one)
        let work = bulk(client, 1)
        try await drive(h.test) { await client.ceilingStatus?.state == .holding }
        #expect(await client.ceilingStatus?.estimate == 7_500)
        work.cancel()
        _ = await work.result
        #expect(await h.transport.times(matching: "Tickets/query").isEmpty)
        #expect(await client.ceilingStatus == nil)
    }

    static func attachment(_ bytes: Int) -> ClientRequest {
        ClientRequest(
            spec: HTTPRequestSpec(method: "POST", url: "https://example.invalid/Tickets/7/Attachments"),
            endpoint: "Tickets", logPath: "/Tickets/7/Attachments", idempotent: false, purpose: "attach",
            attachmentBytes: bytes)
    }

    @Test(
        "attachments: over the per-file limit is refused before sending; the 5-minute budget is waited for, and said so"
    )
    func attachmentBudget() async throws {
        let h = Harness(policy: Self.autotaskPolicy()) { _, _, _ in
            (HTTPResult(status: 200, body: Data(#"{"itemId":1}"#.utf8)), hold: .zero)
        }
        let client = h.client
        await #expect(throws: APIError.self) { try await client.send(Self.attachment(7_000_000)) }
        #expect(await h.transport.sent.isEmpty)
        let events = await client.events()
        let uploads = Task {
            for _ in 0..<3 { _ = try await client.send(Self.attachment(4_000_000)) }
        }
        try await eventually { await h.transport.sent.count == 2 }
        try await drive(h.test, step: .seconds(5)) { await h.transport.sent.count == 3 }
        try await uploads.value
        let times = await h.transport.sendTimes
        #expect(times[0] < 1 && times[1] < 1)
        #expect(times[2] >= 300 && times[2] < 306)  // after the first 4 MB left the window
        #expect(await client.log.last?.waitReason == .attachmentBudget)
        await client.finishEvents()
        // Found, then checked: an event stream without the wait fails here, not silently.
        var wait: (used: Int, limit: Int)? = nil
        for await e in events {
            if case .attachmentWait(let used, let limit, _) = e {
                wait = (used, limit)
                break
            }
        }
        let seen = try #require(wait, "no attachmentWait event")
        #expect(seen.used == 8_000_000 && seen.limit == 10_000_000)
    }

    @Test("a server refusal of attachments blocks further attachments for 5 minutes, without a retry")
    func attachmentRefusal() async throws {
        let refusal = HTTPResult(
            status: 500,
            body: Data(#"{"errors":["Attachment upload limit exceeded: at most 10000000 bytes in 5 minutes."]}"#.utf8))
        let h = Harness(policy: Self.autotaskPolicy()) { i, _, _ in
            (i == 0 ? refusal : HTTPResult(status: 200, body: Data(#"{"itemId":2}"#.utf8)), hold: .zero)
        }
        let client = h.client
        do {
            _ = try await client.send(Self.attachment(1_000))
            Issue.record("expected a refusal")
        } catch let e as APIError { #expect(e.kind == .attachmentLimit) }
        #expect(await h.transport.sent.count == 1)
        #expect(await client.attachmentUsage().blockedUntil != nil)
        let next = Task { try await client.send(Self.attachment(1_000)) }
        try await drive(h.test, step: .seconds(5)) { await h.transport.sent.count == 2 }
        #expect(try await next.value.status == 200)
        #expect(await h.transport.sendTimes[1] >= 300)
    }

    @Test("a caller cancelled while queued for a thread slot leaves the queue and never sends")
    func cancelledSlotWaiter() async throws {
        let h = Harness { _, _, _ in (ok, hold: .seconds(10)) }
        let client = h.client
        let busy = (0..<3).map { i in Task { try await client.send(get("Tickets/\(i)")) } }
        try await eventually { await h.transport.sent.count == 3 }
        let queued = Task { try await client.send(get("Tickets/queued")) }
        try await eventually { await client.queuedForSlot("Tickets") == 1 }
        queued.cancel()
        await #expect(throws: CancellationError.self) { try await queued.value }
        try await eventually { await client.queuedForSlot("Tickets") == 0 }
        try await drive(h.test) { await h.transport.inFlight == 0 }
        for b in busy { _ = try await b.value }
        #expect(await h.transport.times(matching: "queued").isEmpty)
        // The slots are all free again: three go at once.
        let again = (0..<3).map { i in Task { try await client.send(get("Tickets/again\(i)")) } }
        try await eventually { await h.transport.inFlight == 3 }
        try await drive(h.test) { await h.transport.inFlight == 0 }
        for a in again { _ = try await a.value }
    }

    @Test("a cancelled caller waiting for the suspension probe leaves without sending")
    func cancelledProbeWaiter() async throws {
        let h = Harness(seed: 3) { _, at, _ in
            (at < 200 ? HTTPResult(status: 429, body: RateAwareClientTests.suspendedBody) : ok, hold: .seconds(1))
        }
        let client = h.client
        await client.markSuspended(detail: "test")
        let prober = Task { try await client.send(get("Tickets/probe")) }
        try await drive(h.test) { await h.transport.sent.count == 1 }
        let waiter = Task { try await client.send(get("Tickets/waiter")) }
        // Queued behind the probe before the cancel: a cancel before that would test nothing.
        try await eventually { await client.queuedForProbe == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        #expect(await client.queuedForProbe == 0)
        try await drive(h.test) {
            let late = await h.transport.times(matching: "probe").contains { $0 >= 200 }
            let busy = await h.transport.inFlight
            return late && busy == 0
        }
        _ = try await prober.value
        #expect(await h.transport.times(matching: "waiter").isEmpty)
    }

    @Test(
        "a probe that fails with a 500 leaves the tenant suspended and puts the next probe out by a backoff",
        arguments: [UInt64(1), 2, 3])
    func probeFailureBacksOff(seed: UInt64) async throws {
        let suspended = HTTPResult(status: 429, body: RateAwareClientTests.suspendedBody)
        let broken = HTTPResult(status: 500, body: Data(#"{"errors":["Internal error"]}"#.utf8))
        // Suspended; the first probe meets a server error; later ones succeed.
        let h = Harness(seed: seed) { i, _, _ in (i == 0 ? suspended : i == 1 ? broken : ok, hold: .zero) }
        let client = h.client
        let first = Task { try await client.send(get("Tickets/first")).status }
        try await eventually { await client.isSuspended }
        let callers = [first] + (0..<4).map { i in Task { try await client.send(get("Tickets/\(i)")).status } }
        try await drive(h.test) { await h.transport.sent.count >= 7 }
        for c in callers { #expect(try await c.value == 200) }
        let t = await h.transport.sendTimes
        #expect(t[1] >= 60 && t[1] <= 62)  // the first probe
        // Nothing right after the failed probe: the next one waits a backoff (≥ 0.5 s here).
        #expect(t[2] - t[1] >= 0.5)
        #expect(t.count == 7)  // 1 + failed probe + successful probe + the other four
    }
}
