import Foundation
import PSACore
import Testing

@Suite("Scrubber: stable fakes for personal data", .timeLimit(.minutes(5)))
struct ScrubberTests {
    let s = Scrubber(fakes: FakeText(key0: 1, key1: 2))

    func scripts(_ text: String) -> [String] {
        text.unicodeScalars.map { u -> String in
            switch u.value {
            case 0x61...0x7A: "a"
            case 0x41...0x5A: "A"
            case 0x30...0x39: "0"
            case 0xC0...0xFF: "latin1"
            case 0x4E00...0x9FFF: "CJK"
            case 0x30A1...0x30FA: "kata"
            case 0x3041...0x3096: "hira"
            case 0x430...0x44F: "cyr"
            case 0x410...0x42F: "CYR"
            case 0x621...0x64A: "arab"
            case 0xAC00...0xD7A3: "hangul"
            default: String(u)
            }
        }
    }

    @Test("A fake keeps length and script letter by letter; hostile characters stay exactly where they were")
    func scriptsKept() {
        let hostile = "Ticket \u{1B}[31mred\u{1B}[0m \u{202E}evil\u{202C} zero\u{200B}width\ttab\nline"
        for text in [
            "Jane O'Brien", "佐藤 花子のプリンター", "Иван Петров", "محمد علي", "김민준 고객", "Zoë Müller", hostile,
            "+1 (555) 010-2334", "jane.doe@contoso.example",
        ] {
            let f = s.fakes.fake(text)
            #expect(f != text, "\(text) unchanged")
            #expect(f.unicodeScalars.count == text.unicodeScalars.count)
            #expect(scripts(f) == scripts(text), "\(text) → \(f)")
        }
        let f = s.fakes.fake(hostile)
        #expect(
            f.contains("\u{1B}[") && f.contains("\u{202E}") && f.contains("\u{200B}") && f.contains("\t")
                && f.contains("\n"))
    }

    @Test("The same value gets the same fake everywhere; another key gives another fake; case follows the value")
    func stable() {
        #expect(s.fakes.fake("Contoso Ltd") == s.fakes.fake("Contoso Ltd"))
        #expect(s.fakes.fake("Contoso Ltd") != Scrubber(fakes: FakeText(key0: 3, key1: 4)).fakes.fake("Contoso Ltd"))
        #expect(s.fakes.fake("BOB").lowercased() == s.fakes.fake("bob"))
    }

    @Test("JSON bodies: ids, numbers, dates, GUIDs, booleans, nulls, field names and the envelope kept byte for byte")
    func body() throws {
        let text =
            #"{"items":[{"id":9001,"ticketNumber":"T20261130.0001","title":"Printer on floor 3 jams","companyID":"17","#
            + #""createDate":"2026-11-30T08:15:00.000Z","dueDateTime":null,"isActive":true,"estimatedHours":1.50,"#
            + #""contactEmail":"jane.doe@contoso.example","guid":"0f8fad5b-d9cb-469f-a165-70867728950e","#
            + #""userDefinedFields":[{"name":"Site","value":"Berlin HQ"}]}],"#
            + #""pageDetails":{"count":1,"requestCount":500,"prevPageUrl":null,"#
            + #""nextPageUrl":"https://webservices5.autotask.net/ATServicesRest/V1.0/Tickets/query/next?paging=abc&search=%7B%22filter%22%3A%5B%5D%7D"}}"#
        let out = s.body(text)
        for kept in [
            #""id":9001"#, #""ticketNumber":"T20261130.0001""#, #""companyID":"17""#,
            #""createDate":"2026-11-30T08:15:00.000Z""#,
            #""dueDateTime":null"#, #""isActive":true"#, #""estimatedHours":1.50"#, #""name":"Site""#,
            #""guid":"0f8fad5b-d9cb-469f-a165-70867728950e""#, #""count":1,"requestCount":500,"prevPageUrl":null"#,
            "https://webservices5.autotask.net/ATServicesRest/V1.0/Tickets/query/next?",
        ] {
            #expect(out.contains(kept), "lost \(kept)")
        }
        for gone in ["Printer on floor", "jane.doe", "contoso", "Berlin HQ"] {
            #expect(!out.contains(gone), "kept \(gone)")
        }
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let item = try #require((obj["items"] as? [[String: Any]])?.first)
        #expect((item["title"] as? String)?.count == "Printer on floor 3 jams".count)
        #expect(s.body(text) == out)
    }

    @Test("Phone numbers and postcodes are replaced even when they are all digits; amounts and ids are kept")
    func digits() {
        let text = #"{"id":"42","phone":"5550100123","EndUserPhone":"+15550100","postalCode":"10115","hours":"1.5"}"#
        let out = s.body(text)
        #expect(out.contains(#""id":"42""#) && out.contains(#""hours":"1.5""#))
        for gone in ["5550100123", "+15550100", "10115"] { #expect(!out.contains(gone), "kept \(gone)") }
        #expect(out.contains(#""EndUserPhone":"+"#))
    }

    @Test("Picklist labels are kept unless --scrub-labels")
    func labels() {
        let fields =
            #"{"fields":[{"name":"status","dataType":"integer","isPickList":true,"picklistValues":[{"value":"1","label":"In Progress"}]}]}"#
        #expect(s.body(fields) == fields)
        let atera = #"{"TicketStatus":"Open","TicketPriority":"High","CustomerName":"Contoso"}"#
        #expect(s.body(atera).contains(#""TicketStatus":"Open""#) && !s.body(atera).contains("Contoso"))
        var strict = s
        strict.labels = true
        #expect(!strict.body(fields).contains("In Progress") && strict.body(fields).contains(#""name":"status""#))
        #expect(!strict.body(atera).contains(#""Open""#))
    }

    @Test(
        "URLs: the user of a zone lookup, values in search= JSON and addresses in the path are replaced; the rest kept")
    func urls() throws {
        let zone = s.url(
            "https://webservices.autotask.net/ATServicesRest/V1.0/zoneInformation?user=jane.doe%40contoso.example")
        #expect(zone.hasPrefix("https://webservices.autotask.net/ATServicesRest/V1.0/zoneInformation?user="))
        #expect(!zone.contains("jane") && !zone.contains("contoso"))
        // The same value in the header gets the same fake as in the URL.
        let header = s.header("UserName", "jane.doe@contoso.example")
        #expect(zone.hasSuffix(Scrubber.encode(header)))
        let search =
            #"{"filter":[{"op":"eq","field":"companyName","value":"Contoso Ltd"},{"op":"gt","field":"lastActivityDate","value":"2026-11-30T08:00:00Z"}]}"#
        let url = "https://h.example/ATServicesRest/V1.0/Companies/query?search=" + Scrubber.encode(search)
        let out = s.url(url)
        let q = try #require(
            out.split(separator: "=", maxSplits: 1).last.flatMap { String($0).removingPercentEncoding })
        #expect(q.contains(#""field":"companyName""#) && q.contains("2026-11-30T08:00:00Z") && !q.contains("Contoso"))
        #expect(q.contains(s.fakes.fake("Contoso Ltd")))
        #expect(s.url("https://h.example/api/v3/contacts/jane@contoso.example?page=2").hasSuffix("?page=2"))
        #expect(!s.url("https://h.example/api/v3/contacts/jane@contoso.example?page=2").contains("jane"))
        #expect(
            s.url("https://h.example/api/v3/tickets?page=1&itemsInPage=50&ticketStatus=Open")
                == "https://h.example/api/v3/tickets?page=1&itemsInPage=50&ticketStatus=Open")
    }

    @Test("Headers: the user name replaced; content type, rate-limit headers kept; a Location scrubbed as a link")
    func headers() {
        #expect(s.header("UserName", "api@contoso.example") != "api@contoso.example")
        #expect(s.header("Content-Type", "application/json") == "application/json")
        #expect(s.header("X-RateLimit-Remaining", "42") == "42")
        #expect(!s.header("Location", "https://h.example/x?user=bob%40contoso.example").contains("bob"))
    }

    @Test("JSONStrings keeps escapes, surrogate pairs and hostile characters valid JSON")
    func jsonStrings() throws {
        let text = #"{"a":"\u001b[2J\ud83d\ude00 \"q\" \\ \u202e","b":[1,2.50,-3e2,true,null]}"#
        let out = try #require(JSONStrings.rewrite(Data(text.utf8)) { _, v in v + "!" })
        let obj = try #require(try JSONSerialization.jsonObject(with: out) as? [String: Any])
        #expect(obj["a"] as? String == "\u{1B}[2J😀 \"q\" \\ \u{202E}!")
        #expect(String(decoding: out, as: UTF8.self).hasSuffix(#""b":[1,2.50,-3e2,true,null]}"#))
        #expect(JSONStrings.rewrite(Data("{\"a\":".utf8)) { _, _ in nil } == nil)
        // Nested past the limit: refused, not a stack overflow.
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(JSONStrings.rewrite(Data(deep.utf8)) { _, _ in nil } == nil)
        let fine = String(repeating: "[", count: 100) + "\"x\"" + String(repeating: "]", count: 100)
        #expect(
            JSONStrings.rewrite(Data(fine.utf8)) { _, _ in "y" }.map { String(decoding: $0, as: UTF8.self) }
                == String(repeating: "[", count: 100) + "\"y\"" + String(repeating: "]", count: 100))
    }
}

