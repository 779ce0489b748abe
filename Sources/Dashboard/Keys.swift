import Foundation
import PSACore

/// Keys: what each key does in the pane or overlay that has it (the events from outside are in Reduce.swift).
extension DashboardState {
    mutating func handle(_ key: Key) -> [Command] {
        if key == .ctrl("c") { quit = true; return [.quit] }
        if filterEditing && detail == nil && !showHelp { return handleFilterInput(key) }
        if serverFilterEditing && detail == nil && !showHelp { return handleServerFilterInput(key) }
        // A path being typed takes every key (q, t, r, ? are letters of it); so does another status.
        if detail?.attachPath != nil && !showHelp { return handleAttachPrompt(key) }
        if detail?.save != nil && !showHelp { return handleSave(key) }
        if detail?.edit?.typed != nil && !showHelp { return handleEdit(key) }
        if detail?.noteTyping != nil && !showHelp { return handleNoteTyping(key) }
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
        if openAlert != nil { return handleAlertView(key) }
        switch key {
        case .tab, .backTab:
            // Tickets → alerts (where the tenant has them) → request log, and back.
            let order: [Pane] = alerts == nil ? [.tickets, .log] : [.tickets, .alerts, .log]
            let i = order.firstIndex(of: focus) ?? 0
            focus = order[(i + (key == .tab ? 1 : order.count - 1)) % order.count]
            return []
        default: break
        }
        switch focus {
        case .tickets: return handleList(key)
        case .log: return handleLog(key)
        case .alerts: return handleAlerts(key)
        }
    }

