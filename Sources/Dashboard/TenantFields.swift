import Foundation
import PSACore

/// The shown tenant's fields read as the dashboard's own (`s.quota` is `s.current.quota`): the
/// names every pane, test and the terminal loop use, kept while the storage lives in `TenantState`.
/// `_modify` lends the field in place, so `s.ticketStore.append(…)` copies no buffer.
extension DashboardState {
    public var vendor: Vendor {
        get { current.vendor }
        _modify { yield &current.vendor }
    }
    public var tenant: String {
        get { current.tenant }
        _modify { yield &current.tenant }
    }
    public var quota: Quota? {
        get { current.quota }
        _modify { yield &current.quota }
    }
    public var quotaAt: Date? {
        get { current.quotaAt }
        _modify { yield &current.quotaAt }
    }
    public var quotaError: String? {
        get { current.quotaError }
        _modify { yield &current.quotaError }
    }
    var ticketStore: TicketList {
        get { current.list.store }
        _modify { yield &current.list.store }
    }
    public var list: TicketListState {
        get { current.list }
        _modify { yield &current.list }
    }
    public var total: Int? {
        get { current.list.total }
        _modify { yield &current.list.total }
    }
    public var next: PageCursor? {
        get { current.list.next }
        _modify { yield &current.list.next }
    }
    public var listComplete: Bool {
        get { current.list.complete }
        _modify { yield &current.list.complete }
    }
    public var loadingPage: Bool {
        get { current.list.loading }
        _modify { yield &current.list.loading }
    }
    public var listError: String? {
        get { current.list.error }
        _modify { yield &current.list.error }
    }
    public internal(set) var view: [Int]? {
        get { current.list.view }
        _modify { yield &current.list.view }
    }
    public var filterText: String {
        get { current.list.filter.text }
        _modify { yield &current.list.filter.text }
    }
    public var filterEditing: Bool {
        get { current.list.filter.open }
        _modify { yield &current.list.filter.open }
    }
    var filterPages: Int {
        get { current.list.filterPages }
        _modify { yield &current.list.filterPages }
    }
    public var serverFilter: ServerFilter? {
        get { current.list.serverFilter }
        _modify { yield &current.list.serverFilter }
    }
    public var serverFilterEditing: Bool {
        get { current.list.serverPrompt.open }
        _modify { yield &current.list.serverPrompt.open }
    }
    public var serverFilterText: String {
        get { current.list.serverPrompt.text }
        _modify { yield &current.list.serverPrompt.text }
    }
    public var serverFilterError: String? {
        get { current.list.serverPrompt.error }
        _modify { yield &current.list.serverPrompt.error }
    }
    public var order: ListOrder? {
        get { current.list.order }
        _modify { yield &current.list.order }
    }
    public var listCursor: Cursor {
        get { current.list.cursor }
        _modify { yield &current.list.cursor }
    }
    public var requestLog: RequestLog {
        get { current.requestLog }
        _modify { yield &current.requestLog }
    }
    public var focus: Pane {
        get { current.focus }
        _modify { yield &current.focus }
    }
    public var detail: DetailState? {
        get { current.detail }
        _modify { yield &current.detail }
    }
    public var pause: PauseInfo? {
        get { current.pause }
        _modify { yield &current.pause }
    }
    public var ceiling: CeilingStatus? {
        get { current.ceiling }
        _modify { yield &current.ceiling }
    }
    public var measuredTier: LatencyTier? {
        get { current.measuredTier }
        _modify { yield &current.measuredTier }
    }
    public var attachmentWait: AttachmentWait? {
        get { current.attachmentWait }
        _modify { yield &current.attachmentWait }
    }
    public var poll: PollStatus? {
        get { current.poll }
        _modify { yield &current.poll }
    }
    public var history: QuotaHistory? {
        get { current.history }
        _modify { yield &current.history }
    }
    public var changedIDs: Set<Int64> {
        get { current.list.changedIDs }
        _modify { yield &current.list.changedIDs }
    }
    public var writePolicy: WritePolicy {
        get { current.writePolicy }
        _modify { yield &current.writePolicy }
    }
    public var marks: Set<Int64> {
        get { current.marks }
        _modify { yield &current.marks }
    }
    public var bulk: BulkState? {
        get { current.bulk }
        _modify { yield &current.bulk }
    }
    public var drafts: [Int64: String] {
        get { current.drafts }
        _modify { yield &current.drafts }
    }
    public var alertsPane: AlertsPane {
        get { current.alertsPane }
        _modify { yield &current.alertsPane }
    }
    public var historyView: HistoryViewState? {
        get { current.historyView }
        _modify { yield &current.historyView }
    }
    var notified: [String: Date] {
        get { current.notified }
        _modify { yield &current.notified }
    }
    public var me: Person? {
        get { current.me }
        _modify { yield &current.me }
    }
    public var actingAs: String? {
        get { current.actingAs }
        _modify { yield &current.actingAs }
    }
    public var meError: String? {
        get { current.meError }
        _modify { yield &current.meError }
    }
    public var slaSeen: Bool {
        get { current.slaSeen }
        _modify { yield &current.slaSeen }
    }
    public var slaBreached: Int {
        get { current.slaBreached }
        _modify { yield &current.slaBreached }
    }
    public var slaBreachingSoon: Int {
        get { current.slaBreachingSoon }
        _modify { yield &current.slaBreachingSoon }
    }
    public internal(set) var slaIndex: SLAIndex {
        get { current.slaIndex }
        _modify { yield &current.slaIndex }
    }
    public internal(set) var work: WorkCounters {
        get { current.work }
        _modify { yield &current.work }
    }
    var filterTrail: FilterTrail {
        get { current.list.trail }
        _modify { yield &current.list.trail }
    }
    public var refreshedAt: Date? {
        get { current.refreshedAt }
        _modify { yield &current.refreshedAt }
    }
    public var lastUpdate: Date? {
        get { current.lastUpdate }
        _modify { yield &current.lastUpdate }
    }
    public var ticketURLTemplate: String? {
        get { current.ticketURLTemplate }
        _modify { yield &current.ticketURLTemplate }
    }
    public var flash: String? {
        get { current.flash }
        _modify { yield &current.flash }
    }
    public var flashAt: Date? {
        get { current.flashAt }
        _modify { yield &current.flashAt }
    }
    public var views: ViewsState {
        get { current.views }
        _modify { yield &current.views }
    }
}
