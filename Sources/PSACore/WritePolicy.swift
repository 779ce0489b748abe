import Foundation

/// What a key or a command would write to the PSA.
public enum WriteKind: String, Sendable, CaseIterable, Equatable {
    case note, attachment, time, assign, status, priority, bulk
    /// A note or an attachment the customer would see (the audience switch `p` in a question).
    case publicWrite
    /// A custom command (issue 33) that is not marked `read_only_safe`.
    case command
}

/// Which writes a profile allows: `--read-only` / `read_only = true` refuses every write;
/// `allow_public = false` refuses only what the customer would see. The one check every write
/// key (and a custom command) asks before it sends anything: `refusal(_:)`.
public struct WritePolicy: Equatable, Sendable {
    public var readOnly: Bool
    public var allowPublic: Bool
    /// The profile that set it (named in the refusal).
    public var profile: String

    public init(readOnly: Bool = false, allowPublic: Bool = true, profile: String = "") {
        self.readOnly = readOnly
        self.allowPublic = allowPublic
        self.profile = profile
    }

    /// Why this write is refused ("read-only (profile acme)"), or nil when it may go.
    public func refusal(_ kind: WriteKind) -> String? {
        let named = profile.isEmpty ? "" : " (profile \(profile))"
        if readOnly { return "read-only\(named)" }
        if kind == .publicWrite, !allowPublic { return "customer-visible writes are off\(named): allow_public = false" }
        return nil
    }

    /// Any write refused at all (the `[RO]` badge).
    public var badge: String? { readOnly ? "[RO]" : nil }
}
