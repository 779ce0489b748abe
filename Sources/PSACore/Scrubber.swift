import Foundation

/// Replaces personal data in recorded exchanges with stable fakes (`FakeText`), keeping what a
/// replay and a decoder need: ids, numbers, dates, GUIDs, booleans, field names, types, nulls and
/// the envelope's shape exactly, and picklist labels (statuses, queues, priorities: tenant
/// configuration that filters use) unless `labels` is set.
///
/// Every other string value is replaced: names, e-mail addresses, phone numbers, company
/// names, titles, descriptions, notes, comments, error texts. So is the user name wherever it
/// goes (the `UserName` header, `zoneInformation?user=`), values inside Autotask's `search=`
/// JSON, and the query values of links (`nextPageUrl`, `nextLink`). Pure: no clock, no I/O.
public struct Scrubber: Sendable {
    public let fakes: FakeText
    /// Replace picklist labels too (`--scrub-labels`).
    public var labels: Bool

    public init(fakes: FakeText, labels: Bool = false) {
        self.fakes = fakes
        self.labels = labels
    }

    /// Keys whose string values are structure, never personal (compared lowercased).
    static let structuralKeys: Set<String> = [
        "op", "field", "datatype", "referenceentitytype", "picklistparentvaluefield", "parentvalue",
        "ticketnumber", "zonename", "mimetype", "contenttype", "udf", "version", "type", "sortorder", "includefields",
        // OAuth's words (a token request's form, a token answer): the protocol, not a person.
        "grant_type", "scope", "token_type",
        // ConnectWise: the codebase and version companyinfo names, the fields and order a list
        // asks for, a JSON Patch operation's path.
        "codebase", "versioncode", "versionnumber", "fields", "orderby", "path",
    ]
    /// Query parameters in ConnectWise's conditions language: kept but for their quoted strings.
    static let conditionParameters: Set<String> = ["conditions", "childconditions", "customfieldconditions"]
    /// Lookup endpoints whose entries' `name` is a picklist label (tenant configuration, like
    /// Autotask's picklist labels): the last path segment, lowercased.
    static let labelEndpoints: Set<String> = ["status", "priority", "tickettype", "team", "sla", "category"]
    /// Keys holding a link: their scheme, host and path are kept, their query values scrubbed.
    static let linkKeys: Set<String> = ["nextpageurl", "prevpageurl", "nextlink", "prevlink", "url", "weburl"]
    /// Picklist labels: Autotask's `picklistValues[].label`, Atera's ticket enumerations.
    static let labelKeys: Set<String> = [
        "ticketstatus", "ticketpriority", "tickettype", "ticketsource", "ticketimpact",
    ]
    /// Query parameters whose values are labels (Atera's status filter).
    static let labelParameters: Set<String> = ["ticketstatus", "status"]
    /// Header names whose values name a person.
    static func isPersonalHeader(_ name: String) -> Bool {
        let n = name.lowercased()
        return ["username", "user-name", "x-user", "from"].contains(n) || n.contains("email") || n.contains("e-mail")
    }

    // MARK: Values

    /// Keys whose digits are a person's or a place's (phone, mobile, fax, postcode), compared lowercased.
    static func isNumberOfAPerson(_ key: String) -> Bool {
        ["phone", "mobile", "fax", "postal", "zip", "postcode", "sms", "ssn", "iban"].contains { key.contains($0) }
    }

    /// Whether a string keeps its value whatever its key: a shape, not a person.
    public static func isShapeValue(_ s: String) -> Bool {
        if s.isEmpty || s == RequestExchange.redacted { return true }
        if ["true", "false", "null"].contains(s.lowercased()) { return true }
        // A number (not one written "+1…" or with spaces: a phone number in free text is no amount).
        if Double(s) != nil, s.first != "+", s.allSatisfy({ "0123456789.-eE".contains($0) }) { return true }
        return isDate(s) || isGUID(s)
    }

    public static func isDate(_ s: String) -> Bool {
        s.range(
            of: #"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$"#,
            options: .regularExpression) != nil
    }

