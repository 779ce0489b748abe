import Foundation
import Hummingbird
import PSACore
import Synchronization

/// `simulate --replay FILE.har`: answers requests with the answers a recording holds.
///
/// A request matches an entry by method, path (any case, an Autotask `/zoneN` prefix ignored) and
/// its query and body normalised: parameters sorted, JSON members sorted, and values that depend
/// on when the request was made (dates, such as `lastActivityDate gt …` or `lastmodified?date=`)
/// matched by their shape only; so is the user a zone lookup names (`zoneInformation?user=`),
/// which a scrubbed recording holds as a fake. Identical requests (`ThresholdInformation`) get
/// the recorded answers in order, then the last one again. Addresses the recording's servers
/// had are rewritten to the simulator's own in every answer, so links and the zone it names
/// lead back here.
public final class HARReplay: Sendable {
    public struct Answer: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: Data
        /// Seconds the server took (`--replay-latency`).
        public var wait: Double
    }

    public struct Stats: Sendable, Codable, Equatable {
        public var entries = 0
        public var matched = 0
        public var unmatched = 0
        /// The first unmatched requests (method and path), for finding what a recording lacks.
        public var unmatchedRequests: [String] = []
    }

    private struct Queue {
        var answers: [Answer]
        var next = 0
    }

    private let queues: Mutex<[String: Queue]>
    private let stats: Mutex<Stats>
    /// The origins the recording's requests went to (rewritten to the simulator's).
    let origins: [String]

    public struct Unreadable: Error, CustomStringConvertible {
        public var description: String
    }

    /// The largest recording read (psatop's own recordings stop at `--record-max-mb`, 100 by default).
    public static let maxFileBytes = 512 << 20

    /// Reads a HAR file (`path`): a regular file of at most `maxFileBytes`.
    public convenience init(path: String) throws {
        let attrs = try? FileManager.default.attributesOfItem(atPath: path)
        guard let type = attrs?[.type] as? FileAttributeType else {
            throw Unreadable(description: "cannot read \(path)")
        }
        guard type == .typeRegular else { throw Unreadable(description: "\(path) is not a regular file") }
        if let size = (attrs?[.size] as? NSNumber)?.intValue, size > Self.maxFileBytes {
            throw Unreadable(description: "\(path) is larger than \(Self.maxFileBytes >> 20) MB: refused")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Unreadable(description: "cannot read \(path)")
        }
        try self.init(data: data, name: path)
    }

    public init(data: Data, name: String = "the recording") throws {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let log = root["log"] as? [String: Any], let entries = log["entries"] as? [[String: Any]]
        else {
            throw Unreadable(description: "\(name) is not a HAR file (no log.entries)")
        }
        var queues: [String: Queue] = [:]
        var origins: [String] = []
        for (n, e) in entries.enumerated() {
            guard let req = e["request"] as? [String: Any], let res = e["response"] as? [String: Any],
                let method = req["method"] as? String, let url = req["url"] as? String,
                let status = res["status"] as? Int, status > 0
            else { continue }
            // A status the server could not send (1000, 42) is a broken file, said before serving.
            guard (100...599).contains(status) else {
                throw Unreadable(
                    description: "\(name): entry \(n + 1) has status \(status), which is no HTTP status (100–599)")
            }
            let (origin, path, query) = Self.parts(url)
            if !origin.isEmpty, !origins.contains(origin) { origins.append(origin) }
            let body = (req["postData"] as? [String: Any])?["text"] as? String ?? ""
            let headers = (res["headers"] as? [[String: Any]] ?? []).compactMap { h -> (String, String)? in
                guard let n = h["name"] as? String, let v = h["value"] as? String else { return nil }
                let skip = ["content-length", "transfer-encoding", "content-encoding", "connection", "date"]
                return skip.contains(n.lowercased()) ? nil : (n, v)
            }
            let text = (res["content"] as? [String: Any])?["text"] as? String ?? ""
            let wait = ((e["timings"] as? [String: Any])?["wait"] as? Double) ?? (e["time"] as? Double) ?? 0
            // A wait is held to a minute (a hostile or broken file must not stall the replay for good).
            let waitSeconds = wait.isFinite ? min(max(0, wait) / 1_000, 60) : 0
            let answer = Answer(status: status, headers: headers, body: Data(text.utf8), wait: waitSeconds)
            let key = Self.key(method: method, path: path, query: query, body: body)
            queues[key, default: Queue(answers: [])].answers.append(answer)
        }
        self.queues = Mutex(queues)
        self.origins = origins
        self.stats = Mutex(Stats(entries: entries.count))
    }

    public var currentStats: Stats { stats.withLock { $0 } }

    /// The recorded answer to a request, with the recording's addresses turned into `origin`
    /// (the simulator's); nil when none matches (counted).
    public func answer(method: String, path: String, query: String, body: Data, origin: String) -> Answer? {
        let key = Self.key(method: method, path: path, query: query, body: String(decoding: body, as: UTF8.self))
        let found = queues.withLock { all -> Answer? in
            guard var q = all[key], !q.answers.isEmpty else { return nil }
            let a = q.answers[min(q.next, q.answers.count - 1)]
            q.next += 1
            all[key] = q
            return a
        }
        stats.withLock { s in
            if found != nil {
                s.matched += 1
            } else {
                s.unmatched += 1
                if s.unmatchedRequests.count < 20 { s.unmatchedRequests.append("\(method) \(path)") }
            }
        }
        guard var a = found else { return nil }
        var text = String(decoding: a.body, as: UTF8.self)
        for o in origins where text.contains(o) { text = text.replacingOccurrences(of: o, with: origin) }
        for o in origins {
            text = text.replacingOccurrences(of: o.replacingOccurrences(of: "/", with: "\\/"), with: origin)
        }
        a.body = Data(text.utf8)
        a.headers = a.headers.map { n, v in
            var v = v
            for o in origins where v.contains(o) { v = v.replacingOccurrences(of: o, with: origin) }
            return (n, v)
        }
        return a
    }

    // MARK: Normalising

    /// `https://h:1/p?q` → ("https://h:1", "/p", "q").
    static func parts(_ url: String) -> (origin: String, path: String, query: String) {
        var rest = Substring(url)
        var origin = ""
        if let scheme = rest.range(of: "://") {
            let afterScheme = rest[scheme.upperBound...]
            let end = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? afterScheme.endIndex
            origin = String(rest[..<end])
            rest = rest[end...]
        }
        let q = rest.firstIndex(of: "?")
        let path = String(q.map { rest[..<$0] } ?? rest)
        let query = q.map { String(rest[rest.index(after: $0)...]) } ?? ""
        return (origin, path.isEmpty ? "/" : path, query)
    }

    /// What a request is matched on.
    public static func key(method: String, path: String, query: String, body: String) -> String {
        var p = path.lowercased()
        if p.hasPrefix("/zone"), let slash = p.dropFirst(5).firstIndex(of: "/"), Int(p.dropFirst(5)[..<slash]) != nil {
            p = String(p[slash...])
        }
        while p.count > 1, p.hasSuffix("/") { p.removeLast() }
        return [method.uppercased(), p, normalisedQuery(query), normalisedBody(body)].joined(separator: " ")
    }

    /// Query and form parameters that name who asks or carry a credential (a fake or
    /// `[redacted]` in a recording, the real value on replay): matched by presence. The token
    /// request of an OAuth client-credentials flow (HaloPSA's) matches this way.
    static let identityParameters: Set<String> = [
        "user", "username", "client_id", "client_secret", "password", "refresh_token", "code",
    ]

    static func normalisedQuery(_ q: String) -> String {
        let pairs = q.split(separator: "&").map { part -> (String, String) in
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            let name = decode(kv[0]).lowercased()
            let value = kv.count > 1 ? decode(kv[1]) : ""
            if identityParameters.contains(name) { return (name, "<who>") }
            return (name, normalisedValue(value))
        }
        return pairs.sorted { $0 < $1 }.map { "\($0)=\($1)" }.joined(separator: "&")
    }

    static func normalisedValue(_ v: String) -> String {
        if Scrubber.isDate(v) { return "<date>" }
        if v.hasPrefix("{") || v.hasPrefix("[") { return normalisedBody(v) }
        return v
    }

    /// JSON with members sorted and dates masked; other text as it is.
    static func normalisedBody(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return "" }
        guard let obj = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8), options: [.fragmentsAllowed]) else {
            // A form (`grant_type=…&client_id=…`): as a query, credentials by presence.
            return Scrubber.isForm(trimmed) ? "form:" + normalisedQuery(trimmed) : trimmed
        }
        let masked = mask(obj)
        let options: JSONSerialization.WritingOptions = [.sortedKeys, .fragmentsAllowed]
        guard let data = try? JSONSerialization.data(withJSONObject: masked, options: options) else { return trimmed }
        return String(decoding: data, as: UTF8.self)
    }

    static func mask(_ v: Any) -> Any {
        if let s = v as? String { return Scrubber.isDate(s) ? "<date>" : s }
        if let a = v as? [Any] { return a.map(mask) }
        if let d = v as? [String: Any] { return d.mapValues(mask) }
        return v
    }
}

