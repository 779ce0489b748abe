import Foundation
import PSACore

/// Keys: what each key does in the pane or overlay that has it (the events from outside are in Reduce.swift).
extension DashboardState {
    mutating func handle(_ key: Key) -> [Command] {
        let mode = self.mode
        guard let action = KeyMap.of(mode).action(for: key) else { return [] }
        // The one place a write key is refused: nothing is sent, the reason is said.
        if let kind = writeKind(of: action), let why = writePolicy.refusal(kind) {
            refuseWrite(why)
            return []
        }
        switch action {
        case .quit:
            // Ctrl-C while typing a note: the note is kept as a draft and psatop asks first; a
            // second Ctrl-C (with no key between) quits.
            if mode == .noteTyping, let n = detail?.noteTyping, !n.interrupted {
                return reduce(.typingInterrupted)
            }
            quit = true
            return [.quit]
        case .help:
            showHelp = true
            return []
        case .closeHelp:
            showHelp = false
            return []
        case .nextTheme: return [.nextTheme]
        case .refresh:
            // In the detail view the ticket is fetched again too (not while choosing a value).
            if let d = detail, d.edit == nil {
                detail?.loading = true
                return [.refresh, .loadDetail(d.id)]
            }
            return [.refresh]
        case .nextTenant, .pickTenant: return []  // the tenants' own (Reduce.swift)
        case .palette, .nextView, .pickView, .reload, .zoom, .foldGauge: return handleCustomize(action) ?? []
        case .history: return openHistory()
        case .timer where mode == .list || mode == .filteredList || mode == .detail: return toggleTimer()
        case .logTime where mode == .list || mode == .filteredList || mode == .detail: return startTimeLog()
        case .nextPane, .previousPane:
            // Tickets → alerts (where the tenant has them) → request log, and back.
            let order: [Pane] = alertsPane.list == nil ? [.tickets, .log] : [.tickets, .alerts, .log]
            let i = order.firstIndex(of: focus) ?? 0
            focus = order[(i + (action == .nextPane ? 1 : order.count - 1)) % order.count]
            return []
        default: break
        }
        switch mode {
        case .help, .palette: return []
        case .output: return handleOutput(action)
        case .history: return handleHistory(action)
        case .list, .filteredList: return handleList(action)
        case .log: return handleLog(action)
        case .alerts: return handleAlerts(action)
        case .request: return handleRequestView(action)
        case .alert: return handleAlertView(action)
        case .detail: return handleDetail(action)
        case .picker, .pickerTyping, .pickerConfirm: return handleEdit(action, key)
        case .attachPath: return handleAttachPrompt(action, key)
        case .attachConfirm: return handleAttachConfirm(action)
        case .savePath, .saveReplace: return handleSave(action, key)
        case .noteTyping: return handleNoteTyping(action, key)
        case .noteConfirm: return handleNoteConfirm(action)
        case .bulkMenu, .bulkPicker, .bulkConfirm, .bulkResults: return handleBulk(action)
        case .bulkNote: return handleBulkNote(action, key)
        case .timerTyping, .timerConfirm, .timerOffer, .timeSpan: return handleTimer(action, key)
        case .filterPrompt: return handleFilterInput(action, key)
        case .serverFilterPrompt: return handleServerFilterInput(action, key)
        }
    }

    /// `y` copies the ticket's number; `o` opens its web page (or says there is none).
    mutating func share(_ t: Ticket, _ action: KeyAction) -> [Command] {
        if action == .copy {
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
            filterText = (filterText.trimmingCharacters(in: .whitespaces) + " who:me").trimmingCharacters(
                in: .whitespaces)
        } else {
            filterText = words.filter { !mine.contains($0) }.map { $0.contains(" ") ? "\"\($0)\"" : $0 }.joined(
                separator: " ")
        }
        rebuildView()
    }

