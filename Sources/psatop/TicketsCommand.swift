import ArgumentParser
import Foundation
import PSAApp
import PSAClient
import PSACore

struct TicketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets", abstract: "Print tickets for scripts, through the same rate-aware client.",
        discussion: """
        Tickets go to stdout (tab-separated, --json or --csv); waits and errors to stderr.

        Exit codes: 0 printed (no ticket is not an error; a reader that went away, as with | head, \
        neither); 1 an error (the configuration, the connection, the API), said on stderr with \
        secrets removed; 64 a bad command line.
        """)

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var requestLog: RequestLogOptions

    @Flag(help: "Walk every page (Autotask by id, Atera by page).")
    var all = false

    @Option(help: "Stop after this many tickets (default: one page unless --all).")
    var limit: Int?

    @Flag(help: "Print a JSON array.")
    var json = false

    @Flag(help: "Print CSV (RFC 4180, with a header row).")
    var csv = false

    @Option(help: "Only tickets with this status, filtered by the server (a label such as New or \"In Progress\"; Atera: any status name).")
    var status: String?

    @Option(help: "Only tickets in this queue (Autotask; its label, such as \"Level I Support\"), filtered by the server.")
    var queue: String?

    @Option(help: "Only tickets of this company (Atera: customer): its name, a part only its name has, or #id; filtered by the server.")
    var company: String?

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
        if json && csv { throw ValidationError("choose --json or --csv, not both") }
        for (flag, value) in [("--status", status), ("--queue", queue), ("--company", company)] {
            if let value, value.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("\(flag) must not be empty") }
        }
    }

    var filter: ServerFilter { ServerFilter(status: status, queue: queue, company: company) }

    func run() async throws {
        let conn: Connection
        // The export prints every field it knows, so its pages ask for those (not the list's few).
        var settings = connection.single
        settings.fieldSet = .export
        do { conn = try await Connection.open(settings) } catch { fail("\(error)") }
        let verbose = await requestLog.start([conn])
        // Say on stderr why the walk waits (ceiling, suspension, server pauses); stdout stays data.
        let events = await conn.api.client.events()
        let notices = Task {
            for await e in events {
                switch e {
                case .ceiling(let status?): note(status.text)
                case .ceiling(nil): note("bulk work goes on")
                case .paused(let until, let reason, let detail):
                    note("\(reason == .suspended ? "tenant suspended" : "paused by the server") until \(until.formatted(date: .omitted, time: .standard)): \(detail)")
                case .attachmentWait, .measuredTier, .record, .resumed: break
                }
            }
        }
        defer { notices.cancel() }
        let tickets: [Ticket]
        do {
            // Without --all: the first page (up to --limit).
            if all {
                tickets = try await conn.api.allTickets(limit: limit, filter: filter)
            } else {
                let first: TicketPage
                if filter.isEmpty { first = try await conn.api.page(after: nil) } else { first = try await conn.api.page(after: nil, filter: filter) }
                tickets = Array(first.tickets.prefix(limit ?? .max))
            }
        } catch {
            await verbose?.finish()
            await conn.close()
            fail("\(error)")
        }
        await verbose?.finish()
        await conn.close()
        notices.cancel()
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            enc.dateEncodingStrategy = .iso8601
            enc.userInfo[SLA.nowKey] = Date() // breaches judged at the export's moment
            Out.data(try enc.encode(tickets))
            Out.data(Data("\n".utf8))
        } else if csv {
            Out.data(Data(TicketCSV.text(tickets).utf8))
        } else {
            for t in tickets {
                Out.line([t.number, t.status, t.priority, t.company, t.title].map(\.sanitized).joined(separator: "\t"))
            }
        }
    }
}

/// One line on stderr, prefixed like every other message psatop prints there.
func note(_ message: String) {
    Out.err("psatop: \(message.sanitized)\n")
}
