import Foundation
import PSACore

/// `company:` by name on Atera: the server filters by `customerId`, so a name is looked up in
/// the tenant's customers (`GET /customers`, every page, read once and kept), as Atera's own
/// clients do — not only among the tickets loaded so far.
extension AteraAPI {
    /// The two fields of Atera's customer object that name it (its published shape).
    struct CustomerRow: Codable, Sendable {
        var CustomerID: Int64?
        var CustomerName: String?
    }

    /// The most customers read (pages of 50): a bound for a server that never ends its list.
    static let customerPagesLimit = 400

    /// Every customer of the tenant, read once (paged), then from the cache.
    func customerDirectory() async throws -> [(Int64, String)] {
        if let d = await customers.directory { return d }
        var all: [(Int64, String)] = []
        var page = 1
        while page <= Self.customerPagesLimit {
            let r = try await get("customers?page=\(page)&itemsInPage=50", purpose: "customers")
            let env = try r.decode(AteraEnvelope<CustomerRow>.self)
            for c in env.items {
                guard let id = c.CustomerID, let name = c.CustomerName else { continue }
                all.append((id, String(name.withoutControlOrFormat.prefix(300))))
            }
            let more = env.hasNext || (env.totalPages.map { page < $0 } ?? false)
            guard more, !env.items.isEmpty else { break }
            page += 1
        }
        await customers.keep(directory: all)
        return all
    }

    /// The id of the customer a name (or a part only its name has) means: an exact name seen on
    /// the tickets loaded answers at once; anything else is looked up in the tenant's customers.
    /// When `/customers` cannot be read (the key lacks it), the tickets' names are all there is.
    func customerID(named wanted: String) async throws -> Int64 {
        let seen = await customers.byID.map { ($0.key, $0.value) }
        let w = wanted.withoutControlOrFormat.trimmingCharacters(in: .whitespaces)
        if let exact = seen.first(where: { $0.1.caseInsensitiveCompare(w) == .orderedSame }) { return exact.0 }
        let directory: [(Int64, String)]
        do { directory = try await customerDirectory() } catch let e as APIError where e.kind != .rateLimited {
            return try NameMatch.find(
                wanted, in: seen, what: "customer",
                whereKnown: "among the tickets loaded so far (/customers: \(e.detail.prefix(120))); or give #id")
        }
        return try NameMatch.find(
            wanted, in: directory, what: "customer", whereKnown: "among the tenant's customers (or give #id)")
    }
}
