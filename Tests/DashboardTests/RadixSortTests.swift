import Foundation
import PSACore
import Testing

@testable import Dashboard

@Suite("Radix sort: the order of a comparison sort, equal keys in the order they came")
struct RadixSortTests {
    func check<K: RadixKey>(_ keys: [K], _ note: String) {
        let expected = keys.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }.map { Int32($0) }
        let got = RadixSort.order(keys: keys.map(\.radixBits), rows: keys.indices.map { Int32($0) })
        #expect(got == expected, "\(note)")
    }

    @Test("doubles (negative, zeros, dates far apart, many ties), Int64 and Int across their range")
    func matchesComparisonSort() {
        var rng = SeededGenerator(seed: 21)
        let specials: [Double] = [
            0, -0.0, 1, -1, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude,
            -.greatestFiniteMagnitude, .infinity, -.infinity, Date.distantPast.timeIntervalSinceReferenceDate,
            Date.distantFuture.timeIntervalSinceReferenceDate, 8.1e8, 8.1e8 + 0.001,
        ]
        for n in [0, 1, 2, 17, 5_000] {
            check((0..<n).map { _ in specials.randomElement(using: &rng)! }, "\(n) specials")
            check((0..<n).map { _ in 8e8 + Double(Int.random(in: 0..<50, using: &rng)) * 60 }, "\(n) dates, ties")
            check((0..<n).map { _ in Double.random(in: -1e12...1e12, using: &rng) }, "\(n) doubles")
            check((0..<n).map { _ in Int64.random(in: .min ... .max, using: &rng) }, "\(n) Int64")
            check((0..<n).map { _ in [Int64.min, -1, 0, 1, .max].randomElement(using: &rng)! }, "\(n) Int64 ends")
            check((0..<n).map { _ in Int.random(in: -3...3, using: &rng) }, "\(n) ranks")
        }
    }
}
