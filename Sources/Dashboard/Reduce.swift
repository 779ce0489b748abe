import Foundation
import PSACore

extension DashboardState {
    /// Applies one event; returns what should happen outside.
    public mutating func reduce(_ event: DashboardEvent) -> [Command] {
        switch event {
        case .tenant(let i, let e): return reduceTenant(i, e)
        case .key(var key):
            // Behind "Terminal too small" nothing a key would act on can be seen: only quit and
            // help act (a resize is its own event).
            if layout.tooSmall {
                let action = KeyMap.of(mode).action(for: key)
                guard action == .quit || action == .help || action == .closeHelp else { return [] }
            }
            // The palette's row runs as its key, pressed in the mode under it (Palette.swift).
            if mode == .palette {
                let (commands, replay) = paletteKey(key)
                guard let replay else {
                    if tenants.indices.contains(activeTenant) { tenants[activeTenant].update(from: self) }
                    return routed(commands)
                }
                key = replay
            }
            if let i = customCommand(for: key) { return routed(runCustom(i)) }
            if tenants.count > 1 {
                switch KeyMap.of(mode).action(for: key) {
                case .nextTenant:
                    switchTenant(to: (activeTenant + 1) % tenants.count)
                    return []
                case .pickTenant:
                    if case .char(let c) = key, let n = c.wholeNumberValue, n <= tenants.count {
                        switchTenant(to: n - 1)
                    }
                    return []
                default: break
                }
            }
            let commands = handle(key)
            if tenants.indices.contains(activeTenant) { tenants[activeTenant].update(from: self) }
            return routed(commands)
        case .programDone, .mouse, .reloaded, .reloadFailed:
            return routed(reduceCustomize(event) ?? [])
        case .timerRestored(let t):
            restoreTimer(t)
            return []
        case .timeLogged(let d, let caveat): return timeLogged(d, caveat: caveat)
        case .timeFailed(let d, let error):
            timeFailed(d, error: error)
            return []
        case .tick(let date):
            let second = Int(now.timeIntervalSince1970) != Int(date.timeIntervalSince1970)
            now = date
            spinner &+= 1
            // A note typed inline goes to its draft file as it is typed (at most a tick behind),
            // so neither a crash nor a dropped connection loses it. (The rest of the tick runs too.)
            var keep: [Command] = []
            if var n = detail?.noteTyping, n.saved != n.text {
                n.saved = n.text
                detail?.flow = .noteTyping(n)
                keep = [.keepDraft(path: n.path, text: n.text)]
            }
            keep += keepTimeDraft()
            if let at = flashAt, date.timeIntervalSince(at) >= Self.flashSeconds {
                flash = nil
                flashAt = nil
            }
            if let p = pause, p.until <= date, p.reason != .suspended { pause = nil }
            if second && slaSeen {
                let before = slaBreached
                countSLAFromIndex()
                if slaBreached > before {
                    let n = slaBreached - before
                    return keep
                        + notifyOnce(
                            "breach", "\(n) ticket\(n == 1 ? "" : "s") newly breaching SLA (\(slaBreached) breached)")
                }
            }
            return keep
        case .resize(let w, let h):
            width = w
            height = h
            clampSelection()
            return routed(nearEndLoad())
        case .quota(let q, let at):
            let before = quota?.tier ?? .none
            quota = q
            quotaAt = at
            quotaError = nil
            lastUpdate = at
            noteHistory(at: at)
            // Entering a latency tier (Autotask) or the limit: worth a notification.
            if q.tier > before && q.tier >= .half {
                if q.tier == .suspended {
                    return notifyOnce("suspension", "at \(Int(q.percent))% of the quota: suspended / at the limit")
                }
                if vendor.quotaModel == .tenantThreshold {
                    return notifyOnce("tier", "quota at \(Int(q.percent))%: \(q.tier.label)")
                }
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
            if let total = page.total, ticketStore.capacity < total { ticketStore.reserveCapacity(min(total, 200_000)) }
            loadingPage = false
            listError = nil
            lastUpdate = at
            let keepID = selectedTicket?.id
            if reset {
                // A refresh brings the first page again: replace what it covers and keep the pages
                // loaded after it (and where the next one starts), so the reader keeps their place.
                let freshIDs = Set(page.tickets.lazy.map(\.id))
                if let last = page.tickets.last, page.next != nil,
                    let pos = tickets.index(ofID: last.id), pos + 1 < tickets.count
                {
                    // The index loses the replaced tickets' deadlines and gains the page's.
                    var gone = (0...pos).compactMap { tickets.nextDeadline(at: $0) }
                    for i in (pos + 1)..<tickets.count where freshIDs.contains(tickets.id(at: i)) {
                        if let d = tickets.nextDeadline(at: i) { gone.append(d) }
                    }
                    slaIndex.update(removing: gone, adding: page.tickets.compactMap { $0.sla?.nextDeadline })
                    work.slaVisits += pos + 1 + page.tickets.count
                    ticketStore.replaceFront(pos + 1, with: page.tickets) { !freshIDs.contains($0) }
                } else {
                    ticketStore = TicketList(page.tickets)
                    next = page.next
                    listComplete = page.next == nil
                    rebuildSLAIndex()
                }
            } else {
                // The page's ids looked up in the rows (a set of the list's ids would be the
                // size of the list, built again for every page: the peak memory of a walk).
                let incoming = Set(page.tickets.lazy.map(\.id))
                var have = Set<Int64>()
                for id in tickets.ids where incoming.contains(id) { have.insert(id) }
                work.idsHeld += incoming.count + have.count
                let added = page.tickets.filter { !have.contains($0.id) }
                ticketStore.append(contentsOf: added)
                slaIndex.update(adding: added.compactMap { $0.sla?.nextDeadline })
                work.slaVisits += added.count
                next = page.next
                listComplete = page.next == nil
            }
            total = page.total ?? total
            noteSLA(page.tickets)
            rebuildView()
            if reset, let keepID, let r = row(ofID: keepID) {
                listCursor.index = r
                clampSelection()
            }
            // With a filter on, pages do not chain on their own past a few (see filterTopUp).
            return filterActive ? filterTopUp() : nearEndLoad()
        case .pageFailed(let message):
            loadingPage = false
            listError = message
        case .detail(let t):
            if detail?.id == t.id {
                detail?.ticket = t
                detail?.loading = false
                detail?.error = nil
            }
            if let i = tickets.index(ofID: t.id) {
                replaceTicket(at: i, with: listCopy(t))
                if slaSeen { countSLAFromIndex() }
                if view != nil { rebuildView() }
            }
        case .detailFailed(let id, let message):
            if detail?.id == id {
                detail?.loading = false
                detail?.error = message
            }
        case .poll(let status):
            poll = status
            noteHistory(at: now)
            return notifySpike(status)
        case .notice(let text):
            say(text)
        case .historyChart, .historyFailed:
            reduceHistory(event)
        case .pastQuota(let past, let window, let scale):
            seedTrend(past, windowSeconds: window, timeScale: scale)
        case .attachments, .attachmentsFailed, .attachmentSaved, .attachmentExists, .attachmentSaveFailed:
            reduceSave(event)
        case .timeEntries, .timeEntriesFailed: reduceTime(event)
        case .timeDraft(let id, let path, let text): timeDraftReady(ticketID: id, path: path, text: text)
        case .timeSummaryEdited(let path, let text, let failure):
            timeSummaryEdited(path: path, text: text, failure: failure)
        case .comments(let id, let list):
            if detail?.id == id {
                detail?.comments = list
                detail?.commentsError = nil
            }
        case .commentsFailed(let id, let message):
            if detail?.id == id { detail?.commentsError = message }
        case .ticketWeb(let template):
            ticketURLTemplate = template
        case .attached(let id, let name, let bytes, let visibility):
            // The list has one more now: the next `w` asks again.
            if detail?.id == id, detail?.attachmentsLoading == false { detail?.attachments = nil }
            attachOutcome(
                id, "attached \(name) (\(ByteSize.text(bytes)); \(visibility.audience))",
                elsewhere: "attached \(name) to ticket \(id) (\(visibility.audience))", failed: false)
        case .alerts(let list, let at):
            alertsPane.received(list, at: at)
        case .alertsFailed(let message):
            alertsPane.failed(message)
        case .me(let person):
            me = person
            meError = nil
            if filterText.lowercased().contains(":me") { rebuildView() }
        case .actingAs(let name):
            actingAs = name
        case .meFailed(let message):
            meError = message
            say("who is me? \(message)")
        case .noteDraft(let id, let text, let path):
            drafts[id] = path
            if detail?.id == id {
                detail?.flow = .noteConfirm(NoteDraft(text: text, path: path))
                detail?.notice = nil
            }
        case .noteInline(let id, let path, let text):
            if detail?.id == id {
                var n = NoteDraft(text: text, path: path)
                n.saved = text
                detail?.flow = .noteTyping(n)
                detail?.notice = text.isEmpty ? nil : "your draft is back (\(path)): go on typing, Ctrl-D when done"
            }
        case .typingInterrupted:
            // Ctrl-C while typing: the text goes to its draft now; a second Ctrl-C quits.
            if var n = detail?.noteTyping {
                n.interrupted = true
                n.saved = n.text
                detail?.flow = .noteTyping(n)
                // (Said inside the note box, which hides the detail's own notice line.)
                return n.text.isEmpty ? [] : [.keepDraft(path: n.path, text: n.text)]
            }
        case .noteCancelled(let id, let reason, let path):
            if let path { drafts[id] = path }
            let text = reason + (path.map { " — the draft is kept at \($0) (c reopens it)" } ?? "")
            if detail?.id == id {
                detail?.notice = text
                detail?.noticeIsError = path != nil
            } else {
                say(text)
            }
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
            let text =
                "note not added: \(error). Not retried (the server may have taken it): the text is kept at \(path) (c reopens it)"
            if detail?.id == id {
                detail?.saving = nil
                detail?.notice = text
                detail?.noticeIsError = true
            } else {
                say(text)
            }
        case .attachFailed(let id, let name, let error):
            attachOutcome(
                id, "\(name) not attached: \(error)", elsewhere: "\(name) not attached to ticket \(id): \(error)",
                failed: true)
        case .bulkOutcome(let id, let outcome): bulkOutcome(id, outcome)
        case .bulkEnded: bulkEnded()
        case .choices(let field, let labels):
            if bulkChoices(field, labels, error: nil) { return [] }
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
            detail?.flow = .picker(e)
        case .choicesFailed(let message):
            if let f = bulk?.field, bulkChoices(f, nil, error: message) { return [] }
            if var e = detail?.edit {
                e.error = message
                e.choices = []
                detail?.flow = .picker(e)
            }
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
                text =
                    "\(field.rawValue) sent as \(label), but the server holds \(held.isEmpty ? "nothing" : held) (a workflow rule may have changed it)"
            case .notConfirmed(let why):
                apply(field, label, toTicket: id)
                text =
                    "\(field.rawValue) sent as \(label), not confirmed: reading the ticket back failed (\(why)). r reloads it."
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
                detail?.notice =
                    "\(field.rawValue) not set to \(label): \(error). Not retried (the server may have applied it): r reloads the ticket."
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
                requestLog.append(r)
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

}
