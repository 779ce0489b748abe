import Foundation
import PSACore

/// Keys as the dashboard understands them; the terminal edge translates raw input into these.
public enum Key: Equatable, Sendable {
    case char(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace
    /// Ctrl-letter, lowercase letter.
    case ctrl(Character)
}

public enum Pane: Int, CaseIterable, Sendable { case tickets, log, alerts }

/// Everything that can happen to the dashboard.
public enum DashboardEvent: Sendable, Equatable {
    case key(Key)
    case tick(Date)
    case resize(width: Int, height: Int)
    case quota(Quota, at: Date)
    case quotaFailed(String, at: Date)
    /// A page of tickets; `reset` replaces the list (a refresh).
    case page(TicketPage, reset: Bool, at: Date)
    case pageFailed(String)
    case detail(Ticket)
    case detailFailed(id: Int64, String)
    /// What the tenant's client reports: each request, pauses, the ceiling, the measured tier.
    case client(ClientEvent)
    /// The poller's projection of the count between readings, its schedule and its cost.
    case poll(PollStatus)
    /// Tickets an incremental refresh found changed (the list marks those that differ).
    case changed([Ticket], at: Date)
    /// The labels a field can take (for the detail view's picker), or why they could not be had.
    case choices(EditableField, [String])
    case choicesFailed(String)
    /// A change the user confirmed was taken by the server, and what reading it back showed; or
    /// it failed (and was not retried).
    case updated(id: Int64, EditableField, String, ChangeOutcome)
    case updateFailed(id: Int64, EditableField, String, error: String)
    /// A short message for the footer (a copy done, a URL where no browser is).
    case notice(String)
    /// One ticket of a change to many (Bulk.swift): what the server holds now, or why it failed;
    /// then the end of the run.
    case bulkOutcome(id: Int64, BulkOutcome)
    case bulkEnded
    /// A ticket's comments for the detail view (Atera), or why they could not be had.
    case comments(id: Int64, [TicketComment])
    case commentsFailed(id: Int64, String)
    /// The tenant's ticket web page template, once its API address is known.
    case ticketWeb(String?)
    /// A file the user asked to attach was attached, or was not (and was not retried).
    case attached(id: Int64, name: String, bytes: Int, Visibility)
    case attachFailed(id: Int64, name: String, error: String)
    /// A note written (in the editor, or inline) waits for its question; or the writing ended
    /// without one (an empty text, an editor that failed), the draft kept where said.
    case noteDraft(id: Int64, text: String, path: String)
    case noteInline(id: Int64, path: String, text: String)
    /// Ctrl-C arrived while a note was being typed inline (its draft is written; a second one quits).
    case typingInterrupted
    case noteCancelled(id: Int64, reason: String, path: String?)
    /// The server took the note (its draft is gone), or did not (the draft stays; `c` reopens it).
    case noteAdded(id: Int64, visibility: Visibility)
    case noteFailed(id: Int64, error: String, path: String)
    /// A ticket's attachments for the detail view, or why they could not be had.
    case attachments(id: Int64, [TicketAttachment])
    case attachmentsFailed(id: Int64, String)
    /// An attachment was saved; or the file is there already (the person is asked); or it failed.
    case attachmentSaved(id: Int64, name: String, path: String, bytes: Int)
    case attachmentExists(id: Int64, path: String)
    case attachmentSaveFailed(id: Int64, name: String, error: String)
    /// The tenant's open alerts (Atera), most urgent first; or why they could not be had.
    case alerts([Alert], at: Date)
    case alertsFailed(String)
    /// Who "me" is on this tenant (`--me`, resolved once), or why it could not be.
    case me(Person)
    /// Who the API acts as (HaloPSA's `id_token` agent), shown in the title.
    case actingAs(String)
    case meFailed(String)
    /// A custom command ended: what it printed (a pane's), its exit status (-1: it could not start).
    case programDone(name: String, output: String, status: Int32)
    /// The mouse (with `mouse = true`).
    case mouse(MouseEvent)
    /// The config file read again (`R`, SIGUSR1), or why it could not be (the old settings stay).
    case reloaded(ReloadSettings)
    case reloadFailed(String)
    /// The timer (Timer.swift): one kept from before, offered back; an entry the server took, or not.
    case timerRestored(RunningTimer), timeLogged(TimeEntryDraft, caveat: String?), timeFailed(TimeEntryDraft, String)
    /// A ticket's time entries (`E`), or why they could not be listed (TicketTime.swift).
    case timeEntries(id: Int64, [LoggedTime]), timeEntriesFailed(id: Int64, String)
    /// A time entry's summary draft made or found, and what the editor left in it (TimeDraft.swift).
    case timeDraft(ticketID: Int64, path: String, text: String)
    case timeSummaryEdited(path: String, text: String?, failure: String?)
    /// An event of one tenant's poller when several tenants are watched (index into `tenants`).
    indirect case tenant(Int, DashboardEvent)
    /// The history view's chart (`H`), or why there is none.
    case historyChart(HistoryChart)
    case historyFailed(String)
    /// Readings of the last timeframe from the quota history, so the trend continues after a restart.
    case pastQuota([PastReading], windowSeconds: Int, timeScale: Double)
}

/// What the dashboard asks the outside world to do.
public enum Command: Equatable, Sendable {
    case loadPage(PageCursor?)
    case refresh
    case loadDetail(Int64)
    /// A ticket's attachments: asked for only when `w` is pressed (a detail open costs no more).
    case loadAttachments(Int64)
    /// The labels the picker offers for a field: for the detail view's ticket (its own board's
    /// statuses on ConnectWise), or nil for the marked tickets together.
    case loadChoices(EditableField, ticket: Int64? = nil)
    /// Sets one field of one ticket (only that field is sent).
    case change(id: Int64, EditableField, to: String)
    /// Text for the clipboard (OSC 52: works over SSH and, with `set-clipboard on`, in tmux).
    case copy(String)
    /// A web page to open where a browser exists, else to show.
    case open(String)
    /// Attaches the file at `path` (as typed: `~` and relative paths allowed) to a ticket, for
    /// the audience the person confirmed.
    case attach(id: Int64, path: String, visibility: Visibility)
    /// Opens the ticket's note draft (a new one when nil) in `$VISUAL`/`$EDITOR`, or inline where
    /// neither is set (the terminal's own: it hands the screen over and takes it back).
    case writeNote(id: Int64, draft: String?)
    /// A terminal notification (OSC 9 / OSC 777, then BEL; wrapped for tmux's passthrough).
    case notify(String)
    /// Keeps what was typed inline in the draft file (nothing typed is lost).
    case keepDraft(path: String, text: String)
    /// Sends a note once, for the audience the person confirmed; the draft goes when the server took it.
    case addNote(id: Int64, text: String, visibility: Visibility, draft: String)
    /// Saves an attachment of a ticket at `path` (as typed); an existing file is replaced only
    /// when `replace` (the person said so after being asked).
    case saveAttachment(id: Int64, TicketAttachment, path: String, replace: Bool)
    /// From now on the list is what the server filters by this (nil: every ticket); reloads it.
    case setServerFilter(ServerFilter?)
    /// Sets one field of each ticket, one after another at bulk priority, each sent once and read back.
    case bulkChange(ids: [Int64], EditableField, to: String)
    /// Adds one internal note to each ticket, one after another at bulk priority, each sent once.
    case bulkNote(ids: [Int64], text: String)
    /// The history view's chart for the last `days` (1 or 7), from the quota history.
    case loadHistory(days: Int)
    /// The next theme, live; a theme by name (the palette, a reload).
    case nextTheme
    case setTheme(String)
    /// Reads the config file again (`R`, SIGUSR1).
    case reload
    /// Starts a custom command's program (an argument vector, no shell).
    case runProgram(ProgramRun)
    case saveTimer(RunningTimer?), logTime(TimeEntryDraft)  // keep the timer (nil: remove); send an entry once
    /// A ticket's time entries: asked for only on `E` (a detail open costs no more).
    case loadTime(Int64)
    /// The terminal's: a time entry's summary draft (the one kept, or a new one); the editor on it.
    case openTimeDraft(ticketID: Int64), editTimeSummary(path: String, text: String)
    case quit
    /// A command for one tenant's poller when several tenants are watched.
    indirect case forTenant(Int, Command)

