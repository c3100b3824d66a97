/// Wakes a waiting loop early: a signal sent while nobody waits is kept for the next wait.
///
/// One timer serves every wait. A loop that is signalled long before its timeout (the
/// dispatcher, a held event request) waits again at once with a later deadline; re-arming a
/// timer for each wait would start and cancel a task, and poke the system's timer thread,
/// every time. The timer is re-armed only for a deadline earlier than the armed one; when it
/// fires before the waiter's deadline (an earlier wait's), it is armed again for the rest.
public actor WakeSignal {
    /// Set once: the loop finishes what it holds and stops.
    private(set) var isStopped = false
    private var pending = false
    private var waiter: (continuation: CheckedContinuation<Void, Never>, deadline: ContinuousClock.Instant)?
    private var timer = DeadlineTimer()
    private let clock = ContinuousClock()

    /// Waits that have begun so far (for tests, which signal only once a wait has begun).
    private(set) var waitsBegun = 0

    public init() {}

    func stop() {
        isStopped = true
        timer.cancel()
        signal()
    }

    public func signal() {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume()
        } else {
            pending = true
        }
    }

    /// Returns on a signal, on timeout, or when the task is cancelled.
    public func wait(timeout: Duration) async {
        waitsBegun += 1
        if pending {
            pending = false
            return
        }
        let deadline = clock.now.advanced(by: timeout)
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume()
                    return
                }
                waiter = (continuation, deadline)
                arm(deadline)
            }
        } onCancel: {
            Task { await self.signal() }
        }
    }

    private func arm(_ deadline: ContinuousClock.Instant) {
        timer.cover(deadline) { [weak self] deadline in await self?.timerFired(deadline) }
    }

    /// A timer that was replaced does nothing. Otherwise the waiter whose deadline has passed
    /// is woken, and one whose deadline is still ahead gets the timer armed for it.
    private func timerFired(_ deadline: ContinuousClock.Instant) {
        guard timer.spend(deadline) else { return }
        guard let waiter else { return }
        if waiter.deadline <= clock.now {
            self.waiter = nil
            waiter.continuation.resume()
        } else {
            arm(waiter.deadline)
        }
    }
}
