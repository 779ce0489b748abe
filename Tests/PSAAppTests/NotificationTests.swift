import Foundation
import Testing

@testable import CursesUI

@Suite("Terminal notifications", .timeLimit(.minutes(10)))
struct NotificationTests {
    @Test(
        "OSC 777 and OSC 9 then BEL; inside tmux wrapped for its passthrough with every ESC doubled; no control character from the text"
    )
    func bytes() {
        let plain = String(decoding: TerminalNotification.bytes("quota at 51%", inTmux: false), as: UTF8.self)
        #expect(plain == "\u{1B}]777;notify;psatop;quota at 51%\u{07}\u{1B}]9;quota at 51%\u{07}\u{07}")
        let tmux = String(decoding: TerminalNotification.bytes("quota at 51%", inTmux: true), as: UTF8.self)
        #expect(
            tmux
                == "\u{1B}Ptmux;\u{1B}\u{1B}]777;notify;psatop;quota at 51%\u{07}\u{1B}\u{1B}]9;quota at 51%\u{07}\u{1B}\\\u{07}"
        )
        let hostile = String(
            decoding: TerminalNotification.bytes("a\u{1B}[2J\u{9B}31mb\nc;d\u{07}", inTmux: false), as: UTF8.self)
        // Escape sequences go whole (the sanitizer), a line break becomes a space, ";" (the OSC's separator) goes.
        #expect(hostile == "\u{1B}]777;notify;psatop;ab cd\u{07}\u{1B}]9;ab cd\u{07}\u{07}")
    }
}
