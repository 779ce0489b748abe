import Foundation
import PSACore

/// Faults the simulator injects into Autotask and Atera answers, each at a rate (0…1).
/// Parsed from `--faults "500=0.05,503=0.02,slow=0.1,malformed=0.02,html=0.02"`.
public struct FaultPlan: Sendable, Equatable {
    public enum Kind: String, CaseIterable, Sendable {
        /// A 500 with a vendor-shaped error body.
        case serverError = "500"
        /// A 503 with `Retry-After: 1`.
        case unavailable = "503"
        /// The answer comes 2 s late (scaled by the time scale).
        case slow
        /// A 200 whose JSON is cut off half-way.
        case malformed
        /// An IIS-style HTML 500 page instead of JSON.
        case html
    }

    public var rates: [Kind: Double] = [:]

    public init(_ rates: [Kind: Double] = [:]) { self.rates = rates }

    public struct Invalid: Error, CustomStringConvertible { public var description: String }

    public init(parsing text: String) throws {
        for part in text.split(separator: ",") where !part.trimmingCharacters(in: .whitespaces).isEmpty {
            let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2, let kind = Kind(rawValue: kv[0].lowercased()) else {
                throw Invalid(description: "unknown fault '\(part)'; known: \(Kind.allCases.map(\.rawValue).joined(separator: ", ")) (as kind=rate)")
            }
            guard let rate = Double(kv[1]), (0...1).contains(rate) else {
                throw Invalid(description: "fault rate '\(kv[1])' for \(kind.rawValue) must be a number from 0 to 1")
            }
            rates[kind] = rate
        }
    }

    public var isEmpty: Bool { rates.values.allSatisfy { $0 == 0 } }

    /// Picks at most one fault for a request.
    func draw(using rng: inout SeededGenerator) -> Kind? {
        guard !isEmpty else { return nil }
        var roll = Double.random(in: 0..<1, using: &rng)
        for kind in Kind.allCases {
            let r = rates[kind] ?? 0
            if roll < r { return kind }
            roll -= r
        }
        return nil
    }
}
