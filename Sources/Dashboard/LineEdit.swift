import Foundation
import PSACore

/// A prompt of the shell (`/`, `F`): the line typed, whether it is open (it has the keys), and
/// why what was typed was refused (stays open with the reason; nil: nothing wrong). The text
/// outlives the prompt where it is what the prompt set (the list's filter).
public struct LinePrompt: Equatable, Sendable {
    public var text = ""
    public var open = false
    public var error: String?

    public init(text: String = "", open: Bool = false, error: String? = nil) {
        self.text = text
        self.open = open
        self.error = error
    }

    /// Opens the prompt on `text`, no reason shown.
    mutating func start(_ text: String) {
        self.text = text
        open = true
        error = nil
    }

    /// Closes the prompt (its text stays), no reason shown.
    mutating func close() {
        open = false
        error = nil
    }

    /// Applies an editing key (LineEdit); true when the text changed.
    mutating func edit(_ key: Key, maxCharacters: Int) -> Bool {
        let before = text
        return LineEdit.apply(key, to: &text, maxCharacters: maxCharacters) && text != before
    }
}

/// One line of text being typed: printable characters, Backspace, Ctrl-U (all), Ctrl-W (the last
/// word or path component, as shells do). Control and format characters (a pasted escape
/// sequence) never enter it; at most 4,096 bytes, and at most `maxCharacters` where given. The
/// one line editor of every prompt: the filters, the picker's typed value, the paths.
enum LineEdit {
    /// Applies the key; false when it is not an editing key.
    static func apply(_ key: Key, to text: inout String, maxCharacters: Int = .max) -> Bool {
        switch key {
        case .backspace: if !text.isEmpty { text.removeLast() }
        case .ctrl("u"): text = ""
        case .ctrl("w"):
            while text.last == "/" || text.last == " " { text.removeLast() }
            while let c = text.last, c != "/", c != " " { text.removeLast() }
        case .char(let c):
            guard c.isTypable, text.utf8.count < 4_096, text.count < maxCharacters else { return true }
            text.append(c)
        default: return false
        }
        return true
    }
}
