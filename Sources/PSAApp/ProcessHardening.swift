import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What the process does about itself before it holds a secret.
public enum ProcessHardening {
    /// No core dumps while secrets are held: the core file size limit goes to 0 (soft and hard,
    /// so no child can raise it), and on Linux the process is marked not dumpable (no core even
    /// where a core pattern pipes to a handler, and other processes of the same user cannot
    /// ptrace it or read its memory through /proc). Returns what could not be done, in words.
    @discardableResult
    public static func noCoreDumps() -> [String] {
        var problems: [String] = []
        var none = rlimit(rlim_cur: 0, rlim_max: 0)
        #if os(Linux)
            let coreResource = __rlimit_resource_t(RLIMIT_CORE.rawValue)
        #else
            let coreResource = RLIMIT_CORE
        #endif
        if setrlimit(coreResource, &none) != 0 {
            problems.append("setrlimit(RLIMIT_CORE, 0): \(String(cString: strerror(errno)))")
        }
        #if os(Linux)
            if prctl(PR_SET_DUMPABLE, 0) != 0 {
                problems.append("prctl(PR_SET_DUMPABLE, 0): \(String(cString: strerror(errno)))")
            }
        #endif
        return problems
    }

    /// Whether this process may dump core or be inspected: the core limit and (Linux) the dumpable flag.
    public static func dumpState() -> (coreLimit: UInt64, dumpable: Int32?) {
        var lim = rlimit()
        #if os(Linux)
            getrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &lim)
            return (UInt64(lim.rlim_cur), prctl(PR_GET_DUMPABLE, 0))
        #else
            getrlimit(RLIMIT_CORE, &lim)
            return (UInt64(lim.rlim_cur), nil)
        #endif
    }

    #if os(Linux)
        // <linux/prctl.h>
        private static let PR_GET_DUMPABLE: Int32 = 3
        private static let PR_SET_DUMPABLE: Int32 = 4

        /// `prctl(2)` is variadic in C and so not imported: called through its symbol, with the
        /// fixed five-`unsigned long` form the kernel takes.
        private static func prctl(_ option: Int32, _ arg: UInt) -> Int32 {
            typealias Fn = @convention(c) (Int32, UInt, UInt, UInt, UInt) -> Int32
            guard let sym = dlsym(nil, "prctl") else {
                errno = ENOSYS
                return -1
            }
            return unsafeBitCast(sym, to: Fn.self)(option, arg, 0, 0, 0)
        }
    #endif
}
