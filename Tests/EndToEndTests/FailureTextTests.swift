import Testing

@testable import psatop

@Suite("Errors on stderr", .timeLimit(.minutes(15)))
struct FailureTextTests {
    @Test(
        "fail() writes server text sanitized: no escape sequence or control character reaches the terminal; line breaks stay"
    )
    func sanitized() {
        let hostile = "HTTP 500: \u{1B}]0;pwned\u{07}boom\u{1B}[2J\u{9B}31m\nsecond\u{AD} line\u{202E}"
        #expect(failureText(hostile) == "HTTP 500: boom\nsecond line")
    }
}
