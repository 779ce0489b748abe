import Foundation
import PSACore
import Testing

/// A ConnectWise recording scrubbed so it still replays: the conditions language kept but for its
/// quoted strings, each address of a `Link` header scrubbed as a link, the codebase kept.
@Suite("Scrubbing ConnectWise's conditions and Link")
struct ConnectWiseScrubTests {
    let s = Scrubber(fakes: FakeText(key0: 31, key1: 32))

    @Test("conditions: field names, operators, booleans, dates kept; quoted names faked, escapes kept valid")
    func conditions() {
        let q =
            "pageSize=500&conditions="
            + Scrubber.encode(
                #"company/name = "Acme \"Dental\" Group" and closedFlag = false and lastUpdated > [2026-11-01T00:00:00Z]"#
            )
        let out = s.url("https://na.myconnectwise.net/v2025_1/apis/3.0/service/tickets?" + q)
        let value = out.split(separator: "conditions=").last.map { String($0).removingPercentEncoding ?? "" } ?? ""
        #expect(!value.contains("Acme") && !value.contains("Dental"), "\(value)")
        #expect(value.hasPrefix("company/name = \""))
        #expect(value.hasSuffix("\" and closedFlag = false and lastUpdated > [2026-11-01T00:00:00Z]"), "\(value)")
        #expect(
            s.url("https://x.example/a?conditions=" + Scrubber.encode("closedFlag = false")).hasSuffix(
                Scrubber.encode("closedFlag = false")))
    }

    @Test("a Link header keeps its form: <address>; rel=\"next\", the address scrubbed as a link")
    func link() {
        let next =
            "https://na.myconnectwise.net/v2025_1/apis/3.0/service/tickets?conditions="
            + Scrubber.encode(#"summary contains "payroll""#) + "&pageId=503"
        let out = s.header("Link", "<\(next)>; rel=\"next\"")
        #expect(out.hasPrefix("<https://na.myconnectwise.net/v2025_1/apis/3.0/service/tickets?conditions="))
        #expect(out.hasSuffix("&pageId=503>; rel=\"next\""), "\(out)")
        #expect(!out.contains("payroll"))
    }

    @Test("companyinfo's codebase survives, its company name does not")
    func codebase() {
        let body = #"{"CompanyName":"Acme Dental Group","Codebase":"v2025_1/","VersionCode":"v2025.1"}"#
        let out = s.body(body)
        #expect(out.contains(#""Codebase":"v2025_1/""#) && !out.contains("Acme"), "\(out)")
    }
}
