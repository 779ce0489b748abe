import Foundation
import PSACore

public struct DetailState: Equatable, Sendable {
    public var id: Int64
    /// The list's copy until the full ticket arrives.
    public var ticket: Ticket
    public var loading: Bool
    public var error: String?
    /// How far the ticket is scrolled (the first line shown).
    public var scroll = Cursor()
    /// What the ticket's view is doing besides showing it (nil: nothing): the picker, a path to
    /// attach and its question, an attachment to save, a note typed inline and its question.
    /// One at a time: one enum, so two cannot be open together.
    public var flow: DetailFlow?
    /// The ticket's comments (nil: none to show, or not loaded yet), or why they failed.
    public var comments: [TicketComment]?
    public var commentsError: String?
    /// A change on its way to the server ("status → Complete").
    public var saving: String?
    /// The ticket's attachments (nil: not loaded, or none to list), or why they failed.
    public var attachments: [TicketAttachment]?
    public var attachmentsError: String?
    /// `w` asked for the attachments and they are on their way (the save prompt opens when they come).
    public var attachmentsLoading = false
    /// `E`: the ticket's time entries (nil: not asked for; TicketTime.swift).
    public var time: TicketTime?
    /// System notes (workflow rules, the RMM) shown instead of folded into a count.
    public var showSystemNotes = false
    /// What became of the last change, and whether it failed.
    public var notice: String?
    public var noticeIsError = false
}

/// The sub-flows of a ticket's view (`DetailState.flow`), each with its own state.
public enum DetailFlow: Equatable, Sendable {
    /// The status, priority or assignee picker (`s` / `p` / `A`), through its question.
    case picker(EditState)
    /// The path typed after `a`, with who will see the file (internal unless `p` was pressed in
    /// the question: `n` there comes back here keeping it).
    case attachPath(String, Visibility)
    /// The path waiting for `y`, with who will see the file.
    case attachConfirm(String, Visibility)
    /// Saving an attachment (`w`): which one, the path typed, and whether an existing file waits for y.
    case save(AttachmentSave)
    /// A note typed inline (no `$EDITOR`): the text so far and its draft file.
    case noteTyping(NoteDraft)
    /// A written note waiting for `y`, with who will see it (internal unless `p`).
    case noteConfirm(NoteDraft)

    /// Who will see what this flow sends, where it says (a file to attach, a note).
    public var visibility: Visibility? {
        switch self {
        case .attachPath(_, let v), .attachConfirm(_, let v): v
        case .noteTyping(let n), .noteConfirm(let n): n.visibility
        case .picker, .save: nil
        }
    }
}

/// Each flow's state read as an optional (nil: that flow is not the one open).
extension DetailState {
    public var edit: EditState? {
        if case .picker(let e) = flow { return e }
        return nil
    }
    public var attachPath: String? {
        if case .attachPath(let p, _) = flow { return p }
        return nil
    }
    public var attachConfirm: String? {
        if case .attachConfirm(let p, _) = flow { return p }
        return nil
    }
    /// Who will see the file being attached (nil: no file is).
    public var attachVisibility: Visibility? {
        switch flow {
        case .attachPath, .attachConfirm: flow?.visibility
        default: nil
        }
    }
    public var save: AttachmentSave? {
        if case .save(let s) = flow { return s }
        return nil
    }
    public var noteTyping: NoteDraft? {
        if case .noteTyping(let n) = flow { return n }
        return nil
    }
    public var noteConfirm: NoteDraft? {
        if case .noteConfirm(let n) = flow { return n }
        return nil
    }
}

/// A note on its way: its text, its draft file, who will see it.
public struct NoteDraft: Equatable, Sendable {
    public var text: String
    public var path: String
    public var visibility: Visibility = .internal
    /// The text last written to the draft file (nil: none yet): a tick writes it when it differs.
    public var saved: String? = nil
    /// Ctrl-C came while typing and was answered with a question: the next one quits.
    public var interrupted = false
    public init(text: String, path: String, visibility: Visibility = .internal) {
        self.text = text
        self.path = path
        self.visibility = visibility
    }

    /// The most a note may hold (Autotask's note description takes 32,000 characters).
    public static let maxLength = NoteText.maxLength
}

/// Picking a new status or priority for the ticket in the detail view, then confirming it.
public struct EditState: Equatable, Sendable {
    public var field: EditableField
    /// nil while the labels load.
    public var choices: [String]?
    public var cursor = Cursor()
    /// The label chosen (`cursor.index`).
    public var selected: Int {
        get { cursor.index }
        set { cursor.index = newValue }
    }
    /// The vendor's values are free text (Atera's statuses): a last row lets another be typed.
    public var allowsOther = false
    /// The text typed for another value (nil: not typing).
    public var typed: String?
    /// Another value was typed and waits for confirmation.
    public var other: String?
    /// The picked label waits for y / n.
    public var confirming = false
    public var error: String?
}

/// `w` in a ticket: the attachment chosen (↑/↓), the path to save it at, and, when that file is
/// there already, the question whether to replace it.
public struct AttachmentSave: Equatable, Sendable {
    /// The attachment chosen.
    public var choice: Cursor
    public var path: String
    /// The person typed in the path (then choosing another attachment keeps it).
    public var edited = false
    /// The path exists: `y` replaces it, `n` goes back to the path.
    public var replacing = false
    public init(index: Int, path: String) {
        self.choice = Cursor(index: index)
        self.path = path
    }
}

public struct AttachmentWait: Equatable, Sendable {
    public var used: Int, limit: Int, until: Date
}
