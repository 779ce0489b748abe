import Clocks
import Foundation
@_spi(Testing) import PSAClient
import PSACore
import PSATestSupport
import Testing

@Suite("Rate-aware client on a test clock", .serialized, .timeLimit(.minutes(10)))
struct RateAwareClientTests {
    @Test("at most 3 requests in flight per endpoint under 20 concurrent callers; the rest queue")
    func threadCap() async throws {
        let h = Harness(seed: 1) { _, _, _ in (ok, hold: .seconds(1)) }
        let (test, clock, transport, client) = (h.test, h.clock, h.transport, h.client)
        let results = Task {
            try await withThrowingTaskGroup(of: Int.self) { g in
                for _ in 0..<20 { g.addTask { try await client.send(get()).status } }
                return try await g.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        try await drive(test) {
            let n = await transport.sent.count
            let f = await transport.inFlight
            return n == 20 && f == 0
        }
        let statuses = try await results.value
        #expect(statuses.count == 20 && statuses.allSatisfy { $0 == 200 })
        #expect(await transport.maxInFlight == 3)
        #expect(await client.maxInFlightSeen["Tickets"] == 3)
        // 20 requests of 1 s through 3 slots cannot take less than 7 rounds.
        #expect(clock.now() >= .seconds(7))
        let waited = await client.log.filter { $0.waitReason == .threadSlot }.count
        #expect(waited == 17)
    }

    @Test("each endpoint has its own slots")
    func separateEndpoints() async throws {
        let h = Harness(seed: 1) { _, _, _ in (ok, hold: .seconds(1)) }
        let (test, clock, transport, client) = (h.test, h.clock, h.transport, h.client)
        let t = Task {
            try await withThrowingTaskGroup(of: Void.self) { g in
                for i in 0..<6 {
                    g.addTask {
                        _ = try await client.send(get(endpoint: i % 2 == 0 ? "Tickets" : "ThresholdInformation"))
                    }
                }
                try await g.waitForAll()
            }
        }
        // All six go out at once (three slots per endpoint): wait until they are in flight before
        // the clock moves, so a slow start on a busy machine cannot make one leave a step late.
        for _ in 0..<10_000 where await transport.inFlight < 6 { try await Task.sleep(for: .milliseconds(1)) }
        #expect(await transport.inFlight == 6)
        try await drive(test) {
            let n = await transport.sent.count
            let f = await transport.inFlight
            return n == 6 && f == 0
        }
        try await t.value
        #expect(await transport.maxInFlight == 6)
        #expect(clock.now() == .seconds(1))
    }

    static func throttled(_ retryAfter: String?) -> HTTPResult {
        HTTPResult(
            status: 429, headers: retryAfter.map { [("Retry-After", $0)] } ?? [],
            body: Data(#"{"Message":"Too many requests"}"#.utf8))
    }

    @Test(
        "429 with Retry-After seconds pauses the whole queue; jitter is added on top, never subtracted",
        arguments: [UInt64(1), 2, 3, 4, 5])
    func retryAfterSeconds(seed: UInt64) async throws {
        let h = Harness(seed: seed) { i, _, _ in (i == 0 ? Self.throttled("5") : ok, hold: .zero) }
        let (test, transport, client) = (h.test, h.transport, h.client)
        let first = Task { try await client.send(get()) }
        try await eventually { await transport.sent.count == 1 }
        await test.advance(by: .milliseconds(10))
        let asleep = await client.callersAsleep
        let second = Task { try await client.send(get("Tickets/2")) }  // arrives during the pause
        // The clock must not move until it is at the gate: on a busy machine a late start would
        // otherwise reach the client after the pause and rightly go out unpaused.
        try await eventually { await client.callersAsleep == asleep + 1 }
        try await drive(test) { await transport.sent.count == 3 }
        #expect(try await first.value.status == 200)
        #expect(try await second.value.status == 200)
        let times = await transport.sendTimes
        #expect(times.count == 3)
        #expect(times[0] == 0)
        // Nothing went out during the pause, and the pause is 5 s plus 0…1.25 s of jitter.
        for t in times.dropFirst() { #expect(t >= 5 && t <= 6.25) }
        let log = await client.log
        #expect(log.first?.status == 429)
        #expect(log.dropFirst().allSatisfy { $0.waitReason == .retryAfter && $0.waited >= 5 })
    }

    @Test("429 with Retry-After as an HTTP-date")
    func retryAfterDate() async throws {
        let date = RetryAfter.httpDate(epoch.addingTimeInterval(10))
        let h = Harness(seed: 9) { i, _, _ in (i == 0 ? Self.throttled(date) : ok, hold: .zero) }
        let (test, transport, client) = (h.test, h.transport, h.client)
        let t = Task { try await client.send(get()) }
        try await drive(test) { await transport.sent.count == 2 }
        #expect(try await t.value.status == 200)
        let times = await transport.sendTimes
        #expect(times.count == 2)
        #expect(times[1] >= 10 && times[1] <= 12, "second send at \(times[1])")
    }

    @Test("429 without Retry-After falls back to a pause with jitter")
    func noRetryAfter() async throws {
        let h = Harness(seed: 4) { i, _, _ in (i == 0 ? Self.throttled(nil) : ok, hold: .zero) }
        let (test, transport, client) = (h.test, h.transport, h.client)
        let t = Task { try await client.send(get()) }
        // The first send at 0 and its retry asleep before the clock moves (a late start would
        // shift both).
        try await eventually {
            let asleep = await client.callersAsleep
            return await transport.sent.count == 1 && asleep == 1
        }
        try await drive(test) { await transport.sent.count == 2 }
        #expect(try await t.value.status == 200)
        let times = await transport.sendTimes
        #expect(times[1] >= 5 && times[1] <= 6.25)
    }

    static let suspendedBody = Data(
        #"{"errors":["API call threshold exceeded. The external request threshold of 10000 requests per 60 minutes has been reached."]}"#
            .utf8)

    @Test("suspension stops all traffic and sends exactly one probe at a time")
    func suspension() async throws {
        // Suspended for the first 100 s.
        let h = Harness(seed: 5) { _, at, _ in
            (at < 100 ? HTTPResult(status: 429, body: Self.suspendedBody) : ok, hold: .zero)
        }
        let (test, transport, client) = (h.test, h.transport, h.client)
        let events = await client.events()
        let all = Task {
            try await withThrowingTaskGroup(of: Int.self) { g in
                for i in 0..<5 { g.addTask { try await client.send(get("Tickets/\(i)")).status } }
                return try await g.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        try await eventually { await client.isSuspended }
        await test.advance(by: .seconds(1))
        try await drive(test) { await transport.sendTimes.filter { $0 >= 100 }.count == 5 }
        #expect(try await all.value == [200, 200, 200, 200, 200])
        let times = await transport.sendTimes
        let early = times.filter { $0 < 1 }.count
        let during = times.filter { $0 >= 1 && $0 < 100 }
        // One probe per probe interval (60 s + ≤ 2 s jitter), not a storm.
        #expect(during.count == 1)
        #expect(during.allSatisfy { $0 >= 60 && $0 <= 62 })
        #expect(early >= 1 && early <= 5)
        // Every answer before 100 s was a suspension, so each caller's one success came after it:
        // the successful probe (~120 s) and then the other four.
        #expect(times.filter { $0 >= 100 }.count == 5)
        #expect(times.filter { $0 >= 100 }.allSatisfy { $0 >= 120 && $0 <= 124 })
        #expect(await !client.isSuspended)
        var sawPause = false, sawResume = false
        await client.finishEvents()
        for await e in events {
            if case .paused(_, .suspended, _) = e { sawPause = true }
            if case .resumed = e {
                sawResume = true
                break
            }
        }
        #expect(sawPause && sawResume)
    }

    @Test("a quota reading at 100% holds all traffic until the probe: nothing is sent in between")
    func suspendedFromQuota() async throws {
        let full = HTTPResult(
            status: 200,
            body: Data(
                #"{"externalRequestThreshold":100,"requestThresholdTimeframe":60,"currentTimeframeRequestCount":100}"#
                    .utf8))
        let h = Harness(seed: 6) { i, _, _ in (i == 0 ? full : ok, hold: .zero) }
        let api = AutotaskAPI.scripted(h.client)
        let q = try await api.quota()
        #expect(q.tier == .suspended)
        #expect(await h.client.isSuspended)
        let next = Task { try await h.client.send(get()) }
        await h.test.advance(by: .seconds(59))
        #expect(await h.transport.sent.count == 1)  // held
        try await h.drive(untilSent: 2)
        #expect(try await next.value.status == 200)
        let probeAt = await h.transport.sendTimes[1]
        #expect(probeAt >= 60 && probeAt <= 62)
        #expect(await !h.client.isSuspended)
    }

    @Test(
        "no requests remaining: the queue waits for the server's reset instead of drawing a 429",
        arguments: [
            [("X-RateLimit-Limit", "700"), ("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", "10")],
            [("RateLimit-Policy", #""default";q=700;w=60"#), ("RateLimit", #""default";r=0;t=10"#)],
            // epoch form
            [("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", String(Int(epoch.timeIntervalSince1970) + 10))],
        ])
    func remainingZero(headers: [(String, String)]) async throws {
        let h = Harness(seed: 8) { i, _, _ in
            (i == 0 ? HTTPResult(status: 200, headers: headers, body: Data("{}".utf8)) : ok, hold: .zero)
        }
        _ = try await h.client.send(get())
        let next = Task { try await h.client.send(get("Tickets/2")) }
        try await eventually { await h.client.callersAsleep == 1 }
        try await h.drive(untilSent: 2)
        #expect(try await next.value.status == 200)
        let at = await h.transport.sendTimes[1]
        #expect(at >= 10 && at <= 10.25)
        #expect(await h.client.log.last?.waitReason == .paced)
    }

    @Test("the pacer tightens to a lower limit the server announces")
    func tightensToServerLimit() async throws {
        var policy = ClientPolicy()
        policy.perMinuteLimit = 700
        policy.threadsPerEndpoint = 100
        let server = HTTPResult(status: 200, headers: [("X-RateLimit-Limit", "60")], body: Data("{}".utf8))
        let h = Harness(policy: policy, seed: 2) { _, _, _ in (server, hold: .zero) }
        _ = try await h.client.send(get())  // learns the limit
        let t = Task {
            try await withThrowingTaskGroup(of: Void.self) { g in
                for i in 0..<120 { g.addTask { _ = try await h.client.send(get("Tickets/\(i)")) } }
                try await g.waitForAll()
            }
        }
        try await h.drive(untilSent: 121)
        try await t.value
        let times = await h.transport.sendTimes.sorted()
        var maxInWindow = 0
        for (i, start) in times.enumerated() {
            maxInWindow = max(maxInWindow, times[i...].prefix { $0 < start + 60 }.count)
        }
        #expect(maxInWindow <= 60)
    }

    @Test("header parsing: X-RateLimit-*, IETF fields, absent")
    func headerParsing() {
        let now = epoch
        let x = RateLimitHeaders(
            HTTPResult(
                status: 200,
                headers: [("x-ratelimit-limit", "700"), ("X-RateLimit-Remaining", "12"), ("X-RateLimit-Reset", "30")]),
            now: now)
        #expect(x?.limit == 700 && x?.remaining == 12 && x?.resetSeconds == 30 && x?.perMinute == 700)
        let ietf = RateLimitHeaders(
            HTTPResult(
                status: 200,
                headers: [("RateLimit-Policy", #""default";q=100;w=30"#), ("RateLimit", #""default";r=50;t=20"#)]),
            now: now)
        #expect(ietf?.limit == 100 && ietf?.remaining == 50 && ietf?.resetSeconds == 20 && ietf?.perMinute == 200)
        #expect(RateLimitHeaders(HTTPResult(status: 200), now: now) == nil)
    }

    @Test("in no 60 s window does the window limiter let more than the limit through, under 50 concurrent callers")
    func pacer() async throws {
        var policy = ClientPolicy()
        policy.perMinuteLimit = 60
        policy.threadsPerEndpoint = 100
        let h = Harness(policy: policy, seed: 2) { _, _, _ in (ok, hold: .zero) }
        let (test, transport, client) = (h.test, h.transport, h.client)
        let t = Task {
            try await withThrowingTaskGroup(of: Void.self) { g in
                for i in 0..<50 { g.addTask { for j in 0..<3 { _ = try await client.send(get("Tickets/\(i)-\(j)")) } } }
                try await g.waitForAll()
            }
        }
        try await drive(test) { await transport.sent.count == 150 }
        try await t.value
        let times = await transport.sendTimes.sorted()
        #expect(times.count == 150)
        var maxInWindow = 0
        for (i, start) in times.enumerated() {
            maxInWindow = max(maxInWindow, times[i...].prefix { $0 < start + 60 }.count)
        }
        #expect(maxInWindow <= 60)
        // …and it uses the allowance: 60 at once, 60 when the window frees, the last 30 a window later.
        let minutes = (times.last! - times.first!) / 60
        #expect(minutes < 2.1)
        #expect(await client.log.contains { $0.waitReason == .paced })
    }

    @Test("at 100% failure the load stays within 1.1x the offered load (plus the initial budget)")
    func retryBudget() async throws {
        let clock = PSAClock(ImmediateClock<Duration>(), epoch: epoch)
        let transport = ScriptedTransport(clock: clock) { _, _, _ in
            (HTTPResult(status: 500, body: Data(#"{"errors":["boom"]}"#.utf8)), hold: .zero)
        }
        let client = RateAwareClient(transport: transport, clock: clock, seed: 3)
        let offered = 300
        for i in 0..<offered {
            await #expect(throws: APIError.self) { try await client.send(get("Tickets/\(i)")) }
        }
        let sent = await transport.sent.count
        #expect(Double(sent) <= 1.1 * Double(offered) + 10)
        #expect(sent > offered)  // it does retry while the budget lasts
    }

    @Test("non-idempotent requests are not retried after a 5xx")
    func noRetryForWrites() async throws {
        let clock = PSAClock(ImmediateClock<Duration>(), epoch: epoch)
        let transport = ScriptedTransport(clock: clock) { _, _, _ in
            (HTTPResult(status: 503, body: Data()), hold: .zero)
        }
        let client = RateAwareClient(transport: transport, clock: clock, seed: 3)
        await #expect(throws: APIError.self) { try await client.send(get("Tickets", idempotent: false)) }
        #expect(await transport.sent.count == 1)
    }

    @Test("a query with more than 500 OR conditions is refused before sending, in the vendor's words")
    func orLimitRefusedLocally() async throws {
        let empty = HTTPResult(status: 200, body: Data(#"{"fields":[],"items":[]}"#.utf8))
        let h = Harness(seed: 1) { _, _, _ in (empty, hold: .zero) }
        let api = AutotaskAPI.scripted(h.client)
        let ids = (0..<501).map { Int64($0) }
        do {
            _ = try await api.tickets(ids: ids)
            Issue.record("expected a refusal")
        } catch let e as APIError {
            #expect(e.kind == .refused)
            #expect(e.detail == AutotaskQueryRules.orLimitMessage)
        }
        #expect(await h.transport.sent.isEmpty)
        // 500 is fine: it goes out (after the picklists).
        _ = try await api.tickets(ids: Array(ids.prefix(500)))
        #expect(await h.transport.sent.map(\.url).contains { $0.hasSuffix("/Tickets/query") })
    }

    @Test("errors name the cause and never carry a secret")
    func errorsRedacted() async throws {
        let clock = PSAClock(ImmediateClock<Duration>(), epoch: epoch)
        let secret = "S3cr3t-value-123"
        let transport = ScriptedTransport(clock: clock) { _, _, _ in
            (
                HTTPResult(
                    status: 401,
                    body: Data(#"{"Message":"Authorization has been denied for secret S3cr3t-value-123."}"#.utf8)),
                hold: .zero
            )
        }
        let client = RateAwareClient(transport: transport, clock: clock, seed: 3, secrets: [secret])
        do {
            _ = try await client.send(get("Tickets?x=S3cr3t-value-123"))
            Issue.record("expected an error")
        } catch let e as APIError {
            #expect(e.kind == .badCredentials)
            #expect(!String(describing: e).contains(secret))
            #expect(String(describing: e).contains("bad credentials"))
        }
        let log = await client.log
        #expect(log.allSatisfy { !$0.path.contains(secret) && !($0.error ?? "").contains(secret) })
    }

    @Test(
        "Atera's gauge: the server's X-RateLimit-* while fresh (its count, limit and reset), then our own count with the server's last word"
    )
    func ateraServerCount() async throws {
        let clock = PSAClock(ImmediateClock<Duration>(), epoch: epoch)
        let envelope = Data(
            #"{"items":[],"totalItemCount":0,"page":1,"itemsInPage":50,"totalPages":1,"prevLink":"","nextLink":""}"#
                .utf8)
        let transport = ScriptedTransport(clock: clock) { _, _, _ in
            (
                HTTPResult(
                    status: 200,
                    headers: [
                        ("X-RateLimit-Limit", "700"), ("X-RateLimit-Remaining", "600"), ("X-RateLimit-Reset", "20"),
                    ],
                    body: envelope), hold: .zero
            )
        }
        let api = AteraAPI(
            client: RateAwareClient(transport: transport, clock: clock, seed: 1), key: "k-123456",
            baseURL: "https://example.invalid/api/v3")
        let before = try await api.quota()
        #expect(before.server == nil && before.used == 0 && before.limit == 700)
        _ = try await api.page(after: nil)
        let q = try await api.quota()
        let sv = try #require(q.server)
        #expect(sv.fresh && sv.remaining == 600 && sv.limit == 700 && q.used == 100 && q.limit == 700)
        #expect(sv.resetAt == sv.at.addingTimeInterval(20))
        // A minute later the word is old: the count is ours again (none in the last minute), the server's word kept as such.
        try await clock.sleep(.seconds(61))
        let later = try await api.quota()
        #expect(later.used == 0 && later.server?.fresh == false && later.server?.at == sv.at)
    }

    @Test(
        "the exchange kept for the request view: credential headers redacted, secrets gone from URL and bodies, bodies cut"
    )
    func exchangeRedacted() async throws {
        let clock = PSAClock(ImmediateClock<Duration>(), epoch: epoch)
        let secret = "S3cr3t-value-123", code = "INTEGRATION-CODE-9"
        // The answer echoes the secret, once straddling the 2,048-byte cut, and sets a cookie.
        let limit = RequestExchange.bodyLimit
        let echo = "{\"note\":\"" + String(repeating: "x", count: limit - 16) + secret + "\",\"again\":\"\(secret)\"}"
        let transport = ScriptedTransport(clock: clock) { _, _, _ in
            (
                HTTPResult(
                    status: 200,
                    headers: [
                        ("Set-Cookie", "sid=abc"), ("X-Echo", "key=\(secret)"), ("X-Session-Token", "t0k3n"),
                        ("X-RateLimit-Remaining", "41"),
                    ],
                    body: Data(echo.utf8)), hold: .zero
            )
        }
        let client = RateAwareClient(transport: transport, clock: clock, seed: 3, secrets: [secret, code])
        let events = await client.events()
        let body = Data(#"{"filter":[{"field":"id","op":"gt","value":0}],"ref":"S3cr3t-value-123"}"#.utf8)
        let request = ClientRequest(
            spec: HTTPRequestSpec(
                method: "POST", url: "https://example.invalid/Tickets/query?code=\(code)",
                headers: [
                    ("ApiIntegrationCode", code), ("UserName", "api@x.example"),
                    ("Secret", secret), ("Authorization", "Bearer eyJabc.def.ghi"),
                ],
                body: body),
            endpoint: "Tickets", logPath: "/Tickets/query", idempotent: true, purpose: "test")
        _ = try await client.send(request)
        var record: RequestRecord?
        await client.finishEvents()
        for await e in events {
            if case .record(let r) = e {
                record = r
                break
            }
        }
        let x = try #require(record?.exchange)
        let everything = "\(x)"
        #expect(
            !everything.contains(secret) && !everything.contains(code) && !everything.contains("eyJabc")
                && !everything.contains("t0k3n"))
        #expect(!everything.contains("sid=abc"))
        #expect(x.url == "https://example.invalid/Tickets/query?code=[redacted]")
        #expect(x.requestHeaders.map(\.name) == ["ApiIntegrationCode", "UserName", "Secret", "Authorization"])
        #expect(x.requestHeaders.map(\.value) == ["[redacted]", "api@x.example", "[redacted]", "[redacted]"])
        #expect(x.responseHeaders.first { $0.name == "X-Echo" }?.value == "key=[redacted]")
        #expect(x.responseHeaders.first { $0.name == "X-RateLimit-Remaining" }?.value == "41")
        #expect(x.requestBody?.contains(#""ref":"[redacted]""#) == true)
        #expect(x.requestBodyBytes == body.count)
        // The answer: cut at the limit, after redacting (the straddling secret is gone whole, not shown in part).
        let shown = try #require(x.responseBody)
        #expect(shown.utf8.count == limit && x.responseBodyBytes == echo.utf8.count)
        #expect(!shown.contains(String(secret.prefix(6))))
        #expect(shown.hasSuffix("[redacted]") || shown.contains("[red"))
        // The client's own log keeps the summary only.
        #expect(await client.log.last?.exchange == nil)
        // An attachment's file data is not kept (its size is).
        let upload = ClientRequest(
            spec: HTTPRequestSpec(
                method: "POST", url: "https://example.invalid/Tickets/1/Attachments", body: Data(count: 300)),
            endpoint: "Tickets", logPath: "/Tickets/1/Attachments", idempotent: false, purpose: "attach",
            attachmentBytes: 300)
        let events2 = await client.events()
        _ = try await client.send(upload)
        var second: RequestRecord?
        await client.finishEvents()
        for await e in events2 {
            if case .record(let r) = e {
                second = r
                break
            }
        }
        #expect(second?.exchange?.requestBody == nil && second?.exchange?.requestBodyBytes == 300)
    }
}

@Suite("Error bodies", .timeLimit(.minutes(10)))
struct ErrorDecodingTests {
    @Test(
        "each shape decodes to one clear message",
        arguments: [
            (#"{"errors":["Zone information could not be determined"]}"#, "Zone information could not be determined"),
            (
                #"{"type":"x","title":"Not Found","status":404,"detail":"Ticket 9 was not found.","instance":"/api/v3/tickets/9"}"#,
                "Not Found: Ticket 9 was not found."
            ),
            (
                #"{"Message":"The requested resource does not support http method 'GET'."}"#,
                "The requested resource does not support http method 'GET'."
            ),
            (
                "<html><head><title>404 - File or directory not found.</title></head></html>",
                "404 - File or directory not found."
            ),
            ("plain text\nsecond line", "plain text"),
        ])
    func shapes(body: String, message: String) {
        #expect(APIError.message(from: Data(body.utf8)) == message)
    }

    @Test(
        "classification",
        arguments: [
            (401, "", APIError.Kind.badCredentials), (403, "", .permission), (404, "", .notFound),
            (429, #"{"errors":["The Autotask API thread threshold of 3 threads has been exceeded"]}"#, .threadLimit),
            (429, #"{"errors":["API call threshold exceeded"]}"#, .suspended),
            (500, #"{"errors":["API threshold exceeded for this database"]}"#, .suspended),
            (500, #"{"errors":["User does not have permission to query Tickets"]}"#, .permission),
            (500, #"{"errors":["Object reference not set"]}"#, .serverError),
            (429, "", .rateLimited),
            // By status and shape, not by words anywhere: an echoed title is no suspension, a
            // 5xx that mentions a thread limit is a server error (a write is not sent again).
            (500, #"{"errors":["Ticket 'API threshold exceeded again' could not be saved"]}"#, .serverError),
            (400, #"{"errors":["Title 'API call threshold exceeded' is too long"]}"#, .badRequest),
            (502, "<html><title>thread limit reached upstream</title></html>", .serverError),
            (500, #"{"Message":"the thread threshold was exceeded"}"#, .serverError),
            (503, "API call threshold exceeded", .serverError),
            (500, #"{"errors":["The Autotask API thread threshold of 3 threads has been exceeded."]}"#, .threadLimit),
            (404, #"{"title":"Not Found","detail":"attachment limit exceeded"}"#, .notFound),
        ])
    func classify(status: Int, body: String, kind: APIError.Kind) {
        #expect(APIError.classify(status: status, body: Data(body.utf8)).kind == kind)
    }
}
