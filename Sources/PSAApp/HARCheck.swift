import Foundation

/// What HAR 1.2 requires of a file (its spec's required fields and their types), as a list of
/// the problems found: empty when the file is valid. For the tests and for checking a file
/// before sharing it.
public enum HARCheck {
    public static func problems(_ data: Data) -> [String] {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return ["not a JSON object"]
        }
        guard let log = root["log"] as? [String: Any] else { return ["no log object"] }
        var out: [String] = []
        func need(_ obj: [String: Any], _ keys: [String: String], _ at: String) {
            for (k, type) in keys.sorted(by: { $0.key < $1.key }) {
                guard let v = obj[k] else {
                    out.append("\(at).\(k) missing")
                    continue
                }
                let ok: Bool =
                    switch type {
                    case "string": v is String
                    case "number": isNumber(v)
                    case "array": v is [Any]
                    case "object": v is [String: Any]
                    default: true
                    }
                if !ok { out.append("\(at).\(k) is not a \(type)") }
            }
        }
        need(log, ["version": "string", "creator": "object", "entries": "array"], "log")
        if let creator = log["creator"] as? [String: Any] {
            need(creator, ["name": "string", "version": "string"], "log.creator")
        }
        for (i, e) in ((log["entries"] as? [Any]) ?? []).enumerated() {
            let at = "log.entries[\(i)]"
            guard let e = e as? [String: Any] else {
                out.append("\(at) is not an object")
                continue
            }
            need(
                e,
                [
                    "startedDateTime": "string", "time": "number", "request": "object", "response": "object",
                    "cache": "object", "timings": "object",
                ], at)
            if let s = e["startedDateTime"] as? String, !isISO(s) {
                out.append("\(at).startedDateTime is not ISO 8601")
            }
            if let r = e["request"] as? [String: Any] {
                need(
                    r,
                    [
                        "method": "string", "url": "string", "httpVersion": "string", "cookies": "array",
                        "headers": "array", "queryString": "array", "headersSize": "number", "bodySize": "number",
                    ],
                    at + ".request")
                pairs(r["headers"], at + ".request.headers", &out)
                pairs(r["queryString"], at + ".request.queryString", &out)
                if let p = r["postData"] as? [String: Any] { need(p, ["mimeType": "string"], at + ".request.postData") }
            }
            if let r = e["response"] as? [String: Any] {
                need(
                    r,
                    [
                        "status": "number", "statusText": "string", "httpVersion": "string", "cookies": "array",
                        "headers": "array", "content": "object", "redirectURL": "string", "headersSize": "number",
                        "bodySize": "number",
                    ], at + ".response")
                pairs(r["headers"], at + ".response.headers", &out)
                if let c = r["content"] as? [String: Any] {
                    need(c, ["size": "number", "mimeType": "string"], at + ".response.content")
                }
            }
            if let t = e["timings"] as? [String: Any] {
                need(t, ["send": "number", "wait": "number", "receive": "number"], at + ".timings")
            }
        }
        return out
    }

    static func pairs(_ list: Any?, _ at: String, _ out: inout [String]) {
        for (i, h) in ((list as? [Any]) ?? []).enumerated() {
            guard let h = h as? [String: Any], h["name"] is String, h["value"] is String else {
                out.append("\(at)[\(i)] needs a name and a value")
                continue
            }
        }
    }

    /// A JSON number, not a boolean (which Foundation also gives as an NSNumber).
    static func isNumber(_ v: Any) -> Bool {
        guard let n = v as? NSNumber else { return false }
        return !["c", "B"].contains(String(cString: n.objCType)) || "\(type(of: v))" == "NSNumber"
    }

    static func isISO(_ s: String) -> Bool {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s) != nil || ISO8601DateFormatter().date(from: s) != nil
    }
}
