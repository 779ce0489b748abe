import Foundation
import PSAApp
import PSAClient
import PSACore
import Testing

/// What each vendor's API can do is said twice: by its conformances (`NotesCapable`, …) and,
/// for the dashboard (which sees no API), by `Vendor.attachRefusal` / `timeRefusal`. Here they
/// must agree, for every declared vendor, on the connection the app really opens.
@Suite("Capabilities: conformances agree with the vendor's declared refusals", .timeLimit(.minutes(5)))
struct CapabilityTests {
    @Test(
        "attach and time: a capability where the vendor declares no refusal; refused with its text where it does",
        arguments: Vendor.allCases)
    func declaredRefusals(vendor: Vendor) async throws {
        var settings = ConnectionSettings()
        settings.demo = true
        settings.vendor = vendor
        settings.demoTickets = 5
        let conn = try await Connection.open(settings)
        let api = conn.api
        #expect((api is any AttachCapable) == (vendor.attachRefusal == nil))
        #expect((api is any TimeCapable) == (vendor.timeRefusal == nil))
        // Every vendor has a conversation and fields to change.
        #expect(api is any NotesCapable)
        #expect(api is any AssignCapable)
        if let why = vendor.attachRefusal {
            #expect(throws: APIError.self) { _ = try api.attacher() }
            do { _ = try api.attacher() } catch { #expect(String(describing: error).contains(why)) }
        }
        if let why = vendor.timeRefusal {
            do { _ = try api.timeWriter() } catch {
                #expect(String(describing: error).contains(why + ": nothing sent"))
            }
        }
        await conn.close()
    }
}