    mutating func handleList(_ action: KeyAction) -> [Command] {
        let page = max(1, listRows - 1)
        switch action {
        case .mine:
            toggleMine()
            return filterActive ? filterTopUp() : []
        case .mark: toggleMark()
        case .markAll:
            markAllShown()
            return []
        case .clearMarks:
            say(marks.isEmpty ? "no marks" : "\(marks.count) marks cleared")
            marks = []
            return []
        case .bulk:
            startBulk()
            return []
        case .down, .up, .pageDown, .pageUp, .halfDown, .halfUp, .first, .last:
            listCursor.move(action, page: page, count: visibleCount)
        case .filter:
            list.filter.open = true
            return []
        case .serverFilter:
            list.serverPrompt.start(serverFilter?.text ?? "")
            return []
        case .copy, .openWeb:
            guard let t = selectedTicket else { return [] }
            return share(t, action)
        case .clearFilter:
            filterText = ""
            rebuildView()
            return []
        case .sortNext:
            order = ListOrder.next(after: order)
            rebuildView()
            return []
        case .sortReverse:
            if var o = order {
                o.descending.toggle()
                order = o
            } else {
                order = ListOrder(column: .number, descending: true)
            }
            rebuildView()
            return []
        case .open:
            guard let t = selectedTicket else { return [] }
            detail = DetailState(id: t.id, ticket: t, loading: true)
            return [.loadDetail(t.id)]
        default: return []
        }
        clampSelection()
        return nearEndLoad()
    }

    /// The alerts pane: j/k move, Enter shows the alert (and its ticket, if it opened one).
    mutating func handleAlerts(_ action: KeyAction) -> [Command] {
        alertsPane.handle(action, rows: logRows)
        return []
    }

    /// One alert in full: Esc back; Enter opens the ticket it opened, where there is one.
    mutating func handleAlertView(_ action: KeyAction) -> [Command] {
        guard let a = alertsPane.open else { return [] }
        switch action {
        case .back: alertsPane.open = nil
        case .alertTicket:
            guard let id = a.ticketID else {
                say("this alert opened no ticket")
                return []
            }
            alertsPane.open = nil
            let known = tickets.index(ofID: id).map { tickets[$0] }
            detail = DetailState(
                id: id, ticket: known ?? Ticket(id: id, number: "#\(id)", title: a.title, status: "", priority: ""),
                loading: true)
            return [.loadDetail(id)]
        default: break
        }
        return []
    }

    /// The request log's keys are its own (RequestLog).
    mutating func handleLog(_ action: KeyAction) -> [Command] {
        requestLog.handle(action, rows: logRows)
        return []
    }

    /// The prompt after `F`: Enter asks the server for the list under the typed filter (empty: all
    /// tickets); a filter that does not parse stays open with the reason; Esc leaves things as they were.
    mutating func handleServerFilterInput(_ action: KeyAction, _ key: Key) -> [Command] {
        switch action {
        case .cancel:
            list.serverPrompt.close()
        case .erase, .eraseAll, .eraseWord, .type:
            guard list.serverPrompt.edit(key, maxCharacters: 300) else { return [] }
            list.serverPrompt.error = nil
        case .accept:
            do {
                let f = try ServerFilter.parse(list.serverPrompt.text)
                list.serverPrompt.close()
                return setServerFilter(f.isEmpty ? nil : f)
            } catch {
                list.serverPrompt.error = error.description
            }
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
        listCursor = Cursor()
        filterPages = 0
        loadingPage = true
        if filterActive || order != nil { rebuildView() }
        return [.setServerFilter(f)]
    }

    /// One request in full: j/k and pages scroll, Esc goes back to the log.
    mutating func handleRequestView(_ action: KeyAction) -> [Command] {
        let page = max(1, layout.body.height - 3)
        switch action {
        case .back:
            requestLog.open = nil
            requestLog.openCursor = Cursor()
            return []
        case .down, .up, .pageDown, .pageUp, .first, .last:
            // (The last line: as far as the view scrolls.)
            let limit = requestLog.open.map(requestScrollLimit) ?? 0
            requestLog.openCursor.move(action, page: page, count: limit + 1)
        case .older, .newer:
            // The next older (n) or newer (N) request of the log as filtered, without leaving the view.
            if !requestLog.step(older: action == .older) {
                say(action == .older ? "the oldest request shown" : "the newest request shown")
            }
            return []
        case .copyCurl:
            guard let rec = requestLog.open else { return [] }
            switch Self.curl(rec, vendor: vendor) {
            case .success(let command):
                say("copied as curl (\(vendor.credentials.curlNote))")
                return [.copy(command)]
            case .failure(let refusal):
                say("not copied: \(refusal.reason)")
                return []
            }
        default: break
        }
        if let rec = requestLog.open { requestLog.openCursor.clamp(count: requestScrollLimit(rec) + 1) }
        return []
    }
}
