import Dashboard
import Foundation
import PSACore

/// Reading the config file again while the dashboard runs (`R`, SIGUSR1): what the running
/// screen takes (views, commands, the mouse, the gauge, the theme) and what changed, in words.
/// Connections stay as they are (the quota state with them): a profile's connection settings
/// and limits that changed are named, and take effect at the next start.
public enum ConfigReload {
    /// The views of each tenant (by index) from its profile's name (nil: no profile).
    public static func settings(_ c: PSAConfig?, profiles: [String?], theme: String?) -> ReloadSettings {
        let custom = c?.custom ?? CustomSettings()
        var views: [Int: [SavedView]] = [:]
        for (i, p) in profiles.enumerated() { views[i] = custom.views(for: p) }
        return ReloadSettings(
            views: views, commands: custom.commands, mouse: custom.mouse ?? false,
            gaugeFolded: custom.gaugeFolded ?? false, theme: theme, changes: [])
    }

    /// The file read again: the settings with what changed since `old`, or why it could not be read
    /// (its line named; the old settings stay).
    public static func reload(
        path: String?, old: PSAConfig?, profiles: [String?], environment env: [String: String]
    ) -> (event: DashboardEvent, config: PSAConfig?) {
        let new: PSAConfig?
        do { new = try PSAConfig.load(path: path, environment: env) } catch {
            return (.reloadFailed("\(error)"), old)
        }
        guard let new else { return (.reloadFailed("no config file to read"), old) }
        let theme = new.theme != old?.theme ? new.theme : nil
        var r = settings(new, profiles: profiles, theme: theme)
        r.changes = changes(old, new)
        return (.reloaded(r), new)
    }

    static func changes(_ old: PSAConfig?, _ new: PSAConfig) -> [String] {
        var out: [String] = []
        let o = old?.custom ?? CustomSettings(), n = new.custom
        func names<T: Equatable>(_ a: [T], _ b: [T], _ name: (T) -> String, _ what: String) {
            let added = b.filter { !a.contains($0) }.map(name), gone = a.filter { !b.contains($0) }.map(name)
            var parts: [String] = []
            if !added.isEmpty { parts.append("+" + added.joined(separator: ", +")) }
            if !gone.isEmpty { parts.append("-" + gone.joined(separator: ", -")) }
            if !parts.isEmpty { out.append("\(what) \(parts.joined(separator: " "))") }
        }
        names(o.views, n.views, { $0.view.name }, "views")
        names(o.commands, n.commands, { $0.name }, "commands")
        if (o.mouse ?? false) != (n.mouse ?? false) { out.append("mouse \((n.mouse ?? false) ? "on" : "off")") }
        if (o.gaugeFolded ?? false) != (n.gaugeFolded ?? false) {
            out.append("gauge \((n.gaugeFolded ?? false) ? "on one line" : "full")")
        }
        if old?.theme != new.theme { out.append("theme \(new.theme ?? "default")") }
        if old?.notify != new.notify { out.append("notify \((new.notify ?? false) ? "on" : "off")") }
        let oldProfiles = old?.profiles ?? []
        func same(_ a: Profile, _ b: Profile) -> Bool {
            var a = a, b = b
            a.line = 0
            b.line = 0
            return a == b
        }
        let changed = new.profiles.filter { p in oldProfiles.first { $0.name == p.name }.map { !same($0, p) } ?? true }
            .map(\.name)
        let gone = oldProfiles.filter { p in !new.profiles.contains { $0.name == p.name } }.map(\.name)
        if !changed.isEmpty || !gone.isEmpty {
            out.append(
                "profiles \((changed + gone).joined(separator: ", ")) changed (connections and limits: at the next start)"
            )
        }
        return out
    }
}
