/// Every walk ends, whatever the server says. A walk asks page after page while the server says
/// there is more; a server that always says so (a `nextLink` on every page), that ignores the
/// paging (the same page again) or the id filter (the same ids again) would keep it going
/// forever, spending the tenant's quota. The guard ends it:
/// - a page with the same ids as the one before: the server ignored paging;
/// - more pages than the server's own count allows (plus a little slack for tickets created
///   while walking);
/// - an absolute ceiling of pages, for a server that states no count.
public struct WalkGuard: Sendable {
    public static let maxPages = 10_000
    public static let repeatedPage =
        "the server sent the same page again (it ignored paging): the walk stopped there; the list may be incomplete"
    public static let ignoredIDFilter =
        "the server sent tickets already read (it ignored the id filter): the walk stopped there; the list may be incomplete"

    public let pageSize: Int
    public private(set) var pages = 0
    private var previous: [Int64] = []

    public init(pageSize: Int) { self.pageSize = max(1, pageSize) }

    /// The most pages a walk of `total` items may take: its pages by count, plus two and a
    /// twentieth for items added meanwhile, never more than `maxPages`.
    public func allowedPages(total: Int?) -> Int {
        guard let total, total >= 0 else { return Self.maxPages }
        let byCount = total / pageSize + 1
        return min(Self.maxPages, byCount + 2 + byCount / 20)
    }

    /// Takes in a page (its ids, in the order sent); returns why the walk must stop after it, or
    /// nil when it may go on (if the server says there is more).
    public mutating func after(ids: [Int64], total: Int?) -> String? {
        pages += 1
        defer { previous = ids }
        if !ids.isEmpty, ids == previous { return Self.repeatedPage }
        let allowed = allowedPages(total: total)
        if pages >= allowed {
            if allowed == Self.maxPages {
                return "the walk stopped after \(pages) pages (the most psatop asks in one walk)"
            }
            return
                "the server kept offering pages past its own count (\(total ?? 0) items, \(pages) pages of \(pageSize)): the walk stopped there"
        }
        return nil
    }
}
