import ArgumentParser
import Foundation
import PSAApp

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "The config file: make a profile, check it.",
        discussion: "Exit codes: those of its subcommand; 64 a bad command line.",
        subcommands: [Init.self, Check.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Add a profile: vendor, instance or zone, where each secret comes from; tests the connection.",
            discussion: """
                Secrets are never typed in: each comes from an environment variable or a file only you can read \
                (mode 600). The connection is tested with one request (Autotask: ThresholdInformation; Atera: one \
                page of tickets; HaloPSA: one token) before the profile is written; the file is left with mode 600.

                Exit codes: 0 the profile was written; 1 it was not; 64 a bad command line.
                """)

        @Option(
            help: ArgumentHelp(
                "The config file (default: $XDG_CONFIG_HOME/psatop/config.toml, else ~/.config/psatop/config.toml).",
                valueName: "path"))
        var config: String?

        func run() async throws {
            let flow = ConfigInit(
                configPath: config, environment: ProcessInfo.processInfo.environment,
                ask: { prompt in
                    Out.data(Data(prompt.utf8))
                    return readLine(strippingNewline: true)
                }, say: { Out.line($0) })
            let code = await flow.run()
            if code != 0 { Foundation.exit(code) }
        }
    }

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
