import Foundation
import PSACore
import Testing

@Suite("Civil dates by arithmetic")
struct CivilDateTests {
    @Test("the same year, month and day as the Gregorian calendar in UTC, 1900 to 2200, leap days included")
    func matchesCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // Every 7th day from 1900 to 2200, and each 29 February and 1 March in between.
        var days: [Int64] = Array(stride(from: Int64(-25_567), through: 84_000, by: 7))
        for year in stride(from: 1904, through: 2196, by: 4) {
            let feb29 = calendar.date(from: DateComponents(year: year, month: 2, day: 29))!
            let d = Int64((feb29.timeIntervalSince1970 / 86_400).rounded(.down))
            days += [d, d + 1]
        }
        for d in days {
            let c = calendar.dateComponents(
                [.year, .month, .day], from: Date(timeIntervalSince1970: Double(d) * 86_400))
            let mine = CivilDate.from(daysSince1970: d)
            #expect(mine.year == c.year && mine.month == c.month && mine.day == c.day, "day \(d)")
        }
    }
}
