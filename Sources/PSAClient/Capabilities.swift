import Foundation
import PSACore

// What a tenant can do beyond reading tickets, one protocol each. A vendor's API conforms to
// those its API has (in its own declaration: `AteraAPI: TenantAPI, NotesCapable, …`); a vendor
// that gains one conforms and drops its refusal from `Vendor`; a caller asks (`api as? any AlertsCapable`, or the throwing lookups below,
// which give the refusal a person sees) instead of calling something that answers nil or
// refuses at run time. `CapabilityTests` checks the conformances against `Vendor`'s declared
// refusals, for every vendor.

/// A ticket's conversation: Autotask's notes, Atera's comments, HaloPSA's actions.
public protocol NotesCapable: TenantAPI {
    /// A ticket's comments (Atera), notes (Autotask) or actions (HaloPSA), oldest first.
    func ticketComments(id: Int64) async throws -> [TicketComment]
    /// Adds a note (Autotask `POST /Tickets/{id}/Notes`) or a comment (Atera
    /// `POST /tickets/{id}/comments`) for the audience chosen. Sent once, never retried: the
    /// server may have taken it. Too long, or (Atera) no technician to write as, is refused before sending.
    func addNote(ticketID: Int64, text: String, visibility: Visibility) async throws
}

/// Setting a ticket's status, priority or assignee to one of the labels the tenant offers.
public protocol AssignCapable: TenantAPI {
    /// The labels a field can be set to, in the vendor's order (active values only).
    func choices(for field: EditableField) async throws -> [String]
    /// The labels one ticket's field can be set to (ConnectWise: a status of the ticket's own
    /// board); by default the tenant's, as above.
    func choices(for field: EditableField, ticketID: Int64) async throws -> [String]
    /// Sets one field of one ticket to a label, sending that field only (Autotask: PATCH with
    /// the picklist value; Atera: POST with the label). Not retried: the server may have applied it.
    func change(ticketID: Int64, _ field: EditableField, to label: String) async throws
}

/// The tenant's monitoring alerts (an RMM's: Atera).
public protocol AlertsCapable: TenantAPI {
    /// The tenant's open monitoring alerts, most urgent first.
    func openAlerts() async throws -> [Alert]
}

/// A ticket's attachments listed and fetched.
public protocol AttachmentsCapable: TenantAPI {
    /// A ticket's attachments, newest last.
    func attachments(ticketID: Int64) async throws -> [TicketAttachment]
    /// One attachment's bytes (Autotask: by id; Atera: its address, fetched without any credential).
    func attachmentData(ticketID: Int64, _ attachment: TicketAttachment) async throws -> Data
}

/// Files attached to a ticket through the API (Autotask). `Vendor.attachRefusal` says why not elsewhere.
public protocol AttachCapable: TenantAPI {
    /// Attaches a file to a ticket for the audience chosen; returns the attachment's id. Not
    /// retried (not idempotent).
    @discardableResult
    func attach(ticketID: Int64, fileName: String, data: Data, visibility: Visibility) async throws -> Int64
}

/// Time logged on a ticket (Autotask). `Vendor.timeRefusal` says why not elsewhere.
public protocol TimeCapable: TenantAPI {
    /// Logs time on a ticket (Autotask: `POST /TimeEntries`), sent once and read back; what the
    /// read-back found amiss (nil: the server holds the entry as sent).
    @discardableResult
    func logTime(_ entry: TimeEntryDraft) async throws -> String?
}

/// Time entries read (Autotask's `TimeEntries`): the detail's `E`, `tickets --with-time`.
public protocol TimeReadCapable: TenantAPI {
    /// The entries of these tickets, oldest first, read in as few requests as the API allows (one
    /// query for many tickets where it filters by a list); `names`: who worked, by name.
    func timeEntries(ticketIDs: [Int64], names: Bool) async throws -> [LoggedTime]
}

extension AttachCapable {
    /// Attaches a file for the service desk only: internal is the default.
    @discardableResult
    public func attach(ticketID: Int64, fileName: String, data: Data) async throws -> Int64 {
        try await attach(ticketID: ticketID, fileName: fileName, data: data, visibility: .internal)
    }
}

extension AssignCapable {
    public func choices(for field: EditableField, ticketID: Int64) async throws -> [String] {
        try await choices(for: field)
    }

    /// Sets one field, then reads the ticket back once and says what the server holds: a change
    /// the server took may still be undone (an Autotask workflow rule). A failed read-back is
    /// "sent, not confirmed", never a failure of the change itself. The change is sent once.
    public func changeAndConfirm(ticketID: Int64, _ field: EditableField, to label: String) async throws -> (
        ChangeOutcome, Ticket?
    ) {
        try await change(ticketID: ticketID, field, to: label)
        let fresh: Ticket
        do { fresh = try await ticket(id: ticketID) } catch is CancellationError {
            return (.notConfirmed("the read-back was cancelled"), nil)
        } catch {
            return (.notConfirmed(String(describing: error)), nil)
        }
        return (fresh.holds(label, for: field) ? .confirmed : .differs(held: fresh.value(of: field)), fresh)
    }
}

/// The typed lookups: the capability, or the refusal said before anything is sent.
extension TenantAPI {
    public func notes() throws -> any NotesCapable {
        guard let c = self as? any NotesCapable else { throw refused("\(vendor.label) notes are not supported") }
        return c
    }

    public func assigning() throws -> any AssignCapable {
        guard let c = self as? any AssignCapable else { throw refused("\(vendor.label) tickets cannot be changed") }
        return c
    }

    public func attachmentReader() throws -> any AttachmentsCapable {
        guard let c = self as? any AttachmentsCapable else {
            throw refused("\(vendor.rawValue) attachments cannot be fetched")
        }
        return c
    }

    public func attacher() throws -> any AttachCapable {
        guard let c = self as? any AttachCapable else { throw refused(vendor.attachRefusal ?? "not supported") }
        return c
    }

    public func timeWriter() throws -> any TimeCapable {
        guard let c = self as? any TimeCapable else {
            throw refused(
                (vendor.timeRefusal ?? "time entries are not supported for \(vendor.label) yet") + ": nothing sent")
        }
        return c
    }

    public func timeReader() throws -> any TimeReadCapable {
        guard let c = self as? any TimeReadCapable else {
            throw refused("\(vendor.label) time entries are not listed by psatop yet")
        }
        return c
    }

    func refused(_ detail: String) -> APIError { APIError(kind: .refused, status: nil, detail: detail) }
}
