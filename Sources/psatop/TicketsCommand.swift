import ArgumentParser
import Foundation
import PSAApp
import PSAClient
import PSACore

struct TicketsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tickets", abstract: "Print tickets for scripts, through the same rate-aware client.")

    @OptionGroup var connection: ConnectionOptions

    @Flag(help: "Walk every page (Autotask by id, Atera by page).")
    var all = false

    @Option(help: "Stop after this many tickets (default: one page unless --all).")
    var limit: Int?

    @Flag(help: "Print a JSON array.")
    var json = false

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more") }
    }

    func run() async throws {
        let conn: Connection
        do { conn = try await Connection.open(connection.settings) } catch { fail("\(error)") }
        var tickets: [Ticket] = []
        do {
            var cursor: PageCursor? = nil
            repeat {
                let page = try await conn.api.page(after: cursor)
                tickets.append(contentsOf: page.tickets)
                cursor = page.next
                if let limit, tickets.count >= limit { tickets = Array(tickets.prefix(limit)); break }
            } while all && cursor != nil
        } catch {
            await conn.close()
            fail("\(error)")
        }
        await conn.close()
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            enc.dateEncodingStrategy = .iso8601
            FileHandle.standardOutput.write(try enc.encode(tickets))
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            for t in tickets {
                let line = [t.number, t.status, t.priority, t.company, t.title].map(\.sanitized).joined(separator: "\t")
                print(line)
            }
        }
    }
}