    /// The command itself, whichever tenant it is for.
    public var unwrapped: Command {
        if case .forTenant(_, let c) = self { return c.unwrapped }
        return self
    }
}

public struct PauseInfo: Equatable, Sendable {
    public var until: Date
    public var reason: WaitReason
    public var detail: String
}

/// The whole dashboard as plain values.
public struct DashboardState: Equatable, Sendable {
    /// The tenant shown: its panes and everything done on it (TenantState.swift). Its fields read
    /// as the state's own (TenantFields.swift).
    public var current: TenantState
    /// Every watched tenant, for the overview (empty or one: no overview), and which one the main panes show.
    public var tenants: [TenantSummary] = []
    public var activeTenant = 0
    /// The other tenants, kept up to date by their events (Tenants.swift).
    public var background: [Int: TenantState] = [:]
    /// The loaded tickets as the list keeps them (compact rows, TicketList.swift: no description
    /// or extra fields). (Set whole from outside, the SLA index is made again; the reducer changes
    /// `ticketStore` in place and moves only the changed tickets' deadlines.)
    public var tickets: TicketList {
        get { ticketStore }
        set {
            current.list.store = newValue
            rebuildSLAIndex()
        }
    }
    public static let flashSeconds: TimeInterval = 8

    /// What belongs to the terminal rather than to the tenant shown: carried whole to the tenant
    /// shown next (Tenants.swift), never copied field by field.
    public var screen: Screen

