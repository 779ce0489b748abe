import Foundation
import PSACore

extension HistoryReport {
    /// `--since 24h|7d|90m|2w` in seconds.
    public static func parseSince(_ text: String) -> TimeInterval? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = t.last, let n = Double(t.dropLast()), n > 0, n.isFinite else { return nil }
        switch unit {
        case "m": return n * 60
        case "h": return n * 3600
        case "d": return n * 86_400
        case "w": return n * 7 * 86_400
        default: return nil
        }
    }

    static func iso(_ d: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }

    /// A list of rows, each with at least tenant, start, peak, ours and others.
    public func json() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        e.dateEncodingStrategy = .custom { d, enc in
            var c = enc.singleValueContainer()
            try c.encode(Self.iso(d))
        }
        return try e.encode(rows)
    }

    public static let csvHeader =
        "tenant,start,peak,peak_percent,limit,ours,dashboard,tickets,status,serve_metrics,others,"
        + "tier0_minutes,tier1_minutes,tier2_minutes,suspended_minutes,429s,suspensions"

    /// CSV (RFC 4180): a header, then one line per row; unknown values are empty.
    public func csv() -> String {
        var out = Self.csvHeader + "\r\n"
        for r in rows {
            var cells: [String] = [Self.quoted(r.tenant), Self.iso(r.start)]
            cells.append(r.peak.map(String.init) ?? "")
            cells.append(r.peakPercent.map { String(format: "%.1f", $0) } ?? "")
            cells.append(r.limit.map(String.init) ?? "")
            cells.append(String(r.ours))
            for k in ProcessKind.allCases { cells.append(String(r.oursByKind[k.rawValue] ?? 0)) }
            cells.append(r.others.map(String.init) ?? "")
            for t in 0...3 { cells.append(String(r.tierMinutes[String(t)] ?? 0)) }
            cells += [String(r.throttled), String(r.suspensions)]
            out += cells.joined(separator: ",") + "\r\n"
        }
        return out
    }

    static func quoted(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// A table like Autotask's "API Activity by Hour", then the spikes.
    public func table(bucket: Bucket, timeZone: TimeZone) -> String {
        var local = LocalTime(timeZone)
        func when(_ d: Date) -> String {
            let c = local.parts(d)
            let day = "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
            return bucket == .day ? day : day + " \(pad(c.hour, 2)):\(pad(c.minute, 2))"
        }
        let header = [
            "tenant", bucket.rawValue, "peak", "%", "ours", "dash", "tickets", "status", "metrics", "others",
            "<50%", "50-75%", "75%+", "susp.min", "429s", "susp.",
        ]
        var lines: [[String]] = [header]
        for r in rows {
            var line: [String] = [r.tenant, when(r.start)]
            line.append(r.peak.map(String.init) ?? "-")
            line.append(r.peakPercent.map { String(format: "%.1f", $0) } ?? "-")
            line.append(String(r.ours))
            for k in ProcessKind.allCases { line.append(String(r.oursByKind[k.rawValue] ?? 0)) }
            line.append(r.others.map(String.init) ?? "n/a")
            for t in 0...3 { line.append(String(r.tierMinutes[String(t)] ?? 0)) }
            line += [String(r.throttled), String(r.suspensions)]
            lines.append(line)
        }
        let widths = header.indices.map { i in lines.map { $0[i].count }.max() ?? 0 }
        var out = lines.map { line in
            line.enumerated().map { i, cell in
                i <= 1
                    ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
        if rows.isEmpty { out += "\n(no history in this range)" }
        if !spikes.isEmpty {
            out += "\n\nSpikes:\n"
            out += spikes.map { "  \($0.tenant): \($0.spike.text(timeZone: timeZone))" }.joined(separator: "\n")
        }
        return out + "\n"
    }
}

/// Zero-padded to `width` digits (`String(format:)` costs more than a row of the table).
func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// A date's civil parts in a time zone, by arithmetic: the zone's offset is asked again only when
/// a date falls outside the span from the last date asked to the zone's next transition (a
/// Calendar call a row cost more than the rest of the table).
struct LocalTime {
    let zone: TimeZone
    var offset = 0
    var valid: Range<Date>?

    init(_ zone: TimeZone) { self.zone = zone }

    mutating func parts(_ d: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        if !(valid?.contains(d) ?? false) {
            offset = zone.secondsFromGMT(for: d)
            let next = zone.nextDaylightSavingTimeTransition(after: d) ?? .distantFuture
            valid = d..<max(next, d.addingTimeInterval(1))
        }
        let t = Int64(d.timeIntervalSince1970.rounded(.down)) + Int64(offset)
        let days = Int(Attribution.floorDiv(t, 86_400))
        let secs = Int(t) - days * 86_400
        let (year, month, day) = CivilDate.from(daysSince1970: Int64(days))
        return (year, month, day, secs / 3600, secs % 3600 / 60)
    }
}