    mutating func handleDetail(_ key: Key) -> [Command] {
        guard var d = detail else { return [] }
        if d.edit != nil { return handleEdit(key) }
        if d.save != nil { return handleSave(key) }
        if d.attachPath != nil { return handleAttachPrompt(key) }
        if d.attachConfirm != nil { return handleAttachConfirm(key) }
        if d.noteConfirm != nil { return handleNoteConfirm(key) }
        let page = max(1, layout.body.height - 4)
        switch key {
        case .char("y"), .char("o"): return share(d.ticket, key)
        case .char("s"), .char("p"), .char("A"):
            // One change at a time, and not before the full ticket is in.
            guard d.saving == nil, !d.loading else { return [] }
            let field: EditableField = key == .char("s") ? .status : key == .char("p") ? .priority : .assignee
            d.edit = EditState(field: field)
            d.notice = nil
            detail = d
            return [.loadChoices(field)]
        case .char("a"):
            guard d.saving == nil, !d.loading else { return [] }
            if let refusal = vendor.attachRefusal {
                d.notice = refusal
                d.noticeIsError = true
            } else {
                d.attachPath = ""
                d.attachVisibility = .internal
                d.notice = nil
            }
            detail = d
            return []
        case .char("w"):
            return startSave()
        case .char("c"):
            // A note (Autotask) or comment (Atera): written in $VISUAL/$EDITOR or inline; a draft
            // kept from before is opened again.
            guard d.saving == nil, !d.loading else { return [] }
            d.notice = nil
            detail = d
            return [.writeNote(id: d.id, draft: drafts[d.id])]
        case .char("f"):
            // System notes (workflow rules, the RMM) folded into a count, or shown.
            d.showSystemNotes.toggle()
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

    /// The path prompt after `a`: typing edits, Enter attaches, Esc cancels.
    mutating func handleAttachPrompt(_ key: Key) -> [Command] {
        guard var d = detail, var path = d.attachPath else { return [] }
        switch key {
        case .enter:
            // Then one question that names who will see the file: internal unless `p`.
            let typed = path.trimmingCharacters(in: .whitespaces)
            guard !typed.isEmpty else { return [] }
            d.attachPath = nil
            d.attachConfirm = typed
            detail = d
            return []
        case .escape: d.attachPath = nil
        default:
            // Backspace, Ctrl-U, Ctrl-W (the last path component) and typed characters.
            guard LineEdit.apply(key, to: &path) else { return [] }
            d.attachPath = path
        }
        detail = d
        return []
    }

    /// The question after the path: `y` attaches for the audience shown, `p` switches between
    /// internal and customer-visible, `n` goes back to the path, Esc cancels.
    mutating func handleAttachConfirm(_ key: Key) -> [Command] {
        guard var d = detail, let path = d.attachConfirm else { return [] }
        switch key {
        case .char("y"), .char("Y"):
            d.attachConfirm = nil
            d.saving = "attaching \(Self.fileName(path)) (\(d.attachVisibility.audience))"
            detail = d
            return [.attach(id: d.id, path: path, visibility: d.attachVisibility)]
        case .char("p"), .char("P"): d.attachVisibility = d.attachVisibility.toggled
        case .char("n"), .char("N"), .backspace: d.attachConfirm = nil; d.attachPath = path
        case .escape: d.attachConfirm = nil; d.attachVisibility = .internal
        default: return []
        }
        detail = d
        return []
    }

    /// Typing a note inline (no editor): Enter starts a new line, Ctrl-D is done, Esc keeps it as a draft.
    mutating func handleNoteTyping(_ key: Key) -> [Command] {
        guard var d = detail, var n = d.noteTyping else { return [] }
        switch key {
        case .ctrl("d"):
            d.noteTyping = nil
            let text = n.text.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty {
                d.notice = "empty note: nothing sent"
                d.noticeIsError = false
            } else {
                n.text = text
                d.noteConfirm = n
                drafts[d.id] = n.path
            }
            detail = d
            return text.isEmpty ? [] : [.keepDraft(path: n.path, text: text)]
        case .escape:
            d.noteTyping = nil
            let kept = !n.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            if kept { drafts[d.id] = n.path }
            d.notice = kept ? "note not sent: the draft is kept at \(n.path) (c reopens it)" : "note cancelled"
            d.noticeIsError = false
            detail = d
            return kept ? [.keepDraft(path: n.path, text: n.text)] : []
        case .enter: n.text += "\n"
        case .tab: n.text += "\t"
        case .backspace: if !n.text.isEmpty { n.text.removeLast() }
        case .char(let c):
            guard c.isTypable, n.text.count < NoteDraft.maxLength else { return [] }
            n.text.append(c)
        default: return []
        }
        d.noteTyping = n
        detail = d
        return []
    }

    /// The question before a note goes: `y` sends it once, `p` switches between internal and
    /// customer-visible, `e` edits again, Esc keeps it as a draft.
    mutating func handleNoteConfirm(_ key: Key) -> [Command] {
        guard var d = detail, var n = d.noteConfirm else { return [] }
        switch key {
        case .char("y"), .char("Y"):
            guard n.text.count <= NoteDraft.maxLength else {
                d.notice = "the note is \(n.text.count) characters; at most \(NoteDraft.maxLength) go: e edits it"
                d.noticeIsError = true
                detail = d
                return []
            }
            d.noteConfirm = nil
            d.saving = "adding the note (\(n.visibility.audience))"
            detail = d
            return [.addNote(id: d.id, text: n.text, visibility: n.visibility, draft: n.path)]
        case .char("p"), .char("P"): n.visibility = n.visibility.toggled; d.noteConfirm = n
        case .char("e"), .char("E"):
            d.noteConfirm = nil
            detail = d
            return [.writeNote(id: d.id, draft: n.path)]
        case .escape, .char("n"), .char("N"):
            d.noteConfirm = nil
            drafts[d.id] = n.path
            d.notice = "note not sent: the draft is kept at \(n.path) (c reopens it)"
            d.noticeIsError = false
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

    /// The picker: j/k choose, Enter asks to confirm, y sends, n goes back, Esc closes. Where the
    /// values are free text (Atera's statuses) a last row "another…" lets one be typed.
    mutating func handleEdit(_ key: Key) -> [Command] {
        guard var d = detail, var e = d.edit else { return [] }
        let count = (e.choices?.count ?? 0) + (e.allowsOther && e.choices != nil ? 1 : 0)
        if var typed = e.typed {
            switch key {
            case .enter:
                let value = typed.trimmingCharacters(in: .whitespaces)
                guard !value.isEmpty else { return [] }
                e.typed = nil
                e.other = value
                e.confirming = true
            case .escape: e.typed = nil
            case .backspace: if !typed.isEmpty { typed.removeLast() }; e.typed = typed
            case .ctrl("u"): e.typed = ""
            case .char(let c):
                guard c.isTypable, typed.count < 100 else { return [] }
                e.typed = typed + String(c)
            default: return []
            }
            d.edit = e
            detail = d
            return []
        }
        if e.confirming {
            switch key {
            case .char("y"), .char("Y"):
                guard let label = e.other ?? e.choices.flatMap({ $0.indices.contains(e.selected) ? $0[e.selected] : nil }) else { return [] }
                d.edit = nil
                d.saving = "\(e.field.rawValue) \(ascii ? "->" : "→") \(label)"
                detail = d
                return [.change(id: d.id, e.field, to: label)]
            case .char("n"), .char("N"), .escape, .backspace: e.confirming = false; e.other = nil
            default: return []
            }
        } else {
            switch key {
            case .char("j"), .down: e.selected = min(e.selected + 1, max(0, count - 1))
            case .char("k"), .up: e.selected = max(e.selected - 1, 0)
            case .char("g"), .home: e.selected = 0
            case .char("G"), .end: e.selected = max(0, count - 1)
            case .enter:
                guard let choices = e.choices else { return [] }
                if e.allowsOther && e.selected == choices.count {
                    e.typed = ""
                    d.edit = e
                    detail = d
                    return []
                }
                guard choices.indices.contains(e.selected) else { return [] }
                let current = d.ticket.value(of: e.field)
                if d.ticket.holds(choices[e.selected], for: e.field) {
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
    mutating func share(_ t: Ticket, _ key: Key) -> [Command] {
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

    /// `m`: only my tickets (adds `who:me` to the filter), or all again.
    mutating func toggleMine() {
        guard me != nil else {
            say(meError.map { "who is me? \($0)" } ?? "who is me? give --me you@msp (or me = \"…\" in the profile)")
            return
        }
        let words = TicketFilter.words(filterText)
        let mine = words.filter { ["who:me", "assignee:me"].contains($0.lowercased()) }
        if mine.isEmpty {
            filterText = (filterText.trimmingCharacters(in: .whitespaces) + " who:me").trimmingCharacters(in: .whitespaces)
        } else {
            filterText = words.filter { !mine.contains($0) }.map { $0.contains(" ") ? "\"\($0)\"" : $0 }.joined(separator: " ")
        }
        rebuildView()
    }

    mutating func handleList(_ key: Key) -> [Command] {
        let page = max(1, listRows - 1)
        switch key {
        case .char("m"):
            toggleMine()
            return filterActive ? filterTopUp() : []
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

    /// The alerts pane: j/k move, Enter shows the alert (and its ticket, if it opened one).
    mutating func handleAlerts(_ key: Key) -> [Command] {
        let count = alerts?.count ?? 0
        switch key {
        case .char("j"), .down: alertSelected += 1
        case .char("k"), .up: alertSelected -= 1
        case .pageDown, .ctrl("f"): alertSelected += logRows
        case .pageUp, .ctrl("b"): alertSelected -= logRows
        case .char("g"), .home: alertSelected = 0
        case .char("G"), .end: alertSelected = count - 1
        case .enter, .char("l"), .right:
            guard let a = alerts, a.indices.contains(alertSelected) else { return [] }
            openAlert = a[alertSelected]
            return []
        default: break
        }
        alertSelected = max(0, min(alertSelected, count - 1))
        return []
    }

    /// One alert in full: Esc back; Enter opens the ticket it opened, where there is one.
    mutating func handleAlertView(_ key: Key) -> [Command] {
        guard let a = openAlert else { return [] }
        switch key {
        case .escape, .backspace, .char("h"), .left: openAlert = nil
        case .enter:
            guard let id = a.ticketID else { say("this alert opened no ticket"); return [] }
            openAlert = nil
            let known = tickets.first { $0.id == id }
            detail = DetailState(id: id, ticket: known ?? Ticket(id: id, number: "#\(id)", title: a.title, status: "", priority: ""), loading: true)
            return [.loadDetail(id)]
        default: break
        }
        return []
    }

    mutating func handleLog(_ key: Key) -> [Command] {
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
    mutating func handleServerFilterInput(_ key: Key) -> [Command] {
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
    mutating func handleRequestView(_ key: Key) -> [Command] {
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
}
