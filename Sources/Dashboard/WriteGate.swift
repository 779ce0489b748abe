import Foundation
import PSACore

/// Read-only and customer-visible writes: which keys write, and how a refusal is said.
extension DashboardState {
    /// What the action would write, if anything. (`p` in a question writes for the customer only
    /// when it switches an internal note or file to customer-visible.)
    func writeKind(of action: KeyAction) -> WriteKind? {
        switch action {
        case .change(.status): return .status
        case .change(.priority): return .priority
        case .change(.assignee): return .assign
        case .attach: return .attachment
        case .note: return .note
        case .timer, .logTime: return .time
        case .bulk: return .bulk
        case .audience:
            let now = detail?.flow?.visibility
            return now == .internal ? .publicWrite : nil
        default: return nil
        }
    }

    /// Whether a write of this kind may go now, and why not: for other keys and commands (a
    /// custom command asks `refusal(for: .command)` unless it is marked read-only safe).
    public func refusal(for kind: WriteKind) -> String? { writePolicy.refusal(kind) }

    /// Says a refusal where it is read: the ticket's notice line, else the footer.
    mutating func refuseWrite(_ why: String) {
        let text = "\(why): nothing sent"
        if detail != nil {
            detail?.notice = text
            detail?.noticeIsError = true
        }
        say(text)
    }

    /// Each tenant's policy, in the order of `tenants` (one: this state's), the overview told too.
    public mutating func setWritePolicies(_ policies: [WritePolicy]) {
        for (i, p) in policies.enumerated() {
            if i == activeTenant {
                writePolicy = p
            } else {
                background[i]?.writePolicy = p
            }
            if tenants.indices.contains(i) { tenants[i].readOnly = p.readOnly }
        }
    }
}

extension Command {
    /// What the command would write to the PSA, if anything: the dispatcher's last check before a
    /// poller gets it (the keys are refused first; this holds whatever path a command came by).
    public var writeKind: WriteKind? {
        switch unwrapped {
        case .change(_, let field, _):
            switch field {
            case .status: .status
            case .priority: .priority
            case .assignee: .assign
            }
        case .attach(_, _, let visibility): visibility == .customers ? .publicWrite : .attachment
        case .addNote(_, _, let visibility, _): visibility == .customers ? .publicWrite : .note
        case .bulkChange, .bulkNote: .bulk
        case .logTime: .time
        default: nil
        }
    }
}
