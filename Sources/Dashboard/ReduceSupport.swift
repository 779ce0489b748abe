import Foundation
import PSACore

/// What the reducer leans on: the history, the footer messages, applying a change, merging changed tickets, SLA counts, the selection.
extension DashboardState {
    /// Adds the shown count to the history (tenant time, so a bucket is a sixtieth of the timeframe).
    mutating func noteHistory(at date: Date) {
        guard let q = shownQuota else { return }
        if history?.bucketSeconds != QuotaHistory.bucketSeconds(windowSeconds: q.windowSeconds) {
            history = QuotaHistory(windowSeconds: q.windowSeconds)
        }
        let t = date.timeIntervalSinceReferenceDate * timeScale
        history?.note(q.used, at: t)
    }

    /// When the count reaches the boundaries ahead at its net rate; nil while the rate is measured.
    /// Autotask: the poller's model once it has one (our requests of the last minute, exactly, plus
    /// the others' rate measured between readings), which a reading's correction does not jolt;
    /// else, and for Atera, the slope of the history's last five bars.
    public var forecast: QuotaForecast? {
        guard let q = shownQuota else { return nil }
        let perMinute: Double
        if vendor.quotaModel == .tenantThreshold, let p = poll, let others = p.othersPerHour, let ours = p.oursPerMinute
        {
            perMinute = Double(ours) + others / 60
        } else if let h = history, let perBucket = h.ratePerBucket {
            perMinute = perBucket / h.bucketSeconds * 60
        } else {
            return nil
        }
        return QuotaForecast(
            count: q.used, limit: q.limit, perMinute: perMinute,
            horizon: Double(q.windowSeconds), boundaries: vendor.forecastBoundaries)
    }

    /// What became of an attachment: in its ticket when that is open, else in the footer.
    mutating func attachOutcome(_ id: Int64, _ text: String, elsewhere: String, failed: Bool) {
        guard detail?.id == id else {
            say(elsewhere)
            return
        }
        detail?.saving = nil
        detail?.notice = text
        detail?.noticeIsError = failed
    }

    /// The ticket's web page: the template with its id.
    public func ticketURL(_ t: Ticket) -> String? {
        ticketURLTemplate.map { $0.replacingOccurrences(of: "{id}", with: String(t.id)) }
    }

    mutating func say(_ text: String) {
        flash = text
        flashAt = now
    }

    /// Puts a confirmed change into the list's and the detail's copy of the ticket.
    mutating func apply(_ field: EditableField, _ label: String, toTicket id: Int64) {
        if let i = tickets.index(ofID: id) {
            var t = tickets[i]
            t.set(field, to: label)
            replaceTicket(at: i, with: t)
        }
        if detail?.id == id {
            detail?.ticket.set(field, to: label)
        }
        if view != nil { rebuildView() }
    }

    /// Puts changed tickets in place and marks those that differ from the copy shown. A ticket
    /// not loaded yet joins the list only when the whole list is loaded (else its page brings it).
    mutating func mergeChanged(_ fresh: [Ticket]) {
        var index: [Int64: Int] = [:]
        index.reserveCapacity(tickets.count)
        for (i, id) in tickets.ids.enumerated() { index[id] = i }
        var marks = Set<Int64>()
        for full in fresh {
            let t = listCopy(full)
            if let i = index[t.id] {
                if tickets[i] != t {
                    replaceTicket(at: i, with: t)
                    marks.insert(t.id)
                }
            } else if listComplete && serverFilter == nil {
                // (Under a server filter a changed ticket may not match it: `r` asks the server again.)
                index[t.id] = tickets.count
                ticketStore.append(t)
                slaIndex.replace(nil, with: t.sla?.nextDeadline)
                work.slaVisits += 1
                total = total.map { $0 + 1 }
                marks.insert(t.id)
            }
            if detail?.id == t.id, detail?.loading == false, marks.contains(t.id) { detail?.ticket = full }
        }
        changedIDs = marks
        if view != nil { rebuildView() } else { clampSelection() }
    }

    /// A notification of one kind, at most one a minute (and only with `--notify`).
    mutating func notifyOnce(_ kind: String, _ text: String) -> [Command] {
        guard notify else { return [] }
        if let last = notified[kind], now.timeIntervalSince(last) < 60 { return [] }
        notified[kind] = now
        return [.notify("psatop \(tenant): \(text)")]
    }

    /// Notes that SLA deadlines exist among these tickets, and counts again (from the index:
    /// the page's own tickets were put in it as they joined).
    mutating func noteSLA(_ fresh: [Ticket]) {
        if !slaSeen, fresh.contains(where: { $0.sla != nil }) { slaSeen = true }
        if slaSeen { countSLAFromIndex() }
    }

    /// Breached now, and breaching within the hour, over the loaded tickets: two binary searches.
    mutating func countSLAFromIndex() {
        let c = slaIndex.counts(now: now, within: Self.slaSoonSeconds)
        slaBreached = c.breached
        slaBreachingSoon = c.soon
    }
    static let slaSoonSeconds: TimeInterval = 3_600

    /// One loaded ticket replaced: its deadline moves in the index (the only ticket looked at).
    mutating func replaceTicket(at i: Int, with t: Ticket) {
        slaIndex.replace(tickets.nextDeadline(at: i), with: t.sla?.nextDeadline)
        work.slaVisits += 1
        ticketStore.replace(at: i, with: t)
    }

    /// The list was replaced as a whole (a refresh): the index from scratch.
    mutating func rebuildSLAIndex() {
        slaIndex = SLAIndex(ticketStore)
        work.slaVisits += ticketStore.count
        work.slaRebuilds += 1
    }

    /// What the list keeps of a ticket: what it draws (the detail view loads the rest).
    func listCopy(_ t: Ticket) -> Ticket {
        var c = t
        c.description = ""
        c.fields = []
        return c
    }

    /// Keeps the selection inside the list and on screen.
    mutating func clampSelection() { list.clamp(rows: listRows) }

    /// Asks for the next page when the selection comes within a screen of the end of what is loaded.
    mutating func nearEndLoad() -> [Command] { list.nearEndLoad(rows: listRows) }

    /// Requests we sent in the tenant's last minute: the client's exact count as the poller
    /// reports it (the one source; the forecast uses the same), nil until its first report.
    public var ownLastMinute: Int? { poll?.oursPerMinute }
}
