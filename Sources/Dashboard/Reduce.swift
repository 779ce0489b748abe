import Foundation
import PSACore

extension DashboardState {
    /// Applies one event; returns what should happen outside.
    public mutating func reduce(_ event: DashboardEvent) -> [Command] {
        switch event {
        case .tenant(let i, let e): return reduceTenant(i, e)
        case .key(let key):
            if tenants.count > 1, !showHelp, detail == nil, openRequest == nil, !filterEditing, !serverFilterEditing {
                if key == .char(":") { switchTenant(to: (activeTenant + 1) % tenants.count); return [] }
                if case .char(let c) = key, let n = c.wholeNumberValue, n >= 1, n <= min(9, tenants.count) { switchTenant(to: n - 1); return [] }
            }
            let commands = handle(key)
            if tenants.indices.contains(activeTenant) { tenants[activeTenant].update(from: self) }
            return routed(commands)
        case .tick(let date):
            now = date
            spinner &+= 1
            if let at = flashAt, date.timeIntervalSince(at) >= Self.flashSeconds { flash = nil; flashAt = nil }
            if let p = pause, p.until <= date, p.reason != .suspended { pause = nil }
        case .resize(let w, let h):
            width = w; height = h
            clampSelection()
            return routed(nearEndLoad())
        case .quota(let q, let at):
            quota = q; quotaAt = at; quotaError = nil; lastUpdate = at
            noteHistory(at: at)
        case .quotaFailed(let message, _):
            quotaError = message
        case .page(let fetched, let reset, let at):
            // A page asked for under another server filter (on its way when the filter changed) is dropped.
            guard fetched.filter == serverFilter else { return [] }
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
        case .comments(let id, let list):
            if detail?.id == id { detail?.comments = list; detail?.commentsError = nil }
        case .commentsFailed(let id, let message):
            if detail?.id == id { detail?.commentsError = message }
        case .ticketWeb(let template):
            ticketURLTemplate = template
        case .attached(let id, let name, let bytes):
            attachOutcome(id, "attached \(name) (\(ByteSize.text(bytes)))", elsewhere: "attached \(name) to ticket \(id)", failed: false)
        case .attachFailed(let id, let name, let error):
            attachOutcome(id, "\(name) not attached: \(error)", elsewhere: "\(name) not attached to ticket \(id): \(error)", failed: true)
        case .choices(let field, let labels):
            guard var e = detail?.edit, e.field == field, e.choices == nil else { return [] }
            e.choices = labels
            e.error = labels.isEmpty ? "no \(field.rawValue) labels known" : nil
            let current = field == .status ? detail?.ticket.status : detail?.ticket.priority
            e.selected = labels.firstIndex { $0.caseInsensitiveCompare(current ?? "") == .orderedSame } ?? 0
            detail?.edit = e
        case .choicesFailed(let message):
            if detail?.edit != nil { detail?.edit?.error = message; detail?.edit?.choices = [] }
        case .updated(let id, let field, let label):
            apply(field, label, toTicket: id)
            changedIDs.insert(id)
            if detail?.id == id {
                detail?.saving = nil
                detail?.notice = "\(field.rawValue) set to \(label)"
                detail?.noticeIsError = false
                // The server's copy (its last activity moved on): fetched again.
                return [.loadDetail(id)]
            }
        case .updateFailed(let id, let field, let label, let error):
            if detail?.id == id {
                detail?.saving = nil
                detail?.notice = "\(field.rawValue) not set to \(label): \(error). Not retried (the server may have applied it): r reloads the ticket."
                detail?.noticeIsError = true
            }
        case .changed(let fresh, let at):
            mergeChanged(fresh)
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

    private mutating func handle(_ key: Key) -> [Command] {
        if key == .ctrl("c") { quit = true; return [.quit] }
        if filterEditing && detail == nil && !showHelp { return handleFilterInput(key) }
        if serverFilterEditing && detail == nil && !showHelp { return handleServerFilterInput(key) }
        // A path being typed takes every key (q, t, r, ? are letters of it).
        if detail?.attachPath != nil && !showHelp { return handleAttachPrompt(key) }
        if key == .char("q") { quit = true; return [.quit] }
        if showHelp {
            if key == .char("?") || key == .escape || key == .enter { showHelp = false }
            return []
        }
        switch key {
        case .char("?"): showHelp = true; return []
        case .char("t") where detail?.edit == nil: return [.nextTheme]
        case .char("r"):
            // In the detail view the ticket is fetched again too.
            if let d = detail, d.edit == nil { detail?.loading = true; return [.refresh, .loadDetail(d.id)] }
            return [.refresh]
        default: break
        }
        if detail != nil { return handleDetail(key) }
        if openRequest != nil { return handleRequestView(key) }
        switch key {
        case .tab, .backTab:
            focus = focus == .tickets ? .log : .tickets
            return []
        default: break
        }
        return focus == .tickets ? handleList(key) : handleLog(key)
    }

    private mutating func handleDetail(_ key: Key) -> [Command] {
        guard var d = detail else { return [] }
        if d.edit != nil { return handleEdit(key) }
        if d.attachPath != nil { return handleAttachPrompt(key) }
        let page = max(1, layout.body.height - 4)
        switch key {
        case .char("y"), .char("o"): return share(d.ticket, key)
        case .char("s"), .char("p"):
            // One change at a time, and not before the full ticket is in.
            guard d.saving == nil, !d.loading else { return [] }
            let field: EditableField = key == .char("s") ? .status : .priority
            d.edit = EditState(field: field)
            d.notice = nil
            detail = d
            return [.loadChoices(field)]
        case .char("a"):
            guard d.saving == nil, !d.loading else { return [] }
            if vendor == "Atera" {
                d.notice = "Atera's API takes no ticket attachments: attach it in the Atera web app"
                d.noticeIsError = true
            } else {
                d.attachPath = ""
                d.notice = nil
            }
            detail = d
            return []
        case .escape, .backspace, .char("h"), .left: detail = nil; return []
        case .char("j"), .down: d.scroll += 1
        case .char("k"), .up: d.scroll -= 1
        case .pageDown, .ctrl("f"), .char(" "): d.scroll += page
        case .pageUp, .ctrl("b"): d.scroll -= page
        case .char("g"), .home: d.scroll = 0
        default: break
        }
        d.scroll = max(0, d.scroll)
        detail = d
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
        if vendor != "Atera", let p = poll, let others = p.othersPerHour, let ours = p.oursPerMinute {
            perMinute = Double(ours) + others / 60
        } else if let h = history, let perBucket = h.ratePerBucket {
            perMinute = perBucket / h.bucketSeconds * 60
        } else {
            return nil
        }
        return QuotaForecast(count: q.used, limit: q.limit, perMinute: perMinute,
                             horizon: Double(q.windowSeconds), boundaries: vendor == "Atera" ? QuotaForecast.atera : QuotaForecast.autotask)
    }

    /// What became of an attachment: in its ticket when that is open, else in the footer.
    private mutating func attachOutcome(_ id: Int64, _ text: String, elsewhere: String, failed: Bool) {
        guard detail?.id == id else { say(elsewhere); return }
        detail?.saving = nil
        detail?.notice = text
        detail?.noticeIsError = failed
    }

    /// The path prompt after `a`: typing edits, Enter attaches, Esc cancels.
    private mutating func handleAttachPrompt(_ key: Key) -> [Command] {
        guard var d = detail, var path = d.attachPath else { return [] }
        switch key {
        case .enter:
            let typed = path.trimmingCharacters(in: .whitespaces)
            guard !typed.isEmpty else { return [] }
            d.attachPath = nil
            d.saving = "attaching \(Self.fileName(typed))"
            detail = d
            return [.attach(id: d.id, path: typed)]
        case .escape: d.attachPath = nil
        case .backspace: if !path.isEmpty { path.removeLast() }; d.attachPath = path
        case .ctrl("u"): d.attachPath = ""
        case .ctrl("w"):
            // The last path component (or word), as shells do.
            while path.last == "/" || path.last == " " { path.removeLast() }
            while let c = path.last, c != "/", c != " " { path.removeLast() }
            d.attachPath = path
        case .char(let c):
            // Control and format characters (a pasted escape sequence) do not enter the path.
            guard c.isTypable, path.utf8.count < 4_096 else { return [] }
            d.attachPath = path + String(c)
        default: return []
        }
        detail = d
        return []
    }

    /// The last component of a typed path ("~/logs/app.log" → "app.log").
    static func fileName(_ path: String) -> String {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        return trimmed.split(separator: "/").last.map(String.init) ?? path
    }

    /// The picker: j/k choose, Enter asks to confirm, y sends, n goes back, Esc closes.
    private mutating func handleEdit(_ key: Key) -> [Command] {
        guard var d = detail, var e = d.edit else { return [] }
        let count = e.choices?.count ?? 0
        if e.confirming {
            switch key {
            case .char("y"), .char("Y"):
                guard let choices = e.choices, choices.indices.contains(e.selected) else { return [] }
                let label = choices[e.selected]
                d.edit = nil
                d.saving = "\(e.field.rawValue) \(ascii ? "->" : "→") \(label)"
                detail = d
                return [.change(id: d.id, e.field, to: label)]
            case .char("n"), .char("N"), .escape, .backspace: e.confirming = false
            default: return []
            }
        } else {
            switch key {
            case .char("j"), .down: e.selected = min(e.selected + 1, max(0, count - 1))
            case .char("k"), .up: e.selected = max(e.selected - 1, 0)
            case .char("g"), .home: e.selected = 0
            case .char("G"), .end: e.selected = max(0, count - 1)
            case .enter:
                guard let choices = e.choices, choices.indices.contains(e.selected) else { return [] }
                let current = e.field == .status ? d.ticket.status : d.ticket.priority
                if choices[e.selected].caseInsensitiveCompare(current) == .orderedSame {
                    d.edit = nil
                    d.notice = "\(e.field.rawValue) is already \(current): nothing sent"
                    d.noticeIsError = false
                    detail = d
                    return []
                }
                e.confirming = true
            case .escape, .backspace, .char("h"), .left:
                d.edit = nil
                detail = d
                return []
            default: return []
            }
        }
        d.edit = e
        detail = d
        return []
    }

    /// `y` copies the ticket's number; `o` opens its web page (or says there is none).
    private mutating func share(_ t: Ticket, _ key: Key) -> [Command] {
        if key == .char("y") {
            say("copied \(t.number) (OSC 52; in tmux: set -g set-clipboard on)")
            return [.copy(t.number)]
        }
        guard let url = ticketURL(t) else {
            say("no web page for this tenant (a simulator)")
            return []
        }
        say("opening \(url)")
        return [.open(url)]
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
            if field == .status { t.status = label } else { t.priority = label }
            tickets[i] = listCopy(t)
        }
        if detail?.id == id {
            if field == .status { detail?.ticket.status = label } else { detail?.ticket.priority = label }
        }
        if view != nil { rebuildView() }
    }

    mutating func handleList(_ key: Key) -> [Command] {
        let page = max(1, listRows - 1)
        switch key {
        case .char("j"), .down: selected += 1
        case .char("k"), .up: selected -= 1
        case .pageDown, .ctrl("f"), .char(" "): selected += page
        case .pageUp, .ctrl("b"): selected -= page
        case .ctrl("d"): selected += page / 2
        case .ctrl("u"): selected -= page / 2
        case .char("g"), .home: selected = 0
        case .char("G"), .end: selected = visibleCount - 1
        case .char("/"):
            filterEditing = true
            return []
        case .char("F"):
            serverFilterEditing = true
            serverFilterText = serverFilter?.text ?? ""
            serverFilterError = nil
            return []
        case .char("y"), .char("o"):
            guard let t = selectedTicket else { return [] }
            return share(t, key)
        case .escape where filterActive:
            filterText = ""
            rebuildView()
            return []
        case .char("s"):
            order = ListOrder.next(after: order)
            rebuildView()
            return []
        case .char("S"):
            if var o = order { o.descending.toggle(); order = o } else { order = ListOrder(column: .number, descending: true) }
            rebuildView()
            return []
        case .enter, .char("l"), .right:
            guard let t = selectedTicket else { return [] }
            detail = DetailState(id: t.id, ticket: t, loading: true)
            return [.loadDetail(t.id)]
        default: return []
        }
        clampSelection()
        return nearEndLoad()
    }

    private mutating func handleLog(_ key: Key) -> [Command] {
        switch key {
        case .char("j"), .down: logSelected += 1
        case .char("k"), .up: logSelected -= 1
        case .pageDown, .ctrl("f"): logSelected += logRows
        case .pageUp, .ctrl("b"): logSelected -= logRows
        case .char("g"), .home: logSelected = 0
        case .char("G"), .end: logSelected = visibleLogCount - 1
        case .enter, .char("l"), .right:
            let shown = visibleLog
            guard shown.indices.contains(logSelected) else { return [] }
            openRequest = shown[logSelected]
            requestScroll = 0
            return []
        case .char("e"): logErrorsOnly.toggle(); logSelected = 0
        case .char("f"):
            // The next endpoint seen in the log, then all of them again.
            let all = Array(Set(log.map { Self.endpoint(of: $0.path) })).sorted()
            if let cur = logEndpoint, let i = all.firstIndex(of: cur) { logEndpoint = i + 1 < all.count ? all[i + 1] : nil }
            else { logEndpoint = all.first }
            logSelected = 0
        default: break
        }
        logSelected = max(0, min(logSelected, visibleLogCount - 1))
        return []
    }

    /// The prompt after `F`: Enter asks the server for the list under the typed filter (empty: all
    /// tickets); a filter that does not parse stays open with the reason; Esc leaves things as they were.
    private mutating func handleServerFilterInput(_ key: Key) -> [Command] {
        switch key {
        case .escape: serverFilterEditing = false; serverFilterError = nil
        case .backspace: if !serverFilterText.isEmpty { serverFilterText.removeLast() }; serverFilterError = nil
        case .ctrl("u"): serverFilterText = ""; serverFilterError = nil
        case .enter:
            do {
                let f = try ServerFilter.parse(serverFilterText)
                serverFilterEditing = false
                serverFilterError = nil
                return setServerFilter(f.isEmpty ? nil : f)
            } catch {
                serverFilterError = error.description
            }
        case .char(let c):
            guard c.isTypable, serverFilterText.count < 300 else { return [] }
            serverFilterText.append(c)
            serverFilterError = nil
        default: break
        }
        return []
    }

    /// Starts the list again under a server filter: the loaded tickets are another set now.
    mutating func setServerFilter(_ f: ServerFilter?) -> [Command] {
        guard f != serverFilter || listError != nil else { return [] }
        serverFilter = f
        tickets = []
        view = nil
        total = nil
        next = nil
        listComplete = false
        listError = nil
        changedIDs = []
        selected = 0
        top = 0
        filterPages = 0
        loadingPage = true
        if filterActive || order != nil { rebuildView() }
        return [.setServerFilter(f)]
    }

    /// One request in full: j/k and pages scroll, Esc goes back to the log.
    private mutating func handleRequestView(_ key: Key) -> [Command] {
        let page = max(1, layout.body.height - 3)
        switch key {
        case .escape, .backspace, .enter, .char("h"), .left: openRequest = nil; requestScroll = 0; return []
        case .char("j"), .down: requestScroll += 1
        case .char("k"), .up: requestScroll -= 1
        case .pageDown, .ctrl("f"), .char(" "): requestScroll += page
        case .pageUp, .ctrl("b"): requestScroll -= page
        case .char("g"), .home: requestScroll = 0
        case .char("G"), .end: requestScroll = .max
        case .char("n"), .char("N"):
            // The next older (n) or newer (N) request of the log as filtered, without leaving the view.
            let shown = visibleLog
            let i = logSelected + (key == .char("n") ? 1 : -1)
            guard shown.indices.contains(i) else { say(key == .char("n") ? "the oldest request shown" : "the newest request shown"); return [] }
            logSelected = i
            openRequest = shown[i]
            requestScroll = 0
            return []
        case .char("y"):
            guard let rec = openRequest else { return [] }
            switch Self.curl(rec) {
            case .success(let command):
                let v = CredentialVariable.self
                say("copied as curl (credentials as $\(v.autotaskSecret), $\(v.autotaskIntegrationCode), $\(v.ateraKey))")
                return [.copy(command)]
            case .failure(let refusal):
                say("not copied: \(refusal.reason)")
                return []
            }
        default: break
        }
        if let rec = openRequest { requestScroll = max(0, min(requestScroll, requestScrollLimit(rec))) }
        return []
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
