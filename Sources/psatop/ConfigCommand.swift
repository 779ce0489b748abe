import ArgumentParser
import Foundation
import PSAApp

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "The config file: check it.",
                                                    subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate the config file and print each profile with its secrets redacted.",
            discussion: "Exit 0 when every profile can be used, 1 otherwise. Errors name the file and line.")

        @Option(help: ArgumentHelp("The config file (default: $XDG_CONFIG_HOME/psatop/config.toml, else ~/.config/psatop/config.toml).", valueName: "path"))
        var config: String?

        func run() async throws {
            let env = ProcessInfo.processInfo.environment
            let file: PSAConfig
            do {
                guard let f = try PSAConfig.load(path: config, environment: env) else {
                    fail("no config file at \(PSAConfig.defaultPath(environment: env)); see README (Profiles) for an example")
                }
                file = f
            } catch { fail("\(error)") }
            let (text, ok) = ConfigReport.describe(file, environment: env)
            print(text, terminator: "")
            if !ok { Foundation.exit(1) }
        }
    }
}
