import Foundation
import Testing

@testable import PSACore

/// The one-pass Atera page reader against `JSONDecoder` with the lenient decoders: the same page,
/// or the same failure, for plain pages and for every odd form (then `JSONDecoder` answers).
@Suite("Atera page reader: JSONDecoder's answer, without its dictionaries")
struct AteraPageReaderTests {
    static func plainPage(_ n: Int, seed: UInt64) throws -> Data {
        var rng = SeededGenerator(seed: seed)
        let base = Date(timeIntervalSince1970: 1_796_000_000)
        func date() -> Date? {
            Bool.random(using: &rng)
                ? base.addingTimeInterval(Double(Int.random(in: -9_000_000...9_000_000, using: &rng))) : nil
        }
        func text(_ i: Int) -> String? {
            [nil, "Printer \"jam\"", "VPN\\down", "Müller 打印机 🔥", "tab\there", "line\nbreak", ""][i % 7]
        }
        let items = (0..<n).map { i -> AteraTicket in
            var t = AteraTicket(TicketID: Int64(9_000 + i * 5))
            t.TicketTitle = text(i + 1)
            t.TicketNumber = i % 4 == 0 ? nil : "\(9_000 + i * 5)"
            t.TicketPriority = ["Low", "Medium", "High", "Critical", nil][i % 5]
            t.TicketImpact = i % 3 == 0 ? nil : "Minor"
            t.TicketStatus = ["Open", "Pending", "Resolved", "Closed"][i % 4]
            t.TicketSource = i % 2 == 0 ? "Email" : nil
            t.TicketType = i % 6 == 0 ? nil : "Problem"
            t.EndUserID = i % 5 == 0 ? nil : Int64(400 + i)
            t.EndUserEmail = i % 5 == 0 ? nil : "user\(i)@example.com"
            t.EndUserFirstName = text(i)
            t.EndUserLastName = text(i + 2)
            t.EndUserPhone = i % 8 == 0 ? "+1 555 0100" : nil
            t.CustomerID = i % 11 == 0 ? nil : Int64(i % 13)
            t.CustomerName = i % 11 == 0 ? nil : "Customer \(i % 13)"
            t.TechnicianContactID = i % 3 == 0 ? nil : 7
            t.TechnicianFullName = i % 3 == 0 ? nil : "Dana Tech"
            t.TechnicianEmail = i % 3 == 0 ? nil : "dana@msp.example"
            t.TicketCreatedDate = date()
            t.TicketResolvedDate = date()
            t.FirstResponseDueDate = date()
            t.ClosedTicketDueDate = date()
            t.TechnicianFirstCommentDate = date()
            t.FirstComment = i % 9 == 0 ? "<p>It broke.</p>" : nil
            t.LastEndUserComment = text(i + 3)
            t.LastEndUserCommentTimestamp = date()
            t.LastTechnicianComment = text(i + 4)
            t.LastTechnicianCommentTimestamp = date()
            return t
        }
        return try JSONEncoder().encode(
            AteraEnvelope(
                items: items, totalItemCount: 1_234, page: 3, itemsInPage: n, totalPages: 25,
                prevLink: "https://app.atera.com/api/v3/tickets?page=2&itemsInPage=50",
                nextLink: "https://app.atera.com/api/v3/tickets?page=4&itemsInPage=50"))
    }

