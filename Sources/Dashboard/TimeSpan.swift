import Foundation

/// What `L` asks first: the hours worked, ending now ("1.5", "1,5", "1.5h", "90m", "1h30",
/// "1h 30m", "1:30"), or the start and end today ("9:00-10:30", "09:00–10:30", "9-10:30").
/// At least a minute, at most a day; a span that ends before it starts or after now is refused
/// with the reason, so nothing typed is lost.
public struct TimeSpan: Equatable, Sendable {
    public var start: Date
    public var end: Date

    public struct Invalid: Error, Equatable, Sendable {
        public let message: String
    }

    static let hint = "try 1.5, 1:30, 90m or 9:00-10:30"

    public static func parse(_ text: String, now: Date, timeZone: TimeZone) throws(Invalid) -> TimeSpan {
        let t = text.lowercased().filter { !$0.isWhitespace }
        guard !t.isEmpty else { throw Invalid(message: "type the hours or start–end: \(hint)") }
        if let dash = t.firstIndex(where: { "-–—".contains($0) }) {
            return try range(String(t[..<dash]), String(t[t.index(after: dash)...]), now: now, timeZone: timeZone)
        }
        guard let minutes = duration(t) else { throw Invalid(message: "“\(text)” is not hours or start–end: \(hint)") }
        guard minutes >= 1 else { throw Invalid(message: "at least a minute: \(hint)") }
        guard minutes <= 24 * 60 else { throw Invalid(message: "at most 24 hours in one entry") }
        return TimeSpan(start: now.addingTimeInterval(-Double(minutes) * 60), end: now)
    }

    /// Minutes in "1.5", "1.5h", "90m", "1h30", "1h30m", "1:30" (nil: none of these).
    static func duration(_ t: String) -> Int? {
        func number(_ s: Substring) -> Double? {
            guard !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                s.filter({ $0 == "." }).count <= 1,
                s != "."
            else { return nil }
            return Double(s)
        }
        let t = t.replacingOccurrences(of: ",", with: ".")
        if let colon = t.firstIndex(of: ":") {
            let m = t[t.index(after: colon)...]
            guard let h = Int(t[..<colon]), m.count == 2, let mm = Int(m), (0..<60).contains(mm), h >= 0 else {
                return nil
            }
            return h * 60 + mm
        }
        if let h = t.firstIndex(of: "h") {
            guard let hours = number(t[..<h]) else { return nil }
            var rest = t[t.index(after: h)...]
            if rest.hasSuffix("m") { rest = rest.dropLast() }
            if rest.hasSuffix("min") { rest = rest.dropLast(3) }
            let minutes = rest.isEmpty ? 0 : Int(rest)
            guard let minutes, minutes >= 0, minutes < 60 else { return nil }
            return Int((hours * 60).rounded()) + minutes
        }
        for unit in ["min", "m"] where t.hasSuffix(unit) {
            guard let m = number(t.dropLast(unit.count)) else { return nil }
            return Int(m.rounded())
        }
        guard let hours = number(Substring(t)) else { return nil }
        return Int((hours * 60).rounded())
    }

    /// "9:00", "09:30", "9" as today's time in the screen's zone.
    static func clockTime(_ s: String, on now: Date, timeZone: TimeZone) -> Date? {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let h = Int(parts[0]), (0...23).contains(h), parts[0].count <= 2 else {
            return nil
        }
        var m = 0
        if parts.count == 2 {
            guard parts[1].count == 2, let mm = Int(parts[1]), (0..<60).contains(mm) else { return nil }
            m = mm
        }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        return cal.date(bySettingHour: h, minute: m, second: 0, of: now)
    }

    static func range(_ a: String, _ b: String, now: Date, timeZone: TimeZone) throws(Invalid) -> TimeSpan {
        guard let start = clockTime(a, on: now, timeZone: timeZone), let end = clockTime(b, on: now, timeZone: timeZone)
        else { throw Invalid(message: "start–end is two times of today, like 9:00-10:30") }
        guard end > start else { throw Invalid(message: "\(b) is not after \(a): the work ends after it starts") }
        guard end <= now.addingTimeInterval(60) else {
            throw Invalid(message: "\(b) is later than now: log the time once it is worked")
        }
        return TimeSpan(start: start, end: end)
    }
}
