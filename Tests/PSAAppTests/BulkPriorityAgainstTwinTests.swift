import Dashboard
import Foundation
import PSAApp
import PSAClient
import PSACore
import Simulator
import Testing

@Suite("A bulk priority change against the twin (real HTTP on loopback)", .timeLimit(.minutes(10)))
struct BulkPriorityAgainstTwinTests {
    @Test("priority on 3 marked tickets: the cost before y, exactly 3 PATCH + 3 read-backs, each once")
    func threeMarkedPriority() async throws {
        var rig = try await BulkAgainstTwinTests.Rig.open()
        let sim = try #require(rig.conn.simulator)
        func stats() async throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: await sim.statsJSON()) as? [String: Any] ?? [:]
        }
        let before = try await stats()["updatedFields"] as? [String: Int] ?? [:]
        let logBefore = await rig.conn.api.client.log.count
        for _ in 0..<3 { await rig.key(.char("x")) }
        let ids = Array(rig.state.tickets.prefix(3).map(\.id))
        await rig.key(.char("b"))
        await rig.key(.char("p"))
        try await rig.until { $0.bulk?.choices != nil }
        let choices = try #require(rig.state.bulk?.choices)
        let target = try #require(choices.firstIndex(of: "Critical") ?? choices.indices.last)
        for _ in 0..<target { await rig.key(.char("j")) }
        await rig.key(.enter)
        #expect(rig.state.mode == .bulkConfirm)
        #expect(render(rig.state, theme: .fallback).text.contains("3 PATCH + 3 read-backs = 6 requests"))
        await rig.key(.char("y"))
        await rig.key(.char("y"))  // (a second y finds no question: sent once)
        try await rig.until { $0.bulk?.stage == .done }
        let sent = await rig.conn.api.client.log.dropFirst(logBefore).filter {
            $0.path.contains("Tickets") && !$0.path.contains("query")
        }
        #expect(sent.filter { $0.method == "PATCH" }.count == 3, "\(sent.map { "\($0.method) \($0.path)" })")
        #expect(sent.filter { $0.method == "GET" }.count == 3, "\(sent.map { "\($0.method) \($0.path)" })")
        let s = try await stats()
        let after = s["updatedFields"] as? [String: Int] ?? [:]
        #expect(after["priority", default: 0] - before["priority", default: 0] == 3)
        #expect(after["status", default: 0] == before["status", default: 0])
        let held = await sim.autotaskTickets().filter { ids.contains($0.id) }
        #expect(held.count == 3)
        #expect(rig.state.bulk?.outcomes.count == 3 && rig.state.marks.isEmpty)
        await rig.close()
    }

    @Test("a note to 3 marked tickets: the cost before y, exactly 3 note POSTs, each once")
    func threeMarkedNote() async throws {
        var rig = try await BulkAgainstTwinTests.Rig.open()
        let sim = try #require(rig.conn.simulator)
        let logBefore = await rig.conn.api.client.log.count
        for _ in 0..<3 { await rig.key(.char("x")) }
        await rig.key(.char("b"))
        await rig.key(.char("c"))
        for ch in "Patched overnight" { await rig.key(.char(ch)) }
        await rig.key(.enter)
        #expect(render(rig.state, theme: .fallback).text.contains("3 notes (POST) = 3 requests"))
        await rig.key(.char("y"))
        await rig.key(.char("y"))
        try await rig.until { $0.bulk?.stage == .done }
        let sent = await rig.conn.api.client.log.dropFirst(logBefore).filter {
            $0.method == "POST" && $0.path.contains("Notes")
        }
        #expect(sent.count == 3, "\(sent.map { "\($0.method) \($0.path)" })")
        let s = try JSONSerialization.jsonObject(with: await sim.statsJSON()) as? [String: Any] ?? [:]
        #expect(s["notesAdded"] as? Int == 3)
        #expect(rig.state.bulk?.outcomes.values.allSatisfy { $0 == .noted } == true && rig.state.marks.isEmpty)
        await rig.close()
    }
}
