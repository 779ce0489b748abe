import Foundation
import PSACore
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

    @Test("wrapping a long unbroken CJK paragraph is linear: 200,000 characters in well under a second")
    func longCJK() {
        let text = String(repeating: "漢", count: 200_000)
        let start = ContinuousClock.now
        let lines = TextWidth.wrap(text, width: 80)
        let took = ContinuousClock.now - start
        #expect(lines.count == 5_000 && lines.allSatisfy { TextWidth.of($0) == 80 })
        #expect(took < .seconds(2), "took \(took)")
        // Drawn again (the next frame): remembered, not wrapped again.
        let again = ContinuousClock.now
        #expect(TextWidth.wrap(text, width: 80) == lines)
        #expect(ContinuousClock.now - again < took)
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
