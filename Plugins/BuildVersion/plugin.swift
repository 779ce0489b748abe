import Foundation
import PackagePlugin

/// Before each build of the `psatop` target, `scripts/version.sh` writes the version that
/// `--version` and the help overlay show: `X.Y.Z` (the CHANGELOG's newest release) when the
/// checkout is the commit tagged `vX.Y.Z` or there is no git checkout, else
/// `X.Y.Z-dev+<commit>[.dirty]`. A prebuild command runs on every
/// build (a build command would run only when its declared inputs change, and a new commit is
/// not one of them); the script rewrites the file only when the text changes, so an unchanged
/// version compiles nothing.
@main
struct BuildVersion: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let out = context.pluginWorkDirectoryURL.appending(path: "generated")
        let script = context.package.directoryURL.appending(path: "scripts/version.sh")
        return [
            .prebuildCommand(
                displayName: "psatop version (CHANGELOG.md and git)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [
                    script.path, "--swift", out.appending(path: "BuildInfo.swift").path,
                    context.package.directoryURL.path,
                ],
                outputFilesDirectory: out)
        ]
    }
}
