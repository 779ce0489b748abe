import Foundation

extension AutotaskQueryResponse where Item == AutotaskTicket {
    /// A page of tickets from its bytes: read in one pass, each field put in place as its key is
    /// met (no dictionary of every object's keys, as `JSONDecoder` builds, no `String` per key).
    /// The pass takes only the plain forms (ids as integers, texts and dates as strings, nulls,
    /// each known key once, valid JSON throughout); anything else — an id sent as a string, a
    /// number with a fraction where an integer goes, a page longer than `maxItems`, malformed
    /// bytes — and the page is decoded by `JSONDecoder` instead, so the answer (or the error)
    /// is always the one `JSONDecoder` gives (`AutotaskPageReaderTests` compares both).
    public static func read(_ data: Data, maxItems: Int? = nil) throws -> Self {
        try JSONBytes.page(data, maxItems: maxItems) { $0.ticketPage(maxItems: maxItems) }
    }
}

extension JSONBytes {
    /// `{"items":[…],"pageDetails":{…}}` of tickets; nil: not in the plain forms.
    mutating func ticketPage(maxItems: Int?) -> AutotaskQueryResponse<AutotaskTicket>? {
        var items: [AutotaskTicket]? = nil
        var details: AutotaskQueryResponse<AutotaskTicket>.PageDetails?? = nil
        guard eat(0x7B) else { return nil }
        if !eat(0x7D) {
            repeat {
                guard let key = plainString(), eat(0x3A) else { return nil }
                if Self.equal(key, "items") {
                    guard items == nil, let list = records(maxItems: maxItems, usually: 500, { $0.ticket() }) else {
                        return nil
                    }
                    items = list
                } else if Self.equal(key, "pageDetails") {
                    guard details == nil, let d = pageDetails() else { return nil }
                    details = .some(d)
                } else {
                    guard skip() else { return nil }
                }
            } while eat(0x2C)
            guard eat(0x7D) else { return nil }
        }
        ws()
        guard i == b.count else { return nil }
        return AutotaskQueryResponse(items: items ?? [], pageDetails: details ?? nil)
    }

    private mutating func pageDetails() -> AutotaskQueryResponse<AutotaskTicket>.PageDetails?? {
        if null() { return .some(nil) }
        guard eat(0x7B) else { return nil }
        var count: Int64?, requestCount: Int64?
        var prev: String??, next: String??
        if !eat(0x7D) {
            repeat {
                guard let key = plainString(), eat(0x3A) else { return nil }
                if Self.equal(key, "count") {
                    guard count == nil, let v = int64(), let v else { return nil }
                    count = v
                } else if Self.equal(key, "requestCount") {
                    guard requestCount == nil, let v = int64(), let v else { return nil }
                    requestCount = v
                } else if Self.equal(key, "prevPageUrl") {
                    guard prev == nil, let v = optionalString() else { return nil }
                    prev = .some(v)
                } else if Self.equal(key, "nextPageUrl") {
                    guard next == nil, let v = optionalString() else { return nil }
                    next = .some(v)
                } else {
                    guard skip() else { return nil }
                }
            } while eat(0x2C)
            guard eat(0x7D) else { return nil }
        }
        guard let count, let requestCount, let c = Int(exactly: count), let r = Int(exactly: requestCount) else {
            return nil
        }
        return .some(.init(count: c, requestCount: r, prevPageUrl: prev ?? nil, nextPageUrl: next ?? nil))
    }

    static func equal(_ key: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        key.count == name.utf8CodeUnitCount
            && key.elementsEqual(UnsafeBufferPointer(start: name.utf8Start, count: key.count))
    }

    /// The ticket's known keys by their bytes.
    static let ticketKeys = KnownKeys(AutotaskTicket.CodingKeys.self)

