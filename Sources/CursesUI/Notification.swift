import Foundation
import PSACore

/// A desktop notification through the terminal: OSC 777 (notify) and OSC 9, then BEL for
/// terminals that show neither. Inside tmux the OSCs go through its passthrough (DCS `tmux;`,
/// every ESC doubled), which tmux forwards only with `set -g allow-passthrough on`.
public enum TerminalNotification {
    public static func bytes(_ text: String, inTmux: Bool) -> [UInt8] {
        // Only printable text, bounded: a notification is never a way in for escape sequences.
        let clean = String(text.sanitized.filter { !$0.isNewline && $0 != ";" }.prefix(200))
        let osc = "\u{1B}]777;notify;psatop;\(clean)\u{07}" + "\u{1B}]9;\(clean)\u{07}"
        let body =
            inTmux ? "\u{1B}Ptmux;" + osc.replacingOccurrences(of: "\u{1B}", with: "\u{1B}\u{1B}") + "\u{1B}\\" : osc
        return Array((body + "\u{07}").utf8)
    }

    static func send(_ text: String, environment: [String: String]) {
        let b = bytes(text, inTmux: !(environment["TMUX"] ?? "").isEmpty)
        b.withUnsafeBufferPointer { p in _ = write(STDOUT_FILENO, p.baseAddress, p.count) }
    }
}
