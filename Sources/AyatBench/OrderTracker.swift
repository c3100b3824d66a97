import AyatCore
import Histogram

/// Follows every order of a run from the moment its request left the load generator
/// to its acknowledgement and execution, as announced on the gateway's state feed (in process)
/// or its event feed (over HTTP).
actor OrderTracker {
    private var started: [OrderID: ContinuousClock.Instant] = [:]
    /// Changes announced before the API's reply named the order (the feed can win that race).
    private var early: [OrderID: [(OrderState, ContinuousClock.Instant)]] = [:]
    private var acknowledged = Set<OrderID>()
    private var executed = Set<OrderID>()
    private var refused = Set<OrderID>()
    private(set) var toAcknowledged = makeLatencyHistogram()
    private(set) var toExecuted = makeLatencyHistogram()
    private(set) var lastAcknowledgedAt: ContinuousClock.Instant?
    private(set) var lastExecutedAt: ContinuousClock.Instant?
    private(set) var apiErrors = 0
    private var waiter: (count: Int, continuation: CheckedContinuation<Void, Never>)?

    var acknowledgedCount: Int { acknowledged.count }
    var executedCount: Int { executed.count }
    var refusedCount: Int { refused.count }
    var submittedCount: Int { started.count }

    func submitted(_ id: OrderID, at start: ContinuousClock.Instant) {
        started[id] = start
        for (state, instant) in early.removeValue(forKey: id) ?? [] { observe(id, state, at: instant) }
    }

    func apiFailed() {
        apiErrors += 1
        resumeIfDone()
    }

    /// Changes that arrived together (one page of the event feed).
    func observe(_ changes: [(OrderID, OrderState)], at instant: ContinuousClock.Instant) {
        for (id, state) in changes { observe(id, state, at: instant) }
    }

    func observe(_ id: OrderID, _ state: OrderState, at instant: ContinuousClock.Instant) {
        guard let start = started[id] else {
            early[id, default: []].append((state, instant))
            return
        }
        let elapsed = (instant - start).microseconds
        // A sync bank's reply is the execution result: the order is acknowledged by the same message.
        if state == .acknowledged || state == .executed, acknowledged.insert(id).inserted {
            _ = toAcknowledged.record(elapsed)
            lastAcknowledgedAt = instant
        }
        if state == .executed, executed.insert(id).inserted {
            _ = toExecuted.record(elapsed)
            lastExecutedAt = instant
        }
        if state == .rejected || state == .failed || state == .cancelled {
            refused.insert(id)
        }
        resumeIfDone()
    }

    /// Every one of `count` orders executed, refused, or lost at the API.
    var finished: Int { executed.count + refused.count + apiErrors }

    func waitUntilFinished(_ count: Int) async {
        if finished >= count { return }
        await withCheckedContinuation { continuation in
            waiter = (count, continuation)
        }
    }

    /// Gives up waiting (the run's deadline passed).
    func stopWaiting() {
        waiter?.continuation.resume()
        waiter = nil
    }

    private func resumeIfDone() {
        if let waiter, finished >= waiter.count {
            waiter.continuation.resume()
            self.waiter = nil
        }
    }
}
