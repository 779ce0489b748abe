import Foundation
import PSACore

#if canImport(Glibc)
    import Glibc
#endif

/// The clipboard over the terminal itself: OSC 52 reaches the local terminal through SSH, and
/// through tmux when tmux lets applications set its buffers (`set -g set-clipboard on`).
public enum Clipboard {
    /// The escape sequence that puts `text` on the clipboard. The text is base64, so nothing in
    /// it can end the sequence early or become a command.
    public static func osc52(_ text: String) -> String {
        "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
    }

    /// Writes the sequence to the terminal (between frames: it moves no cursor and draws nothing).
    static func copy(_ text: String) {
        let seq = Array(osc52(text).utf8)
        seq.withUnsafeBufferPointer { b in
            var off = 0
            while off < b.count {
                let n = write(STDOUT_FILENO, b.baseAddress! + off, b.count - off)
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    return
                }
                off += n
            }
        }
    }
}

/// A web browser, where one can be reached: `$BROWSER`, else `xdg-open` (or macOS `open`) when a
/// display is there. Over SSH without a forwarded display there is none, and the URL is shown instead.
public enum Browser {
    public static func command(
        environment env: [String: String],
        exists: (String) -> Bool = { FileManager.default.isExecutableFile(atPath: $0) }
    ) -> String? {
        if let b = env["BROWSER"]?.split(separator: ":").first.map(String.init), !b.isEmpty {
            // `$BROWSER` may name a program on PATH.
            if b.contains("/") { return exists(b) ? b : nil }
            return path(of: b, env, exists)
        }
        let display = !(env["DISPLAY"] ?? "").isEmpty || !(env["WAYLAND_DISPLAY"] ?? "").isEmpty
        #if os(macOS)
            if env["SSH_CONNECTION"] == nil { return "/usr/bin/open" }
        #endif
        guard display else { return nil }
        return path(of: "xdg-open", env, exists)
    }

    static func path(of name: String, _ env: [String: String], _ exists: (String) -> Bool) -> String? {
        for dir in (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":") where exists("\(dir)/\(name)") {
            return "\(dir)/\(name)"
        }
        return nil
    }

    /// The environment a browser gets: ours without any credential variable (`CredentialVariable.all`).
    public static func childEnvironment(_ env: [String: String]) -> [String: String] {
        env.filter { !CredentialVariable.isCredential($0.key) }
    }

    /// Starts the browser on `url` in the background, its output to /dev/null. The URL is an
    /// argument, never shell text. Returns false when it could not be started.
    ///
    /// The browser inherits nothing of ours it should not: no credential variable in its
    /// environment, no descriptor but /dev/null on 0–2 (the terminal, sockets and secret files
    /// stay here), no blocked or ignored signal (the terminal UI blocks and ignores some; a
    /// browser that inherited them could not be stopped), and its own process group (a Ctrl-C
    /// meant for psatop does not reach it).
    public static func open(
        _ url: String, with browser: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Bool {
        // sh starts the browser in the background and exits at once: no child is left to reap.
        let argv = ["/bin/sh", "-c", "\"$0\" \"$1\" </dev/null >/dev/null 2>&1 &", browser, url]
        let started = ChildProcess.spawn(argv, ownGroup: true, environment: environment) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        guard let pid = started else { return false }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return status == 0
    }

    /// Closes every descriptor from `low` up in the child: glibc's
    /// `posix_spawn_file_actions_addclosefrom_np` (2.34+, looked up by name: Swift's Glibc module
    /// leaves it out); where it is missing, each open descriptor is closed one by one.
    static func closeFrom(_ actions: inout posix_spawn_file_actions_t, _ low: Int32) -> Bool {
        #if os(Linux)
            typealias Fn = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
            if let sym = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
                return unsafeBitCast(sym, to: Fn.self)(&actions, low) == 0
            }
        #endif
        let maxFD = Int32(min(sysconf(Int32(_SC_OPEN_MAX)), 65_536))
        var fd = low
        while fd < maxFD {
            if fcntl(fd, F_GETFD) != -1 { posix_spawn_file_actions_addclose(&actions, fd) }
            fd += 1
        }
        return true
    }
}
