import Dashboard
import Foundation
import PSACore
import Testing

let fixedNow = VendorDate.parse("2026-11-23T12:00:00Z")!

func sampleTickets(_ n: Int = 40) -> [Ticket] {
    let titles = [
        "Outlook keeps asking for password", "打印机故障 — 三楼", "🔥 Server room temperature alarm",
        "\u{1B}[2J\u{1B}[31mRED ALERT\u{1B}[0m escape injection", "Invoice \u{202E}fdp.exe\u{202C} attached",
        "Backup job failed overnight", "Very long title that goes on and on and on and on and on and on and on",
    ]
    let statuses = ["New", "In Progress", "Waiting Customer", "Complete", "Escalated"]
    let priorities = ["Critical", "High", "Medium", "Low"]
    let companies = ["Acme Dental Group", "Müller & Söhne GmbH", "株式会社サンプル", "Northwind Logistics"]
    var out: [Ticket] = []
    for i in 0..<n {
        let created = fixedNow.addingTimeInterval(-Double(i + 1) * 86_400)
        let last = fixedNow.addingTimeInterval(-Double(i * 977 % 200_000))
        let due = fixedNow.addingTimeInterval(i % 4 == 0 ? -3600.0 : 86_400.0)
        let number = String(format: "T20261%03d.%04d", i % 30 + 100, i)
        let fields: [Ticket.Field] = [.init("Queue", "Level I Support"), .init("Source", "Phone")]
        out.append(
            Ticket(
                id: Int64(7_000 + i), number: number, title: titles[i % titles.count],
                status: statuses[i % statuses.count], priority: priorities[i % priorities.count],
                company: companies[i % companies.count], assignee: i % 3 == 0 ? "" : "Dana Whitfield",
                created: created, lastActivity: last, due: due,
                description: "Reported by phone.\nSteps tried: restart, cable check.", fields: fields))
    }
    return out
}

/// The sample state with its third ticket open in full (120×40).
func openedDetail() -> DashboardState {
    var s = sampleState(width: 120, height: 40)
    s.listCursor.index = 2
    _ = s.reduce(.key(.enter))
    _ = s.reduce(.detail(sampleTickets()[2]))
    return s
}

func sampleLog() -> [RequestRecord] {
    [
        RequestRecord(
            id: 1, time: fixedNow.addingTimeInterval(-9), method: "GET", path: "/zoneInformation", status: 200,
            duration: 0.08),
        RequestRecord(
            id: 2, time: fixedNow.addingTimeInterval(-8), method: "GET", path: "/ThresholdInformation", status: 200,
            duration: 0.12,
            purpose: "quota", background: "poll: near 50%"),
        RequestRecord(
            id: 3, time: fixedNow.addingTimeInterval(-7), method: "POST", path: "/Tickets/query (id > 0)", status: 200,
            duration: 0.41),
        RequestRecord(
            id: 4, time: fixedNow.addingTimeInterval(-5), method: "POST", path: "/Tickets/query (id > 7499)",
            status: 429, duration: 0.05,
            error: "The Autotask API thread threshold of 3 threads has been exceeded.", purpose: "tickets",
            exchange: sampleExchange),
        RequestRecord(
            id: 5, time: fixedNow.addingTimeInterval(-3), method: "POST", path: "/Tickets/query (id > 7499)",
            status: 200, duration: 0.52,
            attempt: 1, waited: 1.3, waitReason: .backoff),
        RequestRecord(
            id: 6, time: fixedNow.addingTimeInterval(-1), method: "GET", path: "/Tickets/7003", status: nil,
            duration: 10,
            error: "timed out"),
    ]
}

/// What the client keeps of request 4 (credentials already redacted by the client).
let sampleExchange = RequestExchange(
    url: "https://webservices3.autotask.net/ATServicesRest/V1.0/Tickets/query",
    requestHeaders: [
        HeaderField("ApiIntegrationCode", "[redacted]"), HeaderField("UserName", "api@contoso.example"),
        HeaderField("Secret", "[redacted]"), HeaderField("Content-Type", "application/json"),
    ],
    requestBody:
        #"{"MaxRecords":500,"filter":[{"field":"id","op":"gt","value":7499}],"IncludeFields":["id","title","status"]}"#,
    requestBodyBytes: 107,
    responseHeaders: [
        HeaderField("Content-Type", "application/json; charset=utf-8"), HeaderField("Retry-After", "2"),
        HeaderField("X-Evil", "\u{1B}]0;pwned\u{07}\u{202E}gnp.exe"),
    ],
    responseBody: #"{"errors":["The Autotask API thread threshold of 3 threads has been exceeded."]}"#,
    responseBodyBytes: 80)

