import Foundation

/// A PSA psatop speaks to, and everything that differs between them, declared once. Every
/// difference is an exhaustive `switch`: adding a vendor makes the compiler name each place
/// that must say what it does (see docs/adding-a-vendor.md).
public enum Vendor: String, Sendable, CaseIterable, Codable {
    case autotask, atera, halo, connectwise

    /// How the vendor rations requests.
    public enum QuotaModel: Sendable, Equatable {
        /// A tenant-wide rolling threshold shared by every integration, which the server reports,
        /// with latency tiers on the way to a suspension (Autotask's `ThresholdInformation`).
        case tenantThreshold
        /// A limit per key over a window, which the server may or may not report: psatop counts
        /// its own requests (Atera's per-minute limit, HaloPSA's rolling 5 minutes).
        case perKeyWindow
    }

    /// The name people know it by.
    public var label: String {
        switch self {
        case .autotask: "Autotask"
        case .atera: "Atera"
        case .halo: "HaloPSA"
        case .connectwise: "ConnectWise PSA"
        }
    }

    public var quotaModel: QuotaModel {
        switch self {
        case .autotask: .tenantThreshold
        case .atera, .halo, .connectwise: .perKeyWindow
        }
    }

    /// How the gauge names the window of the count ("in the rolling 5-minute window"); nil: from
    /// the reading's timeframe ("per minute", "in 60 min (rolling)").
    public var windowPhrase: String? {
        switch self {
        case .autotask, .atera: nil
        case .halo: "in the rolling 5-minute window"
        // No limit is published: the count is ours, against the person's budget if any.
        case .connectwise: "in the last minute — limit not published, your budget"
        }
    }

    /// What the limit is called in a sentence ("under the per-key limit"): whose it is.
    public var limitName: String {
        switch self {
        case .autotask: "threshold"
        case .atera: "per-key limit"
        case .halo: "5-minute limit"
        case .connectwise: "budget"
        }
    }

    /// Requests an hour the poller budgets against until the first reading says the limit:
    /// Autotask's documented default threshold, Atera's 700 a minute, Halo's hosted 300 per 5 minutes.
    public var assumedLimitPerHour: Int {
        switch self {
        case .autotask: 10_000
        case .atera: 700 * 60
        case .halo: 300 * 12
        // Nothing is published ("60/min per member" appears only in machine-written pages): a
        // modest hour until a budget is configured.
        case .connectwise: 3_600
        }
    }

    /// The API's address is found from the user name when none is given (Autotask's zones).
    public var discoversZone: Bool {
        switch self {
        case .autotask: true
        case .atera, .halo, .connectwise: false
        }
    }

    /// The limit's unit after its number ("/min").
    public var limitUnit: String {
        switch self {
        case .autotask: ""
        case .atera: "/min"
        case .halo: " per 5-minute window"
        case .connectwise: "/min (your budget)"
        }
    }

    /// What the trend calls the window its forecast looks into ("not in this window").
    public var windowName: String {
        switch self {
        case .autotask, .atera: "window"
        case .halo: "5-minute window"
        case .connectwise: "minute"
        }
    }

    /// The server may tell its usage (a threshold reading, `X-RateLimit-*`). False: it never
    /// does, so psatop's own count is all there is and a `status` check without a 429 is OK.
    public var reportsUsage: Bool {
        switch self {
        case .autotask, .atera: true
        case .halo, .connectwise: false
        }
    }

    /// The vendor publishes a limit (or the server reports one). False: none is published
    /// (ConnectWise), so our count is measured only against a budget the person set, and
    /// `status` without one answers UNKNOWN with our own count.
    public var publishesLimit: Bool {
        switch self {
        case .autotask, .atera, .halo: true
        case .connectwise: false
        }
    }

    /// The quota pane's title.
    public var quotaTitle: String {
        switch self {
        case .autotask: "Quota (ThresholdInformation)"
        case .atera: "Quota (per-key limit)"
        // Halo reports no usage: the count is psatop's, and other integrations may share the budget.
        case .halo: "Quota (our count, 5-minute window)"
        // ConnectWise publishes no limit, no usage and no rate-limit headers.
        case .connectwise: "Rate (psatop's own requests)"
        }
    }

    /// The window psatop counts its own requests over, in seconds of the vendor's clock (nil: the
    /// server reports its own count and timeframe).
    public var ownWindowSeconds: Int? {
        switch self {
        case .autotask: nil
        case .atera: 60
        case .halo: 300
        case .connectwise: 60
        }
    }

    /// The points on the way to the limit the forecast speaks of (fraction of the limit).
    public var forecastBoundaries: [(String, Double)] {
        switch self {
        case .autotask: QuotaForecast.autotask
        case .atera: QuotaForecast.atera
        case .halo: QuotaForecast.halo
        case .connectwise: QuotaForecast.connectwise
        }
    }

    /// What a ticket's conversation is called in the detail.
    public var commentsLabel: String {
        switch self {
        case .autotask: "Notes"
        case .atera: "Comments"
        case .halo: "Actions"
        case .connectwise: "Notes"
        }
    }

    /// Ticket statuses are free text (none listed by the API): another may be typed.
    public var statusesAreFreeText: Bool {
        switch self {
        case .autotask, .halo, .connectwise: false
        case .atera: true
        }
    }

    /// A ticket is assigned by the technician's e-mail (no list of people in the API: another may be typed).
    public var assignsByEmail: Bool {
        switch self {
        case .autotask, .halo, .connectwise: false
        case .atera: true
        }
    }

    /// Time can be logged on a ticket from psatop; nil where it can, else why not.
    public var timeRefusal: String? {
        switch self {
        case .autotask, .halo: nil
        case .atera: "Atera's API has no time writes: log the time in the Atera web app"
        case .connectwise: "time entries are not supported for ConnectWise yet: log the time in Manage"
        }
    }

    /// Files can be attached to a ticket through the API; nil where they can, else why not.
    public var attachRefusal: String? {
        switch self {
        case .autotask: nil
        case .atera: "Atera's API takes no ticket attachments: attach it in the Atera web app"
        case .halo: "psatop does not attach files to HaloPSA tickets yet: attach it in the Halo web app"
        case .connectwise: "psatop does not attach files to ConnectWise tickets yet: attach it in Manage"
        }
    }
}
