import Foundation
import HTTPTypes
import Hummingbird
import PSACore

/// Routes one request to the Autotask twin, the Atera twin, or the control endpoints.
struct SimRouter: Sendable {
    let state: SimState
    let config: SimulatorConfig
    let clock: PSAClock
    /// Extra tenants: name, vendor, their configuration and state.
    var tenants: [(name: String, vendor: Vendor, config: SimulatorConfig, state: SimState)] = []
    /// HaloPSA tenants: the primary's (`halo`) first.
    var halo: [(name: String, config: SimulatorConfig, world: HaloWorld)] = []
    /// ConnectWise companies: the primary's (`connectwise`) first.
    var connectWise: [(name: String, config: SimulatorConfig, world: ConnectWiseWorld)] = []

    /// The Autotask tenant a request is for: by `UserName` (or zoneInformation's `user`); the primary otherwise.
    func autotaskTenant(_ req: SimRequest) -> (SimulatorConfig, SimState) {
        let user = (req.header("UserName") ?? req.query["user"] ?? "").lowercased()
        if let t = tenants.first(where: { $0.vendor == .autotask && $0.config.autotaskUser.lowercased() == user }) {
            return (t.config, t.state)
        }
        return (config, state)
    }

    /// The Atera tenant a request is for: by its key; the primary otherwise.
    func ateraTenant(_ req: SimRequest) -> (SimulatorConfig, SimState) {
        let key = req.ateraKey
        if let t = tenants.first(where: { $0.vendor == .atera && $0.config.ateraKey == key }) {
            return (t.config, t.state)
        }
        return (config, state)
    }

    static let autotaskPrefix = "/ATServicesRest/"
    static let ateraPrefix = "/api/v3/"

    func respond(_ request: Request) async -> Response {
        var request = request
        let path = request.uri.path
        let body = (try? await request.collectBody(upTo: 64 << 20)).map { Data($0.readableBytesView) } ?? Data()
        let req = SimRequest(
            method: request.method.rawValue, path: path, query: Self.parseQuery(request.uri.query ?? ""),
            headers: request.headers, body: body, authority: request.head.authority, rawQuery: request.uri.query ?? "")
        if let r = await replayed(req, rawQuery: request.uri.query ?? "") { return r }
        if let (zone, rest) = Self.autotaskZone(path) {
            let (config, state) = autotaskTenant(req)
            let lower = rest.lowercased()
            if !lower.hasPrefix("v1.0/zoneinformation"), lower != "versioninformation", let f = await state.drawFault(),
                let r = await fault(f)
            {
                return r
            }
            return await AutotaskTwin(state: state, config: config, clock: clock).handle(req, zone: zone, rest: rest)
        }
        if path.hasPrefix(Self.ateraPrefix) {
            let (config, state) = ateraTenant(req)
            if let f = await state.drawFault(), let r = await fault(f) { return r }
            return await AteraTwin(state: state, config: config, clock: clock).handle(
                req, rest: String(path.dropFirst(Self.ateraPrefix.count)))
        }
        if path == HaloTwin.prefix || path.hasPrefix(HaloTwin.prefix + "/") { return await haloRespond(req) }
        if path.hasPrefix(ConnectWiseTwin.prefix + "/") { return await connectWiseRespond(req) }
        if path == "/__sim/stats" {
            let stats = await Self.statsJSON(
                primary: state, tenants: tenants.map { ($0.name, $0.state) },
                halo: halo.map { ($0.name, $0.world) }, connectWise: connectWise.map { ($0.name, $0.world) })
            return .data(200, statsWithReplay(stats))
        }
        if path == "/__sim/reset", req.method == "POST" {
            await state.reset()
            for t in tenants { await t.state.reset() }
            return .json(200, ["reset": true])
        }
        if path == "/__sim/zone-move", req.method == "POST" {
            await state.moveZone()
            return .json(200, ["zone": await state.zone])
        }
        return .html404(path)
    }

