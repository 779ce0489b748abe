import Foundation
import PSACore

/// One line of the request view: a label column (empty for continuation lines; nil for a line
/// that spans the whole width), the text, and its role.
struct RequestLine: Equatable {
    var label: String?
    var text: String
    var role: Role
}

extension DashboardState {
    /// Everything known about one request, as lines `width` cells wide: what was asked, how it
    /// went, why it waited, and the exchange (headers with credentials redacted, the start of each body).
    func requestLines(_ rec: RequestRecord, width: Int) -> [RequestLine] {
        let labelW = 12, textW = max(10, width - labelW)
        var out: [RequestLine] = []
        func add(_ label: String, _ text: String, _ role: Role = .base) {
            for (i, w) in Format.wrap(text, width: textW).enumerated() {
                out.append(RequestLine(label: i == 0 ? label : "", text: w, role: role))
            }
        }
        func whole(_ text: String, _ role: Role = .base, indent: Int = 0) {
            // Leading spaces (an indented JSON line) are kept as indentation; wrapping would drop them.
            let lead = text.prefix { $0 == " " }.count
            let indent = min(indent + lead, width / 2), text = String(text.dropFirst(lead))
            let pad = String(repeating: " ", count: indent)
            for w in Format.wrap(text, width: max(10, width - indent)) {
                out.append(RequestLine(label: nil, text: pad + w, role: role))
            }
        }
        let dot = ascii ? "-" : "·"
        add(rec.method, rec.exchange?.url ?? rec.path, .header)
        add(
            "Status", rec.status.map { "\($0)" + (rec.isError ? " (failed)" : "") } ?? "no answer (transport failure)",
            rec.isError ? .error : .ok)
        if let e = rec.error { add("Error", e, .error) }
        add(
            "Sent",
            "\(Format.clock(rec.time, timeZone)) (\(Format.age(rec.time, now: now)) ago) \(dot) took \(Format.millis(rec.duration))"
        )
        if rec.attempt > 0 { add("Attempt", "\(rec.attempt + 1) (retry \(rec.attempt))", .warning) }
        if let w = rec.waitReason, rec.waited > 0 {
            add("Waited", "\(Format.seconds(rec.waited)) before sending (\(label(w)))", .warning)
        }
        add(
            "Why",
            rec.background.map { "sent by the poller: \($0)" }
                ?? "asked for (\(rec.purpose.isEmpty ? "—" : rec.purpose))", .muted)
        guard let x = rec.exchange else {
            out.append(RequestLine(label: nil, text: "", role: .base))
            whole("Headers and bodies were not recorded for this request.", .muted)
            return out
        }
        func headers(_ title: String, _ list: [HeaderField]) {
            out.append(RequestLine(label: nil, text: "", role: .base))
            whole("\(title) (\(list.count))", .header)
            if list.isEmpty { whole("(none)", .muted, indent: 2) }
            for h in list {
                let secret = h.value == RequestExchange.redacted
                whole("\(h.name): \(h.value)", secret ? .muted : .base, indent: 2)
            }
        }
        func body(_ title: String, _ text: String?, bytes: Int, note: String) {
            out.append(RequestLine(label: nil, text: "", role: .base))
            guard bytes > 0 else {
                whole("\(title): none", .header)
                return
            }
            guard let text else {
                whole("\(title) (\(Format.grouped(bytes)) bytes): \(note)", .header)
                return
            }
            let shown = text.utf8.count
            whole(
                shown < bytes
                    ? "\(title) (first \(Format.grouped(shown)) of \(Format.grouped(bytes)) bytes)"
                    : "\(title) (\(Format.grouped(bytes)) bytes)", .header)
            for line in Self.readable(text, complete: shown >= bytes).split(
                separator: "\n", omittingEmptySubsequences: false)
            {
                whole(String(line), .base, indent: 2)
            }
        }
        headers("Request headers", x.requestHeaders)
        body("Request body", x.requestBody, bytes: x.requestBodyBytes, note: "file data not kept")
        headers("Response headers", x.responseHeaders)
        body("Response body", x.responseBody, bytes: x.responseBodyBytes, note: "not kept")
        return out
    }