func sampleState(width: Int, height: Int) -> DashboardState {
    var s = DashboardState(
        vendor: .autotask, tenant: "api@contoso.example", now: fixedNow, width: width, height: height)
    s.timeZone = TimeZone(identifier: "UTC")!
    s.quota = Quota(used: 5_634, limit: 10_000, windowSeconds: 3_600)
    s.quotaAt = fixedNow.addingTimeInterval(-4)
    s.tickets = TicketList(sampleTickets())
    s.total = 1_234
    s.next = .afterID(7_039)
    s.log = sampleLog()
    s.lastUpdate = fixedNow.addingTimeInterval(-4)
    s.listCursor.index = 2
    // The poller: projected count 40 s after a reading, our share, its cost and schedule.
    s.poll = PollStatus(
        projected: Quota(used: 5_702, limit: 10_000, windowSeconds: 3_600), readAt: fixedNow.addingTimeInterval(-40),
        nextReadAt: fixedNow.addingTimeInterval(8), why: "near 50%", budgetPerHour: 100, spentLastHour: 37,
        ours: 212, others: 5_490, othersPerHour: 1_480)
    // 45 minutes of the timeframe rising about 60 a minute to the projected 5,702 (a ripple on it).
    var h = QuotaHistory(windowSeconds: 3_600)
    let end = fixedNow.timeIntervalSinceReferenceDate
    for m in 0...44 {
        h.note(5_702 - (44 - m) * 60 + (m % 3) * 10 - 20 * (m == 44 ? 0 : 1), at: end - Double(44 - m) * 60)
    }
    s.history = h
    s.refreshedAt = fixedNow.addingTimeInterval(-30)
    s.changedIDs = [7_001, 7_004]
    s.version = "unreleased (5eac8d6)"
    return s
}

/// A copy of `value` changed by `change` (to set one field of a sub-flow's state in place).
func with<T>(_ value: T, _ change: (inout T) -> Void) -> T {
    var v = value
    change(&v)
    return v
}

/// Compares text with `__Snapshots__/<name>.txt`, and the styles with `<name>.style.txt` (a
/// letter per cell, and a legend naming each letter's theme roles): a colour regression fails as
/// surely as a text one. A missing file is written and the test fails once, so new snapshots are
/// always looked at; PSATOP_RECORD_SNAPSHOTS=1 rewrites them.
func assertSnapshot(
    _ canvas: Canvas, _ name: String, theme: Theme = .fallback, sourceLocation: SourceLocation = #_sourceLocation,
    file: String = #filePath
) {
    let dir = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("__Snapshots__")
    let text =
        canvas.lines.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(
            separator: "\n") + "\n"
    compareGolden(text, dir.appendingPathComponent(name + ".txt"), "snapshot \(name)", sourceLocation)
    compareGolden(
        styleMap(canvas, theme: theme), dir.appendingPathComponent(name + ".style.txt"), "styles of \(name)",
        sourceLocation)
}

func compareGolden(_ text: String, _ url: URL, _ what: String, _ sourceLocation: SourceLocation) {
    let record = ProcessInfo.processInfo.environment["PSATOP_RECORD_SNAPSHOTS"] == "1"
    guard !record, let old = try? String(contentsOf: url, encoding: .utf8) else {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? text.write(to: url, atomically: true, encoding: .utf8)
        Issue.record("\(what) recorded; check it and run again", sourceLocation: sourceLocation)
        return
    }
    #expect(old == text, "\(what) differs:\n\(text)", sourceLocation: sourceLocation)
}

/// The canvas's styles as text: a legend ("a = title, statusBar"), then one letter per cell.
/// Letters follow first appearance (reading order), so the same screen gives the same map.
func styleMap(_ canvas: Canvas, theme: Theme) -> String {
    let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    var index: [Style: Character] = [:]
    var order: [Style] = []
    var rows: [String] = []
    for y in 0..<canvas.height {
        var row = ""
        for x in 0..<canvas.width {
            let style = canvas[x, y].style
            if index[style] == nil {
                index[style] = order.count < letters.count ? letters[order.count] : "?"
                order.append(style)
            }
            row.append(index[style]!)
        }
        rows.append(row)
    }
    let legend = order.map { style -> String in
        let roles = Role.allCases.filter { theme[$0] == style }.map(\.rawValue)
        return "\(index[style]!) = " + (roles.isEmpty ? "\(style)" : roles.joined(separator: ", "))
    }
    return (legend + ["--"] + rows).joined(separator: "\n") + "\n"
}
