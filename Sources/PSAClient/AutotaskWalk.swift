import Foundation
import PSACore

/// The bulk walk of every ticket, by id, shared among the thread slots (`IDWalkPlan`), and the
/// walk of what changed since a moment.
extension AutotaskAPI {
    /// The most change pages one refresh reads (500 tickets each); past that the list is reloaded.
    public static let maxChangePages = 20

    /// Tickets whose `lastActivityDate` is after `since`, read to the end: the server answers at
    /// most 500 a query, lowest ids first, so the query is repeated past the last id until a
    /// short page (more than `maxChangePages` pages: incomplete, and the caller reloads).
    public func changes(since: Date) async throws -> TicketChanges {
        try await prepare()
        let stamp = VendorDate.format(since)
        var out: [Ticket] = []
        var after: Int64 = 0
        for _ in 0..<Self.maxChangePages {
            let body = Self.queryBody(
                maxRecords: pageSize, afterID: after,
                extra: [["op": "gt", "field": "lastActivityDate", "value": stamp]],
                fields: fieldSet.fields)
            let r = try await send(
                "POST", "Tickets/query", body: body, purpose: "changes",
                logPath: "Tickets/query (lastActivityDate > \(stamp), id > \(after))")
            let raw = try r.decode(AutotaskQueryResponse<AutotaskTicket>.self, maxItems: pageSize).items.sorted {
                $0.id < $1.id
            }
            try await resolveNames(raw)
            out += raw.map { $0.display(picklists: picklists, companies: companies, resources: resources) }
            // A short page is the last; so is one that does not move past the last id (a server
            // that ignores the id filter must not make this loop forever).
            guard raw.count >= pageSize, let last = raw.last?.id, last > after else {
                return TicketChanges(tickets: out, complete: true)
            }
            after = last
        }
        return TicketChanges(tickets: out, complete: false)
    }

    /// The count and the first page as the serial walk asks them; then, when there is enough left
    /// and more than one thread is allowed, the rest in id ranges side by side (each request still
    /// through the client: bulk priority, the quota ceiling, the pause gate). The answer is in id
    /// order, each ticket once. With a `limit` below the count the walk stays serial (the first
    /// `limit` by id are wanted).
    public func walkAll(limit: Int?, filter: ServerFilter, options: WalkOptions) async throws -> [Ticket] {
        let (extra, key) = try await clauses(filter)
        let first = try await page(after: nil, extra: extra, countKey: key)
        var all = first.tickets
        options.progress?(WalkProgress(tickets: all.count, total: first.total, pages: 1))
        if let limit, all.count >= limit { return Array(all.prefix(limit)) }
        guard let next = first.next else { return all }
        if let total = first.total, limit.map({ $0 >= total }) ?? true,
            let plan = IDWalkPlan(
                firstPage: first.tickets.map(\.id), total: total, pageSize: pageSize, workers: options.threads)
        {
            let rest = try await walkRanges(
                plan, extra: extra, total: total, already: all.count, progress: options.progress)
            all += rest
            // Id order, each ticket once (ranges do not overlap; this keeps it so whatever a server sends).
            var seen = Set<Int64>()
            all = all.sorted { $0.id < $1.id }.filter { seen.insert($0.id).inserted }
            if let limit { all = Array(all.prefix(limit)) }
            return all
        }
        var cursor: PageCursor? = next
        var walk = WalkGuard(pageSize: pageSize)
        _ = walk.after(ids: first.tickets.map(\.id), total: first.total)
        while let c = cursor {
            let p = try await page(after: c, extra: extra, countKey: key)
            all += p.tickets
            // A page that does not move past the last id ends the walk (`page` keeps only ids past
            // the cursor and says so); so do more pages than the count allows, or the ceiling.
            let stop =
                walk.after(ids: p.tickets.map(\.id), total: p.total)
                ?? p.note.flatMap {
                    $0 == WalkGuard.ignoredIDFilter ? $0 : nil
                }
            options.progress?(WalkProgress(tickets: all.count, total: p.total, pages: walk.pages, stopped: stop))
            if let limit, all.count >= limit { return Array(all.prefix(limit)) }
            cursor = stop == nil ? p.next : nil
        }
        return all
    }

    private func walkRanges(
        _ plan: IDWalkPlan, extra: [[String: Any]], total: Int, already: Int,
        progress: (@Sendable (WalkProgress) -> Void)?
    ) async throws -> [Ticket] {
        let shared = WalkRanges(plan: plan, total: total, already: already, progress: progress)
        // The conditions go to the workers as JSON text: `[String: Any]` is not Sendable.
        let extraJSON = (try? JSONSerialization.data(withJSONObject: extra, options: [.sortedKeys])) ?? Data("[]".utf8)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<plan.ranges.count {
                group.addTask {
                    while let i = await shared.claim() {
                        var done = false
                        while !done {
                            let (after, upTo) = await shared.query(i)
                            let page = try await self.rangePage(after: after, upTo: upTo, extraJSON: extraJSON)
                            done = await shared.record(i, page)
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        return await shared.tickets
    }

    /// One page of a range: `id gt after` (and `id lte upTo`), with the walk's other conditions.
    private func rangePage(after: Int64, upTo: Int64?, extraJSON: Data) async throws -> [Ticket] {
        var extra = (try? JSONSerialization.jsonObject(with: extraJSON) as? [[String: Any]]) ?? []
        if let upTo { extra.append(["op": "lte", "field": "id", "value": upTo]) }
        let body = Self.queryBody(maxRecords: pageSize, afterID: after, extra: extra, fields: fieldSet.fields)
        let r = try await send(
            "POST", "Tickets/query", body: body, purpose: "tickets",
            logPath: "Tickets/query (id > \(after)\(upTo.map { ", id ≤ \($0)" } ?? ""))")
        let raw = try r.decode(AutotaskQueryResponse<AutotaskTicket>.self, maxItems: pageSize).items.sorted {
            $0.id < $1.id
        }
        try await resolveNames(raw)
        return raw.map { $0.display(picklists: picklists, companies: companies, resources: resources) }
    }
}

/// The plan and what the workers have fetched, shared among them.
actor WalkRanges {
    private var plan: IDWalkPlan
    private(set) var tickets: [Ticket] = []
    private let total: Int
    private let already: Int
    private var pages = 1
    private let progress: (@Sendable (WalkProgress) -> Void)?

    init(plan: IDWalkPlan, total: Int, already: Int, progress: (@Sendable (WalkProgress) -> Void)?) {
        self.plan = plan
        self.total = total
        self.already = already
        self.progress = progress
    }

    func claim() -> Int? { plan.claim() }
    func query(_ i: Int) -> (after: Int64, upTo: Int64?) { plan.query(i) }

    /// Keeps the page's tickets that belong to range `i`; true when the range is finished.
    func record(_ i: Int, _ page: [Ticket]) -> Bool {
        let (keep, done) = plan.record(i, ids: page.map(\.id))
        tickets += page[keep]
        pages += 1
        progress?(WalkProgress(tickets: already + tickets.count, total: total, pages: pages))
        return done
    }
}
