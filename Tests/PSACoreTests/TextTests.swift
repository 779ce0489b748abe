import Foundation
import PSACore
import Testing

@Suite("Sanitizing remote text", .timeLimit(.minutes(5)))
struct SanitizeTests {
    @Test("CSI sequences are removed whole")
    func csi() { #expect("\u{1B}[2J\u{1B}[31mRED\u{1B}[0m ALERT".sanitized == "RED ALERT") }

    @Test("OSC title changes are removed whole (BEL or ST)")
    func osc() {
        #expect("\u{1B}]0;pwned\u{07}after".sanitized == "after")
        #expect("\u{1B}]52;c;ZXZpbA==\u{1B}\\after".sanitized == "after")
    }

    @Test("C0, DEL and C1 controls go; tabs and newlines become spaces")
    func controls() {
        #expect("a\u{07}b\u{08}c\u{7F}d\u{9B}31me".sanitized == "abcde")
        #expect("line1\nline2\tx\r".sanitized == "line1 line2 x ")
    }

    @Test("bidi overrides and zero-width characters are removed")
    func bidi() {
        #expect("Invoice \u{202E}fdp.exe\u{202C}".sanitized == "Invoice fdp.exe")
        #expect("zero\u{200B}width\u{200D}\u{FEFF}\u{2066}x\u{2069}".sanitized == "zerowidthx")
    }

    @Test("ordinary Unicode is kept")
    func unicode() {
        #expect("打印机 Café 🔥 e\u{301}".sanitized == "打印机 Café 🔥 e\u{301}")
    }

    @Test("a lone ESC at the end does not crash")
    func loneEsc() {
        #expect("abc\u{1B}".sanitized == "abc")
        #expect("\u{1B}[".sanitized == "")
    }
}

@Suite("Display width", .timeLimit(.minutes(5)))
struct WidthTests {
    @Test("ASCII, CJK, emoji, combining, fullwidth")
    func widths() {
        #expect(TextWidth.of("abc") == 3)
        #expect(TextWidth.of("打印机") == 6)
        #expect(TextWidth.of("🔥") == 2)
        #expect(TextWidth.of("e\u{301}") == 1)
        #expect(TextWidth.of("Ｆｕｌｌ") == 8)
    }

    @Test("fit never exceeds the width, even cutting through wide characters", arguments: 0...12)
    func fit(width: Int) {
        for s in ["打印机故障 — 三楼", "🔥 Server room", "plain ascii text here", ""] {
            #expect(TextWidth.of(TextWidth.fit(s, width)) == width)
        }
    }
}

@Suite("Backoff, Retry-After and the retry budget", .timeLimit(.minutes(5)))
struct RetryMathTests {
    @Test("full jitter stays within 0…min(cap, base·2^n)")
    func jitter() {
        var rng = SeededGenerator(seed: 7)
        let b = Backoff(base: .milliseconds(500), cap: .seconds(8))
        for attempt in 0..<10 {
            let ceiling = b.ceiling(attempt: attempt)
            #expect(ceiling <= .seconds(8))
            for _ in 0..<100 {
                let d = b.delay(attempt: attempt, using: &rng)
                #expect(d >= .zero && d <= ceiling)
            }
        }
        #expect(b.ceiling(attempt: 0) == .milliseconds(500))
        #expect(b.ceiling(attempt: 3) == .seconds(4))
    }

    @Test("Retry-After as seconds and as an HTTP-date")
    func retryAfter() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.parse("120", now: now) == .seconds(120))
        #expect(RetryAfter.parse(" 5 ", now: now) == .seconds(5))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:50:07 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:00:00 GMT", now: now) == .zero)  // in the past: go now
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parse("-3", now: now) == nil)
        #expect(RetryAfter.httpDate(now) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test("at 100% failure, retries stay within 10% of the offered load plus the initial tokens")
    func budget() {
        var b = RetryBudget(capacity: 10, ratio: 0.1)
        var retries = 0
        let offered = 10_000
        for _ in 0..<offered {
            b.recordAttempt()
            while b.tryRetry() {
                retries += 1
                break
            }  // one retry per request at most, if a token is there
        }
        #expect(Double(offered + retries) <= 1.1 * Double(offered) + 10)
        #expect(retries >= 990)  // the budget is used, not just refused
    }

    @Test("the seeded generator repeats")
    func seeded() {
        var a = SeededGenerator(seed: 3), b = SeededGenerator(seed: 3)
        #expect((0..<5).map { _ in a.next() } == (0..<5).map { _ in b.next() })
    }
}

@Suite("Vendor lists in sentences")
struct VendorListTests {
    @Test("every declared vendor, in order, the last after the conjunction")
    func lists() {
        #expect(Vendor.sentence([], "and") == "")
        #expect(Vendor.sentence(["a"], "and") == "a")
        #expect(Vendor.sentence(["a", "b"], "or") == "a or b")
        #expect(Vendor.sentence(["a", "b", "c"], "and") == "a, b and c")
        let labels = Vendor.allCases.map(\.label)
        #expect(Vendor.labelList.hasSuffix(" and " + labels.last!))
        #expect(Vendor.nameList.hasPrefix(Vendor.allCases[0].rawValue))
        for v in Vendor.allCases {
            #expect(Vendor.labelList.contains(v.label))
            #expect(Vendor.nameList.contains(v.rawValue))
            #expect(Vendor.quotedNameList.contains("\"\(v.rawValue)\""))
        }
    }
}
