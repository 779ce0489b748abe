import Foundation
import PSACore

/// One tenant of one vendor, reached through its shared rate-aware client.
public protocol TenantAPI: Sendable {
    var vendor: Vendor { get }
    var client: RateAwareClient { get }
    /// Fetches what the list needs once (picklists…).
    func prepare() async throws
    /// The tenant's quota: Autotask's ThresholdInformation; for Atera, our own count against the per-minute limit.
    func quota() async throws -> Quota
    /// One page of tickets after a cursor (nil: the first page).
    func page(after cursor: PageCursor?) async throws -> TicketPage
    /// One ticket in full.
    func ticket(id: Int64) async throws -> Ticket
    /// Tickets changed after a moment (Autotask: `lastActivityDate gt`, walked by id past 500;
    /// Atera: `/tickets/lastmodified` with its comments, every page): what an incremental refresh
    /// needs, read to the end (or said to be incomplete, when there were more than it reads).
    func changes(since: Date) async throws -> TicketChanges
    /// One page of tickets whose status is `status` (a label: "New", "Open"…), filtered by the server.
    func page(after cursor: PageCursor?, status: String) async throws -> TicketPage
    /// One page of tickets the server filtered by status, queue and company (labels and names as
    /// shown; a name not known to the tenant is refused before sending, with the known ones).
    func page(after cursor: PageCursor?, filter: ServerFilter) async throws -> TicketPage
    /// The tenant's API address as used now (after any zone discovery).
    func apiBaseURL() async -> String
    /// The ticket's web page with `{id}` in place of its id; nil where there is none.
    func ticketWebTemplate() async -> String?
    /// The person `--me` / `me` names, resolved once (Autotask: the resource with that e-mail; an
    /// unknown e-mail is an error); nil when no one was named.
    func whoAmI() async throws -> Person?
    /// The name of the account the API acts as, where the vendor says (HaloPSA: the agent its
    /// token's `id_token` names, whose restrictions decide which tickets exist); nil elsewhere.
    func actingAgent() async throws -> String?
    /// One small request whose answer shows what the server says about the rate limit (a
    /// `status` check of a per-key window): by default the first page of tickets.
    func probe() async throws
    /// Every ticket the server filters by `filter`, in the vendor's order (Autotask: by id),
    /// stopping once `limit` are in. Called by `allTickets` as bulk work; a vendor that can share
    /// the walk among its thread slots does so (`options.threads`), others walk page by page.
    func walkAll(limit: Int?, filter: ServerFilter, options: WalkOptions) async throws -> [Ticket]
}

/// How a bulk walk may run.
public struct WalkOptions: Sendable {
    /// Requests in flight at once on the vendor's ticket endpoint (Autotask: of its 3 thread
    /// slots per integration code and endpoint, shared by every process using that code; the
    /// default 2 leaves one for a person's dashboard or a `status` run).
    public var threads: Int
    /// Told after each page: tickets so far, the count when known, requests sent by the walk.
    public var progress: (@Sendable (WalkProgress) -> Void)?
    public init(threads: Int = 2, progress: (@Sendable (WalkProgress) -> Void)? = nil) {
        self.threads = threads
        self.progress = progress
    }
}

public struct WalkProgress: Sendable, Equatable {
    public var tickets: Int
    public var total: Int?
    public var pages: Int
    /// Why the walk ended before the server said it was done (see `WalkGuard`); nil: it did not.
    public var stopped: String?
    public init(tickets: Int, total: Int?, pages: Int, stopped: String? = nil) {
        self.tickets = tickets
        self.total = total
        self.pages = pages
        self.stopped = stopped
    }
}

/// Where a person sees a ticket in the vendor's web app.
public enum WebLinks {
    /// The web page of a ticket with `{id}` in place of its id, from the API address in use;
    /// nil where there is none (a simulator or test server on loopback, an unknown host).
    public static func ticketTemplate(vendor: Vendor, apiBaseURL: String) -> String? {
        guard let url = URL(string: apiBaseURL), let host = url.host?.lowercased() else { return nil }
        switch vendor {
        case .autotask:
            // webservices3.autotask.net → ww3.autotask.net (the zone's web app).
            guard host.hasSuffix(".autotask.net"), host.hasPrefix("webservices") else { return nil }
            let zone = host.dropFirst("webservices".count).prefix { $0.isNumber }
            guard !zone.isEmpty else { return nil }
            return
                "https://ww\(zone).autotask.net/Mvc/ServiceDesk/TicketDetail.mvc?workspace=False&mode=0&ticketId={id}"
        case .atera:
            guard host == "app.atera.com" else { return nil }
            return "https://app.atera.com/new/ticket/{id}"
        case .halo:
            // The agent app on the instance itself (https only: not a simulator on loopback).
            guard url.scheme?.lowercased() == "https" else { return nil }
            return "https://\(host)\(url.port.map { ":\($0)" } ?? "")/ticket?id={id}"
        case .connectwise:
            // Manage's ticket page on the same site and codebase (https only: not a simulator).
            guard url.scheme?.lowercased() == "https", let api = apiBaseURL.range(of: "apis/3.0") else { return nil }
            return String(apiBaseURL[..<api.lowerBound])
                + "ConnectWise.aspx?locale=en_US&routeTo=ServiceFV&recid={id}"
        }
    }
}

