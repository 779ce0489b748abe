import CNcurses
import Foundation

/// Whether `$TERM` can carry the dashboard, asked before anything is drawn, so an unusable
/// terminal gets a sentence and exit 1 instead of curses' own exit or a garbled screen.
public enum TerminalCheck {
    /// nil when the terminal type is usable; otherwise what is wrong and what to do.
    public static func problem(environment env: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let term = env["TERM"] ?? ""
        if term.isEmpty {
            return
                "TERM is not set, so the dashboard cannot draw; set it (TERM=xterm-256color) or, for scripts, use `psatop status` or `psatop tickets`"
        }
        switch term.withCString({ psa_term_check($0) }) {
        case Int32(PSA_TERM_OK): return nil
        case Int32(PSA_TERM_NO_ADDRESSING):
            return
                "TERM=\(term.sanitizedForMessage) cannot move the cursor, so the dashboard cannot draw; run it in a full terminal (TERM=xterm-256color) or, for scripts, use `psatop status` or `psatop tickets`"
        default:
            return
                "the terminal type TERM=\(term.sanitizedForMessage) is not known to terminfo here; install its entry (ncurses-term) or set TERM=xterm-256color"
        }
    }
}

private extension String {
    /// At most 40 printable ASCII characters: a TERM value is echoed, never trusted.
    var sanitizedForMessage: String {
        String(unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7f }.prefix(40).map(Character.init))
    }
}
