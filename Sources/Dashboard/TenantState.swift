import Foundation
import PSACore

/// One tenant's part of the dashboard: its quota, its list, its panes and what was done on it.
/// The tenant shown is `DashboardState.current`; the others wait in `background`, each one of
/// these. The screen, the overview and which tenant is shown stay in the shell (`DashboardState`).
/// A tenant keeps its own focus, views and footer message: switching back shows it as it was left.
public struct TenantState: Equatable, Sendable {
    public var vendor: Vendor
    public var tenant: String
    public var quota: Quota?
    public var quotaAt: Date?
    public var quotaError: String?
    /// The ticket list: its tickets, rows, cursor, paging and prompts (TicketListState.swift).
    public var list = TicketListState()
    /// The request log pane and the request view it opens (LogPane.swift).
    public var requestLog = RequestLog()
    public var focus: Pane = .tickets
    public var detail: DetailState?
    public var pause: PauseInfo?
    public var ceiling: CeilingStatus?
    public var measuredTier: LatencyTier?
    public var attachmentWait: AttachmentWait?
    public var poll: PollStatus?
    /// The shown count over the last timeframe, for the sparkline and the forecast.
    public var history: QuotaHistory?
    /// Which writes this tenant's profile allows: `writePolicy.refusal(kind)` is the one check.
    public var writePolicy = WritePolicy()
    /// Marked tickets by id (`x`, `*`, `X`): kept across a refresh and a filter.
    public var marks: Set<Int64> = []
    /// A change to the marked tickets: choosing, the question with its cost, the outcomes.
    public var bulk: BulkState?
    /// Note drafts kept after a failure, a time-out or a cancelled question, by ticket: `c` reopens them.
    public var drafts: [Int64: String] = [:]
    /// The alerts pane where the vendor has alerts, and the alert it opens (AlertsPane.swift).
    public var alertsPane = AlertsPane()
    /// The history view (`H`), while it is open.
    public var historyView: HistoryViewState?
    var notified: [String: Date] = [:]
    /// Who "me" is (`who:me` in the filter, `m`), once resolved; or why not.
    public var me: Person?
    /// Who the API acts as, where the vendor says (HaloPSA).
    public var actingAs: String?
    public var meError: String?
    /// Some loaded ticket has SLA deadlines: the list shows its DUE column (a tenant that sets
    /// no SLA shows none, not a column of blanks).
    public var slaSeen = false
    /// Loaded tickets whose SLA is breached now, and those whose next deadline falls within the
    /// hour: counted once a second (on the tick), not per frame.
    public var slaBreached = 0
    public var slaBreachingSoon = 0
    /// The loaded tickets' nearest deadlines, sorted (the counts without walking the list).
    public internal(set) var slaIndex = SLAIndex()
    /// Work done, counted (Work.swift): what the work-pinning tests read.
    public internal(set) var work = WorkCounters()
    public var refreshedAt: Date?
    public var lastUpdate: Date?
    /// The tenant's web page of a ticket, `{id}` replaced (nil: none, as for a simulator).
    public var ticketURLTemplate: String?
    /// A message in the footer for a few seconds, and when it came.
    public var flash: String?
    public var flashAt: Date?
    /// The saved views this tenant offers (`[[views]]`), the one applied, the columns it shows.
    public var views = ViewsState()

    public init(vendor: Vendor, tenant: String) {
        self.vendor = vendor
        self.tenant = tenant
    }
}