@Suite("Scrubbing keeps what a replay needs")
struct ScrubberMeaningTests {
    let s = Scrubber(fakes: FakeText(key0: 1, key1: 2))

    @Test("an address anywhere keeps its scheme, host and path (a discovered auth server)")
    func urlsKept() {
        let out = s.body(#"{"auth_url":"https://yourmsp.halopsa.com/auth","tenant_id":"contoso"}"#)
        #expect(out.contains(#""auth_url":"https://yourmsp.halopsa.com/auth""#), "\(out)")
        #expect(!out.contains("contoso"))
        let q = s.body(#"{"auth_url":"https://auth.example.com/auth?user=jane%40contoso.example"}"#)
        #expect(q.contains("https://auth.example.com/auth?user=") && !q.contains("jane"), "\(q)")
    }

    @Test("a form keeps its field names and OAuth's words; its other values are scrubbed")
    func formNames() {
        let out = s.body("grant_type=client_credentials&client_id=contoso-app&client_secret=[redacted]&scope=all")
        #expect(out.hasPrefix("grant_type=client_credentials&client_id="), "\(out)")
        #expect(
            out.hasSuffix("&client_secret=%5Bredacted%5D&scope=all")
                || out.hasSuffix("&client_secret=[redacted]&scope=all"), "\(out)")
        #expect(!out.contains("contoso"))
        #expect(s.body(#"{"token_type":"Bearer","scope":"all","expires_in":3600}"#).contains(#""token_type":"Bearer""#))
    }

    @Test("a lookup endpoint's names are labels, kept unless --scrub-labels; other names are people")
    func lookupLabels() {
        let statuses = #"[{"id":1,"name":"In Progress"},{"id":2,"name":"Waiting on Customer"}]"#
        #expect(s.body(statuses, url: "https://h.example/api/Status") == statuses)
        #expect(s.body(statuses, url: "https://h.example/api/Priority?x=1") == statuses)
        let agents = #"[{"id":1,"name":"Jane Doe"}]"#
        #expect(!s.body(agents, url: "https://h.example/api/Agent").contains("Jane"))
        var strict = s
        strict.labels = true
        #expect(!strict.body(statuses, url: "https://h.example/api/Status").contains("In Progress"))
    }
}
