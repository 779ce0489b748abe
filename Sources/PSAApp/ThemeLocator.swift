import Dashboard
import Foundation

/// Finds a theme by name or path: a path as given; a name in `$XDG_CONFIG_HOME/psatop/themes`,
/// then beside the binary: `<prefix>/share/psatop/themes` of an installed `<prefix>/bin/psatop`
/// (scripts/install.sh), or the `themes/` folder of the checkout it was built in. Never the
/// working directory's `./themes`: a folder someone else planted there (a `default.toml`, a
/// FIFO) must not decide what psatop reads at start.
public enum ThemeLocator {
    public static func candidates(
        _ nameOrPath: String, environment env: [String: String] = ProcessInfo.processInfo.environment
    ) -> [String] {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml") { return [nameOrPath] }
        return directories(environment: env).map { $0 + "/" + nameOrPath + ".toml" }
    }

    /// The folders a theme name is looked up in, in order, each once.
    static func directories(environment env: [String: String]) -> [String] {
        var dirs: [String] = []
        let config =
            env["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (env["HOME"].map { $0 + "/.config" } ?? "")
        if !config.isEmpty { dirs.append(config + "/psatop/themes") }
        // …/.build/<config>/psatop → the checkout's themes/
        // <prefix>/bin/psatop → <prefix>/share/psatop/themes; symlinks to the binary are followed.
        if let exe = executablePath() {
            var u = URL(fileURLWithPath: exe).deletingLastPathComponent()
            for _ in 0..<4 {
                u = u.deletingLastPathComponent()
                dirs.append(u.path + "/themes")
                dirs.append(u.path + "/share/psatop/themes")
            }
        }
        var seen = Set<String>()
        return dirs.filter { seen.insert($0).inserted }
    }

    /// The running binary's real path: Linux's /proc/self/exe, elsewhere (macOS) Foundation's.
    static func executablePath() -> String? {
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return exe }
        return Bundle.main.executableURL?.resolvingSymlinksInPath().path
    }

    /// Every theme name found, the shipped ones first (default, light, high-contrast, mono),
    /// then the user's own, A to Z.
    public static func available(environment env: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var names = Set<String>()
        for d in directories(environment: env) {
            for f in (try? FileManager.default.contentsOfDirectory(atPath: d)) ?? [] where f.hasSuffix(".toml") {
                names.insert(String(f.dropLast(5)))
            }
        }
        let shipped = ["default", "light", "high-contrast", "mono"]
        return shipped.filter(names.contains) + names.subtracting(shipped).sorted()
    }

    public static func load(
        _ nameOrPath: String, environment env: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> Theme {
        let paths = candidates(nameOrPath, environment: env)
        guard let path = paths.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            // The default is built in too: a binary copied to another host alone still starts.
            if nameOrPath == "default" { return Theme.fallback }
            if paths.count == 1 { return try ThemeFile.load(path: paths[0]) }  // names the file in its error
            throw ThemeError(
                file: nameOrPath + ".toml", line: 0,
                message: "theme '\(nameOrPath)' not found; the themes are "
                    + (["default"] + available(environment: env).filter { $0 != "default" }).joined(separator: ", ")
                    + " (or give a theme file's path); looked in:\n  " + paths.joined(separator: "\n  "))
        }
        return try ThemeFile.load(path: path)
    }
}
