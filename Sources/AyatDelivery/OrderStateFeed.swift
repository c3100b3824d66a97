import Foundation
import AyatCore
import Synchronization

/// Announces every recorded attempt and state change inside the process, after commit:
/// the demo's table and the tests wait on it instead of sleeping.
public actor OrderStateFeed {
    public struct Change: Sendable, Hashable {
        public let orderID: OrderID
        public let state: OrderState
        public init(orderID: OrderID, state: OrderState) {
            self.orderID = orderID
            self.state = state
        }
    }

    private var subscribers: [UUID: AsyncStream<Change>.Continuation] = [:]
    private let publishedCount = Atomic<UInt64>(0)

    /// Held requests waiting for the next change, each until its own deadline.
    private var waiters: [UInt64: (continuation: CheckedContinuation<Void, Never>, deadline: ContinuousClock.Instant)] = [:]
    private var nextWaiter: UInt64 = 0
    /// One timer for every waiter, armed for the earliest deadline.
    private var timer = DeadlineTimer()
    private let clock = ContinuousClock()

    public init() {}

    /// Requests held now.
    var waiterCount: Int { waiters.count }
    /// Waits begun so far, held or not (for tests, which act only once a wait has begun).
    private(set) var waitsBegun = 0

    /// How many changes have been published so far; read without waiting for the actor. A
    /// subscriber that reads it after subscribing has either been sent a change or sees it
    /// counted here, since both happen on the actor.
    public nonisolated var published: UInt64 { publishedCount.load(ordering: .acquiring) }

    public func publish(_ change: Change) {
        publishedCount.add(1, ordering: .releasing)
        for continuation in subscribers.values { continuation.yield(change) }
        releaseWaiters()
    }

    /// A stream of every change from now on; it ends when the caller stops iterating.
    public func subscribe() -> AsyncStream<Change> {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: Change.self)
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        subscribers[id] = continuation
        return stream
    }

    private func unsubscribe(_ id: UUID) {
        subscribers[id] = nil
    }

    /// Returns once a change is published after `published` read `seen` (at once if one
    /// already was), at `deadline`, or when the task is cancelled.
    ///
    /// For held requests, which come and go with every page: a subscription would cost each
    /// one a stream, a task to read it and another to end it; this costs a continuation, and
    /// one timer serves all of them.
    public func waitForChange(after seen: UInt64, until deadline: ContinuousClock.Instant) async {
        let id = nextWaiter
        nextWaiter += 1
        waitsBegun += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                guard published == seen, !Task.isCancelled, clock.now < deadline else {
                    continuation.resume()
                    return
                }
                waiters[id] = (continuation, deadline)
                arm(deadline)
            }
        } onCancel: {
            Task { await self.release(id) }
        }
    }

    /// Wakes every held request, as when the gateway stops.
    public func releaseWaiters() {
        let woken = waiters
        waiters = [:]
        for waiter in woken.values { waiter.continuation.resume() }
    }

    private func release(_ id: UInt64) {
        waiters.removeValue(forKey: id)?.continuation.resume()
    }

    private func arm(_ deadline: ContinuousClock.Instant) {
        timer.cover(deadline) { [weak self] deadline in await self?.timerFired(deadline) }
    }

    /// Wakes the waiters whose deadline has passed and arms the timer for the earliest left.
    private func timerFired(_ deadline: ContinuousClock.Instant) {
        guard timer.spend(deadline) else { return }
        let now = clock.now
        for (id, waiter) in waiters where waiter.deadline <= now {
            waiters[id] = nil
            waiter.continuation.resume()
        }
        if let earliest = waiters.values.map(\.deadline).min() { arm(earliest) }
    }
}