    /// Both give the same page, or both fail.
    static func same(_ data: Data, maxItems: Int? = nil, _ note: String) {
        let decoder = JSONDecoder()
        if let maxItems { decoder.userInfo[PageLimit.key] = maxItems }
        let expected = Result { try decoder.decode(AteraEnvelope<AteraTicket>.self, from: data) }
        let got = Result { try AteraEnvelope<AteraTicket>.read(data, maxItems: maxItems) }
        switch (expected, got) {
        case (.success(let a), .success(let b)):
            #expect(
                a.items == b.items && a.totalItemCount == b.totalItemCount && a.page == b.page
                    && a.itemsInPage == b.itemsInPage && a.totalPages == b.totalPages && a.prevLink == b.prevLink
                    && a.nextLink == b.nextLink, "\(note)")
        case (.failure, .failure): break
        default: Issue.record("\(note): JSONDecoder \(expected), reader \(got)")
        }
    }

    static func fast(_ data: Data, maxItems: Int? = nil) -> AteraEnvelope<AteraTicket>? {
        data.withUnsafeBytes { raw in
            var r = JSONBytes(raw.bindMemory(to: UInt8.self))
            return r.ateraPage(maxItems: maxItems)
        }
    }

    @Test("a plain page is read in one pass, to the same tickets JSONDecoder gives")
    func plainPages() throws {
        for seed in 1...4 {
            let data = try Self.plainPage(50, seed: UInt64(seed))
            let page = try #require(Self.fast(data), "the plain form was not taken")
            let expected = try JSONDecoder().decode(AteraEnvelope<AteraTicket>.self, from: data)
            #expect(page.items == expected.items && page.nextLink == expected.nextLink)
            #expect(page.items.count == 50 && page.totalItemCount == 1_234 && page.totalPages == 25)
            Self.same(data, "seed \(seed)")
        }
    }

    @Test(
        "odd forms: JSONDecoder decides (ids as strings, lenient values, escapes, duplicates, limits, malformed bytes)")
    func oddForms() throws {
        let ticket =
            #"{"TicketID":1,"TicketTitle":"x","TicketStatus":"Open","TicketCreatedDate":"2019-08-18T01:00:00"}"#
        let cases: [String] = [
            #"{"items":[\#(ticket)]}"#, #"{"items":null}"#, #"{}"#, #"{"items":[]}"#, #"{"items":{}}"#, "[]", "",
            #"{"items":[{"TicketID":"12"}]}"#, #"{"items":[{"TicketID":" 12 "}]}"#, #"{"items":[{"TicketID":1.0}]}"#,
            #"{"items":[{"TicketID":1e2}]}"#, #"{"items":[{"TicketID":null}]}"#,
            #"{"items":[{"TicketTitle":"no id"}]}"#,
            #"{"items":[{"TicketID":1,"TicketID":2}]}"#, #"{"items":[{"TicketID":1,"CustomerID":"8"}]}"#,
            #"{"items":[{"TicketID":1,"CustomerID":1.5}]}"#, #"{"items":[{"TicketID":1,"CustomerID":true}]}"#,
            #"{"items":[{"TicketID":1,"TicketPriority":42}]}"#, #"{"items":[{"TicketID":1,"TicketPriority":4.5}]}"#,
            #"{"items":[{"TicketID":1,"TicketPriority":false}]}"#,
            #"{"items":[{"TicketID":1,"TicketTitle":"a\u00e9\ud83d\udd25\n\"\\\/"}]}"#,
            #"{"items":[{"TicketID":1,"TicketTitle":"\ud83d"}]}"#, #"{"items":[{"TicketID":1,"TicketTitle":"\x"}]}"#,
            "{\"items\":[{\"TicketID\":1,\"TicketTitle\":\"a\u{01}b\"}]}",
            #"{"items":[{"TicketID":1,"TicketCreatedDate":"not a date"}]}"#,
            #"{"items":[{"TicketID":1,"TicketCreatedDate":5}]}"#,
            #"{"items":[{"TicketID":1,"TicketCreatedDate":"2019-08-18 01:00:00"}]}"#,
            #"{"items":[{"TicketID":1,"TicketCreatedDate":"2019-08-18T01:00:00\u002B02:00"}]}"#,
            #"{"items":[{"TicketID":1,"unknown":{"a":[1,2,{"b":null}],"c":-0.5e-3}}]}"#,
            #"{"items":[{"TicketID":1,"unknown":01}]}"#, #"{"items":[{"TicketID":1,"unknown":[1,]}]}"#,
            #"{"items":[{"TicketID":1,"Ticket\u0054itle":"escaped key"}]}"#, #"{"items":[{"TicketID":1}],"items":[]}"#,
            #"{"items":[{"TicketID":9223372036854775807}]}"#, #"{"items":[{"TicketID":9223372036854775808}]}"#,
            #"{"items":[{"TicketID":1}]} x"#, #"  {"items":[{"TicketID":1}]}  "#, #"{"items":[{"TicketID":1}]"#,
            #"{"items":[{"TicketID":1}],"totalItemCount":7,"page":1,"itemsInPage":50,"totalPages":1}"#,
            #"{"items":[{"TicketID":1}],"totalItems":7}"#, #"{"items":[],"totalItemCount":null,"totalItems":7}"#,
            #"{"items":[],"totalItemCount":"7"}"#, #"{"items":[],"totalItemCount":7.5}"#, #"{"items":[],"page":7.0}"#,
            #"{"items":[],"page":1,"page":2}"#, #"{"items":[],"nextLink":""}"#, #"{"items":[],"nextLink":null}"#,
            #"{"items":[],"nextLink":5}"#, #"{"items":[],"prevLink":"a","nextLink":"b\u0026c"}"#,
            "{\"items\":[{\"TicketID\":1,\"TicketTitle\":\"\u{FF}\"}]}",
        ]
        for c in cases { Self.same(Data(c.utf8), c) }
        var bad = Data(#"{"items":[{"TicketID":1,"TicketTitle":"ab"}]}"#.utf8)
        bad[bad.count - 5] = 0xC3
        Self.same(bad, "broken UTF-8")
        let three = Data(#"{"items":[{"TicketID":1},{"TicketID":2},{"TicketID":3}]}"#.utf8)
        Self.same(three, maxItems: 2, "three for two")
        Self.same(three, maxItems: 3, "three for three")
        #expect(throws: PageLimit.TooMany.self) { try AteraEnvelope<AteraTicket>.read(three, maxItems: 2) }
        let page = try Self.plainPage(3, seed: 9)
        for cut in stride(from: 0, to: page.count, by: 7) { Self.same(page.prefix(cut), "cut at \(cut)") }
    }
}
