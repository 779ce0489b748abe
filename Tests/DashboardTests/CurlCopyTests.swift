import Dashboard
import Foundation
import PSACore
import Testing

/// "Copy as curl" names the tenant's own vendor's credential variables (as `Vendor.credentials`
/// declares them), never another vendor's and never a value — for every vendor declared.
@Suite("Copy as curl, per vendor", .timeLimit(.minutes(5)))
struct CurlCopyTests {
    /// The credential headers a vendor's requests carry, as the request view keeps them (redacted).
    static func headers(_ v: Vendor) -> [HeaderField] {
        let names: [String] =
            switch v {
            case .autotask: ["ApiIntegrationCode", "Secret"]
            case .atera: ["X-API-KEY"]
            case .halo: ["Authorization"]
            case .connectwise: ["Authorization", "clientId"]
            }
        return names.map { HeaderField($0, RequestExchange.redacted) } + [HeaderField("Accept", "application/json")]
    }

    @Test("the copy names this vendor's variables only", arguments: Vendor.allCases)
    func perVendor(vendor: Vendor) throws {
        var s = SnapshotTests.screen("request", width: 120, height: 40)
        s.vendor = vendor
        s.requestLog.open?.exchange?.requestHeaders = Self.headers(vendor)
        let copied = s.reduce(.key(.char("y")))
        guard case .copy(let command)? = copied.first else {
            Issue.record("nothing copied: \(copied)")
            return
        }
        let stands = Self.headers(vendor).compactMap { vendor.credentials.curlStandIns[$0.name.lowercased()] }
        #expect(!stands.isEmpty)
        for stand in stands { #expect(command.contains(stand), "\(command)") }
        #expect(!command.contains(RequestExchange.redacted))
        #expect(!command.contains("$PSATOP_SECRET"))
        let others = Vendor.allCases.filter { $0 != vendor }.flatMap(\.credentials.variables)
        for name in others { #expect(!command.contains("$" + name), "\(vendor): \(command) names \(name)") }
        #expect(s.flash?.contains(vendor.credentials.curlNote) == true, "\(s.flash ?? "")")
    }
}
