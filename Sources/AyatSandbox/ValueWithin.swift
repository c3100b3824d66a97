/// What `operation` returns, or nil if `timeout` passes first (the operation is then cancelled):
/// for waiting on a child process, a feed or a stream without waiting forever.
public func value<T: Sendable>(within timeout: Duration, of operation: @escaping @Sendable () async throws -> T?) async throws -> T? {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        return first
    }
}
