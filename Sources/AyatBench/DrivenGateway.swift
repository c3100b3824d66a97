import AsyncHTTPClient
import AyatDelivery

/// The gateway a run drives, wherever it runs: where its API is, how the run hears of its
/// orders' progress, and whether it is still there.
struct DrivenGateway: Sendable {
    enum Progress: Sendable {
        /// The in-process gateway's state feed: every change, announced after its commit.
        case stateFeed(OrderStateFeed)
        /// The gateway's event feed over HTTP, long-polled.
        case eventFeed(EventFeedFollower)
    }

    let apiBaseURL: String
    let progress: Progress
    /// False once the gateway's process has gone: the run then stops waiting for its orders.
    var isRunning: @Sendable () -> Bool = { true }
    /// Resident memory now, for the progress lines: the whole process's when the gateway runs in it.
    var residentMemory: @Sendable () -> Int? = { PeakMemory.current() }
    /// Whose memory `residentMemory` reads.
    var memoryLabel = "RSS"
    /// CPU seconds the gateway's own process has used; nil when the gateway runs in this one.
    var gatewayCPU: @Sendable () -> Double? = { nil }

    /// Starts telling `tracker` of every order change from now on; the task runs until cancelled.
    func follow(into tracker: OrderTracker) async throws -> Task<Void, Never> {
        switch progress {
        case .stateFeed(let feed):
            let changes = await feed.subscribe()
            return Task {
                let clock = ContinuousClock()
                for await change in changes {
                    await tracker.observe(change.orderID, change.state, at: clock.now)
                }
            }
        case .eventFeed(let follower):
            let cursor = try await follower.currentCursor()
            return Task { await follower.follow(from: cursor, into: tracker) }
        }
    }
}
