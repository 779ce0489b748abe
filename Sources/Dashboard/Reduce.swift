import Foundation
import PSACore

extension DashboardState {
    /// Applies one event; returns what should happen outside.
    public mutating func reduce(_ event: DashboardEvent) -> [Command] {
        switch event {
        case .tenant(let i, let e): return reduceTenant(i, e)
        case .key(let key):
            if tenants.count > 1 {
                switch KeyMap.of(mode).action(for: key) {
                case .nextTenant:
                    switchTenant(to: (activeTenant + 1) % tenants.count)
                    return []
                case .pickTenant:
                    if case .char(let c) = key, let n = c.wholeNumberValue, n <= tenants.count { switchTenant(to: n - 1) }
                    return []
                default: break
                }
            }
            let commands = handle(key)
            if tenants.indices.contains(activeTenant) { tenants[activeTenant].update(from: self) }
            return routed(commands)
        case .tick(let date):
            let second = Int(now.timeIntervalSince1970) != Int(date.timeIntervalSince1970)
            now = date
            spinner &+= 1
            if let at = flashAt, date.timeIntervalSince(at) >= Self.flashSeconds { flash = nil; flashAt = nil }
            if let p = pause, p.until <= date, p.reason != .suspended { pause = nil }
            if second && slaSeen {
                let before = slaBreached
                countSLA()
                if slaBreached > before {
                    let n = slaBreached - before
                    return notifyOnce("breach", "\(n) ticket\(n == 1 ? "" : "s") newly breaching SLA (\(slaBreached) breached)")
                }
            }
        case .resize(let w, let h):
            width = w; height = h
            clampSelection()
            return routed(nearEndLoad())
        case .quota(let q, let at):
            let before = quota?.tier ?? .none
            quota = q; quotaAt = at; quotaError = nil; lastUpdate = at
            noteHistory(at: at)
            // Entering a latency tier (Autotask) or the limit: worth a notification.
            if q.tier > before && q.tier >= .half {
                if q.tier == .suspended { return notifyOnce("suspension", "at \(Int(q.percent))% of the quota: suspended / at the limit") }
                if vendor.quotaModel == .tenantThreshold { return notifyOnce("tier", "quota at \(Int(q.percent))%: \(q.tier.label)") }
            }
        case .quotaFailed(let message, _):
            quotaError = message
        case .page(let fetched, let reset, let at):
            // A page asked for under another server filter (on its way when the filter changed) is dropped.
            guard fetched.filter == serverFilter else { return [] }
            if let note = fetched.note { say(note) }
            var page = fetched
            page.tickets = page.tickets.map { listCopy($0) }
            // Room for the whole list up front: growing by doubling would, for a moment, hold
            // the old and the new copy (the peak memory of a long walk).
            // (At most 200,000 rows on the server's word.)
            if let total = page.total, tickets.capacity < total { tickets.reserveCapacity(min(total, 200_000)) }
            loadingPage = false
            listError = nil
            lastUpdate = at
            let keepID = selectedTicket?.id
            if reset {
                // A refresh brings the first page again: replace what it covers and keep the pages
                // loaded after it (and where the next one starts), so the reader keeps their place.
                let freshIDs = Set(page.tickets.lazy.map(\.id))
                if let last = page.tickets.last, page.next != nil,
                   let pos = tickets.firstIndex(where: { $0.id == last.id }), pos + 1 < tickets.count {
                    tickets = page.tickets + tickets[(pos + 1)...].filter { !freshIDs.contains($0.id) }
                } else {
                    tickets = page.tickets
                    next = page.next
                    listComplete = page.next == nil
                }
            } else {
                let have = Set(tickets.lazy.map(\.id))
                tickets.append(contentsOf: page.tickets.filter { !have.contains($0.id) })
                next = page.next
                listComplete = page.next == nil
            }
            total = page.total ?? total
            noteSLA(page.tickets)
            rebuildView()
            if reset, let keepID, let r = row(ofID: keepID) { selected = r; clampSelection() }
            // With a filter on, pages do not chain on their own past a few (see filterTopUp).
            return filterActive ? filterTopUp() : nearEndLoad()
        case .pageFailed(let message):
            loadingPage = false
            listError = message
        case .detail(let t):
            if detail?.id == t.id { detail?.ticket = t; detail?.loading = false; detail?.error = nil }
            if let i = tickets.firstIndex(where: { $0.id == t.id }) {
                tickets[i] = listCopy(t)
                if view != nil { rebuildView() }
            }
        case .detailFailed(let id, let message):
            if detail?.id == id { detail?.loading = false; detail?.error = message }
        case .poll(let status):
            poll = status
            noteHistory(at: now)
        case .notice(let text):
            say(text)
        case .attachments, .attachmentsFailed, .attachmentSaved, .attachmentExists, .attachmentSaveFailed:
            reduceSave(event)
        case .comments(let id, let list):
            if detail?.id == id { detail?.comments = list; detail?.commentsError = nil }
        case .commentsFailed(let id, let message):
            if detail?.id == id { detail?.commentsError = message }
        case .ticketWeb(let template):
            ticketURLTemplate = template
        case .attached(let id, let name, let bytes, let visibility):
            attachOutcome(id, "attached \(name) (\(ByteSize.text(bytes)); \(visibility.audience))",
                          elsewhere: "attached \(name) to ticket \(id) (\(visibility.audience))", failed: false)
        case .alerts(let list, let at):
            alerts = list
            alertsAt = at
            alertsError = nil
            alertSelected = max(0, min(alertSelected, list.count - 1))
        case .alertsFailed(let message):
            if alerts == nil { alerts = [] }
            alertsError = message
        case .me(let person):
            me = person
            meError = nil
            if filterText.lowercased().contains(":me") { rebuildView() }
        case .meFailed(let message):
            meError = message
            say("who is me? \(message)")
        case .noteDraft(let id, let text, let path):
            drafts[id] = path
            if detail?.id == id { detail?.noteConfirm = NoteDraft(text: text, path: path); detail?.notice = nil }
        case .noteInline(let id, let path, let text):
            if detail?.id == id { detail?.noteTyping = NoteDraft(text: text, path: path); detail?.notice = nil }
        case .noteCancelled(let id, let reason, let path):
            if let path { drafts[id] = path }
            let text = reason + (path.map { " — the draft is kept at \($0) (c reopens it)" } ?? "")
            if detail?.id == id { detail?.notice = text; detail?.noticeIsError = path != nil } else { say(text) }
        case .noteAdded(let id, let visibility):
            drafts[id] = nil
            let text = "note added (\(visibility.audience))"
            if detail?.id == id {
                detail?.saving = nil
                detail?.notice = text
                detail?.noticeIsError = false
                // The ticket and its notes again: the new note shows as the server keeps it.
                return [.loadDetail(id)]
            }
            say(text + " to ticket \(id)")
        case .noteFailed(let id, let error, let path):
            drafts[id] = path
            let text = "note not added: \(error). Not retried (the server may have taken it): the text is kept at \(path) (c reopens it)"
            if detail?.id == id { detail?.saving = nil; detail?.notice = text; detail?.noticeIsError = true } else { say(text) }
        case .attachFailed(let id, let name, let error):
            attachOutcome(id, "\(name) not attached: \(error)", elsewhere: "\(name) not attached to ticket \(id): \(error)", failed: true)
        case .choices(let field, let labels):
            guard var e = detail?.edit, e.field == field, e.choices == nil else { return [] }
            e.choices = labels
            // Atera's statuses are free strings: another may be typed (the server decides).
            // Atera: another status, or a technician by e-mail (it lists neither).
            switch field {
            case .status: e.allowsOther = vendor.statusesAreFreeText
            case .assignee: e.allowsOther = vendor.assignsByEmail
            case .priority: e.allowsOther = false
            }
            e.error = labels.isEmpty && !e.allowsOther ? "no \(field.rawValue) labels known" : nil
            e.selected = detail.flatMap { d in labels.firstIndex { d.ticket.holds($0, for: field) } } ?? 0
            detail?.edit = e
        case .choicesFailed(let message):
            if detail?.edit != nil { detail?.edit?.error = message; detail?.edit?.choices = [] }
        case .updated(let id, let field, let label, let outcome):
            // What the server holds is shown: the read-back ticket came just before (`.detail`).
            changedIDs.insert(id)
            let text: String
            switch outcome {
            case .confirmed:
                apply(field, label, toTicket: id)
                text = "\(field.rawValue) set to \(label) (read back from the server)"
            case .differs(let held):
                apply(field, held, toTicket: id)
                text = "\(field.rawValue) sent as \(label), but the server holds \(held.isEmpty ? "nothing" : held) (a workflow rule may have changed it)"
            case .notConfirmed(let why):
                apply(field, label, toTicket: id)
                text = "\(field.rawValue) sent as \(label), not confirmed: reading the ticket back failed (\(why)). r reloads it."
            }
            if detail?.id == id {
                detail?.saving = nil
                detail?.notice = text
                detail?.noticeIsError = outcome != .confirmed
            } else {
                say(text)
            }
        case .updateFailed(let id, let field, let label, let error):
            if detail?.id == id {
                detail?.saving = nil
                detail?.notice = "\(field.rawValue) not set to \(label): \(error). Not retried (the server may have applied it): r reloads the ticket."
                detail?.noticeIsError = true
            }
        case .changed(let fresh, let at):
            mergeChanged(fresh)
            noteSLA(fresh)
            refreshedAt = at
            lastUpdate = at
        case .client(let e):
            switch e {
            case .record(let r):
                log.append(r)
                if log.count > Self.logCapacity { log.removeFirst(log.count - Self.logCapacity) }
                // Keep the same row under the cursor (when the new one is among those shown).
                if logSelected > 0, logShows(r) { logSelected = min(logSelected + 1, max(0, visibleLogCount - 1)) }
            case .paused(let until, let reason, let detail):
                pause = PauseInfo(until: until, reason: reason, detail: detail)
                if reason == .suspended { return notifyOnce("suspension", "API suspended: \(detail)") }
            case .resumed:
                pause = nil
            case .ceiling(let status):
                ceiling = status
            case .measuredTier(let tier):
                measuredTier = tier
            case .attachmentWait(let used, let limit, let until):
                attachmentWait = AttachmentWait(used: used, limit: limit, until: until)
            }
        }
        return []
    }

