import Foundation
import PSACore

/// Atera's customers, contacts and alerts (`/customers`, `/contacts`, `/alerts`), generated from the
/// seed's companies and ticket ids alone, with hostile text in a few (an escape sequence, a bidi
/// override, zero-width characters), as a real account can hold.
struct AteraDirectory: Sendable {
    var customers: [SimJSON] = []
    var customerModified: [Date] = []
    var contacts: [SimJSON] = []
    var contactModified: [Date] = []
    var contactEmails: [String] = []
    var contactPhones: [String] = []
    var alerts: [(json: SimJSON, status: String)] = []

    static let cities = [
        ("Boston", "MA", "United States"), ("Austin", "TX", "United States"), ("Toronto", "ON", "Canada"),
        ("München", "BY", "Germany"), ("大阪", "", "Japan"), ("Leeds", "", "United Kingdom"),
    ]
    static let hostile = [
        "\u{1B}[2J\u{1B}[31mcleared your screen\u{1B}[0m", "Invoice \u{202E}fdp.exe\u{202C} attached",
        "zero\u{200B}width\u{200D}joiner\u{FEFF}here",
    ]

    init() {}

    init(companies: [Int64: String], tickets: [SimAteraTicket], seed: UInt64, now: Date) {
        var rng = SeededGenerator(seed: seed &+ 0xA7E7A)
        let ids = companies.keys.sorted()
        for (i, id) in ids.enumerated() {
            let city = Self.cities[i % Self.cities.count]
            let created = now.addingTimeInterval(-Double(400 - i * 7) * 86_400)
            let modified = created.addingTimeInterval(Double(Int.random(in: 1...300, using: &rng)) * 86_400 / 2)
            let name = companies[id] ?? "Customer \(id)"
            let domain = name.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber) }
            customerModified.append(min(modified, now))
            customers.append(
                .object([
                    ("CustomerID", .int(id)), ("CustomerName", .string(name)),
                    ("CreatedOn", .string(SimAteraAccount.local(created))),
                    ("LastModified", .string(SimAteraAccount.local(min(modified, now)))),
                    ("BusinessNumber", i % 4 == 0 ? .null : .string(String(format: "BN-%06d", 100_000 + i * 37))),
                    ("Domain", .string(domain.isEmpty ? "customer\(id).example" : domain + ".example")),
                    ("Address", .string("\(10 + i) Main Street")), ("City", .string(city.0)),
                    ("State", .string(city.1)),
                    ("Country", .string(city.2)), ("Phone", .string("+1 555 02\(String(format: "%02d", i))")),
                    ("Fax", .null),
                    ("Notes", i % 7 == 3 ? .string(Self.hostile[i % Self.hostile.count]) : .string("")),
                    ("Logo", .null), ("Links", .null),
                    ("Longitude", .double(-71.06 + Double(i) * 0.5)), ("Latitude", .double(42.36 - Double(i) * 0.25)),
                    ("ZipCodeStr", .string(String(format: "%05d", 2_100 + i))),
                ]))
        }
        // One contact for every end user a ticket names (EndUserID 500…799).
        var firstTicket: [Int64: SimAteraTicket] = [:]
        for t in tickets { if let u = t.EndUserID, firstTicket[u] == nil { firstTicket[u] = t } }
        for (k, uid) in firstTicket.keys.sorted().enumerated() {
            let t = firstTicket[uid]
            let cust = t?.CustomerID ?? ids[k % max(1, ids.count)]
            let first = t?.EndUserFirstName ?? "User", last = t?.EndUserLastName ?? String(uid)
            let email =
                "\(first.lowercased()).\(last.lowercased().filter { $0.isASCII && $0.isLetter })\(uid)@example.com"
            let phone = "+1 555 03\(String(format: "%02d", k % 100))"
            let created = now.addingTimeInterval(-Double(300 - k % 300) * 86_400)
            let modified = min(now, created.addingTimeInterval(Double(Int.random(in: 0...200, using: &rng)) * 43_200))
            contactEmails.append(email)
            contactPhones.append(phone)
            contactModified.append(modified)
            contacts.append(
                .object([
                    ("EndUserID", .int(uid)), ("CustomerID", .int(cust)), ("CustomerName", .string(companies[cust])),
                    ("Firstname", .string(k % 41 == 7 ? Self.hostile[k % Self.hostile.count] : first)),
                    ("Lastname", .string(last)),
                    ("JobTitle", .string(["Office Manager", "Accountant", "Receptionist", "CEO", ""][k % 5])),
                    ("Email", .string(email)), ("Phone", .string(phone)),
                    ("MobilePhone", k % 3 == 0 ? .null : .string("+1 555 04\(String(format: "%02d", k % 100))")),
                    ("IsContactPerson", .bool(k % 6 == 0)), ("InIgnoreMode", .bool(k % 50 == 49)),
                    ("CreatedOn", .string(SimAteraAccount.local(created))),
                    ("LastModified", .string(SimAteraAccount.local(modified))),
                    ("Archived", .bool(false)), ("DepartmentID", .null), ("DepartmentName", .null),
                    ("DefaultAgentId", .null),
                ]))
        }
        // Alerts: some tied to tickets, some archived, some snoozed.
        let titles = [
            ("Disk", "Disk usage above 90%", "Warning"), ("Availability", "Machine is offline", "Critical"),
            ("Performance", "CPU utilization above 95% for 15 minutes", "Warning"),
            ("Hardware", "SMART failure predicted on disk 0", "Critical"),
            ("General", "Windows update pending reboot", "Information"),
            ("Exchange", "Mail queue length above 500", "Warning"),
        ]
        let count = min(120, max(8, tickets.count / 10))
        for n in 0..<count {
            let kind = titles[n % titles.count]
            let t = tickets.isEmpty ? nil : tickets[(n * 7) % tickets.count]
            let cust = t?.CustomerID ?? ids[n % max(1, ids.count)]
            let created = now.addingTimeInterval(-Double(count - n) * 5_400)
            let status = n % 9 == 4 ? "Snoozed" : n % 3 == 0 ? "Resolved" : "Open"
            let device =
                n % 23 == 11
                ? "DESKTOP-\u{202E}EXE.PAYLOAD\u{202C}"
                : String(format: "%@-%03d", ["DESKTOP", "SRV", "LAPTOP", "NAS"][n % 4], n)
            let message = n % 17 == 5 ? "Output: " + Self.hostile[n % Self.hostile.count] : "\(kind.1) on \(device)."
            var g = SeededGenerator(seed: seed &+ UInt64(n) &* 7_919)
            let guid = (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
            let uuid = [
                guid.prefix(8), guid.dropFirst(8).prefix(4), guid.dropFirst(12).prefix(4), guid.dropFirst(16).prefix(4),
                guid.dropFirst(20),
            ].joined(separator: "-")
            alerts.append(
                (
                    .object([
                        ("AlertID", .int(Int64(70_000 + n))), ("Code", .int(Int64(1_000 + n % titles.count))),
                        ("Source", .string(["Agent", "SNMP", "HTTP", "Generic"][n % 4])),
                        ("Title", .string(n % 29 == 13 ? "\u{1B}]0;pwned\u{07}" + kind.1 : kind.1)),
                        ("Severity", .string(kind.2)), ("Created", .string(SimDate.atera(created))),
                        (
                            "SnoozedEndDate",
                            status == "Snoozed" ? .string(SimDate.atera(now.addingTimeInterval(3_600))) : .null
                        ),
                        ("DeviceGuid", .string(uuid)), ("AgentId", .int(Int64(20_000 + n % 40))),
                        ("AdditionalInfo", .string(n % 2 == 0 ? "Threshold: 90" : "")),
                        ("Archived", .bool(status == "Resolved")),
                        ("AlertCategoryID", .string(kind.0)),
                        (
                            "ArchivedDate",
                            status == "Resolved" ? .string(SimDate.atera(created.addingTimeInterval(1_800))) : .null
                        ),
                        ("TicketID", n % 4 == 1 ? .int(t?.TicketID) : .null), ("AlertMessage", .string(message)),
                        ("DeviceName", .string(device)), ("CustomerID", .int(cust)),
                        ("CustomerName", .string(companies[cust])),
                        ("FolderID", .null), ("PollingCyclesCount", .int(Int64(n % 5))),
                        ("DeviceType", .string(["Server", "Workstation", "Laptop", "NAS"][n % 4])),
                    ]), status
                ))
        }
    }
}
