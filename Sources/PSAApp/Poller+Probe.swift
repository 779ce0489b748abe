import Dashboard
import Foundation
import PSAClient
import PSACore

/// Liveness: whether the tenant answered lately. Every exchange the client reports counts; a
/// tenant with a per-key window (whose quota is our own count, read without a request) is
/// probed with one small request when nothing else went out for `probeInterval`, within the budget.
extension Poller {
    /// Tenant seconds between probes: a minute, or longer when the quota share of the budget
    /// cannot pay for one a minute (HaloPSA's 1% of 3,600/h: about every 2 min 13 s).
    public var probeInterval: Double { max(60, plan.minQuotaInterval) }

    /// No answer, a 5xx or refused credentials: the tenant is not usable now.
    static func down(_ r: RequestRecord) -> Bool {
        guard let status = r.status else { return true }
        return status >= 500 || status == 401
    }

    /// A 2xx shows the tenant up; a failure that means it is down says so until then. (Other
    /// answers — a 404 for one ticket, a 429 — show it alive without changing what is known.)
    func noteExchange(_ r: RequestRecord) {
        guard r.error != "cancelled" else { return }
        lastExchangeAt = clock.now().seconds
        if let status = r.status, (200..<300).contains(status) {
            exchangeFailure = nil
        } else if Self.down(r) {
            exchangeFailure = "\(r.method) \(r.path): \(r.error ?? r.status.map { "HTTP \($0)" } ?? "no answer")"
        }
    }

    /// One probe when the last exchange is older than the probe interval and the budget allows.
    func probeIfQuiet(at now: Double) async {
        if let last = lastExchangeAt, now - last < scaled(probeInterval) { return }
        guard budget.available(at: now) <= now else { return }
        do {
            try await RequestTag.$current.withValue(RequestTag("poll: is the tenant answering")) {
                try await api.probe()
            }
            lastExchangeAt = clock.now().seconds
            exchangeFailure = nil
        } catch is CancellationError {
        } catch {
            lastExchangeAt = clock.now().seconds
            exchangeFailure = ErrorPlace.text(error, vendor: api.vendor, baseURL: await api.apiBaseURL())
        }
    }
}
