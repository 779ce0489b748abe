import Foundation
import PSACore

/// Deterministic, realistic tenant data from a seed — including Unicode, wide characters and
/// hostile text, so the UI's sanitizing is always exercised.
public struct SimData: Sendable {
    public var autotaskTickets: [SimAutotaskTicket]
    public var ateraTickets: [SimAteraTicket]
    public var companies: [Int64: String]
    public var resources: [Int64: (first: String, last: String)]
    /// The tenant's ticket picklists (value, label), active and retired values alike.
    public var picklists: [String: [(Int, String)]]
    /// The same with `isActive` and `sortOrder`, as `entityInformation/fields` serves them.
    var picklistValues: [String: [AutotaskPicklistValue]]
    /// Atera's customers, contacts and alerts.
    var ateraDirectory: AteraDirectory
    /// The Autotask tenant's own company (id 0, always present).
    public static let ownCompany = "Simulated MSP (our company)"

    static let companyNames = [
        "Acme Dental Group", "Northwind Logistics", "Contoso Legal LLP", "Fabrikam Manufacturing",
        "Blue Yonder Clinics", "Müller & Söhne GmbH", "Tailspin Toys", "Wide World Importers",
        "Adventure Works Cycles", "Litware Accounting", "株式会社サンプル", "Proseware Realty",
        "Woodgrove Credit Union", "Lucerne Publishing", "Margie's Travel", "Coho Winery",
        "Alpine Ski House", "Fourth Coffee", "Graphic Design Institute", "Humongous Insurance",
    ]
    static let people = [
        ("Dana", "Whitfield"), ("Ravi", "Patel"), ("Sofia", "García"), ("Tom", "Becker"),
        ("Mei", "Lin"), ("Jonas", "Ek"), ("Aisha", "Bello"), ("Liam", "O'Neill"),
    ]
    /// Contacts (the people at the clients who report tickets): one for every `contactID` a ticket
    /// can carry, made from the id alone so adding them changes no other data of a seed.
    public static let contactIDs: ClosedRange<Int64> = 30_000...30_999
    static let contactFirst = [
        "Ana", "Ben", "Chloé", "Dev", "Erik", "Fatima", "Grace", "Hiro", "Ines", "Jamal",
        "Katja", "Luis", "Maya", "Nils", "Olu", "Priya", "Quinn", "Rosa", "Sven", "Yuki",
    ]
    static let contactLast = [
        "Andersen", "Brooks", "Castillo", "Dubois", "Eriksson", "Fischer", "Gómez", "Haddad",
        "Ivanova", "Jensen", "Kowalski", "Larsen", "Müller", "Nakamura", "Okafor", "Schmidt", "王",
    ]

    public struct Contact: Sendable, Equatable {
        public var first: String, last: String, email: String, phone: String
    }

    public static func contact(_ id: Int64) -> Contact? {
        guard contactIDs.contains(id) else { return nil }
        let n = Int(id - contactIDs.lowerBound)
        let first = contactFirst[n % contactFirst.count]
        let last = contactLast[(n * 7 + n / contactFirst.count) % contactLast.count]
        let local = (first + "." + (last == "王" ? "wang" : last)).lowercased()
            .folding(options: .diacriticInsensitive, locale: nil).replacingOccurrences(of: "'", with: "")
        let domain = ["example.com", "example.net", "example.org"][n % 3]
        return Contact(
            first: first, last: last, email: "\(local)@\(domain)", phone: "+1 555 01\(String(format: "%02d", n % 100))")
    }

