import Foundation

/// `Tickets/entityInformation/fields`.
public struct EntityFields: Sendable, Codable {
    public var fields: [Field]

    public struct Field: Sendable, Codable {
        public var name: String
        public var dataType: String?
        public var isPickList: Bool?
        public var picklistValues: [PicklistValue]?
        public init(name: String, dataType: String?, isPickList: Bool?, picklistValues: [PicklistValue]?) {
            self.name = name
            self.dataType = dataType
            self.isPickList = isPickList
            self.picklistValues = picklistValues
        }
    }

    public struct PicklistValue: Sendable, Codable {
        /// A string in this payload, although the ticket's field is an int: accept both.
        public var value: String
        public var label: String
        public var isDefaultValue: Bool?
        public var sortOrder: Int?
        public var parentValue: String?
        public var isActive: Bool?
        public var isSystem: Bool?
        public init(value: String, label: String, sortOrder: Int? = nil, isActive: Bool? = true) {
            self.value = value
            self.label = label
            self.sortOrder = sortOrder
            self.isActive = isActive
            self.isDefaultValue = false
            self.parentValue = ""
            self.isSystem = false
        }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            value = try c.lenientString(.value) ?? ""
            label = try c.lenientString(.label) ?? ""
            isDefaultValue = try? c.decodeIfPresent(Bool.self, forKey: .isDefaultValue)
            sortOrder = try c.lenientInt(.sortOrder)
            parentValue = try c.lenientString(.parentValue)
            isActive = try? c.decodeIfPresent(Bool.self, forKey: .isActive)
            isSystem = try? c.decodeIfPresent(Bool.self, forKey: .isSystem)
        }
    }

    public init(fields: [Field]) { self.fields = fields }

    /// field name (lowercased) → value → label, and the values a person may choose: the active
    /// ones, in Autotask's own `sortOrder` (inactive values still label old tickets).
    public var picklists: Picklists {
        var map: [String: [Int: String]] = [:]
        var offered: [String: [Int]] = [:]
        for f in fields where f.isPickList == true {
            var values: [Int: String] = [:]
            var active: [(order: Int, value: Int)] = []
            for v in f.picklistValues ?? [] {
                guard let i = Int(v.value) else { continue }
                values[i] = v.label
                if v.isActive != false { active.append((v.sortOrder ?? Int.max, i)) }
            }
            map[f.name.lowercased()] = values
            offered[f.name.lowercased()] = active.sorted { ($0.order, $0.value) < ($1.order, $1.value) }.map(\.value)
        }
        return Picklists(map, offered: offered)
    }
}

/// Labels of a tenant's picklists.
public struct Picklists: Sendable, Equatable {
    public var values: [String: [Int: String]]
    /// Per field, the values that may be chosen, in display order (nil: every value, by value).
    public var offered: [String: [Int]]
    public init(_ values: [String: [Int: String]] = [:], offered: [String: [Int]] = [:]) {
        self.values = values
        self.offered = offered
    }
    /// The label for a picklist value, or `#value` when unknown, or "" for null.
    public func label(_ field: String, _ value: Int?) -> String {
        guard let value else { return "" }
        // (The fields are kept lowercased: a lowercase name needs no lowercasing first.)
        return (values[field] ?? values[field.lowercased()])?[value] ?? "#\(value)"
    }
    /// The value for a label, case-insensitively ("#5" works too), inactive values included
    /// (they still name old tickets' values).
    public func value(field: String, label: String) -> Int? {
        let l = label.trimmingCharacters(in: .whitespaces).lowercased()
        if l.hasPrefix("#"), let n = Int(l.dropFirst()) { return n }
        return values[field.lowercased()]?.first { $0.value.lowercased() == l }?.key
    }
    /// Every label of a field, by value (inactive ones too: for reading and matching).
    public func labels(field: String) -> [String] {
        (values[field.lowercased()] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
    }
    /// The labels a person may choose for a field: active values only, in the tenant's order.
    public func choices(field: String) -> [String] {
        let f = field.lowercased()
        guard let order = offered[f] else { return labels(field: field) }
        return order.compactMap { values[f]?[$0] }
    }
    /// True when the value exists but is no longer active (the server refuses it in a change).
    public func isInactive(field: String, value: Int) -> Bool {
        let f = field.lowercased()
        guard let order = offered[f], values[f]?[value] != nil else { return false }
        return !order.contains(value)
    }
}
