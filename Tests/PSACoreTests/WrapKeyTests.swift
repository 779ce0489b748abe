import Foundation
import Testing

@testable import PSACore

@Suite("The wrap cache's key")
struct WrapKeyTests {
    @Test("hashes the width, the length and the ends only: a long text is not hashed whole on every frame")
    func hashesTheEnds() {
        let head = String(repeating: "a", count: 100), tail = String(repeating: "z", count: 100)
        let one = head + String(repeating: "m", count: 100_000) + tail
        let two = head + String(repeating: "n", count: 100_000) + tail
        // Texts that differ only in their middle hash alike (their middle was not read)…
        #expect(WrapKey(text: one, width: 80).hashValue == WrapKey(text: two, width: 80).hashValue)
        #expect(WrapKey(text: one, width: 80) != WrapKey(text: two, width: 80))
        // …and are still told apart by equality: each wraps to its own lines.
        #expect(TextWidth.wrap(one, width: 80) != TextWidth.wrap(two, width: 80))
        #expect(TextWidth.wrap(two, width: 80) == TextWidth.computeWrap(two, width: 80))
        #expect(TextWidth.wrap(one, width: 80) == TextWidth.computeWrap(one, width: 80))
        // The width and the length take part.
        #expect(WrapKey(text: one, width: 80).hashValue != WrapKey(text: one, width: 81).hashValue)
        #expect(WrapKey(text: one, width: 80).hashValue != WrapKey(text: one + "z", width: 80).hashValue)
    }
}