    public init(vendor: Vendor, tenant: String, now: Date, width: Int = 80, height: Int = 24) {
        self.current = TenantState(vendor: vendor, tenant: tenant)
        self.screen = Screen(now: now, width: width, height: height)
    }

    /// A tenant's state as a dashboard of its own (no overview): how a tenant in the background
    /// takes its events, the screen lent.
    init(screen: Screen, current: TenantState) {
        self.screen = screen
        self.current = current
    }

    public var layout: Layout {
        Layout(
            width: width, height: height, overviewRows: tenants.count > 1 ? min(tenants.count, Self.overviewMax) : 0,
            zoom: screen.zoomed ? focus : nil, foldGauge: screen.gaugeFolded)
    }
    public static let overviewMax = 4
    /// Ticket rows visible in the list.
    public var listRows: Int { max(1, layout.tickets.height - 3) }
    public var logRows: Int { max(1, layout.log.height - 2) }
    public var selectedTicket: Ticket? { list.selectedTicket }
    /// The quota's state in words: Autotask's latency tier; Atera has no tiers, only its per-key limit.
    public var tierWords: String? {
        guard let tier = shownTier, let q = quota else { return nil }
        switch vendor.quotaModel {
        case .tenantThreshold: return tier.label
        case .perKeyWindow: return (q.used >= q.limit ? "at the " : "under the ") + vendor.limitName
        }
    }

    /// The count to show: the poller's projection between readings, else the last reading.
    public var shownQuota: Quota? { poll?.projected ?? quota }
    public var isProjected: Bool { poll?.projected != nil }

    /// The tier to show: the quota's, or suspended while the client says the tenant is.
    public var shownTier: LatencyTier? {
        guard let q = shownQuota else { return nil }
        return pause?.reason == .suspended ? .suspended : q.tier
    }
}
