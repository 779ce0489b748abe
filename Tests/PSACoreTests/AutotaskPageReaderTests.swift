import Foundation
import Testing

@testable import PSACore

/// The one-pass page reader against `JSONDecoder`: the same page, or the same failure, for plain
/// pages and for every odd form (then `JSONDecoder` itself answers).
@Suite("Autotask page reader: JSONDecoder's answer, without its dictionaries")
struct AutotaskPageReaderTests {
    static func plainPage(_ n: Int, seed: UInt64) throws -> Data {
        var rng = SeededGenerator(seed: seed)
        let base = Date(timeIntervalSince1970: 1_796_000_000)
        func date() -> Date? {
            Bool.random(using: &rng)
                ? base.addingTimeInterval(Double(Int.random(in: -9_000_000...9_000_000, using: &rng))) : nil
        }
        let items = (0..<n).map { i -> AutotaskTicket in
            var t = AutotaskTicket(
                id: Int64(7_000 + i * 3), ticketNumber: "T20261206.\(i)",
                title: ["Printer \"jam\"", "VPN\\down", "Müller 打印机 🔥", "tab\there", "line\nbreak", ""][i % 6],
                description: i % 4 == 0 ? nil : "Reported by phone.\n<b>rich</b>", status: i % 7,
                priority: i % 5 == 0 ? nil : 2,
                queueID: 29_682_833, source: nil, issueType: 2, subIssueType: nil, ticketType: 1, ticketCategory: 3,
                companyID: i % 61 == 5 ? 0 : 175, contactID: i % 3 == 0 ? nil : 30_000 + Int64(i),
                assignedResourceID: i % 9 == 0 ? nil : 29_682_885, createDate: date(), lastActivityDate: date(),
                dueDateTime: date(), completedDate: date(), estimatedHours: i % 2 == 0 ? Double(i % 16) / 2 : nil,
                userDefinedFields: i % 5 == 0 ? nil : [.init(name: "Contract", value: i % 2 == 0 ? nil : "Managed")])
            t.firstResponseDueDateTime = date()
            t.firstResponseDateTime = date()
            t.resolutionPlanDueDateTime = date()
            t.resolvedDueDateTime = date()
            t.serviceLevelAgreementID = i % 7 == 0 ? nil : 1
            t.serviceLevelAgreementHasBeenMet = [nil, true, false][i % 3]
            return t
        }
        return try JSONEncoder().encode(
            AutotaskQueryResponse(
                items: items,
                pageDetails: .init(count: n, requestCount: 500, prevPageUrl: nil, nextPageUrl: "https://x/next?a=1")))
    }

    /// Both give the same page, or both fail.
    static func same(_ data: Data, maxItems: Int? = nil, _ note: String) {
        let decoder = JSONDecoder()
        if let maxItems { decoder.userInfo[PageLimit.key] = maxItems }
        let expected = Result { try decoder.decode(AutotaskQueryResponse<AutotaskTicket>.self, from: data) }
        let got = Result { try AutotaskQueryResponse<AutotaskTicket>.read(data, maxItems: maxItems) }
        switch (expected, got) {
        case (.success(let a), .success(let b)):
            #expect(a.items == b.items && a.pageDetails == b.pageDetails, "\(note)")
        case (.failure, .failure): break
        default: Issue.record("\(note): JSONDecoder \(expected), reader \(got)")
        }
    }

    static func fast(_ data: Data, maxItems: Int? = nil) -> AutotaskQueryResponse<AutotaskTicket>? {
        data.withUnsafeBytes { raw in
            var r = JSONBytes(raw.bindMemory(to: UInt8.self))
            return r.ticketPage(maxItems: maxItems)
        }
    }

    @Test("a plain page is read in one pass, to the same tickets JSONDecoder gives")
    func plainPages() throws {
        for seed in 1...4 {
            let data = try Self.plainPage(200, seed: UInt64(seed))
            let page = try #require(Self.fast(data), "the plain form was not taken")
            let expected = try JSONDecoder().decode(AutotaskQueryResponse<AutotaskTicket>.self, from: data)
            #expect(page.items == expected.items && page.pageDetails == expected.pageDetails)
            Self.same(data, "seed \(seed)")
        }
    }

