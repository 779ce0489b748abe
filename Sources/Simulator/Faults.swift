import Foundation
import Hummingbird
import PSACore

/// Faults the simulator injects into Autotask and Atera answers, each at a rate (0…1), always
/// or only in a time window, and a zone move at a moment. Parsed from e.g.
/// `--faults "500=0.05,503=0.02,timeout=0.01,reset=0.01,truncated=0.01,slow=0.1,malformed=0.02,html=0.02"`;
/// `500=1@30-60` injects only between 30 s and 60 s after the simulator started, and
/// `zonemove@45` moves the Autotask tenant to a new zone 45 s after the start. Hostile servers:
/// `redirect=1` answers 302 to another origin (`redirectTarget`, or `redirectto=URL` in the text),
/// `stall=1` sends the headers and part of the body, then nothing.
public struct FaultPlan: Sendable, Equatable {
    public enum Kind: String, CaseIterable, Sendable {
        /// A 500 with a vendor-shaped error body.
        case serverError = "500"
        /// A 503 with `Retry-After: 1`.
        case unavailable = "503"
        /// No answer: the connection stays silent (10 simulated minutes), then is closed.
        case timeout
        /// The connection is closed before any byte of the answer.
        case reset
        /// The answer's headers promise a body that stops half-way, then the connection closes.
        case truncated
        /// The answer comes 2 s late (scaled by the time scale).
        case slow
        /// A 200 whose JSON is cut off half-way (the length matches: the JSON itself is broken).
        case malformed
        /// An IIS-style HTML 500 page instead of JSON.
        case html
        /// A `302` whose `Location` is another origin (`redirectTarget`): a client that follows it
        /// with its credential headers leaks them there.
        case redirect
        /// The headers and part of the body, then silence (10 simulated minutes), then the
        /// connection closes: only a deadline covering the whole body ends the wait.
        case stall
    }

    /// Where a `redirect` fault points: another origin than the simulator's (by default the
    /// discard port on loopback, where nothing should ever connect).
    public var redirectTarget = "http://127.0.0.1:9/ATServicesRest/V1.0/ThresholdInformation"

    public struct Rule: Sendable, Equatable {
        public var rate: Double
        /// Seconds since the simulator started; nil for always.
        public var from: Double?, to: Double?
        func applies(at t: Double) -> Bool { (from.map { t >= $0 } ?? true) && (to.map { t < $0 } ?? true) }
    }

    public var rules: [Kind: [Rule]] = [:]
    /// Seconds after the start at which the Autotask tenant moves zone.
    public var zoneMoves: [Double] = []

    public init(_ rates: [Kind: Double] = [:]) {
        for (k, r) in rates { rules[k] = [Rule(rate: r)] }
    }

    public struct Invalid: Error, CustomStringConvertible { public var description: String }

    public init(parsing text: String) throws {
        for part in text.split(separator: ",") where !part.trimmingCharacters(in: .whitespaces).isEmpty {
            let item = part.trimmingCharacters(in: .whitespaces)
            let known = (Kind.allCases.map(\.rawValue) + ["zonemove", "redirectto"]).joined(separator: ", ")
            if item.lowercased().hasPrefix("redirectto=") {
                let url = String(item.dropFirst("redirectto=".count))
                guard let u = URL(string: url), u.scheme != nil, u.host != nil else {
                    throw Invalid(
                        description:
                            "redirect target '\(url)' must be an absolute URL (redirectto=http://host:port/path)")
                }
                redirectTarget = url
                continue
            }
            if item.lowercased().hasPrefix("zonemove") {
                guard let at = item.split(separator: "@").last.flatMap({ Double($0) }), item.contains("@"), at >= 0
                else {
                    throw Invalid(description: "zone move '\(item)' needs a time: zonemove@SECONDS")
                }
                zoneMoves.append(at)
                continue
            }
            let kv = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, let kind = Kind(rawValue: kv[0].lowercased()) else {
                throw Invalid(
                    description: "unknown fault '\(item)'; known: \(known) (as kind=rate or kind=rate@FROM-TO seconds)")
            }
            let rateAndWindow = kv[1].split(separator: "@", maxSplits: 1).map(String.init)
            guard let rate = Double(rateAndWindow[0]), (0...1).contains(rate) else {
                throw Invalid(
                    description: "fault rate '\(rateAndWindow[0])' for \(kind.rawValue) must be a number from 0 to 1")
            }
            var rule = Rule(rate: rate)
            if rateAndWindow.count == 2 {
                let ends = rateAndWindow[1].split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map {
                    Double($0)
                }
                guard ends.count == 2, let from = ends[0], let to = ends[1], from >= 0, to > from else {
                    throw Invalid(
                        description:
                            "fault window '\(rateAndWindow[1])' for \(kind.rawValue) must be FROM-TO seconds, e.g. 30-60"
                    )
                }
                rule.from = from
                rule.to = to
            }
            rules[kind, default: []].append(rule)
        }
    }

    public var isEmpty: Bool { rules.values.allSatisfy { $0.allSatisfy { $0.rate == 0 } } && zoneMoves.isEmpty }

    /// Picks at most one fault for a request `t` seconds after the start.
    func draw(at t: Double, using rng: inout SeededGenerator) -> Kind? {
        guard rules.values.contains(where: { $0.contains { $0.rate > 0 } }) else { return nil }
        var roll = Double.random(in: 0..<1, using: &rng)
        for kind in Kind.allCases {
            let r = (rules[kind] ?? []).filter { $0.applies(at: t) }.map(\.rate).max() ?? 0
            if roll < r { return kind }
            roll -= r
        }
        return nil
    }
}

extension FaultPlan {
    /// The answer for the hostile-server faults (`redirect`, `stall`); nil for the others.
    func hostileAnswer(_ kind: Kind, clock: PSAClock, timeScale: Double) -> Response? {
        switch kind {
        case .redirect:
            var headers: HTTPFields = [.contentType: "text/html"]
            headers[.location] = redirectTarget
            return Response(
                status: .found, headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: "<html><body>Object moved (simulated fault)</body></html>")))
        case .stall:
            let part = Data(#"{"items":[{"id":1,"title":"stalled mid-ans"#.utf8)
            var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
            headers[.contentLength] = "4096"
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(bytes: part))
                    try await clock.sleep(.seconds(double: 600 / max(timeScale, 0.001)))
                    throw DroppedConnection()
                })
        default:
            return nil
        }
    }
}
