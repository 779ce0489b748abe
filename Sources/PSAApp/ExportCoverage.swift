import Foundation

/// What `tickets` without `--all` says on stderr when it printed one page of more: how many of
/// how many, and how to get them all. Nil when everything that matched was printed, or `--limit`
/// asked for the cut.
public enum ExportCoverage {
    public static func note(printed: Int, total: Int?, morePages: Bool, limited: Bool) -> String? {
        guard !limited else { return nil }
        if let total, total > printed {
            return "printed \(grouped(printed)) of \(grouped(total)) tickets (one page); --all prints every one"
        }
        if total == nil, morePages {
            return "printed \(grouped(printed)) tickets, the first page of more; --all prints every one"
        }
        return nil
    }

    static func grouped(_ n: Int) -> String {
        let f = NumberFormatter()
        f.numberStyle = .decimal
        f.locale = Locale(identifier: "en_US_POSIX")
        f.groupingSeparator = ","
        f.usesGroupingSeparator = true
        return f.string(from: NSNumber(value: n)) ?? String(n)
    }
}
