import Foundation
import PSACore

/// `w` in a ticket: save one of its attachments. ↑/↓ choose which, the path is typed (it starts
/// as the attachment's safe name in the working directory), Enter saves; an existing file is
/// replaced only after `y`.
extension DashboardState {
    mutating func startSave() -> [Command] {
        guard var d = detail, d.saving == nil, !d.loading, !d.attachmentsLoading else { return [] }
        // Asked for here, once per open (not on every open: one request less against the quota).
        if d.attachments == nil {
            d.attachmentsLoading = true
            d.attachmentsError = nil
            d.notice = "loading attachments…"
            d.noticeIsError = false
            detail = d
            return [.loadAttachments(d.id)]
        }
        guard let list = d.attachments, !list.isEmpty else {
            d.notice =
                d.attachmentsError.map { "attachments could not be loaded: \($0)" } ?? "this ticket has no attachments"
            d.noticeIsError = d.attachmentsError != nil
            detail = d
            return []
        }
        d.notice = nil
        d.flow = .save(AttachmentSave(index: 0, path: list[0].name))
        detail = d
        return []
    }

    mutating func handleSave(_ action: KeyAction, _ key: Key) -> [Command] {
        guard var d = detail, case .save(var save) = d.flow, let list = d.attachments,
            list.indices.contains(save.choice.index)
        else {
            return []
        }
        if save.replacing {
            switch action {
            case .yes:
                d.flow = nil
                d.saving = "saving \(list[save.choice.index].name)"
                detail = d
                return [.saveAttachment(id: d.id, list[save.choice.index], path: save.path, replace: true)]
            case .no: save.replacing = false
            case .cancel:
                d.flow = nil
                detail = d
                return []
            default: return []
            }
            d.flow = .save(save)
            detail = d
            return []
        }
        switch action {
        case .accept:
            let path = save.path.trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { return [] }
            d.flow = .save(save)
            d.saving = "saving \(list[save.choice.index].name)"
            detail = d
            return [.saveAttachment(id: d.id, list[save.choice.index], path: path, replace: false)]
        case .cancel:
            d.flow = nil
            detail = d
            return []
        case .previousChoice, .nextChoice:
            save.choice.cycle(by: action == .previousChoice ? -1 : 1, count: list.count)
            if !save.edited { save.path = list[save.choice.index].name }
        default:
            guard LineEdit.apply(key, to: &save.path) else { return [] }
            save.edited = true
        }
        d.flow = .save(save)
        detail = d
        return []
    }

    mutating func reduceSave(_ e: DashboardEvent) {
        switch e {
        case .attachments(let id, let list):
            if detail?.id == id {
                let asked = detail?.attachmentsLoading == true
                detail?.attachments = list
                detail?.attachmentsError = nil
                detail?.attachmentsLoading = false
                // The `w` that asked for them goes on: the save prompt (or "no attachments").
                if asked {
                    detail?.notice = nil
                    _ = startSave()
                }
            }
        case .attachmentsFailed(let id, let message):
            if detail?.id == id {
                let asked = detail?.attachmentsLoading == true
                detail?.attachmentsError = message
                detail?.attachmentsLoading = false
                if asked {
                    detail?.notice = "attachments could not be loaded: \(message)"
                    detail?.noticeIsError = true
                }
            }
        case .attachmentSaved(let id, let name, let path, let bytes):
            guard detail?.id == id else {
                say("saved \(name) to \(path)")
                return
            }
            if detail?.save != nil { detail?.flow = nil }
            detail?.saving = nil
            detail?.notice = "saved \(name) (\(ByteSize.text(bytes))) to \(path)"
            detail?.noticeIsError = false
        case .attachmentExists(let id, _):
            guard detail?.id == id else { return }
            detail?.saving = nil
            if var save = detail?.save {
                save.replacing = true
                detail?.flow = .save(save)
            }
        case .attachmentSaveFailed(let id, let name, let error):
            guard detail?.id == id else {
                say("\(name) not saved: \(error)")
                return
            }
            detail?.saving = nil
            detail?.notice = "\(name) not saved: \(error)"
            detail?.noticeIsError = true
        default: break
        }
    }
}
