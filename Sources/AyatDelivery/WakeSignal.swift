/// Wakes a waiting loop early: a signal sent while nobody waits is kept for the next wait.
public actor WakeSignal {
    /// Set once: the loop finishes what it holds and stops.
    private(set) var isStopped = false
    private var pending = false
    private var waiter: CheckedContinuation<Void, Never>?
    private var generation = 0

    public init() {}

    func stop() {
        isStopped = true
        signal()
    }

    public func signal() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            pending = true
        }
    }

    /// Returns on a signal, on timeout, or when the task is cancelled.
    public func wait(timeout: Duration) async {
        if pending {
            pending = false
            return
        }
        generation += 1
        let mine = generation
        let timer = Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.expire(mine)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume()
                } else {
                    waiter = continuation
                }
            }
        } onCancel: {
            Task { await self.signal() }
        }
        timer.cancel()
    }

    private func expire(_ generation: Int) {
        guard generation == self.generation, let waiter else { return }
        self.waiter = nil
        waiter.resume()
    }
}
