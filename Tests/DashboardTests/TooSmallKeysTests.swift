import Dashboard
import Foundation
import PSACore
import Testing

@Suite("Keys behind \"Terminal too small\"")
struct TooSmallKeysTests {
    @Test("at 60x20 only quit and help act: s j Enter y changes nothing; after a resize they work again")
    func inert() {
        var s = openedDetail()
        _ = s.reduce(.resize(width: 60, height: 20))
        #expect(render(s, theme: .fallback).text.contains("Terminal too small"))
        for key: Key in [.char("s"), .char("j"), .enter, .char("y"), .char("p"), .char("n"), .escape] {
            #expect(s.reduce(.key(key)) == [], "\(key) acted behind the too-small screen")
        }
        #expect(s.detail?.edit == nil && s.detail?.saving == nil)
        #expect(s.reduce(.key(.char("?"))) == [] && s.showHelp)
        #expect(s.reduce(.key(.char("?"))) == [] && !s.showHelp)
        #expect(s.reduce(.key(.char("q"))).contains(.quit))
        var big = openedDetail()
        _ = big.reduce(.resize(width: 60, height: 20))
        _ = big.reduce(.resize(width: 120, height: 40))
        #expect(big.reduce(.key(.char("s"))) == [.loadChoices(.status, ticket: big.detail?.ticket.id)])
    }
}
