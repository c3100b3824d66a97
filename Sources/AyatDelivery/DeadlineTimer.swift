/// One timer task serving many waits: armed for the earliest deadline asked for, and re-armed
/// only for an earlier one, so that waits signalled long before their deadline (nearly all of
/// them) neither start nor cancel a task. `fire` gets the deadline the timer was armed for.
struct DeadlineTimer {
    private var armed: (task: Task<Void, Never>, deadline: ContinuousClock.Instant)?

    /// Makes sure the timer fires no later than `deadline`.
    mutating func cover(_ deadline: ContinuousClock.Instant, fire: @escaping @Sendable (ContinuousClock.Instant) async -> Void) {
        if let armed, armed.deadline <= deadline { return }
        armed?.task.cancel()
        let task = Task {
            try? await ContinuousClock().sleep(until: deadline, tolerance: nil)
            await fire(deadline)
        }
        armed = (task, deadline)
    }

    /// Whether a firing for `deadline` is the armed timer's (a replaced timer's is not); if it
    /// is, the timer is spent and the next `cover` arms a new one.
    mutating func spend(_ deadline: ContinuousClock.Instant) -> Bool {
        guard armed?.deadline == deadline else { return false }
        armed = nil
        return true
    }

    mutating func cancel() {
        armed?.task.cancel()
        armed = nil
    }
}
