import ArgumentParser
import Dashboard
import Foundation
import PSAApp
import PSAClient
import PSACore
import Synchronization

struct TicketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets", abstract: "Print tickets for scripts, through the same rate-aware client.",
        discussion: """
            Tickets go to stdout (tab-separated, --json or --csv); waits and errors to stderr. Without \
            --all one page is printed, and stderr says so when there are more ("printed 500 of 1,234 \
            tickets (one page); --all prints every one").

            Exit codes: 0 printed (no ticket is not an error; a reader that went away, as with | head, \
            neither); 1 an error (the configuration, the connection, the API), said on stderr with \
            secrets removed; 64 a bad command line.
            """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var requestLog: RequestLogOptions

    @Flag(help: "Walk every page (Autotask by id, the others page by page).")
    var all = false

    @Option(help: "Stop after this many tickets (default: one page unless --all).")
    var limit: Int?

    @Flag(help: "Print a JSON array.")
    var json = false

    @Flag(
        help: ArgumentHelp(
            "With --json: each ticket's logged hours (loggedHours).",
            discussion: "Autotask: one TimeEntries query per 500 tickets, not one per ticket."))
    var withTime = false

    @Flag(help: "Print CSV (RFC 4180, with a header row).")
    var csv = false

    @Option(
        help:
            "Only tickets with this status, filtered by the server (a label such as New or \"In Progress\"; Atera: any status name)."
    )
    var status: String?

    @Option(
        help: "Only tickets in this queue (Autotask; its label, such as \"Level I Support\"), filtered by the server.")
    var queue: String?

    @Option(
        help:
            "Only tickets of this company (Atera: customer): its name, a part only its name has, or #id; filtered by the server."
    )
    var company: String?

    @Option(
        help:
            "A saved view ([[views]] in the config file): its server filter (--status/--queue/--company override its parts), its filter, its order and, in the tab-separated output, its columns."
    )
    var view: String?

    @Option(
        help: ArgumentHelp(
            "Requests in flight at once for --all on Autotask, 1 to 3.",
            discussion:
                "Autotask allows 3 per integration code and endpoint, shared by every process using the code; the default 2 leaves one for a dashboard or a status run."
        ))
    var threads = 2

    @Flag(name: .shortAndLong, help: "No progress, no summary and no notices about waits on stderr (errors still).")
    var quiet = false

    func validate() throws {
        if !(1...3).contains(threads) {
            throw ValidationError(
                "--threads must be 1, 2 or 3 (Autotask allows 3 requests at once per integration code)")
        }
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
        if json && csv { throw ValidationError("choose --json or --csv, not both") }
        if withTime && !json { throw ValidationError("--with-time goes with --json") }
        for (flag, value) in [("--status", status), ("--queue", queue), ("--company", company)] {
            if let value, value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("\(flag) must not be empty")
            }
        }
    }

    /// The flags over the view's server filter.
    func serverFilter(_ v: SavedView?) -> ServerFilter {
        var f = v?.serverFilter ?? ServerFilter()
        if let status { f.status = status }
        if let queue { f.queue = queue }
        if let company { f.company = company }
        return f
    }

    /// The view `--view` names, for this command's profile.
    func savedView(_ settings: ConnectionSettings) -> SavedView? {
        guard let view else { return nil }
        let config: PSAConfig?
        do { config = try PSAConfig.load(path: connection.config) } catch { fail("\(error)") }
        let views = config?.custom.views(for: settings.name) ?? []
        guard let v = views.first(where: { $0.name.caseInsensitiveCompare(view) == .orderedSame }) else {
            fail(
                "--view \(view): no such view"
                    + (views.isEmpty
                        ? " (the config file has no [[views]] for this profile)"
                        : "; views: \(views.map(\.name).joined(separator: ", "))"))
        }
        return v
    }

    func run() async throws {
        let conn: Connection
        // The export prints every field it knows, so its pages ask for those (not the list's few).
        var settings = connection.single
        settings.fieldSet = .export
        let saved = savedView(settings)
        let filter = serverFilter(saved)
        do { conn = try await Connection.open(settings) } catch { fail("\(error)") }
        let verbose = await requestLog.start([conn])
        let history = await connection.startHistory(.tickets, [conn])
        // Say on stderr why the walk waits (ceiling, suspension, server pauses); stdout stays data.
        let events = await conn.api.client.events()
        // -v prints every request as a line of its own: no progress line rewritten among them.
        let board = ProgressBoard(onTerminal: all && !quiet && verbose == nil && ProgressBoard.stderrIsTerminal)
        let notices = Task {
            for await e in events {
                switch e {
                case .ceiling(let status?):
                    board.waiting("the quota ceiling", until: nil)
                    if !quiet { board.note(status.text) }
                case .ceiling(nil):
                    board.waiting(nil, until: nil)
                    if !quiet { board.note("bulk work goes on") }
                case .paused(let until, let reason, let detail):
                    let why = reason == .suspended ? "tenant suspended" : "paused by the server"
                    board.waiting(why, until: until)
                    if !quiet {
                        board.note("\(why) until \(until.formatted(date: .omitted, time: .standard)): \(detail)")
                    }
                case .resumed: board.waiting(nil, until: nil)
                case .attachmentWait, .measuredTier, .record: break
                }
            }
        }
        defer { notices.cancel() }
        let ticker = Task {
            while !Task.isCancelled {
                board.draw()
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        defer { ticker.cancel() }
        var tickets: [Ticket]
        do {
            // Without --all: the first page (up to --limit).
            if all {
                // A walk the server would not let end is stopped and said to be incomplete (even with -q).
                let options = WalkOptions(
                    threads: threads,
                    progress: { p in
                        board.update(p)
                        if let why = p.stopped { board.note("warning: \(why)") }
                    })
                tickets = try await conn.api.allTickets(limit: limit, filter: filter, options: options)
                ticker.cancel()
                let usage = await conn.api.client.estimatedUsage()
                board.finish(
                    summary: quiet || !ProgressBoard.stderrIsTerminal
                        ? nil : { $0.summary(now: ProgressBoard.now, tickets: tickets.count, usage: usage) })
            } else {
                let first: TicketPage
                if filter.isEmpty {
                    first = try await conn.api.page(after: nil)
                } else {
                    first = try await conn.api.page(after: nil, filter: filter)
                }
                tickets = Array(first.tickets.prefix(limit ?? .max))
                // One page of more is said, with how to get the rest (stdout stays data).
                if !quiet,
                    let n = ExportCoverage.note(
                        printed: tickets.count, total: first.total, morePages: first.next != nil, limited: limit != nil)
                {
                    Out.err("psatop: \(n)\n")
                }
            }
        } catch {
            board.finish(summary: nil)
            await verbose?.finish()
            await history?.finish()
            let text = ErrorPlace.text(error, vendor: conn.api.vendor, baseURL: await conn.api.apiBaseURL())
            await conn.close()
            fail((settings.name.map { "profile '\($0)': " } ?? "") + text)
        }
        if let saved { tickets = saved.select(tickets, now: Date()) }
        var hours: [Int64: Double] = [:]
        if withTime {
            do { hours = try await TicketHours.hours(conn.api, tickets: tickets) } catch {
                await verbose?.finish()
                await history?.finish()
                await conn.close()
                fail("--with-time: \(error)")
            }
        }
        await verbose?.finish()
        await history?.finish()
        await conn.close()
        notices.cancel()
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            enc.dateEncodingStrategy = .iso8601
            enc.userInfo[SLA.nowKey] = Date()  // breaches judged at the export's moment
            let data =
                withTime
                ? try enc.encode(tickets.map { TicketWithHours($0, loggedHours: hours[$0.id] ?? 0) })
                : try enc.encode(tickets)
            Out.data(JSONStrings.escapingInvisibles(data))
            Out.data(Data("\n".utf8))
        } else if csv {
            Out.data(Data(TicketCSV.text(tickets).utf8))
        } else {
            for t in tickets {
                let fields =
                    saved?.columns.map { cols in cols.map { SavedView.text(t, $0) } }
                    ?? [t.number, t.status, t.priority, t.company, t.title]
                Out.line(fields.map(\.sanitized).joined(separator: "\t"))
            }
        }
    }
}