    public static func isGUID(_ s: String) -> Bool {
        s.range(of: #"^\{?[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}\}?$"#, options: .regularExpression) != nil
    }

    /// A JSON string value at `path` (its keys, as `JSONStrings` gives them): its fake, or nil to keep it.
    public func value(_ s: String, path: [String], labelList: Bool = false) -> String? {
        let key = path.last?.lowercased() ?? ""
        // A phone number or a postcode is all digits: replaced whatever its shape.
        if Self.isNumberOfAPerson(key), !s.isEmpty { return fakes.fake(s) }
        if Self.isShapeValue(s) { return nil }
        let parent = path.dropLast().last?.lowercased() ?? ""
        // Any address (a link, an auth server named by discovery): scheme, host and path kept.
        if Self.isURL(s) || (Self.linkKeys.contains(key) && s.lowercased().hasPrefix("http")) { return link(s) }
        // A lookup list's names are labels (statuses, priorities, teams…), kept unless --scrub-labels.
        if labelList, key == "name", !labels { return nil }
        if Self.structuralKeys.contains(key) { return nil }
        // Ids as strings ("companyID": "12"), and field names: an entity field's or a UDF's `name`.
        if key.hasSuffix("id"), s.allSatisfy(\.isNumber) { return nil }
        if key == "name", ["fields", "userdefinedfields"].contains(parent) { return nil }
        let isLabel = (key == "label" && parent == "picklistvalues") || Self.labelKeys.contains(key)
        if isLabel, !labels { return nil }
        return fakes.fake(s)
    }

    // MARK: Bodies, URLs, headers

    /// A JSON body with its personal strings replaced; a body that is not JSON is replaced whole
    /// (its length kept) when it has any letter, since nothing tells what it holds.
    /// A form body (`a=1&b=2`, as an OAuth token request sends) keeps its field names and
    /// scrubs its values as a query's. `url`: where the body went or came from (a lookup
    /// endpoint's names are labels).
    public func body(_ text: String, url: String? = nil) -> String {
        let list = url.map(Self.isLabelEndpoint) ?? false
        if let out = JSONStrings.rewrite(Data(text.utf8), { path, v in value(v, path: path, labelList: list) }) {
            return String(decoding: out, as: UTF8.self)
        }
        if Self.isForm(text) { return query(text) }
        return Self.isShapeValue(text) ? text : fakes.fake(text)
    }

    /// `scheme://host…` with no space: an address.
    static func isURL(_ s: String) -> Bool {
        let l = s.lowercased()
        guard l.hasPrefix("https://") || l.hasPrefix("http://"), !s.contains(" ") else { return false }
        return URL(string: s)?.host != nil
    }

    /// `name=value&name=value` with names of letters, digits and `_.-`, and no space or line break.
    public static func isForm(_ s: String) -> Bool {
        guard !s.isEmpty, !s.contains(" "), !s.contains("\n"), s.contains("=") else { return false }
        return s.split(separator: "&").allSatisfy { part in
            guard let eq = part.firstIndex(of: "="), eq != part.startIndex else { return false }
            return part[..<eq].allSatisfy { $0.isLetter || $0.isNumber || "_.-[]".contains($0) }
        }
    }

    /// A lookup endpoint (`…/api/Status`): its entries' names are labels.
    static func isLabelEndpoint(_ url: String) -> Bool {
        let path = split(split(url, at: "?").0, at: "#").0
        let last = path.split(separator: "/").last.map { $0.lowercased() } ?? ""
        return labelEndpoints.contains(last)
    }

    /// A URL with its query values scrubbed (JSON ones such as Autotask's `search=` member by
    /// member) and path segments that hold an address or a name replaced; scheme, host, the
    /// API's path and parameter names kept.
    public func url(_ text: String) -> String { link(text) }

    func link(_ text: String) -> String {
        let (beforeQuery, query) = Self.split(text, at: "?")
        var out = path(beforeQuery)
        if let query {
            let (q, fragment) = Self.split(query, at: "#")
            out += "?" + self.query(q)
            if let fragment { out += "#" + fragment }
        }
        return out
    }

    /// Path segments: kept, except one with an `@` or a space (a person's address or name).
    func path(_ p: String) -> String {
        let (scheme, rest) =
            p.range(of: "://").map { r in (String(p[..<r.upperBound]), String(p[r.upperBound...])) }
            ?? ("", p)
        let parts = rest.split(separator: "/", omittingEmptySubsequences: false).enumerated().map { i, seg -> String in
            let decoded = String(seg).removingPercentEncoding ?? String(seg)
            let isHost = !scheme.isEmpty && i == 0
            guard !isHost, decoded.contains("@") || decoded.contains(" ") else { return String(seg) }
            return Self.encode(fakes.fake(decoded))
        }
        return scheme + parts.joined(separator: "/")
    }

    func query(_ q: String) -> String {
        q.split(separator: "&", omittingEmptySubsequences: false).map { part -> String in
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard kv.count == 2 else { return String(part) }
            let name = String(kv[0]).removingPercentEncoding ?? String(kv[0])
            let raw = String(kv[1])
            let plus = raw.contains("+")
            let decoded = raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? raw
            let scrubbed: String
            if decoded.hasPrefix("{") || decoded.hasPrefix("[") {
                scrubbed = body(decoded)
            } else if Self.labelParameters.contains(name.lowercased()), !labels {
                return String(part)
            } else if Self.conditionParameters.contains(name.lowercased()) {
                scrubbed = conditions(decoded)
            } else {
                scrubbed = value(decoded, path: [name]) ?? decoded
            }
            guard scrubbed != decoded else { return String(part) }
            return "\(kv[0])=\(Self.encode(scrubbed, plusForSpace: plus))"
        }.joined(separator: "&")
    }

    /// A header's value: a personal one (`UserName`) faked, a link (`Location`) scrubbed as a URL.
    public func header(_ name: String, _ value: String) -> String {
        if Self.isPersonalHeader(name), !Self.isShapeValue(value) { return fakes.fake(value) }
        if name.lowercased() == "link", value.hasPrefix("<") { return linkHeader(value) }
        if ["location", "content-location", "link"].contains(name.lowercased()) { return link(value) }
        return value
    }

    /// An RFC 5988 `Link` header (`<url>; rel="next", …`): each address scrubbed, the rest kept.
    func linkHeader(_ value: String) -> String {
        var out = ""
        var rest = Substring(value)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            out += rest[..<rest.index(after: open)]
            out += link(String(rest[rest.index(after: open)..<close]))
            rest = rest[close...]
        }
        return out + rest
    }