extension TenantAPI {
    public func probe() async throws { _ = try await page(after: nil) }

    public func actingAgent() async throws -> String? { nil }

    /// The web page guessed from the API address in use.
    public func ticketWebTemplate() async -> String? {
        WebLinks.ticketTemplate(vendor: vendor, apiBaseURL: await apiBaseURL())
    }

    /// Every ticket, page by page, through the same client and limits; stops once `limit` are in.
    /// Runs as bulk work: on Autotask it yields to the quota ceiling (spread near it, held at it).
    public func allTickets(limit: Int? = nil, status: String? = nil) async throws -> [Ticket] {
        try await allTickets(limit: limit, filter: ServerFilter(status: status))
    }

    /// The same, of the tickets the server filters by `filter` (every ticket when it is empty).
    public func allTickets(limit: Int? = nil, filter: ServerFilter, options: WalkOptions = WalkOptions()) async throws
        -> [Ticket]
    {
        try await RequestPriority.$current.withValue(.bulk) {
            try await walkAll(limit: limit, filter: filter, options: options)
        }
    }

    /// Page after page, one at a time.
    public func walkAll(limit: Int?, filter: ServerFilter, options: WalkOptions) async throws -> [Ticket] {
        var all: [Ticket] = []
        var cursor: PageCursor? = nil
        var guarded: WalkGuard? = nil
        repeat {
            let p: TicketPage
            if filter.isEmpty {
                p = try await page(after: cursor)
            } else if filter.queue == nil && filter.company == nil, let status = filter.status {
                p = try await page(after: cursor, status: status)
            } else {
                p = try await page(after: cursor, filter: filter)
            }
            // Every walk ends: a repeated page, more pages than the count allows, a ceiling.
            var walk = guarded ?? WalkGuard(pageSize: max(1, p.tickets.count))
            let stop = walk.after(ids: p.tickets.map(\.id), total: p.total)
            guarded = walk
            // Only tickets not already in (a server repeating a page must not double the list).
            if stop == WalkGuard.repeatedPage {
                options.progress?(WalkProgress(tickets: all.count, total: p.total, pages: walk.pages, stopped: stop))
                return all
            }
            all.append(contentsOf: p.tickets)
            options.progress?(WalkProgress(tickets: all.count, total: p.total, pages: walk.pages, stopped: stop))
            cursor = stop == nil ? p.next : nil
            if let limit, all.count >= limit { return Array(all.prefix(limit)) }
        } while cursor != nil
        return all
    }
}

/// A name matched against the names known: exactly (any case), else the one name containing it.
enum NameMatch {
    static func find<ID>(_ wanted: String, in known: [(ID, String)], what: String, whereKnown: String) throws -> ID {
        // Control and format characters go first: Foundation's case-insensitive search on Linux
        // traps on a needle that ends in NUL (see the filter's note in ListView).
        let w = wanted.withoutControlOrFormat.trimmingCharacters(in: .whitespaces)
        if let exact = known.first(where: { $0.1.caseInsensitiveCompare(w) == .orderedSame }) { return exact.0 }
        let partial = known.filter { $0.1.range(of: w, options: .caseInsensitive) != nil }
        if partial.count == 1 { return partial[0].0 }
        let names = (partial.isEmpty ? known : partial).map(\.1).sorted()
        let list = names.prefix(8).joined(separator: ", ") + (names.count > 8 ? " … (\(names.count))" : "")
        if partial.count > 1 {
            throw APIError(kind: .refused, status: nil, detail: "\(what) '\(w)' matches several: \(list)")
        }
        throw APIError(
            kind: .refused, status: nil,
            detail: "no \(what) '\(w)' \(whereKnown)" + (names.isEmpty ? "" : "; known: \(list)"))
    }
}

/// Errors the vendor layer raises before any request is made.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
