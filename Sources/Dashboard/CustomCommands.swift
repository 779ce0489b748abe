import Foundation
import PSACore

/// A program of the user's (`[[commands]]`), bound to a key or run from the palette. Its
/// arguments are a vector: a placeholder's value is put inside its argument, never split or
/// read by a shell, so no ticket text can become a command.
public struct CustomCommand: Equatable, Sendable {
    public enum Output: String, Sendable, CaseIterable {
        /// What it prints is shown in a pane; it runs with the terminal untouched.
        case pane
        /// It has the terminal while it runs (the screen is handed over and taken back).
        case foreground
    }
    public var name: String
    public var key: Character?
    /// The program, then its arguments, placeholders unexpanded.
    public var argv: [String]
    public var output: Output
    /// It only reads: allowed in read-only mode too.
    public var readOnlySafe: Bool

    public init(name: String, key: Character?, argv: [String], output: Output = .pane, readOnlySafe: Bool = false) {
        self.name = name
        self.key = key
        self.argv = argv
        self.output = output
        self.readOnlySafe = readOnlySafe
    }

    /// The placeholders an argument may hold.
    public static let placeholders = [
        "number", "id", "title", "company", "contact_email", "web_url", "vendor", "tenant",
    ]

    /// The placeholders named in `text` that are not known (a config error).
    public static func unknownPlaceholders(in text: String) -> [String] {
        names(in: text).filter { !placeholders.contains($0) }
    }

    static func names(in text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    /// The argument vector with each `{placeholder}` replaced by its value, in place: one
    /// argument stays one argument whatever the value holds.
    public func arguments(_ values: [String: String]) -> [String] {
        argv.map { arg in
            var out = ""
            var rest = Substring(arg)
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                let name = String(rest[rest.index(after: open)..<close])
                out += rest[..<open]
                if let v = values[name] { out += v } else { out += rest[open...close] }
                rest = rest[rest.index(after: close)...]
            }
            return out + rest
        }
    }
}

/// What a program run in a pane printed (the last lines kept), and how it ended.
public struct CommandOutput: Equatable, Sendable {
    public var name: String
    public var lines: [String] = []
    /// nil while it runs; its exit status after (-1: it could not start).
    public var status: Int32?
    public var scroll = 0
    public init(name: String) { self.name = name }
    public static let maxLines = 2_000
}

/// A program to start: its name (for messages), its argument vector, and whether it takes the terminal.
public struct ProgramRun: Equatable, Sendable {
    public var name: String
    public var argv: [String]
    public var foreground: Bool
    public init(name: String, argv: [String], foreground: Bool) {
        self.name = name
        self.argv = argv
        self.foreground = foreground
    }
}

extension DashboardState {
    /// Whether writing actions may run: the tenant's write policy (`--read-only`, a profile's
    /// `read_only = true`) allows a command. A custom command not marked `read_only_safe` asks this first.
    public var writesAllowed: Bool { refusal(for: .command) == nil }

    /// The values of the placeholders for a ticket (control characters out: an argument cannot hold a NUL).
    func placeholderValues(_ t: Ticket) -> [String: String] {
        let contact =
            t.fields.first { $0.name.lowercased().contains("email") && $0.value.contains("@") }?.value ?? ""
        let values = [
            "number": t.number, "id": String(t.id), "title": t.title, "company": t.company, "contact_email": contact,
            "web_url": ticketURL(t) ?? "", "vendor": vendor.rawValue, "tenant": tenant,
        ]
        return values.mapValues { $0.withoutControlOrFormat }
    }

    /// Runs custom command `i` on the ticket open or selected.
    mutating func runCustom(_ i: Int) -> [Command] {
        guard screen.commands.indices.contains(i) else { return [] }
        let c = screen.commands[i]
        if !c.readOnlySafe, let why = refusal(for: .command) {
            say("\(why): \(c.name) is not marked read_only_safe")
            return []
        }
        guard let t = detail?.ticket ?? (focus == .tickets ? selectedTicket : nil) else {
            say("\(c.name): choose a ticket first")
            return []
        }
        let argv = c.arguments(placeholderValues(t))
        if c.output == .pane {
            screen.output = CommandOutput(name: c.name)
        } else {
            say("running \(c.name)")
        }
        return [.runProgram(ProgramRun(name: c.name, argv: argv, foreground: c.output == .foreground))]
    }

    /// A key no table binds that a custom command has, where a ticket can be chosen.
    func customCommand(for key: Key) -> Int? {
        guard case .char(let ch) = key, [.list, .filteredList, .detail].contains(mode),
            KeyMap.of(mode).action(for: key) == nil
        else { return nil }
        return screen.commands.firstIndex { $0.key == ch }
    }

    /// A program's output (or its end) for the pane.
    mutating func programOutput(name: String, text: String, status: Int32?) {
        guard var o = screen.output, o.name == name else {
            if let status { say(status == 0 ? "\(name): done" : "\(name): exited with \(status)") }
            return
        }
        o.lines += text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).sanitized }
        if o.lines.last == "" { o.lines.removeLast() }
        if o.lines.count > CommandOutput.maxLines { o.lines.removeFirst(o.lines.count - CommandOutput.maxLines) }
        o.status = status
        screen.output = o
    }
}

extension KeyMap {
    /// The action a character has in any table where panes show (nil: free for a custom command).
    public static func owner(of ch: Character) -> KeyAction? {
        for mode in Mode.allCases where !mode.isTyping {
            if let a = of(mode).bindings.first(where: { $0.keys.contains(.char(ch)) })?.action { return a }
        }
        return nil
    }
}