    /// A conditions expression (`company/name = "Acme" and closedFlag = false`): field names,
    /// operators, numbers, dates and booleans kept; every quoted string replaced by its fake.
    func conditions(_ text: String) -> String {
        var out = ""
        var quoted: String? = nil
        var escaped = false
        for ch in text {
            guard var q = quoted else {
                if ch == "\"" { quoted = "" }
                out.append(ch)
                continue
            }
            if escaped {
                q.append(ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == "\"" {
                let fake = Self.isShapeValue(q) ? q : fakes.fake(q)
                out +=
                    fake.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    + "\""
                quoted = nil
                continue
            } else {
                q.append(ch)
            }
            quoted = q
        }
        // An unterminated string is faked all the same.
        return out + (quoted.map { Self.isShapeValue($0) ? $0 : fakes.fake($0) } ?? "")
    }

    static func split(_ s: String, at c: Character) -> (String, String?) {
        guard let i = s.firstIndex(of: c) else { return (s, nil) }
        return (String(s[..<i]), String(s[s.index(after: i)...]))
    }

    /// Percent-encodes a query value or path segment (unreserved characters kept).
    public static func encode(_ s: String, plusForSpace: Bool = false) -> String {
        let ascii = CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(0x7F))
        var allowed = CharacterSet.alphanumerics.intersection(ascii)
        allowed.insert(charactersIn: "-._~")
        let encoded = s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
        return plusForSpace ? encoded.replacingOccurrences(of: "%20", with: "+") : encoded
    }
}
