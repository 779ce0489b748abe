import Foundation
import PSACore
import Testing

@Suite("Vendor payload decoding", .timeLimit(.minutes(5)))
struct DecodingTests {
    let decoder = JSONDecoder()

    @Test("ThresholdInformation as documented")
    func threshold() throws {
        let json =
            #"{"externalRequestThreshold":10000,"requestThresholdTimeframe":60,"currentTimeframeRequestCount":124}"#
        let t = try decoder.decode(ThresholdInformation.self, from: Data(json.utf8))
        #expect(t.quota == Quota(used: 124, limit: 10_000, windowSeconds: 3600))
    }

    @Test("ThresholdInformation without a count is an error, not a zero")
    func thresholdMissingCount() {
        #expect(throws: DecodingError.self) {
            try decoder.decode(ThresholdInformation.self, from: Data(#"{"externalRequestThreshold":10000}"#.utf8))
        }
    }

    @Test("Autotask ticket: nulls, unknown fields, id as string, dates with and without a zone")
    func autotaskTicket() throws {
        let json = #"""
            {"id":"12345","ticketNumber":"T20120604.0002.005","title":null,"status":"8","priority":2,
             "companyID":175,"assignedResourceID":null,"createDate":"2019-08-18T01:00:00.000Z",
             "lastActivityDate":"2019-08-18T03:04:05","dueDateTime":"2019-08-19T01:00:00+02:00",
             "estimatedHours":"1.5","someNewField":{"nested":[1,2,3]},"userDefinedFields":[{"name":"Contract","value":null}]}
            """#
        let t = try decoder.decode(AutotaskTicket.self, from: Data(json.utf8))
        #expect(t.id == 12_345)
        #expect(t.title == nil)
        #expect(t.status == 8)
        #expect(t.priority == 2)
        #expect(t.assignedResourceID == nil)
        #expect(t.createDate == Date(timeIntervalSince1970: 1_566_090_000))
        #expect(t.lastActivityDate == Date(timeIntervalSince1970: 1_566_097_445))  // no zone: UTC
        #expect(t.dueDateTime == Date(timeIntervalSince1970: 1_566_169_200))  // +02:00
        #expect(t.estimatedHours == 1.5)
        #expect(t.userDefinedFields?.first?.name == "Contract")
    }

    @Test("Autotask query response and picklists with string values")
    func autotaskPage() throws {
        let json = #"""
            {"items":[{"id":1,"status":1,"priority":4},{"id":2,"status":5}],
             "pageDetails":{"count":2,"requestCount":500,"prevPageUrl":null,"nextPageUrl":null}}
            """#
        let page = try decoder.decode(AutotaskQueryResponse<AutotaskTicket>.self, from: Data(json.utf8))
        #expect(page.items.map(\.id) == [1, 2])
        let fields = #"""
            {"fields":[{"name":"status","dataType":"integer","isPickList":true,"picklistValues":[
              {"value":"1","label":"New","isDefaultValue":true,"sortOrder":0,"parentValue":"","isActive":true,"isSystem":true},
              {"value":5,"label":"Complete","isDefaultValue":false,"sortOrder":1,"parentValue":"","isActive":true,"isSystem":true}]},
              {"name":"priority","isPickList":true,"picklistValues":[{"value":"4","label":"Critical"}]}]}
            """#
        let picklists = try decoder.decode(EntityFields.self, from: Data(fields.utf8)).picklists
        let shown = page.items.map { $0.display(picklists: picklists) }
        #expect(shown[0].status == "New")
        #expect(shown[0].priority == "Critical")
        #expect(shown[1].status == "Complete")
        #expect(shown[1].priority == "")  // null stays empty
        #expect(picklists.label("status", 99) == "#99")  // unknown value stays visible
    }

    @Test("Atera envelope: totalItemCount, and the wrong-but-common totalItems")
    func ateraEnvelope() throws {
        let real =
            #"{"items":[{"TicketID":"7","TicketTitle":"x","TicketCreatedDate":"2024-01-02T03:04:05"}],"totalItemCount":2847,"page":1,"itemsInPage":50,"totalPages":57,"prevLink":"","nextLink":"https://app.atera.com/api/v3/tickets?page=2&itemsInPage=50"}"#
        let env = try decoder.decode(AteraEnvelope<AteraTicket>.self, from: Data(real.utf8))
        #expect(env.totalItemCount == 2_847)
        #expect(env.hasNext)
        #expect(env.items.first?.TicketID == 7)
        #expect(env.items.first?.TicketCreatedDate == VendorDate.parse("2024-01-02T03:04:05Z"))
        let writeUp = #"{"items":[],"totalItems":12,"page":1,"nextLink":null}"#
        let env2 = try decoder.decode(AteraEnvelope<AteraTicket>.self, from: Data(writeUp.utf8))
        #expect(env2.totalItemCount == 12)
        #expect(!env2.hasNext)
    }

    @Test("Atera ticket: numeric ids as strings, nulls everywhere")
    func ateraTicket() throws {
        let json =
            #"{"TicketID":42,"TicketTitle":null,"CustomerID":"175","CustomerName":null,"TechnicianContactID":null,"TicketStatus":"Waiting customer","TicketPriority":"High"}"#
        let t = try decoder.decode(AteraTicket.self, from: Data(json.utf8))
        #expect(t.CustomerID == 175)
        let d = t.display
        #expect(d.company == "Customer #175")
        #expect(d.status == "Waiting customer")
        #expect(d.title == "")
    }

    @Test("a ticket without an id is refused")
    func noID() {
        #expect(throws: DecodingError.self) {
            try decoder.decode(AteraTicket.self, from: Data(#"{"TicketTitle":"x"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try decoder.decode(AutotaskTicket.self, from: Data(#"{"title":"x"}"#.utf8))
        }
    }

    @Test(
        "dates: forms vendors send, and nonsense",
        arguments: [
            ("2019-08-18T01:00:00.000Z", 1_566_090_000.0), ("2019-08-18T01:00:00Z", 1_566_090_000),
            ("2019-08-18T01:00:00", 1_566_090_000),
            ("2019-08-18 01:00:00", 1_566_090_000), ("2019-08-18T03:00:00+02:00", 1_566_090_000),
            ("2019-08-18", 1_566_086_400),
            ("2019-08-18T01:00:00.5Z", 1_566_090_000.5),
        ])
    func dates(text: String, epoch: Double) {
        #expect(VendorDate.parse(text) == Date(timeIntervalSince1970: epoch))
    }

    @Test("bad dates are nil", arguments: ["", "yesterday", "2019-13-01", "2019-08-18T25:00:00", "2019-08-18Tgarbage"])
    func badDates(text: String) { #expect(VendorDate.parse(text) == nil) }

    @Test("format and parse round-trip")
    func roundTrip() {
        let d = Date(timeIntervalSince1970: 1_700_000_000.123)
        #expect(VendorDate.format(d) == "2023-11-14T22:13:20.123Z")
        #expect(abs(VendorDate.parse(VendorDate.format(d))!.timeIntervalSince(d)) < 0.001)
    }
}
