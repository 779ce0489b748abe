import Foundation
@_spi(Testing) import PSACore
import Testing

@Suite("Hostile text: invisible characters, mark stacks, long unbroken paragraphs", .timeLimit(.minutes(5)))
struct HostileTextTests {
    @Test("soft hyphen, tag characters and Hangul fillers are removed")
    func invisibles() {
        #expect("pass\u{AD}word".sanitized == "password")
        // A "tag" sequence (invisible, used to smuggle text past a reader).
        #expect("ok\u{E0001}\u{E0069}\u{E0067}\u{E006E}\u{E007F}".sanitized == "ok")
        #expect("a\u{115F}b\u{1160}c\u{3164}d\u{FFA0}e".sanitized == "abcde")
        // Real Hangul is kept.
        #expect("한국어".sanitized == "한국어")
    }

    @Test("a base letter with a megabyte of combining marks keeps a bounded number")
    func markStack() {
        let zalgo = "Z" + String(repeating: "\u{301}", count: 1_000_000) + "ok"
        let s = zalgo.sanitized
        #expect(s.unicodeScalars.count == 1 + String.maxCombiningMarks + 2)
        #expect(s.hasSuffix("ok"))
        #expect(TextWidth.of(s) == 3)
        // Ordinary stacks are untouched (Vietnamese: two marks).
        #expect("e\u{302}\u{301}".sanitized == "e\u{302}\u{301}")
    }

    @Test(
        "wrapping a long unbroken CJK paragraph is linear: ten times the text takes about ten times as long, not a hundred"
    )
    func longCJK() {
        let text = String(repeating: "漢", count: 200_000)
        let lines = TextWidth.wrap(text, width: 80)
        #expect(lines.count == 5_000 && lines.allSatisfy { TextWidth.of($0) == 80 })
        // Linear, by the ratio of two sizes rather than a wall-time bound (a loaded machine slows
        // both alike): the best of three of each, a different text each time so none is cached.
        // Linear work gives about 10×; the quadratic cut this guards against gives 100×.
        func best(_ n: Int) -> Double {
            (0..<3).map { i -> Double in
                let t = String(repeating: "漢", count: n) + "\(n)-\(i)"
                let d = ContinuousClock().measure { _ = TextWidth.wrap(t, width: 80) }
                return Double(d.components.attoseconds) / 1e18 + Double(d.components.seconds)
            }.min()!
        }
        let small = best(20_000), big = best(200_000)
        #expect(big < small * 30, "20,000 characters in \(small) s, 200,000 in \(big) s")
        // Drawn again (the next frame): remembered, not wrapped again. (Tried up to three times:
        // another test wrapping in parallel can push it out of the cache in between.)
        let hits = TextWidth.wrapCacheHits
        for _ in 0..<3 where TextWidth.wrapCacheHits == hits { #expect(TextWidth.wrap(text, width: 80) == lines) }
        #expect(TextWidth.wrapCacheHits > hits)
    }

    @Test("wrapping keeps its old results: words, long words cut to whole pieces, paragraphs, wide characters")
    func wrapShapes() {
        #expect(TextWidth.wrap("the quick brown fox", width: 10) == ["the quick", "brown fox"])
        #expect(TextWidth.wrap("abcdefghijkl xy", width: 5) == ["abcde", "fghij", "kl xy"])
        #expect(TextWidth.wrap("a\n\nb", width: 5) == ["a", "", "b"])
        #expect(TextWidth.wrap("一二三四五", width: 5) == ["一二", "三四", "五"])
        #expect(TextWidth.wrap("", width: 5) == [""])
        #expect(TextWidth.wrap("x", width: 0) == [])
        // A character wider than the line: one a line, no endless loop.
        #expect(TextWidth.wrap("一二", width: 1) == ["一", "二"])
    }
}
