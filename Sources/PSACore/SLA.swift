import Foundation

/// One stage of a ticket's service-level agreement: a deadline, and when (if ever) it was met.
/// Autotask has three (first response, resolution plan, resolved); Atera two (first response,
/// close). Nothing is invented: a vendor's stage without a deadline is left out.
public struct SLAStage: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case firstResponse = "first_response", resolutionPlan = "resolution_plan", resolved, close

        public var label: String {
            switch self {
            case .firstResponse: "First response"
            case .resolutionPlan: "Resolution plan"
            case .resolved: "Resolved"
            case .close: "Close"
            }
        }
    }

    public enum State: Sendable, Equatable {
        /// Not met; the deadline is ahead.
        case open
        /// Not met, and the deadline has passed.
        case breached
        case met
        /// Met, but after its deadline: not a breach now.
        case metLate
    }

    public var kind: Kind
    public var due: Date
    public var met: Date?

    public init(_ kind: Kind, due: Date, met: Date? = nil) {
        self.kind = kind
        self.due = due
        self.met = met
    }

    public func state(now: Date) -> State {
        if let met { return met > due ? .metLate : .met }
        return due < now ? .breached : .open
    }
}

/// A ticket's SLA: its stages in order. A ticket (or a tenant) without one has none: nil, never zeros.
public struct SLA: Sendable, Equatable, Codable {
    public var stages: [SLAStage]
    /// The vendor's own verdict where it gives one (Autotask's `serviceLevelAgreementHasBeenMet`).
    public var vendorSaysMet: Bool?

    public init?(stages: [SLAStage], vendorSaysMet: Bool? = nil) {
        guard !stages.isEmpty else { return nil }
        self.stages = stages
        self.vendorSaysMet = vendorSaysMet
    }

    /// The nearest deadline of a stage not yet met (passed or not): what the DUE column shows.
    public var nextDeadline: Date? { stages.filter { $0.met == nil }.map(\.due).min() }

    /// A deadline passed with its stage not met.
    public func breached(now: Date) -> Bool { stages.contains { $0.state(now: now) == .breached } }

    /// Not breached now, but a stage's deadline falls within `seconds`.
    public func breaching(within seconds: TimeInterval, now: Date) -> Bool {
        guard let next = nextDeadline else { return false }
        return next >= now && next.timeIntervalSince(now) <= seconds
    }

    enum CodingKeys: String, CodingKey { case stages, breached, vendorSaysMet = "vendor_says_met" }
    enum StageKeys: String, CodingKey { case stage, due, met, metAt = "met_at", breached, metLate = "met_late" }

    /// `{"breached":false,"stages":[{"stage":"first_response","due":…,"met":true,"met_at":…,"breached":false,"met_late":false}]}`:
    /// judged at `SLA.nowKey` in the encoder's userInfo (the export's moment), else now.
    public func encode(to encoder: any Encoder) throws {
        let now = encoder.userInfo[Self.nowKey] as? Date ?? Date()
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(breached(now: now), forKey: .breached)
        try c.encodeIfPresent(vendorSaysMet, forKey: .vendorSaysMet)
        var list = c.nestedUnkeyedContainer(forKey: .stages)
        for s in stages {
            var o = list.nestedContainer(keyedBy: StageKeys.self)
            try o.encode(s.kind.rawValue, forKey: .stage)
            try o.encode(s.due, forKey: .due)
            try o.encode(s.met != nil, forKey: .met)
            try o.encodeIfPresent(s.met, forKey: .metAt)
            try o.encode(s.state(now: now) == .breached, forKey: .breached)
            try o.encode(s.state(now: now) == .metLate, forKey: .metLate)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        vendorSaysMet = try c.decodeIfPresent(Bool.self, forKey: .vendorSaysMet)
        var list = try c.nestedUnkeyedContainer(forKey: .stages)
        var out: [SLAStage] = []
        while !list.isAtEnd {
            let o = try list.nestedContainer(keyedBy: StageKeys.self)
            guard let kind = SLAStage.Kind(rawValue: try o.decode(String.self, forKey: .stage)) else { continue }
            out.append(
                SLAStage(
                    kind, due: try o.decode(Date.self, forKey: .due),
                    met: try o.decodeIfPresent(Date.self, forKey: .metAt)))
        }
        stages = out
    }

    /// The moment an encoder judges breaches at (`JSONEncoder.userInfo[SLA.nowKey] = Date()`).
    public static let nowKey = CodingUserInfoKey(rawValue: "psatop.sla.now")!
}

/// "in 42m", "-3h" (overdue), "met": the DUE column's words for a deadline.
public enum SLAText {
    public static func relative(_ due: Date, now: Date) -> String {
        let d = due.timeIntervalSince(now)
        let a = abs(d)
        let text: String
        switch a {
        case ..<60: text = "\(Int(a))s"
        case ..<3_600: text = "\(Int(a / 60))m"
        case ..<86_400: text = "\(Int(a / 3_600))h"
        default: text = "\(Int(a / 86_400))d"
        }
        return d < 0 ? "-" + text : "in " + text
    }
}