    /// The tenant's time scale (the demo's simulator runs 20× faster than the wall clock).
    public var timeScale: Double { max(0.001, poll?.timeScale ?? 1) }

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
        if vendor.quotaModel == .tenantThreshold, let p = poll, let others = p.othersPerHour, let ours = p.oursPerMinute {
            perMinute = Double(ours) + others / 60
        } else if let h = history, let perBucket = h.ratePerBucket {
            perMinute = perBucket / h.bucketSeconds * 60
        } else {
            return nil
        }
        return QuotaForecast(count: q.used, limit: q.limit, perMinute: perMinute,
                             horizon: Double(q.windowSeconds), boundaries: vendor.forecastBoundaries)
    }

    /// What became of an attachment: in its ticket when that is open, else in the footer.
    private mutating func attachOutcome(_ id: Int64, _ text: String, elsewhere: String, failed: Bool) {
        guard detail?.id == id else { say(elsewhere); return }
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
        if let i = tickets.firstIndex(where: { $0.id == id }) {
            var t = tickets[i]
            t.set(field, to: label)
            tickets[i] = listCopy(t)
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
        for (i, t) in tickets.enumerated() { index[t.id] = i }
        var marks = Set<Int64>()
        for full in fresh {
            let t = listCopy(full)
            if let i = index[t.id] {
                if tickets[i] != t { tickets[i] = t; marks.insert(t.id) }
            } else if listComplete && serverFilter == nil {
                // (Under a server filter a changed ticket may not match it: `r` asks the server again.)
                index[t.id] = tickets.count
                tickets.append(t)
                total = total.map { $0 + 1 }
                marks.insert(t.id)
            }
            if detail?.id == t.id, detail?.loading == false, marks.contains(t.id) { detail?.ticket = full }
        }
        changedIDs = marks
        if view != nil { rebuildView() } else { clampSelection() }
    }

    /// What the list keeps of a ticket: what it draws, with repeated texts (companies, people,
    /// labels) shared rather than stored once per ticket. The detail view loads the rest.
    /// A notification of one kind, at most one a minute (and only with `--notify`).
    mutating func notifyOnce(_ kind: String, _ text: String) -> [Command] {
        guard notify else { return [] }
        if let last = notified[kind], now.timeIntervalSince(last) < 60 { return [] }
        notified[kind] = now
        return [.notify("psatop \(tenant): \(text)")]
    }

    /// Notes that SLA deadlines exist among these tickets, and counts again.
    mutating func noteSLA(_ fresh: [Ticket]) {
        if !slaSeen, fresh.contains(where: { $0.sla != nil }) { slaSeen = true }
        if slaSeen { countSLA() }
    }

    /// Breached now, and breaching within the hour, over the loaded tickets.
    mutating func countSLA() {
        var breached = 0, soon = 0
        for t in tickets {
            guard let sla = t.sla else { continue }
            if sla.breached(now: now) { breached += 1 } else if sla.breaching(within: 3_600, now: now) { soon += 1 }
        }
        slaBreached = breached
        slaBreachingSoon = soon
    }

    mutating func listCopy(_ t: Ticket) -> Ticket {
        var c = t
        c.description = ""
        c.fields = []
        c.company = intern(c.company)
        c.assignee = intern(c.assignee)
        c.status = intern(c.status)
        c.priority = intern(c.priority)
        return c
    }

    private mutating func intern(_ s: String) -> String {
        // Short strings live inline in the String value already; only heap ones are worth sharing.
        guard s.utf8.count > 15 else { return s }
        if let i = stringPool.firstIndex(of: s) { return stringPool[i] }
        if stringPool.count < 50_000 { stringPool.insert(s) }
        return s
    }

    /// Keeps the selection inside the list and on screen.
    mutating func clampSelection() {
        let count = visibleCount
        selected = max(0, min(selected, count - 1))
        if selected < top { top = selected }
        if selected >= top + listRows { top = selected - listRows + 1 }
        top = max(0, min(top, max(0, count - listRows)))
    }

    /// Asks for the next page when the selection comes within a screen of the end of what is loaded.
    mutating func nearEndLoad() -> [Command] {
        guard !loadingPage, !listComplete, let next, listError == nil else { return [] }
        guard selected >= visibleCount - listRows - 1 else { return [] }
        loadingPage = true
        return [.loadPage(next)]
    }

    /// Requests we sent in the last minute, from the log.
    public var ownLastMinute: Int {
        let cutoff = now.addingTimeInterval(-60)
        return log.reversed().prefix { $0.time > cutoff }.count
    }
}
