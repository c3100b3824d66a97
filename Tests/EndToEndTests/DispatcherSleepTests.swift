import Foundation
import Testing
@testable import AyatDelivery

/// How long the dispatcher sleeps between looks at the store: until the next delivery is due,
/// never less than 5 ms (no spinning on a delivery due now or overdue), never more than the
/// idle poll (which also finds work that another dispatcher's writes made due).
@Suite struct DispatcherSleepTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    let idlePoll = Duration.milliseconds(500)

    @Test func nothingPendingSleepsTheIdlePoll() {
        #expect(Dispatcher.sleep(until: nil, now: now, atMost: idlePoll) == idlePoll)
    }

    @Test func aDeliveryDueSoonIsWaitedForToTheMillisecond() {
        #expect(Dispatcher.sleep(until: now.addingTimeInterval(0.120), now: now, atMost: idlePoll) == .milliseconds(120))
        // A fraction of a millisecond rounds up: waking early would find nothing due yet.
        #expect(Dispatcher.sleep(until: now.addingTimeInterval(0.0301), now: now, atMost: idlePoll) == .milliseconds(31))
    }

    @Test func dueNowOrOverdueStillSleepsFiveMilliseconds() {
        #expect(Dispatcher.sleep(until: now, now: now, atMost: idlePoll) == .milliseconds(5))
        #expect(Dispatcher.sleep(until: now.addingTimeInterval(-30), now: now, atMost: idlePoll) == .milliseconds(5))
    }

    @Test func aDeliveryDueLaterIsCappedAtTheIdlePoll() {
        #expect(Dispatcher.sleep(until: now.addingTimeInterval(3600), now: now, atMost: idlePoll) == idlePoll)
        #expect(Dispatcher.sleep(until: .distantFuture, now: now, atMost: idlePoll) == idlePoll)
    }
}
