import Dashboard
import Foundation
import PSACore
import Testing

@Suite("Read-only profiles and customer-visible writes", .timeLimit(.minutes(5)))
struct ReadOnlyTests {
    static let ro = WritePolicy(readOnly: true, profile: "acme")

    @Test("every write key in a ticket (s, p, A, a, c) says read-only (profile acme) and asks for nothing")
    func detailKeys() {
        for key in ["s", "p", "A", "a", "c"] {
            var s = openedDetail()
            s.writePolicy = Self.ro
            let before = s.detail
            #expect(s.reduce(.key(.char(Character(key)))) == [], "key \(key)")
            #expect(s.detail?.notice == "read-only (profile acme): nothing sent", "key \(key)")
            #expect(s.detail?.edit == nil && s.detail?.attachPath == nil && before?.saving == s.detail?.saving)
            #expect(s.mode == .detail, "key \(key)")
        }
    }

    @Test("the list: marks may be set (nothing is written) but b refuses; [RO] shows in the title bar")
    func listKeys() {
        var s = sampleState(width: 120, height: 40)
        s.writePolicy = Self.ro
        #expect(!render(sampleState(width: 120, height: 40), theme: .fallback).lines[0].contains("[RO]"))
        _ = s.reduce(.key(.char("x")))
        #expect(s.reduce(.key(.char("b"))) == [])
        #expect(s.bulk == nil && s.flash == "read-only (profile acme): nothing sent")
        let title = render(s, theme: .fallback).lines[0]
        #expect(title.contains("api@contoso.example [RO]"), "\(title)")
    }

    @Test("the tenants overview shows [RO] on the read-only tenant's line only")
    func overviewBadge() {
        var s = DashboardState.multi([(.autotask, "acme"), (.atera, "globex")], now: fixedNow, width: 120, height: 40)
        s.setWritePolicies([WritePolicy(), WritePolicy(readOnly: true, profile: "globex")])
        let lines = render(s, theme: .fallback).lines
        #expect(lines.contains { $0.contains("globex") && $0.contains("[RO]") })
        #expect(!lines.contains { $0.contains("acme") && $0.contains("[RO]") })
        s.switchTenant(to: 1)
        #expect(s.writePolicy.readOnly && s.refusal(for: .command) == "read-only (profile globex)")
    }

    @Test("allow_public = false: p at the note's question is refused (the note stays internal); y sends it internal")
    func noPublicNotes() {
        var s = openedDetail()
        s.writePolicy = WritePolicy(readOnly: false, allowPublic: false, profile: "acme")
        let id = s.detail!.id
        #expect(s.reduce(.key(.char("c"))) == [.writeNote(id: id, draft: nil)])
        _ = s.reduce(.noteDraft(id: id, text: "Rebooted the switch.", path: "/tmp/draft"))
        #expect(s.mode == .noteConfirm)
        #expect(s.reduce(.key(.char("p"))) == [])
        #expect(s.detail?.noteConfirm?.visibility == .internal)
        #expect(s.flash?.contains("allow_public = false") == true)
        #expect(
            s.reduce(.key(.char("y")))
                == [.addNote(id: id, text: "Rebooted the switch.", visibility: .internal, draft: "/tmp/draft")])
    }

    @Test("the policy is one check: read-only refuses every kind; allow_public only customer-visible ones")
    func policy() {
        for kind in WriteKind.allCases { #expect(Self.ro.refusal(kind) == "read-only (profile acme)") }
        let internalOnly = WritePolicy(allowPublic: false, profile: "acme")
        #expect(WriteKind.allCases.filter { internalOnly.refusal($0) != nil } == [.publicWrite])
        #expect(WriteKind.allCases.allSatisfy { WritePolicy().refusal($0) == nil })
    }

    @Test("the dispatcher's last check: which commands write, and what they write")
    func commandKinds() {
        #expect(Command.change(id: 1, .assignee, to: "Dana").writeKind == .assign)
        #expect(Command.forTenant(2, .change(id: 1, .status, to: "New")).writeKind == .status)
        #expect(Command.addNote(id: 1, text: "x", visibility: .customers, draft: "/d").writeKind == .publicWrite)
        #expect(Command.attach(id: 1, path: "a", visibility: .internal).writeKind == .attachment)
        #expect(Command.bulkChange(ids: [1], .priority, to: "High").writeKind == .bulk)
        for c: Command in [.refresh, .loadDetail(1), .loadChoices(.status), .writeNote(id: 1, draft: nil), .quit] {
            #expect(c.writeKind == nil, "\(c)")
        }
    }
}
