import Foundation
import PSACore

/// What the dashboard says, in one screen, to someone with no config file and no credential in
/// the environment: the demo, `config init`, and the variables each vendor reads.
public enum FirstRun {
    /// The screen, when it applies: one tenant to open, not the demo, no config file, and no
    /// credential variable of any vendor set. Nil otherwise (the usual errors say what is missing).
    public static func screen(
        _ list: [ConnectionSettings], configPath: String?, environment env: [String: String]
    ) -> String? {
        guard list.count == 1, let s = list.first, !s.demo, s.credentials == nil else { return nil }
        let path = configPath ?? PSAConfig.defaultPath(environment: env)
        guard !FileManager.default.fileExists(atPath: path) else { return nil }
        guard !CredentialVariable.all.contains(where: { !(env[$0] ?? "").isEmpty }) else { return nil }
        let v = CredentialVariable.self
        return """
            psatop: no tenant to show yet: no config file (\(path)) and no credentials in the environment.

              psatop --demo                the dashboard against the built-in simulator: no account needed
              psatop config init           add a profile (vendor, instance or zone, where each secret is kept);
                                           it tests the connection with one request, then: psatop
            or put the credentials in the environment and name the vendor:
              \(v.autotaskUserName), \(v.autotaskSecret), \(v.autotaskIntegrationCode)   psatop
              \(v.ateraKey)                                      psatop --vendor atera
              \(v.haloClientID), \(v.haloClientSecret)              psatop --vendor halo --base-url https://yourmsp.halopsa.com

            More: man psatop, psatop --help.

            """
    }
}
