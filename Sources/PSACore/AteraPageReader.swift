import Foundation

extension AteraEnvelope where Item == AteraTicket {
    /// A page of Atera tickets from its bytes, read in one pass as `AutotaskPageReader` reads
    /// Autotask's: each known field put in place as its key is met. Only the plain forms (ids and
    /// counts as integers, texts and dates as strings, nulls, each known key once, valid JSON);
    /// anything else — an id as a string, a count with a fraction, a page longer than `maxItems`,
    /// malformed bytes — goes to `JSONDecoder`, so the answer (or the error) is always the one
    /// `JSONDecoder` and the lenient decoders give (`AteraPageReaderTests` compares both).
    public static func read(_ data: Data, maxItems: Int? = nil) throws -> Self {
        try JSONBytes.page(data, maxItems: maxItems) { $0.ateraPage(maxItems: maxItems) }
    }
}

extension JSONBytes {
    /// `{"items":[…],"totalItemCount":…,"page":…,…}` of tickets; nil: not in the plain forms.
    mutating func ateraPage(maxItems: Int?) -> AteraEnvelope<AteraTicket>? {
        typealias Keys = AteraEnvelope<AteraTicket>.CodingKeys
        var items: [AteraTicket]? = nil
        var counts: [Keys: Int?] = [:]
        var links: [Keys: String?] = [:]
        guard eat(0x7B) else { return nil }
        if !eat(0x7D) {
            repeat {
                guard let key = plainString(), eat(0x3A) else { return nil }
                if Self.equal(key, "items") {
                    guard items == nil, let list = records(maxItems: maxItems, usually: 50, { $0.ateraTicket() }) else {
                        return nil
                    }
                    items = list
                } else if let k = [Keys.totalItemCount, .totalItems, .page, .itemsInPage, .totalPages].first(where: {
                    Self.equalName(key, $0.rawValue)
                }) {
                    guard counts[k] == nil, let v = int64() else { return nil }
                    counts[k] = .some(v.map { Int($0) })
                } else if let k = [Keys.prevLink, .nextLink].first(where: { Self.equalName(key, $0.rawValue) }) {
                    guard links[k] == nil, let v = optionalString() else { return nil }
                    links[k] = .some(v)
                } else {
                    guard skip() else { return nil }
                }
            } while eat(0x2C)
            guard eat(0x7D) else { return nil }
        }
        ws()
        guard i == b.count else { return nil }
        func count(_ k: Keys) -> Int? { counts[k] ?? nil }
        return AteraEnvelope(
            items: items ?? [], totalItemCount: count(.totalItemCount) ?? count(.totalItems), page: count(.page),
            itemsInPage: count(.itemsInPage), totalPages: count(.totalPages), prevLink: links[.prevLink] ?? nil,
            nextLink: links[.nextLink] ?? nil)
    }

    static func equalName(_ key: UnsafeBufferPointer<UInt8>, _ name: String) -> Bool {
        var name = name
        return name.withUTF8 { key.count == $0.count && key.elementsEqual($0) }
    }

    /// The ticket's known keys by their bytes.
    static let ateraKeys = KnownKeys(AteraTicket.CodingKeys.self)

    fileprivate mutating func ateraTicket() -> AteraTicket? {
        var t = AteraTicket(TicketID: 0)
        let all = AteraTicket.CodingKeys.allCases
        // (No TicketID, or a null one: the decoder's error.)
        guard knownFields(Self.ateraKeys, { r, n in r.read(all[n], into: &t) }) else { return nil }
        return t
    }

    /// One known field's value into the ticket; false: not a plain form.
    private mutating func read(_ key: AteraTicket.CodingKeys, into t: inout AteraTicket) -> Bool {
        func set<V>(_ v: V??, _ field: WritableKeyPath<AteraTicket, V?>) -> Bool {
            guard let v else { return false }
            t[keyPath: field] = v
            return true
        }
        switch key {
        case .TicketID:
            guard let v = int64(), let v else { return false }
            t.TicketID = v
            return true
        case .TicketTitle: return set(optionalString(), \.TicketTitle)
        case .TicketNumber: return set(optionalString(), \.TicketNumber)
        case .TicketPriority: return set(optionalString(), \.TicketPriority)
        case .TicketImpact: return set(optionalString(), \.TicketImpact)
        case .TicketStatus: return set(optionalString(), \.TicketStatus)
        case .TicketSource: return set(optionalString(), \.TicketSource)
        case .TicketType: return set(optionalString(), \.TicketType)
        case .EndUserID: return set(int64(), \.EndUserID)
        case .EndUserEmail: return set(optionalString(), \.EndUserEmail)
        case .EndUserFirstName: return set(optionalString(), \.EndUserFirstName)
        case .EndUserLastName: return set(optionalString(), \.EndUserLastName)
        case .EndUserPhone: return set(optionalString(), \.EndUserPhone)
        case .CustomerID: return set(int64(), \.CustomerID)
        case .CustomerName: return set(optionalString(), \.CustomerName)
        case .TechnicianContactID: return set(int64(), \.TechnicianContactID)
        case .TechnicianFullName: return set(optionalString(), \.TechnicianFullName)
        case .TechnicianEmail: return set(optionalString(), \.TechnicianEmail)
        case .TicketCreatedDate: return set(date(), \.TicketCreatedDate)
        case .TicketResolvedDate: return set(date(), \.TicketResolvedDate)
        case .FirstResponseDueDate: return set(date(), \.FirstResponseDueDate)
        case .ClosedTicketDueDate: return set(date(), \.ClosedTicketDueDate)
        case .TechnicianFirstCommentDate: return set(date(), \.TechnicianFirstCommentDate)
        case .FirstComment: return set(optionalString(), \.FirstComment)
        case .LastEndUserComment: return set(optionalString(), \.LastEndUserComment)
        case .LastEndUserCommentTimestamp: return set(date(), \.LastEndUserCommentTimestamp)
        case .LastTechnicianComment: return set(optionalString(), \.LastTechnicianComment)
        case .LastTechnicianCommentTimestamp: return set(date(), \.LastTechnicianCommentTimestamp)
        }
    }
}
