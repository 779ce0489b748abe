import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension EndToEnd {
    @Suite("The spawn helper", .timeLimit(.minutes(15)))
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

        @Test("a child a signal ends reads as 128 + the signal, never as exit 0; an exit code reads as itself")
        func signalled() async throws {
            // No core file: the abort is the point, not its dump.
            let aborted = try spawn(["/bin/sh", "-c", "ulimit -c 0; kill -ABRT $$"])
            #expect(aborted.status == 128 + SIGABRT)
            let segv = try spawn(["/bin/sh", "-c", "kill -SEGV $$"])
            #expect(segv.status == 128 + SIGSEGV)
            let killed = try spawn(["/bin/sh", "-c", "kill -KILL $$"])
            #expect(killed.status == 128 + SIGKILL)
            #expect(try spawn(["/bin/sh", "-c", "exit 3"]).status == 3)
            #expect(try spawn(["/bin/true"]).status == 0)
        }

        @Test("the old reading (the exit byte alone) took an aborted child for a success; exitCode does not")
        func oldReadingWasBlind() async throws {
            // The raw wait status of a real aborting child, without the helper.
            var pid: pid_t = 0
            let argv = ["/bin/sh", "-c", "ulimit -c 0; kill -ABRT $$"]
            var cargs = argv.map { strdup($0) } + [nil]
            defer { cargs.forEach { free($0) } }
            var actions = posix_spawn_file_actions_t()
            childActions(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            var attr = posix_spawnattr_t()
            posix_spawnattr_init(&attr)
            defer { posix_spawnattr_destroy(&attr) }
            defaultSignals(&attr)
            try #require(posix_spawn(&pid, argv[0], &actions, &attr, &cargs, environ) == 0)
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
            #expect((raw >> 8) & 0xFF == 0, "the old helper's reading")
            #expect(exitCode(waitStatus: raw) == 128 + SIGABRT)
        }
    }
}