/// How the simulator replays a recording (`simulate --replay`).
public struct ReplaySettings: Sendable {
    public var recording: HARReplay
    /// Unmatched requests answer 404 instead of going to the twin (`--replay-only`).
    public var only: Bool
    /// Answers wait as long as the recorded server took (`--replay-latency`), divided by the time scale.
    public var latency: Bool

    public init(recording: HARReplay, only: Bool = false, latency: Bool = false) {
        self.recording = recording
        self.only = only
        self.latency = latency
    }
}

extension SimRouter {
    /// The recorded answer when replaying: nil to go on to the twins.
    func replayed(_ req: SimRequest, rawQuery: String) async -> Response? {
        guard let replay = config.replay, !req.path.hasPrefix("/__sim/") else { return nil }
        guard
            let a = replay.recording.answer(
                method: req.method, path: req.path, query: rawQuery, body: req.body,
                origin: req.origin)
        else {
            return replay.only ? .errors(404, "no recorded answer for \(req.method) \(req.path) (--replay-only)") : nil
        }
        if replay.latency, a.wait > 0 { try? await clock.sleep(.seconds(double: a.wait / config.timeScale)) }
        let type = a.headers.first { $0.0.lowercased() == "content-type" }?.1 ?? "application/json; charset=utf-8"
        let rest = a.headers.filter { $0.0.lowercased() != "content-type" }
        return .data(a.status, a.body, contentType: type, headers: rest)
    }

    /// `/__sim/stats` with the replay's counters under `replay`.
    func statsWithReplay(_ data: Data) -> Data {
        guard let replay = config.replay, var obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
            let s = try? JSONSerialization.jsonObject(with: JSONEncoder().encode(replay.recording.currentStats))
        else {
            return data
        }
        obj["replay"] = s
        return (try? JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])) ?? data
    }
}