    /// The primary tenant's counters at the top level (as with one tenant), and every tenant's
    /// under `tenants` by name (`autotask` and `atera` name the primary's two sides).
    static func statsJSON(
        primary: SimState, tenants: [(String, SimState)], halo: [(String, HaloWorld)] = [],
        connectWise: [(String, ConnectWiseWorld)] = []
    ) async -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        let top = await primary.reportedStats
        guard var obj = (try? JSONSerialization.jsonObject(with: enc.encode(top))) as? [String: Any] else {
            return Data("{}".utf8)
        }
        var all: [String: Any] = [:]
        for (name, st) in tenants {
            all[name] = (try? JSONSerialization.jsonObject(with: enc.encode(await st.reportedStats))) ?? [:]
        }
        obj["tenants"] = all
        var haloStats: [String: Any] = [:]
        for (name, w) in halo {
            haloStats[name] = (try? JSONSerialization.jsonObject(with: enc.encode(await w.stats))) ?? [:]
        }
        obj["halo"] = haloStats
        var cwStats: [String: Any] = [:]
        for (name, w) in connectWise {
            cwStats[name] = (try? JSONSerialization.jsonObject(with: enc.encode(await w.stats))) ?? [:]
        }
        obj["connectwise"] = cwStats
        return (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])) ?? Data("{}".utf8)
    }

    /// The injected answer for a fault; nil when the fault only delays the real answer.
    func fault(_ f: FaultPlan.Kind) async -> Response? {
        switch f {
        case .serverError:
            return .errors(500, "Object reference not set to an instance of an object. (simulated fault)")
        case .unavailable:
            return .data(
                503, Data(#"{"Message":"Service unavailable (simulated fault)"}"#.utf8), headers: [("Retry-After", "1")]
            )
        case .html:
            return .data(
                500,
                Data(
                    "<html><head><title>500 - Internal server error.</title></head><body>simulated fault</body></html>"
                        .utf8), contentType: "text/html")
        case .malformed: return .data(200, Data(#"{"items":[{"id":1,"title":"cut off he"#.utf8))
        case .slow:
            try? await clock.sleep(.seconds(double: 2 / config.timeScale))
            return nil
        case .timeout:
            try? await clock.sleep(.seconds(double: 600 / config.timeScale))
            return .cutOff(promised: 0)
        case .reset:
            return .cutOff(promised: 0)
        case .truncated:
            return .cutOff(promised: 2_048, sending: Data(#"{"items":[{"id":1,"title":"half an ans"#.utf8))
        case .redirect, .stall:
            return config.faults.hostileAnswer(f, clock: clock, timeScale: config.timeScale)
        }
    }

    /// `/ATServicesRest/V1.0/x` → (1, "V1.0/x"); `/zone3/atservicesrest/v1.0/x` → (3, "v1.0/x") (any case, as IIS).
    static func autotaskZone(_ path: String) -> (Int, String)? {
        var zone = 1
        var p = Substring(path)
        if p.hasPrefix("/zone"), let slash = p.dropFirst(5).firstIndex(of: "/"), let n = Int(p.dropFirst(5)[..<slash]) {
            zone = n
            p = p[slash...]
        }
        guard p.lowercased().hasPrefix(autotaskPrefix.lowercased()) else { return nil }
        return (zone, String(p.dropFirst(autotaskPrefix.count)))
    }

    /// `a=1&b=x%20y` → ["a": "1", "b": "x y"] (`+` is a space, as in forms).
    static func parseQuery(_ q: String) -> [String: String] {
        var out: [String: String] = [:]
        for part in q.split(separator: "&") {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            let key = decode(kv[0])
            out[key.lowercased()] = kv.count > 1 ? decode(kv[1]) : ""
        }
        return out
    }
}

/// The parts of a request the twins look at.
struct SimRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    var headers: HTTPFields
    var body: Data
    /// Host and port the client addressed (HTTP/1 `Host`, which HTTPTypes keeps as `:authority`).
    var authority: String?
    /// The query as sent (still percent-encoded), for links that repeat it (ConnectWise's `Link`).
    var rawQuery = ""

    func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }

    /// The Atera key: `X-API-KEY`, or a JWT as `Authorization: Bearer …`.
    var ateraKey: String? {
        header("X-API-KEY")
            ?? header("Authorization").flatMap { $0.lowercased().hasPrefix("bearer ") ? String($0.dropFirst(7)) : nil }
    }

    /// The `http://host:port` this request was addressed to, for absolute links.
    var origin: String { "http://" + (authority ?? header("Host") ?? "127.0.0.1") }
}

/// Thrown inside a response body to make the server drop the connection.
struct DroppedConnection: Error {}

extension Response {
    /// Headers that promise `promised` bytes, `sending` of them, then the connection is dropped:
    /// the client sees a connection closed mid-answer (with nothing sent: a reset).
    static func cutOff(promised: Int, sending: Data = Data()) -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers[.contentLength] = String(max(promised, sending.count + 1))
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                if !sending.isEmpty { try await writer.write(ByteBuffer(bytes: sending)) }
                throw DroppedConnection()
            })
    }

    static func data(
        _ status: Int, _ data: Data, contentType: String = "application/json; charset=utf-8",
        headers extra: [(String, String)] = []
    ) -> Response {
        var headers: HTTPFields = [.contentType: contentType]
        for (k, v) in extra { if let n = HTTPField.Name(k) { headers[n] = v } }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func json<T: Encodable>(_ status: Int, _ value: T, headers: [(String, String)] = []) -> Response {
        let data = (try? JSONEncoder().encode(value)) ?? Data("{}".utf8)
        return .data(status, data, headers: headers)
    }

    /// Autotask's error body: `{"errors":["…"]}`.
    static func errors(_ status: Int, _ messages: String..., headers: [(String, String)] = []) -> Response {
        .simJSON(status, .object([("errors", .array(messages.map { .string($0) }))]), headers: headers)
    }

    static func simJSON(_ status: Int, _ value: SimJSON, headers: [(String, String)] = []) -> Response {
        .data(status, value.data(), headers: headers)
    }

    /// ASP.NET's validation problem: the reasons by field in `errors`.
    static func validationProblem(_ errors: [String: [String]], instance: String) -> Response {
        let body: SimJSON = .object([
            ("type", .string("https://tools.ietf.org/html/rfc7231#section-6.5.1")),
            ("title", .string("One or more validation errors occurred.")), ("status", .int(400)),
            ("traceId", .string("00-5f1c0e2a9b7d4c3e8a6f1b2c3d4e5f60-1a2b3c4d5e6f7a8b-00")),
            ("errors", .object(errors.keys.sorted().map { ($0, .array(errors[$0]!.map { .string($0) })) })),
        ])
        return .data(400, body.data(), contentType: "application/problem+json; charset=utf-8")
    }

    /// RFC 7807, as Atera sends for many 400/404s.
    static func problem(_ status: Int, title: String, detail: String, instance: String) -> Response {
        let body: [String: Any] = [
            "type": "https://tools.ietf.org/html/rfc7231#section-6.5.4", "title": title,
            "status": status, "detail": detail, "instance": instance,
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return .data(status, data, contentType: "application/problem+json; charset=utf-8")
    }

    /// The IIS-style HTML page a wrong route returns.
    static func html404(_ path: String) -> Response {
        let html = """
            <!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
            <html xmlns="http://www.w3.org/1999/xhtml"><head><title>404 - File or directory not found.</title></head>
            <body><div id="header"><h1>Server Error</h1></div><div id="content"><fieldset>
            <h2>404 - File or directory not found.</h2>
            <h3>The resource you are looking for might have been removed, had its name changed, or is temporarily unavailable.</h3>
            </fieldset></div></body></html>
            """
        return .data(404, Data(html.utf8), contentType: "text/html")
    }
}
