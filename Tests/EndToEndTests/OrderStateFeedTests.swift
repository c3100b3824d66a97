import Foundation
import Testing
import AyatCore
@testable import AyatDelivery

/// Held event requests wait on the feed for the next change. A change published after the
/// waiter last looked must end its wait, at once if it came before the wait began; one timer
/// ends each waiter's wait at its own deadline, never another's.
@Suite(.timeLimit(.minutes(1))) struct OrderStateFeedTests {
    let clock = ContinuousClock()
    let change = OrderStateFeed.Change(orderID: OrderID(rawValue: "ord_test"), state: .acknowledged)

    /// Starts a wait and returns once the feed holds it.
    func waiting(on feed: OrderStateFeed, after seen: UInt64, for duration: Duration) async -> Task<Void, Never> {
        // Counted, not looked up: a short wait may be over (or never held) when this looks.
        let before = await feed.waitsBegun
        let deadline = clock.now + duration
        let task = Task { await feed.waitForChange(after: seen, until: deadline) }
        while await feed.waitsBegun == before { await Task.yield() }
        return task
    }

    @Test func aPublishedChangeEndsTheWait() async {
        let feed = OrderStateFeed()
        let waiting = await waiting(on: feed, after: feed.published, for: .seconds(3600))
        await feed.publish(change)
        await waiting.value
        #expect(await feed.waiterCount == 0)
    }

    @Test func aChangeSinceTheWaiterLookedEndsTheWaitAtOnce() async {
        let feed = OrderStateFeed()
        let seen = feed.published
        await feed.publish(change)
        let start = clock.now
        await feed.waitForChange(after: seen, until: clock.now + .seconds(3600))
        #expect(clock.now - start < .seconds(30))
        #expect(await feed.waiterCount == 0)
    }

    @Test func theDeadlineAloneEndsTheWait() async {
        let feed = OrderStateFeed()
        let start = clock.now
        await feed.waitForChange(after: feed.published, until: start + .milliseconds(40))
        #expect(clock.now - start >= .milliseconds(40))
    }

    /// The first waiter arms the timer for an hour; the second's 40 ms must still be kept.
    @Test func eachWaiterIsWokenAtItsOwnDeadline() async {
        let feed = OrderStateFeed()
        let long = await waiting(on: feed, after: feed.published, for: .seconds(3600))
        let start = clock.now
        await feed.waitForChange(after: feed.published, until: start + .milliseconds(40))
        #expect(clock.now - start >= .milliseconds(40))
        #expect(clock.now - start < .seconds(30))
        // The long waiter is still held, until a change comes.
        #expect(await feed.waiterCount == 1)
        await feed.publish(change)
        await long.value
    }

    /// The timer is armed for the earliest deadline; when it fires, later waiters stay held and
    /// are woken at theirs.
    @Test func aLaterWaiterOutlivesAnEarlierOnesTimer() async {
        let feed = OrderStateFeed()
        let start = clock.now
        let early = await waiting(on: feed, after: feed.published, for: .milliseconds(20))
        await feed.waitForChange(after: feed.published, until: start + .milliseconds(150))
        #expect(clock.now - start >= .milliseconds(150))
        await early.value
    }

    @Test func cancellingAWaiterReleasesIt() async {
        let feed = OrderStateFeed()
        let waiting = await waiting(on: feed, after: feed.published, for: .seconds(3600))
        waiting.cancel()
        await waiting.value
        #expect(await feed.waiterCount == 0)
    }

    @Test func releasingWaitersWakesEveryOne() async {
        let feed = OrderStateFeed()
        let first = await waiting(on: feed, after: feed.published, for: .seconds(3600))
        let second = await waiting(on: feed, after: feed.published, for: .seconds(3600))
        await feed.releaseWaiters()
        await first.value
        await second.value
    }

    @Test func subscribersStillSeeEveryChange() async {
        let feed = OrderStateFeed()
        let changes = await feed.subscribe()
        await feed.publish(change)
        var iterator = changes.makeAsyncIterator()
        #expect(await iterator.next() == change)
        #expect(feed.published == 1)
    }
}