    /// A complete JSON body of modest depth one member per line, keys sorted, arrays of plain
    /// values kept on one line; a cut body, or anything else, as it came.
    static func readable(_ text: String, complete: Bool) -> String {
        guard complete, let first = text.first(where: { !$0.isWhitespace }), first == "{" || first == "[" else {
            return text
        }
        // Depth first: a hostile body of 2,000 brackets is shown as it is, not handed to a recursive parser.
        var depth = 0, deepest = 0
        for b in text.utf8 {
            if b == UInt8(ascii: "{") || b == UInt8(ascii: "[") {
                depth += 1
                deepest = max(deepest, depth)
            } else if b == UInt8(ascii: "}") || b == UInt8(ascii: "]") {
                depth -= 1
            }
        }
        guard deepest <= 32, let obj = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return text }
        var lines: [String] = []
        jsonLines(obj, key: nil, indent: 0, into: &lines)
        return lines.joined(separator: "\n")
    }

    private static func jsonLines(_ v: Any, key: String?, indent: Int, into out: inout [String]) {
        let pad = String(repeating: " ", count: indent)
        let head = key.map { compactJSON($0) + ": " } ?? ""
        func members(_ items: [(String?, Any)], _ open: String, _ close: String) {
            out.append(pad + head + open)
            for (i, item) in items.enumerated() {
                jsonLines(item.1, key: item.0, indent: indent + 2, into: &out)
                if i < items.count - 1 { out[out.count - 1] += "," }
            }
            out.append(pad + close)
        }
        if let d = v as? [String: Any], !d.isEmpty {
            members(d.keys.sorted().map { ($0, d[$0]!) }, "{", "}")
        } else if let a = v as? [Any],
            a.contains(where: { !(($0 as? [String: Any])?.isEmpty ?? true) || !(($0 as? [Any])?.isEmpty ?? true) })
        {
            members(a.map { (nil, $0) }, "[", "]")
        } else {
            out.append(pad + head + compactJSON(v))
        }
    }

    /// One value as compact JSON (Foundation's spelling of numbers, booleans and strings).
    private static func compactJSON(_ v: Any) -> String {
        guard let d = try? JSONSerialization.data(withJSONObject: [v], options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "?" }
        return String(String(decoding: d, as: UTF8.self).dropFirst().dropLast())
    }

    /// The request as a curl command to run again by hand: the credentials as the environment
    /// variables the tenant's vendor declares (`Vendor.credentials`: `$AUTOTASK_SECRET`,
    /// `$ATERA_API_KEY`, HaloPSA's bearer as `$HALO_TOKEN`), never their values; or why it
    /// cannot be (a body not kept whole).
    static func curl(_ rec: RequestRecord, vendor: Vendor) -> Result<String, CurlRefusal> {
        guard let x = rec.exchange else {
            return .failure(CurlRefusal(reason: "no headers or body were kept for this request"))
        }
        guard !x.url.contains(RequestExchange.redacted) else {
            return .failure(CurlRefusal(reason: "its address held a secret (now redacted)"))
        }
        if x.requestBodyBytes > 0, x.requestBody?.utf8.count != x.requestBodyBytes {
            return .failure(
                CurlRefusal(
                    reason:
                        "its body was not kept whole (an attachment, or over \(RequestExchange.bodyLimit / 1_024) KB)"))
        }
        func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        var parts = ["curl", "-sS", "-X", rec.method, quoted(x.url)]
        for h in x.requestHeaders {
            guard h.value == RequestExchange.redacted else {
                parts += ["-H", quoted("\(h.name): \(h.value)")]
                continue
            }
            let value = vendor.credentials.curlStandIns[h.name.lowercased()] ?? "$PSATOP_SECRET"
            parts += ["-H", "\"\(h.name): \(value)\""]
        }
        if let body = x.requestBody, x.requestBodyBytes > 0 { parts += ["--data-raw", quoted(body)] }
        return .success(parts.joined(separator: " "))
    }

    struct CurlRefusal: Error, Equatable { var reason: String }

    /// Rows the request view shows at once.
    var requestRows: Int { max(1, layout.body.height - 2) }

    /// The furthest the request view scrolls for `rec` at this size.
    func requestScrollLimit(_ rec: RequestRecord) -> Int {
        max(0, requestLines(rec, width: width - 4).count - requestRows)
    }
}

/// The request view: one request of the log in full, in place of the tickets and the log.
func renderRequest(
    _ c: inout Canvas, _ s: DashboardState, _ rec: RequestRecord, _ theme: Theme, _ g: Glyphs, _ r: Layout.Rect
) {
    let status = rec.status.map(String.init) ?? "ERR"
    let area = c.box(
        r,
        title: "Request #\(rec.id) \(g.dot) \(rec.method) \(RequestLog.endpoint(of: rec.path)) \(g.dot) \(status)",
        focused: true, theme: theme, glyphs: g)
    let x0 = area.x, inner = area.width
    let lines = s.requestLines(rec, width: inner)
    let rows = s.requestRows
    let start = min(s.requestLog.openCursor.index, max(0, lines.count - rows))
    for (i, l) in lines.dropFirst(start).prefix(rows).enumerated() {
        let y = r.y + 1 + i
        if let label = l.label {
            c.put(x0, y, label, theme[.muted], maxWidth: 12)
            c.put(x0 + 12, y, l.text, theme[l.role], maxWidth: inner - 12)
        } else {
            c.put(x0, y, l.text, theme[l.role], maxWidth: inner)
        }
    }
    if lines.count > rows {
        let more = "\(start + 1)-\(min(lines.count, start + rows))/\(lines.count)"
        c.put(r.x + r.width - TextWidth.of(more) - 3, r.y + r.height - 1, " " + more + " ", theme[.border])
    }
}
