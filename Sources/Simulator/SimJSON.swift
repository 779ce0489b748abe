import Foundation
import PSACore

/// A JSON value as the twins write it: their own wire values, independent of psatop's client
/// models (a twin that encoded through the client's decoders would copy the client's assumptions).
enum SimJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    /// An Autotask date-time: written `2019-08-18T01:00:00.000Z`.
    case date(Date)
    case array([SimJSON])
    /// Keys in the order given.
    case object([(String, SimJSON)])

    static func == (a: SimJSON, b: SimJSON) -> Bool {
        switch (a, b) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.int(let x), .int(let y)): x == y
        case (.double(let x), .double(let y)): x == y
        case (.string(let x), .string(let y)): x == y
        case (.date(let x), .date(let y)): x == y
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)):
            x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    static func int<I: BinaryInteger>(_ v: I?) -> SimJSON { v.map { .int(Int64($0)) } ?? .null }
    static func string(_ v: String?) -> SimJSON { v.map { .string($0) } ?? .null }
    static func date(_ v: Date?) -> SimJSON { v.map { .date($0) } ?? .null }
    static func double(_ v: Double?) -> SimJSON { v.map { .double($0) } ?? .null }
    static func bool(_ v: Bool?) -> SimJSON { v.map { .bool($0) } ?? .null }

    var isNull: Bool { if case .null = self { true } else { false } }

    /// From what JSONSerialization read (a request body). Booleans stay booleans.
    init(any: Any?) {
        switch any {
        case nil, is NSNull: self = .null
        case let n as NSNumber:
            // JSONSerialization marks booleans "c" and reals "d"; integers are anything else.
            switch String(cString: n.objCType) {
            case "c", "B": self = .bool(n.boolValue)
            case "d", "f": self = .double(n.doubleValue)
            default: self = .int(n.int64Value)
            }
        case let s as String: self = .string(s)
        case let a as [Any]: self = .array(a.map { SimJSON(any: $0) })
        case let d as [String: Any]: self = .object(d.keys.sorted().map { ($0, SimJSON(any: d[$0])) })
        default: self = .null
        }
    }

    var int64: Int64? {
        switch self {
        case .int(let i): i
        case .double(let d) where d == d.rounded(): Int64(exactly: d)
        case .string(let s): Int64(s)
        default: nil
        }
    }

    var stringValue: String? { if case .string(let s) = self { s } else { nil } }

    /// Serialized; `dateFormat` writes `.date` values (Autotask's form by default).
    func data(dateFormat: (Date) -> String = SimDate.autotask) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(1_024)
        write(into: &out, dateFormat)
        return Data(out)
    }

    private func write(into out: inout [UInt8], _ df: (Date) -> String) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d):
            if d.isFinite, d == d.rounded(), abs(d) < 1e15 {
                out.append(contentsOf: (String(Int64(d)) + ".0").utf8)
            } else {
                out.append(contentsOf: (d.isFinite ? "\(d)" : "null").utf8)
            }
        case .string(let s): Self.quote(s, into: &out)
        case .date(let d): Self.quote(df(d), into: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                v.write(into: &out, df)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (i, (k, v)) in o.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.quote(k, into: &out)
                out.append(UInt8(ascii: ":"))
                v.write(into: &out, df)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string: the UTF-8 bytes as they are, unless a byte needs escaping (quote, backslash,
    /// control characters, DEL — hostile text carries ESC and BEL).
    private static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let needs = s.utf8.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F }
        if !needs {
            out.append(contentsOf: s.utf8)
        } else {
            for b in s.utf8 {
                switch b {
                case 0x22: out.append(contentsOf: [0x5C, 0x22])
                case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0..<0x20, 0x7F: out.append(contentsOf: String(format: "\\u%04x", b).utf8)
                default: out.append(b)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// The two vendors' date forms, written here (not borrowed from the client).
enum SimDate {
    private static let utc = TimeZone(identifier: "UTC")!

    private static func pad(_ n: Int64, _ width: Int) -> String {
        let t = String(n)
        return t.count >= width ? t : String(repeating: "0", count: width - t.count) + t
    }

    /// UTC date and time by integer arithmetic (days to civil date, after Howard Hinnant), far
    /// cheaper than a Calendar per date when a page holds thousands of them.
    private static func parts(_ d: Date) -> (String, Int) {
        let t = d.timeIntervalSince1970
        let secs = Int64(t.rounded(.down))
        let ms = Int(((t - Double(secs)) * 1_000).rounded(.down))
        var days = secs / 86_400, rem = secs % 86_400
        if rem < 0 {
            rem += 86_400
            days -= 1
        }
        let (year, month, day) = CivilDate.from(daysSince1970: days)
        let text =
            pad(Int64(year), 4) + "-" + pad(Int64(month), 2) + "-" + pad(Int64(day), 2) + "T" + pad(rem / 3_600, 2)
            + ":"
            + pad(rem % 3_600 / 60, 2) + ":" + pad(rem % 60, 2)
        return (text, min(999, max(0, ms)))
    }

    /// Autotask: `2019-08-18T01:00:00.000Z`.
    @Sendable static func autotask(_ d: Date) -> String {
        let (s, ms) = parts(d)
        return s + "." + pad(Int64(ms), 3) + "Z"
    }

    /// Atera: ISO 8601 without a zone, `2026-11-30T12:34:56` (UTC on tickets).
    @Sendable static func atera(_ d: Date) -> String { parts(d).0 }

    /// Reads ISO 8601 with or without fraction and zone (no zone: UTC), or a bare date.
    static func parse(_ text: String) -> Date? {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.count == 10 { t += "T00:00:00" }
        var offset = 0.0
        if t.hasSuffix("Z") || t.hasSuffix("z") {
            t.removeLast()
        } else if t.count > 19, let sign = t.dropFirst(19).lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = t[sign...].replacingOccurrences(of: ":", with: "")
            t = String(t[..<sign])
            guard zone.count == 5, let h = Double(zone.dropFirst().prefix(2)), let m = Double(zone.suffix(2)) else {
                return nil
            }
            offset = (h * 3600 + m * 60) * (zone.first == "-" ? -1 : 1)
        }
        var frac = 0.0
        if let dot = t.firstIndex(of: ".") {
            guard let f = Double("0" + t[dot...]) else { return nil }
            frac = f
            t = String(t[..<dot])
        }
        let p = t.split(whereSeparator: { "-T:".contains($0) }).map { Int($0) }
        guard p.count == 6, !p.contains(nil) else { return nil }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = utc
        guard
            let d = cal.date(
                from: DateComponents(year: p[0], month: p[1], day: p[2], hour: p[3], minute: p[4], second: p[5]))
        else { return nil }
        return d.addingTimeInterval(frac - offset)
    }
}
