import Foundation

/// Why a server could not listen, in words a person acts on ("Address already in use (another
/// process has this port)"), not an error type's dump.
public enum ListenFailure {
    public static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("Address already in use") || text.contains("EADDRINUSE") {
            return "Address already in use (another process has this port)"
        }
        if text.contains("Permission denied") || text.contains("EACCES") {
            return "permission denied (ports below 1024 need privileges)"
        }
        if text.contains("Cannot assign requested address") || text.contains("EADDRNOTAVAIL") {
            return "the address is not one of this machine's"
        }
        let clean = text.sanitized
        return clean.count > 200 ? String(clean.prefix(199)) + "…" : clean
    }
}
