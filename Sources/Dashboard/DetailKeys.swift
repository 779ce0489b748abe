import Foundation
import PSACore

/// What the keys do in one ticket and its prompts and questions (bound in KeyTables.swift).
extension DashboardState {
    mutating func handleDetail(_ action: KeyAction) -> [Command] {
        guard var d = detail else { return [] }
        let page = max(1, layout.body.height - 4)
        switch action {
        case .copy, .openWeb: return share(d.ticket, action)
        case .change(let field):
            // One change at a time, and not before the full ticket is in.
            guard d.saving == nil, !d.loading else { return [] }
            d.flow = .picker(EditState(field: field))
            d.notice = nil
            detail = d
            return [.loadChoices(field, ticket: d.ticket.id)]
        case .attach:
            guard d.saving == nil, !d.loading else { return [] }
            if let refusal = vendor.attachRefusal {
                d.notice = refusal
                d.noticeIsError = true
            } else {
                d.flow = .attachPath("", .internal)
                d.notice = nil
            }
            detail = d
            return []
        case .save:
            return startSave()
        case .note:
            // A note (Autotask) or comment (Atera): written in $VISUAL/$EDITOR or inline; a draft
            // kept from before is opened again.
            guard d.saving == nil, !d.loading else { return [] }
            d.notice = nil
            detail = d
            return [.writeNote(id: d.id, draft: drafts[d.id])]
        case .listTime: return listTime()
        case .systemNotes:
            // System notes (workflow rules, the RMM) folded into a count, or shown.
            d.showSystemNotes.toggle()
            detail = d
            return []
        case .back:
            detail = nil
            return []
        // (Scrolled as far as asked: the view stops at its last line when drawn.)
        case .down, .up, .pageDown, .pageUp, .first: d.scroll.move(action, page: page, count: .max)
        default: break
        }
        d.scroll.clamp(count: .max)
        detail = d
        return []
    }

    /// The path prompt after `a`: typing edits, Enter attaches, Esc cancels.
    mutating func handleAttachPrompt(_ action: KeyAction, _ key: Key) -> [Command] {
        guard var d = detail, case .attachPath(var path, let visibility) = d.flow else { return [] }
        switch action {
        case .accept:
            // Then one question that names who will see the file: internal unless `p`.
            let typed = path.trimmingCharacters(in: .whitespaces)
            guard !typed.isEmpty else { return [] }
            d.flow = .attachConfirm(typed, visibility)
            detail = d
            return []
        case .cancel: d.flow = nil
        default:
            // Backspace, Ctrl-U, Ctrl-W (the last path component) and typed characters.
            guard LineEdit.apply(key, to: &path) else { return [] }
            d.flow = .attachPath(path, visibility)
        }
        detail = d
        return []
    }

    /// The question after the path: `y` attaches for the audience shown, `p` switches between
    /// internal and customer-visible, `n` goes back to the path, Esc cancels.
    mutating func handleAttachConfirm(_ action: KeyAction) -> [Command] {
        guard var d = detail, case .attachConfirm(let path, let visibility) = d.flow else { return [] }
        switch action {
        case .yes:
            d.flow = nil
            d.saving = "attaching \(Self.fileName(path)) (\(visibility.audience))"
            detail = d
            return [.attach(id: d.id, path: path, visibility: visibility)]
        case .audience: d.flow = .attachConfirm(path, visibility.toggled)
        case .no: d.flow = .attachPath(path, visibility)
        case .cancel: d.flow = nil
        default: return []
        }
        detail = d
        return []
    }

    /// Typing a note inline (no editor): Enter starts a new line, Ctrl-D is done, Esc keeps it as a draft.
    mutating func handleNoteTyping(_ action: KeyAction, _ key: Key) -> [Command] {
        guard var d = detail, case .noteTyping(var n) = d.flow else { return [] }
        // Any key after a Ctrl-C goes on typing: the next Ctrl-C asks again.
        n.interrupted = false
        switch action {
        case .done:
            d.flow = nil
            let text = n.text.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty {
                d.notice = "empty note: nothing sent"
                d.noticeIsError = false
            } else {
                n.text = text
                d.flow = .noteConfirm(n)
                drafts[d.id] = n.path
            }
            detail = d
            return text.isEmpty ? [] : [.keepDraft(path: n.path, text: text)]
        case .cancel:
            d.flow = nil
            let kept = !n.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            if kept { drafts[d.id] = n.path }
            d.notice = kept ? "note not sent: the draft is kept at \(n.path) (c reopens it)" : "note cancelled"
            d.noticeIsError = false
            detail = d
            return kept ? [.keepDraft(path: n.path, text: n.text)] : []
        case .newLine: n.text += "\n"
        case .erase: if !n.text.isEmpty { n.text.removeLast() }
        case .type:
            if key == .tab {
                n.text += "\t"
            } else if case .char(let c) = key, c.isTypable, n.text.count < NoteDraft.maxLength {
                n.text.append(c)
            } else {
                return []
            }
        default: return []
        }
        d.flow = .noteTyping(n)
        detail = d
        return []
    }