/// One line on stderr, prefixed like every other message psatop prints there.
func note(_ message: String) {
    Out.err("psatop: \(message.sanitized)\n")
}

/// The progress line of `tickets --all` on a terminal (rewritten in place on stderr, at most four
/// times a second), the notices about waits as plain lines (also when stderr is not a terminal),
/// and the summary at the end. Called from the walk's tasks, the events and a ticker.
final class ProgressBoard: Sendable {
    private struct State {
        var report: WalkReport
        var shown = false
        var finished = false
    }
    private let state: Mutex<State>
    private let onTerminal: Bool

    static var stderrIsTerminal: Bool {
        isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }
    static var now: Double { Date().timeIntervalSince1970 }

    /// stderr's terminal width now (it may be resized during the walk); 80 when unknown.
    static func terminalWidth() -> Int {
        var ws = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col > 0 else { return 80 }
        return Int(ws.ws_col)
    }

    init(onTerminal: Bool) {
        self.onTerminal = onTerminal
        state = Mutex(State(report: WalkReport(started: Self.now)))
    }

    func update(_ p: WalkProgress) { state.withLock { $0.report.latest = p } }
    func waiting(_ why: String?, until: Date?) { state.withLock { $0.report.waiting = why.map { ($0, until) } } }

    /// Redraws the progress line (terminal only).
    func draw() {
        guard onTerminal else { return }
        state.withLock { s in
            guard !s.finished, s.report.latest.pages > 0 else { return }
            // One physical line, or `\r` would leave the wrapped part behind.
            let width = Self.terminalWidth() - 1
            Out.err(
                "\r\u{1B}[2K" + TextWidth.truncate(s.report.progressLine(now: Self.now).sanitized, to: max(10, width)))
            s.shown = true
        }
    }

    /// A line that stays: the progress line is cleared first and drawn again at the next tick.
    func note(_ message: String) {
        state.withLock { s in
            if s.shown {
                Out.err("\r\u{1B}[2K")
                s.shown = false
            }
            Out.err("psatop: \(message.sanitized)\n")
        }
    }

    /// Clears the progress line and prints the summary (nil: none).
    func finish(summary: ((WalkReport) -> String)?) {
        state.withLock { s in
            if s.shown {
                Out.err("\r\u{1B}[2K")
                s.shown = false
            }
            s.finished = true
            if let summary { Out.err("psatop: \(summary(s.report).sanitized)\n") }
        }
    }
}
