import Foundation
import Testing
@testable import AyatDelivery

/// The wake-up the dispatcher, the watches and held event requests wait on. One timer serves
/// all of a signal's waits, so what matters is that a timer armed for one wait never ends
/// another early or late.
@Suite(.timeLimit(.minutes(1))) struct WakeSignalTests {
    let clock = ContinuousClock()

    /// Starts a wait and returns once it is really waiting, so that a signal reaches a waiter
    /// (a signal sent earlier would be kept, and the wait would not arm the timer at all).
    func waiting(on wake: WakeSignal, timeout: Duration) async -> Task<Void, Never> {
        let before = await wake.waitsBegun
        let task = Task { await wake.wait(timeout: timeout) }
        while await wake.waitsBegun == before { await Task.yield() }
        return task
    }

    @Test func aSignalSentBeforeTheWaitIsKeptForIt() async {
        let wake = WakeSignal()
        await wake.signal()
        let start = clock.now
        await wake.wait(timeout: .seconds(3600))
        #expect(clock.now - start < .seconds(30))
    }

    @Test func aSignalEndsAWaitLongBeforeItsTimeout() async {
        let wake = WakeSignal()
        let waiting = await waiting(on: wake, timeout: .seconds(3600))
        await wake.signal()
        await waiting.value
    }

    @Test func theTimeoutAloneEndsAWait() async {
        let wake = WakeSignal()
        let start = clock.now
        await wake.wait(timeout: .milliseconds(30))
        #expect(clock.now - start >= .milliseconds(30))
    }

    /// The first wait armed the timer for 100 ms and was signalled; the second waits 400 ms.
    /// The old timer fires during the second wait and must arm itself again, not end it.
    @Test func anEarlierWaitsTimerDoesNotEndALaterWait() async {
        let wake = WakeSignal()
        let first = await waiting(on: wake, timeout: .milliseconds(100))
        await wake.signal()
        await first.value
        let start = clock.now
        await wake.wait(timeout: .milliseconds(400))
        #expect(clock.now - start >= .milliseconds(400))
    }

    /// The first wait armed the timer for an hour; a later, shorter wait must not inherit it.
    @Test func aShorterWaitIsNotHeldToALongerWaitsTimer() async {
        let wake = WakeSignal()
        let first = await waiting(on: wake, timeout: .seconds(3600))
        await wake.signal()
        await first.value
        let start = clock.now
        await wake.wait(timeout: .milliseconds(30))
        let waited = clock.now - start
        #expect(waited >= .milliseconds(30))
        #expect(waited < .seconds(30))
    }

    @Test func cancellingTheWaitingTaskEndsItsWait() async {
        let wake = WakeSignal()
        let waiting = await waiting(on: wake, timeout: .seconds(3600))
        waiting.cancel()
        await waiting.value
    }

    @Test func stoppingWakesTheWaiterAndStaysStopped() async {
        let wake = WakeSignal()
        let waiting = await waiting(on: wake, timeout: .seconds(3600))
        await wake.stop()
        await waiting.value
        #expect(await wake.isStopped)
    }

    /// Many waits in a row, each signalled, then one left to its timeout: the loop shape of
    /// the dispatcher, whose signals mostly come long before the idle poll.
    @Test func aLoopOfSignalledWaitsEndsWithATimeout() async {
        let wake = WakeSignal()
        for _ in 0..<200 {
            let waiting = await waiting(on: wake, timeout: .milliseconds(500))
            await wake.signal()
            await waiting.value
        }
        let start = clock.now
        await wake.wait(timeout: .milliseconds(50))
        #expect(clock.now - start >= .milliseconds(50))
    }
}