    /// The question before a note goes: `y` sends it once, `p` switches between internal and
    /// customer-visible, `e` edits again, Esc keeps it as a draft.
    mutating func handleNoteConfirm(_ action: KeyAction) -> [Command] {
        guard var d = detail, case .noteConfirm(var n) = d.flow else { return [] }
        switch action {
        case .yes:
            guard n.text.count <= NoteDraft.maxLength else {
                d.notice = "the note is \(n.text.count) characters; at most \(NoteDraft.maxLength) go: e edits it"
                d.noticeIsError = true
                detail = d
                return []
            }
            d.flow = nil
            d.saving = "adding the note (\(n.visibility.audience))"
            detail = d
            return [.addNote(id: d.id, text: n.text, visibility: n.visibility, draft: n.path)]
        case .audience:
            n.visibility = n.visibility.toggled
            d.flow = .noteConfirm(n)
        case .editAgain:
            d.flow = nil
            detail = d
            return [.writeNote(id: d.id, draft: n.path)]
        case .cancel:
            d.flow = nil
            drafts[d.id] = n.path
            d.notice = "note not sent: the draft is kept at \(n.path) (c reopens it)"
            d.noticeIsError = false
        default: return []
        }
        detail = d
        return []
    }

    /// The last component of a typed path ("~/logs/app.log" → "app.log").
    static func fileName(_ path: String) -> String {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        return trimmed.split(separator: "/").last.map(String.init) ?? path
    }

    /// The picker: j/k choose, Enter asks to confirm, y sends, n goes back, Esc closes. Where the
    /// values are free text (Atera's statuses) a last row "another…" lets one be typed.
    mutating func handleEdit(_ action: KeyAction, _ key: Key) -> [Command] {
        guard var d = detail, case .picker(var e) = d.flow else { return [] }
        let count = (e.choices?.count ?? 0) + (e.allowsOther && e.choices != nil ? 1 : 0)
        if var typed = e.typed {
            switch action {
            case .accept:
                let value = typed.trimmingCharacters(in: .whitespaces)
                guard !value.isEmpty else { return [] }
                e.typed = nil
                e.other = value
                e.confirming = true
            case .cancel: e.typed = nil
            case .erase, .eraseAll, .eraseWord, .type:
                let before = typed
                guard LineEdit.apply(key, to: &typed, maxCharacters: 100), typed != before else { return [] }
                e.typed = typed
            default: return []
            }
            d.flow = .picker(e)
            detail = d
            return []
        }
        if e.confirming {
            switch action {
            case .yes:
                guard
                    let label = e.other ?? e.choices.flatMap({ $0.indices.contains(e.selected) ? $0[e.selected] : nil })
                else { return [] }
                d.flow = nil
                d.saving = "\(e.field.rawValue) \(ascii ? "->" : "→") \(label)"
                detail = d
                return [.change(id: d.id, e.field, to: label)]
            case .no:
                e.confirming = false
                e.other = nil
            default: return []
            }
        } else {
            switch action {
            case .down, .up, .first, .last:
                e.cursor.move(action, page: 0, count: count)
                e.cursor.clamp(count: count)
            case .accept:
                guard let choices = e.choices else { return [] }
                if e.allowsOther && e.selected == choices.count {
                    e.typed = ""
                    d.flow = .picker(e)
                    detail = d
                    return []
                }
                guard choices.indices.contains(e.selected) else { return [] }
                let current = d.ticket.value(of: e.field)
                if d.ticket.holds(choices[e.selected], for: e.field) {
                    d.flow = nil
                    d.notice = "\(e.field.rawValue) is already \(current): nothing sent"
                    d.noticeIsError = false
                    detail = d
                    return []
                }
                e.confirming = true
            case .cancel:
                d.flow = nil
                detail = d
                return []
            default: return []
            }
        }
        d.flow = .picker(e)
        detail = d
        return []
    }
}
