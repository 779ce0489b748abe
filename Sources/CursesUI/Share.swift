import Foundation
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
                if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
                off += n
            }
        }
    }
}

/// A web browser, where one can be reached: `$BROWSER`, else `xdg-open` (or macOS `open`) when a
/// display is there. Over SSH without a forwarded display there is none, and the URL is shown instead.
public enum Browser {
    public static func command(environment env: [String: String], exists: (String) -> Bool = { FileManager.default.isExecutableFile(atPath: $0) }) -> String? {
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
        for dir in (env["PATH"] ?? "/usr/bin:/bin").split(separator: ":") where exists("\(dir)/\(name)") { return "\(dir)/\(name)" }
        return nil
    }

    /// Starts the browser on `url` in the background, its output to /dev/null. The URL is an
    /// argument, never shell text. Returns false when it could not be started.
    static func open(_ url: String, with browser: String) -> Bool {
        // sh starts the browser in the background and exits at once: no child is left to reap.
        let argv = ["/bin/sh", "-c", "\"$0\" \"$1\" </dev/null >/dev/null 2>&1 &", browser, url]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, nil, &cargs, environ) == 0 else { return false }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return status == 0
    }
}
