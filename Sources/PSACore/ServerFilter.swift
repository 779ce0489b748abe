import Foundation

/// What the server itself filters tickets by, where the vendor's API can: a status (both), a
/// queue (Autotask), a company or customer (both). Labels as people read them; the vendor layer
/// turns them into picklist values and ids. All given parts must hold (AND).
public struct ServerFilter: Sendable, Equatable, Hashable {
    public var status: String?
    public var queue: String?
    public var company: String?
    /// `me` (the person `--me` names) or `#id` of a resource (Autotask; Atera cannot filter by technician).
    public var assignee: String?

    public init(status: String? = nil, queue: String? = nil, company: String? = nil, assignee: String? = nil) {
        self.status = status
        self.queue = queue
        self.company = company
        self.assignee = assignee
    }

    public var isEmpty: Bool { status == nil && queue == nil && company == nil && assignee == nil }

    /// As typed: `status:"In Progress" queue:"Level I Support"`.
    public var text: String {
        func part(_ key: String, _ v: String?) -> String? {
            v.map { key + ":" + ($0.contains(" ") ? "\"\($0)\"" : $0) }
        }
        return [part("status", status), part("queue", queue), part("company", company), part("assignee", assignee)]
            .compactMap { $0 }.joined(separator: " ")
    }

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// The part a key sets (`co` and `customer` are `company`).
    static func part(_ key: String) -> WritableKeyPath<ServerFilter, String?>? {
        switch key {
        case "status": \.status
        case "queue", "team": \.queue
        case "company", "co", "customer", "client": \.company
        case "assignee", "who", "agent": \.assignee
        default: nil
        }
    }

    /// `status:Waiting Customer queue:"Level I Support" co:Acme` — a value runs to the next
    /// `key:` (quotes optional). Empty text is no filter.
    public static func parse(_ text: String) throws(ParseError) -> ServerFilter {
        var f = ServerFilter()
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return f }
        // Where each `key:` starts (at the start or after a space, outside quotes).
        var starts: [(key: String, at: String.Index, valueAt: String.Index)] = []
        var inQuotes = false
        var i = trimmed.startIndex
        while i < trimmed.endIndex {
            let c = trimmed[i]
            if c == "\"" { inQuotes.toggle() }
            if !inQuotes, i == trimmed.startIndex || trimmed[trimmed.index(before: i)] == " " {
                let word = trimmed[i...].prefix { $0 != ":" && $0 != " " && $0 != "\"" }
                let after = trimmed.index(i, offsetBy: word.count)
                if after < trimmed.endIndex, trimmed[after] == ":", part(word.lowercased()) != nil {
                    starts.append((word.lowercased(), i, trimmed.index(after: after)))
                }
            }
            i = trimmed.index(after: i)
        }
        guard let first = starts.first, first.at == trimmed.startIndex else {
            throw ParseError(
                description:
                    "a server filter is key:value — status:, queue:, company:, assignee:me (e.g. status:New queue:\"Level I Support\")"
            )
        }
        for (n, s) in starts.enumerated() {
            let end = n + 1 < starts.count ? starts[n + 1].at : trimmed.endIndex
            var value = trimmed[s.valueAt..<end].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            value = value.trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty else { throw ParseError(description: "\(s.key): needs a value") }
            guard value.count <= 200 else { throw ParseError(description: "\(s.key): value is too long") }
            let path = part(s.key)!
            if let old = f[keyPath: path], old.caseInsensitiveCompare(value) != .orderedSame {
                throw ParseError(description: "\(s.key) is given twice (\(old), \(value)); the server takes one")
            }
            f[keyPath: path] = value
        }
        return f
    }
}
