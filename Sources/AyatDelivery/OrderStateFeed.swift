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

    public init() {}

    /// How many changes have been published so far; read without waiting for the actor. A
    /// subscriber that reads it after subscribing has either been sent a change or sees it
    /// counted here, since both happen on the actor.
    public nonisolated var published: UInt64 { publishedCount.load(ordering: .acquiring) }

    public func publish(_ change: Change) {
        publishedCount.add(1, ordering: .releasing)
        for continuation in subscribers.values { continuation.yield(change) }
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
}
