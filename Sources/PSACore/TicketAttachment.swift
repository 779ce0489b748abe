import Foundation

/// A file on a ticket, as the detail lists it. Autotask holds the data (fetched by id); Atera
/// gives only an address, often on another host.
public struct TicketAttachment: Sendable, Equatable, Codable {
    /// Autotask's attachment id; nil for Atera.
    public var id: Int64?
    /// A safe file name (`SafeFileName`), never the server's text as it came.
    public var name: String
    public var size: Int?
    public var author: String?
    public var date: Date?
    /// nil where the vendor does not say.
    public var isInternal: Bool?
    /// Where Atera keeps it.
    public var url: String?

    public init(
        id: Int64? = nil, name: String, size: Int? = nil, author: String? = nil, date: Date? = nil,
        isInternal: Bool? = nil, url: String? = nil
    ) {
        self.id = id
        self.name = SafeFileName.clean(name)
        self.size = size.map { max(0, $0) }
        self.author = author.map { Ticket.clamp($0, 200) }
        self.date = date
        self.isInternal = isInternal
        self.url = url.map { Ticket.clamp($0, 4_096) }
    }
}

/// A file name from a server made safe to save under: its last path component only (`/` and `\`
/// both end a folder), no control, format, bidi or zero-width character, no leading dot (no
/// `..`, no hidden file), at most 150 characters with the extension kept; "attachment" when
/// nothing is left.
public enum SafeFileName {
    public static func clean(_ raw: String) -> String {
        var s = raw.withoutControlOrFormat
        if let cut = s.lastIndex(where: { $0 == "/" || $0 == "\\" }) { s = String(s[s.index(after: cut)...]) }
        s = s.trimmingCharacters(in: .whitespaces)
        while s.hasPrefix(".") { s.removeFirst() }
        s = s.trimmingCharacters(in: .whitespaces)
        if s.count > 150 {
            let ext = (s as NSString).pathExtension
            let keep = ext.isEmpty || ext.count > 10 ? "" : "." + ext
            s = String(s.prefix(150 - keep.count)) + keep
        }
        return s.isEmpty ? "attachment" : s
    }
}