    @Test("odd forms: JSONDecoder decides (lenient values, escapes, duplicates, limits, malformed bytes)")
    func oddForms() throws {
        let ticket = #"{"id":1,"title":"x","status":1,"createDate":"2019-08-18T01:00:00.000Z"}"#
        let cases: [String] = [
            #"{"items":[\#(ticket)]}"#, #"{"items":null}"#, #"{}"#, #"{"items":[]}"#, #"{"items":{}}"#, "[]", "",
            #"{"items":[{"id":"12"}]}"#, #"{"items":[{"id":1.0}]}"#, #"{"items":[{"id":1e2}]}"#,
            #"{"items":[{"id":null}]}"#, #"{"items":[{"title":"no id"}]}"#, #"{"items":[{"id":1,"id":2}]}"#,
            #"{"items":[{"id":1,"status":"8"}]}"#, #"{"items":[{"id":1,"status":1.5}]}"#,
            #"{"items":[{"id":1,"status":true}]}"#, #"{"items":[{"id":1,"estimatedHours":"1.5"}]}"#,
            #"{"items":[{"id":1,"estimatedHours":1}]}"#, #"{"items":[{"id":1,"estimatedHours":0.1e1}]}"#,
            #"{"items":[{"id":1,"title":42}]}"#, #"{"items":[{"id":1,"title":"a\u00e9\ud83d\udd25\n\"\\\/"}]}"#,
            #"{"items":[{"id":1,"title":"\ud83d"}]}"#, #"{"items":[{"id":1,"title":"\udd25x"}]}"#,
            #"{"items":[{"id":1,"title":"\x"}]}"#, "{\"items\":[{\"id\":1,\"title\":\"a\u{01}b\"}]}",
            #"{"items":[{"id":1,"createDate":"not a date"}]}"#, #"{"items":[{"id":1,"createDate":5}]}"#,
            #"{"items":[{"id":1,"createDate":"2019-08-18T01:00:00\u002B02:00"}]}"#,
            #"{"items":[{"id":1,"userDefinedFields":[{"name":null,"value":"v"},{"value":"w"}]}]}"#,
            #"{"items":[{"id":1,"userDefinedFields":[{"name":"a","value":7}]}]}"#,
            #"{"items":[{"id":1,"userDefinedFields":[1]}]}"#, #"{"items":[{"id":1,"userDefinedFields":{}}]}"#,
            #"{"items":[{"id":1,"serviceLevelAgreementHasBeenMet":"yes"}]}"#,
            #"{"items":[{"id":1,"unknown":{"a":[1,2,{"b":null}],"c":-0.5e-3}}]}"#,
            #"{"items":[{"id":1,"unknown":01}]}"#, #"{"items":[{"id":1,"unknown":-}]}"#,
            #"{"items":[{"id":1,"unknown":[1,]}]}"#, #"{"items":[{"id":1,"unknown":tru}]}"#,
            #"{"items":[{"id":1,"ti\u0074le":"escaped key"}]}"#, #"{"items":[{"id":1}],"items":[]}"#,
            #"{"items":[{"id":9223372036854775807}]}"#, #"{"items":[{"id":9223372036854775808}]}"#,
            #"{"items":[{"id":-9223372036854775808}]}"#, #"{"items":[{"id":-0}]}"#,
            #"{"items":[{"id":1}]} x"#, #"  {"items":[{"id":1}]}  "#, #"{"items":[{"id":1}]"#,
            #"{"items":[{"id":1}],"pageDetails":{"count":1,"requestCount":500,"prevPageUrl":null,"nextPageUrl":null}}"#,
            #"{"items":[{"id":1}],"pageDetails":{"count":"1","requestCount":500}}"#,
            #"{"items":[{"id":1}],"pageDetails":{"requestCount":500}}"#, #"{"items":[{"id":1}],"pageDetails":null}"#,
            #"{"items":[{"id":1}],"pageDetails":7}"#, "{\"items\":[{\"id\":1,\"title\":\"\u{FF}\"}]}",
        ]
        for c in cases { Self.same(Data(c.utf8), c) }
        // Bytes that are not UTF-8 inside a title.
        var bad = Data(#"{"items":[{"id":1,"title":"ab"}]}"#.utf8)
        bad[bad.count - 5] = 0xC3
        Self.same(bad, "broken UTF-8")
        // A page longer than asked for: refused, as JSONDecoder refuses it.
        let three = Data(#"{"items":[{"id":1},{"id":2},{"id":3}]}"#.utf8)
        Self.same(three, maxItems: 2, "three for two")
        Self.same(three, maxItems: 3, "three for three")
        #expect(throws: PageLimit.TooMany.self) { try AutotaskQueryResponse<AutotaskTicket>.read(three, maxItems: 2) }
        // Cut anywhere: the same failure (or the same page).
        let page = try Self.plainPage(3, seed: 9)
        for cut in stride(from: 0, to: page.count, by: 7) { Self.same(page.prefix(cut), "cut at \(cut)") }
    }

    @Test("hours as %.2f: the same text as String(format:)")
    func hours() {
        var values: [Double] = [
            0, 0.5, 1, 1.25, 2.75, 1.1, 0.07, 0.29, 1.005, 2.675, 0.125, 1e9, 123_456.78, -0.0, -1.5,
        ]
        var rng = SeededGenerator(seed: 3)
        for _ in 0..<2_000 {
            values.append(
                Double(Int.random(in: 0...100_000, using: &rng))
                    / [1, 2, 4, 10, 100, 1000][Int.random(in: 0..<6, using: &rng)])
        }
        for v in values { #expect(AutotaskTicket.hours(v) == String(format: "%.2f", v), "\(v)") }
    }
}
