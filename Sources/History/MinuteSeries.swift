import Foundation

/// Our requests (every psatop process on the host) per minute, by kind, in dense arrays from
/// `base` on: what the report, the attribution and the spikes work on. 35 days are 50,400
/// minutes; a record with a dictionary per minute cost more than all the arithmetic.
public struct OursSeries: Sendable, Equatable {
    /// The first minute (minutes since 1970).
    public var base: Int64
    /// Requests per minute by kind, in `ProcessKind.allCases` order.
    public var byKind: [[Int]]
    /// Requests per minute, every kind.
    public var total: [Int]

    public init(base: Int64, minutes: Int) {
        self.base = base
        let n = max(0, minutes)
        byKind = [[Int]](repeating: [Int](repeating: 0, count: n), count: ProcessKind.allCases.count)
        total = [Int](repeating: 0, count: n)
    }

    /// The same minutes from records (tests, and the callers that read `MinuteCount`s).
    public init(_ minutes: [MinuteCount], from: Int64, to: Int64) {
        self.init(base: from, minutes: Int(max(0, to - from)))
        for m in minutes {
            for (k, n) in m.byKind { add(minute: m.minute, kind: k.index, n) }
        }
    }

    public var count: Int { total.count }

    /// Requests in `minute` (0 outside the series).
    @inline(__always)
    public func total(at minute: Int64) -> Int {
        let i = Int(minute - base)
        return i >= 0 && i < total.count ? total[i] : 0
    }

    /// Adds `n` requests of the kind at `kind` (its index in `ProcessKind.allCases`); outside the series, nothing.
    @inline(__always)
    mutating func add(minute: Int64, kind: Int, _ n: Int) {
        let i = Int(minute - base)
        guard i >= 0, i < total.count else { return }
        byKind[kind][i] += n
        total[i] += n
    }
}

/// The others' estimate per minute (see `Attribution`), dense from `base` on; a minute no
/// reading covers is not known.
public struct OthersSeries: Sendable, Equatable {
    public var base: Int64
    public var values: [Double]
    public var known: [Bool]

    public init(base: Int64, values: [Double], known: [Bool]) {
        self.base = base
        self.values = values
        self.known = known
    }

    public static let empty = OthersSeries(base: 0, values: [], known: [])

    /// The estimate in `minute`, when known.
    @inline(__always)
    public func value(at minute: Int64) -> Double? {
        let i = Int(minute - base)
        return i >= 0 && i < values.count && known[i] ? values[i] : nil
    }

    /// As a dictionary (minutes since 1970 → requests), for callers that want one.
    public var dictionary: [Int64: Double] {
        var out: [Int64: Double] = [:]
        out.reserveCapacity(values.count)
        for i in values.indices where known[i] { out[base + Int64(i)] = values[i] }
        return out
    }
}

extension ProcessKind {
    /// Its place in `allCases` (the series' order).
    public var index: Int {
        switch self {
        case .dashboard: 0
        case .tickets: 1
        case .status: 2
        case .serveMetrics: 3
        }
    }
}
