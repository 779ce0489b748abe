import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    @Suite("The spawn helper")
    struct SpawnTests {
        @Test(
            "a child gets stdin, stdout and stderr and no other descriptor of the test process, even one another test holds open"
        )
        func noInheritedDescriptors() async throws {
            // A descriptor without close-on-exec, as another test's pipe or a library's file might be.
            var held: [Int32] = [-1, -1]
            #expect(pipe(&held) == 0)
            defer {
                close(held[0])
                close(held[1])
            }
            let r = try spawn(["/bin/sh", "-c", "ls /proc/$$/fd"])
            let fds = Set(r.output.split(whereSeparator: \.isWhitespace).map(String.init))
            #expect(fds.isSubset(of: ["0", "1", "2", "255"]), "the child held \(fds.sorted())")
            #expect(!fds.contains(String(held[1])) || held[1] <= 2)
        }

        @Test("a child that runs too long is killed and named")
        func timesOut() async throws {
            let started = Date()
            #expect(throws: SpawnTimedOut.self) {
                _ = try spawn(["/bin/sh", "-c", "echo begun; sleep 30"], seconds: 1)
            }
            #expect(Date().timeIntervalSince(started) < 10)
        }
    }
}