    fileprivate mutating func ticket() -> AutotaskTicket? {
        var t = AutotaskTicket(id: 0)
        let all = AutotaskTicket.CodingKeys.allCases
        // (No id, or a null one: JSONDecoder's error.)
        guard knownFields(Self.ticketKeys, { r, n in r.read(all[n], into: &t) }) else { return nil }
        return t
    }

    /// One known field's value into the ticket; false: not a plain form.
    private mutating func read(_ key: AutotaskTicket.CodingKeys, into t: inout AutotaskTicket) -> Bool {
        func set<V>(_ v: V??, _ field: WritableKeyPath<AutotaskTicket, V?>) -> Bool {
            guard let v else { return false }
            t[keyPath: field] = v
            return true
        }
        func int() -> Int?? {
            guard let v = int64() else { return nil }
            return .some(v.flatMap { Int(exactly: $0) })
        }
        switch key {
        case .id:
            guard let v = int64(), let v else { return false }
            t.id = v
            return true
        case .ticketNumber: return set(optionalString(), \.ticketNumber)
        case .title: return set(optionalString(), \.title)
        case .description: return set(optionalString(), \.description)
        case .status: return set(int(), \.status)
        case .priority: return set(int(), \.priority)
        case .queueID: return set(int(), \.queueID)
        case .source: return set(int(), \.source)
        case .issueType: return set(int(), \.issueType)
        case .subIssueType: return set(int(), \.subIssueType)
        case .ticketType: return set(int(), \.ticketType)
        case .ticketCategory: return set(int(), \.ticketCategory)
        case .companyID: return set(int64(), \.companyID)
        case .contactID: return set(int64(), \.contactID)
        case .assignedResourceID: return set(int64(), \.assignedResourceID)
        case .createDate: return set(date(), \.createDate)
        case .lastActivityDate: return set(date(), \.lastActivityDate)
        case .dueDateTime: return set(date(), \.dueDateTime)
        case .completedDate: return set(date(), \.completedDate)
        case .estimatedHours: return set(double(), \.estimatedHours)
        case .userDefinedFields: return set(udfs(), \.userDefinedFields)
        case .firstResponseDueDateTime: return set(date(), \.firstResponseDueDateTime)
        case .firstResponseDateTime: return set(date(), \.firstResponseDateTime)
        case .resolutionPlanDueDateTime: return set(date(), \.resolutionPlanDueDateTime)
        case .resolutionPlanDateTime: return set(date(), \.resolutionPlanDateTime)
        case .resolvedDueDateTime: return set(date(), \.resolvedDueDateTime)
        case .resolvedDateTime: return set(date(), \.resolvedDateTime)
        case .serviceLevelAgreementID: return set(int64(), \.serviceLevelAgreementID)
        case .serviceLevelAgreementHasBeenMet: return set(bool(), \.serviceLevelAgreementHasBeenMet)
        }
    }

    /// `[{"name":…,"value":…}]` with string or null values, or null.
    private mutating func udfs() -> [AutotaskTicket.UserDefinedField]?? {
        if null() { return .some(nil) }
        guard eat(0x5B) else { return nil }
        var out: [AutotaskTicket.UserDefinedField] = []
        if eat(0x5D) { return .some(out) }
        repeat {
            guard eat(0x7B) else { return nil }
            var name: String?? = nil, value: String?? = nil
            if !eat(0x7D) {
                repeat {
                    guard let key = plainString(), eat(0x3A) else { return nil }
                    if Self.equal(key, "name") {
                        guard name == nil, let v = optionalString() else { return nil }
                        name = .some(v)
                    } else if Self.equal(key, "value") {
                        guard value == nil, let v = optionalString() else { return nil }
                        value = .some(v)
                    } else {
                        guard skip() else { return nil }
                    }
                } while eat(0x2C)
                guard eat(0x7D) else { return nil }
            }
            out.append(.init(name: (name ?? nil) ?? "", value: value ?? nil))
        } while eat(0x2C)
        guard eat(0x5D) else { return nil }
        return .some(out)
    }
}
