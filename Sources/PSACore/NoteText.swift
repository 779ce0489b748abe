import Foundation

/// A note's text as it is sent: control characters gone (line breaks and tabs kept), trailing
/// space trimmed, at most `NoteText.maxLength` characters (longer is refused before sending).
public enum NoteText {
    public static let maxLength = 32_000

    public static func clean(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            if u == "\n" || u == "\t" {
                out.append(u)
                continue
            }
            if u == "\r" { continue }
            if u.properties.generalCategory == .control || u.properties.generalCategory == .format { continue }
            out.append(u)
        }
        return String(out).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The note's title (Autotask asks for one): its first line, at most 250 characters.
    public static func title(_ text: String) -> String {
        let first = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        return first.count > 250 ? String(first.prefix(249)) + "…" : first
    }
}
