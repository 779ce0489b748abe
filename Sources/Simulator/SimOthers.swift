import Foundation

/// One of the tenant's other integrations: the background load is shared among them by weight,
/// so `/__sim/stats` can say who sent what (`integrations`: name → minute → requests).
public struct OtherIntegration: Sendable, Equatable {
    public var name: String
    public var weight: Int
    public init(name: String, weight: Int) {
        self.name = name
        self.weight = max(1, weight)
    }

    /// The simulator's default cast.
    public static let defaults = [
        OtherIntegration(name: "backup-sync", weight: 5),
        OtherIntegration(name: "billing-export", weight: 3),
        OtherIntegration(name: "rmm-bridge", weight: 2),
    ]
}

/// A burst of one other integration's requests on top of the background: `size` requests spread
/// evenly over `seconds` simulated seconds from `at` (simulated seconds since the start).
public struct OtherBurst: Sendable, Equatable {
    public var integration: String
    public var at: Double
    public var seconds: Double
    public var size: Int
    public init(integration: String, at: Double, seconds: Double, size: Int) {
        self.integration = integration
        self.at = at
        self.seconds = max(1, seconds)
        self.size = size
    }

    /// Requests this burst sends in simulated second `s` (whole requests, no rounding drift).
    func requests(atSecond s: Int) -> Int {
        let start = Int(at.rounded(.down)), length = Int(seconds.rounded(.up))
        guard s >= start, s < start + length else { return 0 }
        let done = { (k: Int) in size * k / length }
        return done(s - start + 1) - done(s - start)
    }
}

/// The truth `/__sim/stats` reports: requests per integration per simulated minute since the
/// start ("psatop" is every request the API let through, i.e. ours).
struct OthersTruth: Sendable {
    var cast: [OtherIntegration]
    /// Smooth weighted round robin: each request goes to the integration furthest behind its share.
    private var credit: [Int]
    private(set) var perMinute: [String: [Int: Int]] = [:]

    init(cast: [OtherIntegration]) {
        self.cast = cast.isEmpty ? OtherIntegration.defaults : cast
        credit = Array(repeating: 0, count: self.cast.count)
    }

    /// `n` background requests in simulated second `s`, shared out by weight.
    mutating func background(_ n: Int, second s: Int) {
        guard s >= 0, n > 0 else { return }
        let total = cast.reduce(0) { $0 + $1.weight }
        for _ in 0..<n {
            for i in credit.indices { credit[i] += cast[i].weight }
            let best = credit.indices.max { credit[$0] < credit[$1] || (credit[$0] == credit[$1] && $0 > $1) }!
            credit[best] -= total
            add(cast[best].name, 1, second: s)
        }
    }

    mutating func add(_ name: String, _ n: Int, second s: Int) {
        guard s >= 0, n > 0 else { return }
        perMinute[name, default: [:]][s / 60, default: 0] += n
    }

    /// As JSON: name → minute (string) → requests.
    var json: [String: [String: Int]] {
        perMinute.mapValues { m in Dictionary(uniqueKeysWithValues: m.map { (String($0.key), $0.value) }) }
    }
}