    static let problems = [
        "Outlook keeps asking for password", "Printer offline on 2nd floor", "VPN drops every 10 minutes",
        "New starter: laptop and accounts", "Backup job failed overnight", "Disk C: below 5% free",
        "Wi-Fi slow in the meeting room", "Cannot open shared drive S:", "Phishing e-mail reported",
        "Server CPU at 100%", "Teams audio echo", "License renewal for antivirus",
        "Password reset for the front desk", "Firewall firmware update", "QuickBooks won't start",
        "Scanner to e-mail not working", "BitLocker recovery key needed", "Monitor flickering",
        "Domain certificate expires in 14 days", "RAID degraded on NAS",
    ]
    /// Titles that test the renderer: wide characters, emoji, combining marks, and hostile bytes.
    static let tricky = [
        "打印机故障 — 三楼", "Café Zürich: Kassensystem hängt", "🔥 Server room temperature alarm",
        "Ｆｕｌｌｗｉｄｔｈ text ｔｉｃｋｅｔ", "e\u{301}cran noir apre\u{300}s mise a\u{300} jour",
        "\u{1B}[2J\u{1B}[31mRED ALERT\u{1B}[0m escape injection", "Invoice \u{202E}fdp.exe\u{202C} attached",
        "zero\u{200B}width\u{200D}joiner\u{FEFF}test", "Bell\u{07} and backspace\u{08}\u{08} in title",
        "\u{1B}]0;pwned\u{07}title-change attempt", "Very long title " + String(repeating: "that goes on ", count: 20),
        // Shell text: a custom command gets it as one argument, never through a shell.
        "Shell text $(touch pwned); rm -rf x `id`",
    ]

    public static let statuses: [(Int, String)] = [
        (1, "New"), (5, "Complete"), (7, "Waiting Customer"),
        (8, "In Progress"), (9, "Waiting Materials"), (10, "Dispatched"), (12, "Escalated"),
    ]
    public static let priorities: [(Int, String)] = [(1, "High"), (2, "Medium"), (3, "Low"), (4, "Critical")]
    /// Retired values: inactive in the picklist (the server refuses them in a write), still on old tickets.
    public static let inactiveStatuses: [(Int, String)] = [(17, "Waiting Approval (retired)")]
    public static let inactivePriorities: [(Int, String)] = [(6, "Urgent (retired)")]
    /// Display order (`sortOrder`), not the order of the values.
    static let statusOrder = [1, 8, 10, 7, 9, 12, 17, 5]
    static let priorityOrder = [4, 1, 6, 2, 3]
    public static let queues: [(Int, String)] = [
        (5, "Client Portal"), (6, "Post Sale"), (8, "Level I Support"),
        (29_682_833, "Monitoring Alert"), (29_683_354, "Level II Support"),
    ]
    public static let sources: [(Int, String)] = [
        (2, "Phone"), (4, "E-mail"), (6, "Client Portal"), (8, "Monitoring Alert"),
    ]
    public static let ticketTypes: [(Int, String)] = [
        (1, "Service Request"), (2, "Incident"), (3, "Problem"), (4, "Change Request"), (5, "Alert"),
    ]
    public static let ticketCategories: [(Int, String)] = [(2, "AEM Alert"), (3, "Standard"), (4, "RMA")]
    public static let ateraStatuses = ["Open", "Pending", "Resolved", "Closed", "Waiting customer"]
    public static let ateraPriorities = ["Low", "Medium", "High", "Critical"]
    static let ateraImpacts = ["NoImpact", "Minor", "Major", "Crisis", "SiteDown", "ServerIssue"]
    static let ateraTypes = ["Incident", "Problem", "Request", "Change"]

    /// Each tenant names some statuses its own way (Autotask picklists are per tenant): variant 0
    /// is the primary tenant's, others relabel the custom ones.
    static func statuses(variant: Int) -> [(Int, String)] {
        let custom: [[Int: String]] = [
            [:], [7: "Waiting on Client", 12: "Escalated to L2"],
            [7: "Customer Reply Pending", 9: "Parts Ordered", 12: "With Vendor"],
        ]
        let relabel = custom[variant % custom.count]
        return statuses.map { ($0.0, relabel[$0.0] ?? $0.1) }
    }

