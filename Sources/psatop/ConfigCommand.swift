import ArgumentParser
import Foundation
import PSAApp

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "The config file: check it.",
        discussion: "Exit codes: those of its subcommand; 64 a bad command line.",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate the config file and print each profile with its secrets redacted.",
            discussion: """
                Errors name the file and line.

                Exit codes: 0 every profile can be used; 1 otherwise, or no config file; 64 a bad command line.
                """)

        @Option(
            help: ArgumentHelp(
                "The config file (default: $XDG_CONFIG_HOME/psatop/config.toml, else ~/.config/psatop/config.toml).",
                valueName: "path"))
        var config: String?

        func run() async throws {
            let env = ProcessInfo.processInfo.environment
            let file: PSAConfig
            do {
                guard let f = try PSAConfig.load(path: config, environment: env) else {
                    fail(
                        "no config file at \(PSAConfig.defaultPath(environment: env)); see README (Profiles) for an example"
                    )
                }
                file = f
            } catch { fail("\(error)") }
            let (text, ok) = ConfigReport.describe(file, environment: env)
            print(text, terminator: "")
            if !ok { Foundation.exit(1) }
        }
    }
}
