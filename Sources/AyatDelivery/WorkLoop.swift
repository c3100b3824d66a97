import ServiceLifecycle

/// The loop shared by the gateway's background workers: do the work, then
/// sleep until nudged or until `idle` passes; stop on graceful shutdown.
struct WorkLoop: Sendable {
    let wake: WakeSignal
    let idle: @Sendable () async -> Duration

    init(wake: WakeSignal, idle: Duration) {
        self.wake = wake
        self.idle = { idle }
    }

    init(wake: WakeSignal, idle: @escaping @Sendable () async -> Duration) {
        self.wake = wake
        self.idle = idle
    }

    /// `work` returns true when there may be more to do at once.
    func run(_ work: @escaping @Sendable () async -> Bool) async {
        await withGracefulShutdownHandler {
            while !Task.isCancelled, !(await wake.isStopped) {
                if await work() { continue }
                await wake.wait(timeout: await idle())
            }
        } onGracefulShutdown: {
            Task { await wake.stop() }
        }
    }
}
