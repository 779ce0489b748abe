import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// How psatop starts another program (the browser, `$EDITOR`, a custom command): one place, so
/// what a child inherits cannot differ between them. The child gets our environment less every
/// credential variable (`Browser.childEnvironment`), every signal at its default and none blocked
/// (the terminal UI ignores and blocks some), no descriptor of ours from 3 up (sockets, secret
/// files, the recording), and 0–2 as `files` sets them.
enum ChildProcess {
    /// Spawns `argv` (argv[0] looked up on `PATH` when `searchPath`); its pid, or nil when it could
    /// not start. `ownGroup`: its own process group (a Ctrl-C meant for psatop does not reach it) —
    /// not for a program that uses the terminal in the foreground.
    static func spawn(
        _ argv: [String], searchPath: Bool = false, ownGroup: Bool = false,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        files: (inout posix_spawn_file_actions_t) -> Void = { _ in }
    ) -> pid_t? {
        guard let program = argv.first, !program.isEmpty else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        files(&actions)
        guard Browser.closeFrom(&actions, 3) else { return nil }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownGroup {
            posix_spawnattr_setpgroup(&attr, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attr, Int16(flags))
        var cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var cenv = Browser.childEnvironment(environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { cenv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc =
            searchPath
            ? posix_spawnp(&pid, program, &actions, &attr, &cargs, &cenv)
            : posix_spawn(&pid, program, &actions, &attr, &cargs, &cenv)
        return rc == 0 ? pid : nil
    }
}
