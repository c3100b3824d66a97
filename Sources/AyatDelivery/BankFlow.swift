import Foundation
import AyatCore
import AyatDialects

/// How hard the gateway presses one bank: at most `concurrency` requests in
/// flight, a token bucket for the sustained rate, and a circuit breaker that
/// opens after consecutive failures, lets one probe through after a cool-down,
/// and closes when the probe succeeds.
public actor BankFlow {
    public enum Breaker: String, Sendable {
        case closed
        case open
        case halfOpen = "half-open"
    }

    /// Whether an attempt may go now.
    public enum Admission: Sendable, Equatable {
        case go(probe: Bool)
        /// The breaker is open (or a probe is out): try again at this time.
        case wait(until: Date)
    }

    /// What the attempt's outcome did to the breaker, for the timeline.
    public enum Transition: Sendable, Equatable {
        case none
        case opened(failures: Int, until: Date)
        case closed
    }

    public struct Snapshot: Sendable, Encodable {
        public var breaker: String
        public var consecutiveFailures: Int
        public var inFlight: Int
        public var concurrencyLimit: Int
        public var ratePerSecond: Double?
        public var openUntil: String?
    }

    let concurrency: Int
    let rate: Double?
    let burst: Double
    let threshold: Int
    let cooldown: TimeInterval

    private(set) var breaker = Breaker.closed
    private var failures = 0
    private var openUntil = Date.distantPast
    private var probeOut = false
    private var inFlight = 0
    private var waiters = [CheckedContinuation<Void, Never>]()
    private var tokens: Double
    private var refilledAt = Date()

    /// Requests in flight to one bank when its profile does not say.
    public static func concurrencyLimit(of flow: BankProfile.Flow) -> Int { max(flow.concurrency ?? 16, 1) }

    public init(_ flow: BankProfile.Flow) {
        concurrency = Self.concurrencyLimit(of: flow)
        rate = flow.ratePerSecond
        burst = Double(max(flow.burst ?? Int((flow.ratePerSecond ?? 1).rounded(.up)), 1))
        threshold = max(flow.breakerThreshold ?? 5, 1)
        cooldown = max(flow.breakerCooldown ?? 5, 0.01)
        tokens = burst
    }

    public func admit(now: Date = Date()) -> Admission {
        switch breaker {
        case .closed:
            return .go(probe: false)
        case .open where now >= openUntil:
            breaker = .halfOpen
            probeOut = true
            return .go(probe: true)
        case .open:
            return .wait(until: openUntil)
        case .halfOpen:
            if probeOut { return .wait(until: now.addingTimeInterval(min(cooldown, 1))) }
            probeOut = true
            return .go(probe: true)
        }
    }

    /// Waits for a concurrency slot and a rate token.
    public func acquire() async {
        while inFlight >= concurrency {
            await withCheckedContinuation { waiters.append($0) }
        }
        inFlight += 1
        guard let rate else { return }
        while true {
            let now = Date()
            tokens = min(burst, tokens + now.timeIntervalSince(refilledAt) * rate)
            refilledAt = now
            if tokens >= 1 {
                tokens -= 1
                return
            }
            let wait = (1 - tokens) / rate
            try? await Task.sleep(for: .milliseconds(Int64((wait * 1000).rounded(.up))))
        }
    }

    public func release() {
        inFlight -= 1
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }

    /// Records whether the bank answered usefully (`healthy`) or failed (transport error, timeout, 5xx, 429).
    public func report(healthy: Bool, probe: Bool, now: Date = Date()) -> Transition {
        if probe { probeOut = false }
        if healthy {
            failures = 0
            if breaker != .closed {
                breaker = .closed
                return .closed
            }
            return .none
        }
        failures += 1
        if breaker == .halfOpen || (breaker == .closed && failures >= threshold) {
            breaker = .open
            openUntil = now.addingTimeInterval(cooldown)
            return .opened(failures: failures, until: openUntil)
        }
        return .none
    }

    public func snapshot() -> Snapshot {
        Snapshot(breaker: breaker.rawValue, consecutiveFailures: failures, inFlight: inFlight, concurrencyLimit: concurrency,
                 ratePerSecond: rate, openUntil: breaker == .open ? Timestamp.format(openUntil) : nil)
    }
}
