import Foundation
import GRDB

/// Why the history is off: said once ("history off: <reason>"), and the dashboard or the
/// command goes on without it.
public enum HistoryFault: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process holds the store's write lock longer than we wait.
    case locked
    /// The file is not a database, or its pages are damaged.
    case corrupt(String)
    /// The file or its folder cannot be written.
    case readOnly(String)
    /// The disk (or the store's size limit in SQLite) is full.
    case full
    /// A newer psatop wrote this store: it is refused, not overwritten.
    case newer(schema: Int, known: Int)
    /// Anything else SQLite or the file system said.
    case other(String)

    public var description: String {
        switch self {
        case .locked: "the store is locked by another process"
        case .corrupt(let path): "the store is damaged (\(path)); move it aside to start a new one"
        case .readOnly(let path): "the store cannot be written (\(path))"
        case .full: "the disk is full"
        case .newer(let schema, let known):
            "the store was written by a newer psatop (schema \(schema), this one knows \(known)); it is left as it is"
        case .other(let text): text
        }
    }

    /// Whether trying again later may work (the lock may be released); the others end the history for this run.
    public var isTransient: Bool { self == .locked }

    /// What an error from GRDB or the file system means for the history.
    static func from(_ error: any Error, path: String) -> HistoryFault {
        if let f = error as? HistoryFault { return f }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .locked
            case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupt(path)
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN: return .readOnly(path)
            case .SQLITE_FULL: return .full
            default:
                return .other("SQLite error \(e.resultCode.rawValue)")
            }
        }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain || ns.domain == NSCocoaErrorDomain {
            if ns.code == Int(ENOSPC) { return .full }
            return .readOnly(path)
        }
        return .other(String(describing: type(of: error)))
    }
}