    public init(tickets: Int, seed: UInt64, now: Date, picklistVariant: Int = 0) {
        var rng = SeededGenerator(seed: seed)
        var companies: [Int64: String] = [:]
        for (i, n) in Self.companyNames.enumerated() { companies[Int64(175 + i * 3)] = n }
        let companyIDs = companies.keys.sorted()
        var resources: [Int64: (String, String)] = [:]
        for (i, p) in Self.people.enumerated() { resources[Int64(29_682_885 + i)] = p }
        let resourceIDs = resources.keys.sorted()
        self.companies = companies
        self.resources = resources
        self.ateraDirectory = AteraDirectory()
        let statusList = Self.statuses(variant: picklistVariant) + Self.inactiveStatuses
        let priorityList = Self.priorities + Self.inactivePriorities
        self.picklists = [
            "status": statusList, "priority": priorityList, "queueID": Self.queues, "source": Self.sources,
        ]
        self.picklistValues = [
            "status": AutotaskSchema.picklist(
                statusList, order: Self.statusOrder, inactive: Set(Self.inactiveStatuses.map(\.0)), system: [1, 5],
                defaultValue: 1),
            "priority": AutotaskSchema.picklist(
                priorityList, order: Self.priorityOrder, inactive: Set(Self.inactivePriorities.map(\.0)),
                defaultValue: 2),
            "queueID": AutotaskSchema.picklist(Self.queues, order: Self.queues.map(\.0), system: [5, 6]),
            "source": AutotaskSchema.picklist(Self.sources, order: [4, 2, 6, 8], system: [6, 8]),
            "ticketType": AutotaskSchema.picklist(
                Self.ticketTypes, order: Self.ticketTypes.map(\.0), system: [1, 2, 3, 4, 5], defaultValue: 1),
            "ticketCategory": AutotaskSchema.picklist(Self.ticketCategories, order: [3, 2, 4], defaultValue: 3),
            "issueType": AutotaskSchema.picklist(
                [(2, "Hardware"), (3, "Software"), (10, "Network")], order: [2, 3, 10]),
            "subIssueType": AutotaskSchema.picklist(
                [(136, "Printer"), (137, "E-mail"), (138, "VPN")], order: [136, 137, 138]),
        ]

        func title(_ i: Int) -> String {
            if i % 37 == 5 { return Self.tricky[(i / 37) % Self.tricky.count] }
            return Self.problems[Int.random(in: 0..<Self.problems.count, using: &rng)]
        }
        let day = 86_400.0
        var at: [SimAutotaskTicket] = []
        at.reserveCapacity(tickets)
        var id: Int64 = 7_000
        // Some tenants run no SLAs at all; the others have one on most tickets.
        let tenantHasSLAs = picklistVariant % 3 != 2
        for i in 0..<tickets {
            id += Int64.random(in: 1...3, using: &rng)  // ids with gaps, as in a real tenant
            let created = now.addingTimeInterval(-Double.random(in: 0...(120 * day), using: &rng))
            let last = created.addingTimeInterval(
                Double.random(in: 0...max(1, now.timeIntervalSince(created)), using: &rng))
            var status = Self.statuses[Int.random(in: 0..<Self.statuses.count, using: &rng)].0
            var cal = Calendar(identifier: .gregorian)
            cal.timeZone = TimeZone(identifier: "UTC")!
            let ymd = cal.dateComponents([.year, .month, .day], from: created)
            var t = SimAutotaskTicket(id: id)
            t.ticketNumber = String(
                format: "T%04d%02d%02d.%04d", ymd.year ?? 0, ymd.month ?? 1, ymd.day ?? 1, i % 10_000)
            t.title = title(i)
            t.description =
                "Reported by phone.\nSteps tried: restart, cable check.\n<b>Rich text</b> is returned as text only."
            var priority = Self.priorities[Int.random(in: 0..<4, using: &rng)].0
            t.queueID = Self.queues[Int.random(in: 0..<Self.queues.count, using: &rng)].0
            t.source = Self.sources[Int.random(in: 0..<Self.sources.count, using: &rng)].0
            t.ticketType = Self.ticketTypes[Int.random(in: 0..<4, using: &rng)].0
            t.ticketCategory = 3
            var company = companyIDs[Int.random(in: 0..<companyIDs.count, using: &rng)]
            t.contactID = Int64.random(in: 30_000...30_999, using: &rng)
            t.assignedResourceID = i % 9 == 0 ? nil : resourceIDs[Int.random(in: 0..<resourceIDs.count, using: &rng)]
            t.createDate = created
            t.lastActivityDate = last
            t.dueDateTime = created.addingTimeInterval(Double.random(in: day...(10 * day), using: &rng))
            t.estimatedHours = Double(Int.random(in: 0...16, using: &rng)) / 2
            t.contract = i % 3 == 0 ? "Managed Services" : "Block Hours"
            // Made from the id alone (no draw), so the seed's other values stay as they were:
            // old tickets on retired picklist values, internal work on the tenant's own company.
            if id % 97 == 13, status != 5 { status = Self.inactiveStatuses[0].0 }
            if id % 89 == 7 { priority = Self.inactivePriorities[0].0 }
            if id % 61 == 5 {
                company = 0
                t.contactID = nil
            }
            t.status = status
            t.priority = priority
            t.companyID = company
            t.completedDate = status == 5 ? last : nil
            t.serviceLevelAgreementID = tenantHasSLAs && id % 7 != 0 ? Int(id % 2) + 1 : 0
            at.append(t)
        }
        // The second ticket with two people's notes is flooded with RMM notes (more than one page
        // of 500), its newest note last by id: a query's lowest 500 ids would not reach it.
        if let i = at.indices.filter({ at[$0].id % 4 == 2 }).dropFirst().first { at[i].noteFlood = 620 }
        autotaskTickets = at

        var ae: [SimAteraTicket] = []
        ae.reserveCapacity(tickets)
        for i in 0..<tickets {
            var t = SimAteraTicket(TicketID: Int64(1_000 + i), modified: now)
            t.TicketTitle = title(i + 11)
            t.TicketNumber = String(1_000 + i)
            t.TicketPriority = Self.ateraPriorities[Int.random(in: 0..<4, using: &rng)]
            t.TicketImpact = Self.ateraImpacts[Int.random(in: 0..<Self.ateraImpacts.count, using: &rng)]
            t.TicketStatus = Self.ateraStatuses[Int.random(in: 0..<Self.ateraStatuses.count, using: &rng)]
            t.TicketSource = ["Email", "Agent", "Portal"][Int.random(in: 0..<3, using: &rng)]
            t.TicketType = Self.ateraTypes[Int.random(in: 0..<4, using: &rng)]
            let cust = companyIDs[Int.random(in: 0..<companyIDs.count, using: &rng)]
            t.CustomerID = cust
            t.CustomerName = companies[cust]
            let p = Self.people[Int.random(in: 0..<Self.people.count, using: &rng)]
            t.EndUserID = Int64(500 + i % 300)
            t.EndUserFirstName = p.0
            t.EndUserLastName = p.1
            t.EndUserEmail = "\(p.0.lowercased())@example.com"
            t.EndUserPhone = i % 4 == 0 ? nil : "+1 555 01\(String(format: "%02d", i % 100))"
            let tech = Self.people[Int.random(in: 0..<Self.people.count, using: &rng)]
            t.TechnicianContactID = Int64(9_000 + Self.people.firstIndex { $0 == tech }!)
            t.TechnicianFullName = "\(tech.0) \(tech.1)"
            t.TechnicianEmail = Self.technicianEmail(tech)
            let created = now.addingTimeInterval(-Double.random(in: 0...(90 * day), using: &rng))
            t.TicketCreatedDate = created
            // A draw kept where the seed used to draw a modification time, so the data after it stays.
            _ = Double.random(in: 0...max(1, now.timeIntervalSince(created)), using: &rng)
            t.FirstResponseDueDate = created.addingTimeInterval(4 * 3600)
            t.ClosedTicketDueDate = created.addingTimeInterval(72 * 3600)
            t.CustomerBusinessNumber = String(format: "BN-%06d", 100_000 + Int(cust))
            t.ContractID = i % 5 == 0 ? nil : 3_000 + cust
            ae.append(t)
        }
        for k in ae.indices { ae[k] = Self.applyComments(to: ae[k], seed: seed, now: now) }
        ateraTickets = ae
        ateraDirectory = AteraDirectory(companies: companies, tickets: ae, seed: seed, now: now)
        self.companies[0] = Self.ownCompany
    }
}
