import Foundation
import PSACore

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
