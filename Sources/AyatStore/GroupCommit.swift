import GRDB
import Synchronization

/// Group commit: writes that arrive while a transaction is being committed wait
/// together and then share one transaction and one fsync.
///
/// Each write runs in its own savepoint, so one that throws is rolled back alone
/// and fails alone; the others commit. Nobody is answered before the commit
/// that holds their write is durable, so "returned" still means "on disk".
final class GroupCommit: Sendable {
    private let writer: any DatabaseWriter
    private let queue = Mutex(Queue())
    /// Writes one transaction may carry at most, so a burst cannot hold the write lock for long.
    private let maxBatch: Int

    private struct Queue {
        var waiting: [any PendingWrite] = []
        var draining = false
    }

    /// Writes queued behind the transaction being committed.
    var waitingCount: Int { queue.withLock { $0.waiting.count } }

    init(writer: any DatabaseWriter, maxBatch: Int = 256) {
        self.writer = writer
        self.maxBatch = maxBatch
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let startDrain = queue.withLock { queue in
                queue.waiting.append(Write(body: body, continuation: continuation))
                defer { queue.draining = true }
                return !queue.draining
            }
            if startDrain { writer.asyncWriteWithoutTransaction { db in self.drain(db) } }
        }
    }

    /// Commits batches until nothing waits, on the writer's own queue: going back to the
    /// shared task executor between batches would queue the one writer behind every
    /// signature and TLS record being computed there.
    private func drain(_ db: Database) {
        while true {
            let batch: [any PendingWrite] = queue.withLock { queue in
                let batch = Array(queue.waiting.prefix(maxBatch))
                queue.waiting.removeFirst(batch.count)
                if batch.isEmpty { queue.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            do {
                try db.inTransaction(.immediate) {
                    for write in batch { write.perform(db) }
                    return .commit
                }
                for write in batch { write.finish(commitError: nil) }
            } catch {
                for write in batch { write.finish(commitError: error) }
            }
        }
    }
}

private protocol PendingWrite: Sendable {
    /// Runs the write in a savepoint of the batch's transaction, keeping its own result.
    func perform(_ db: Database)
    /// Answers the caller once the batch is committed (or failed to commit).
    func finish(commitError: (any Error)?)
}

private final class Write<T: Sendable>: PendingWrite, @unchecked Sendable {
    // `result` is written by `perform` on the writer's queue and read by `finish`
    // after the commit returned: never at the same time.
    private let body: @Sendable (Database) throws -> T
    private let continuation: CheckedContinuation<T, any Error>
    private var result: Result<T, any Error>?

    init(body: @escaping @Sendable (Database) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.body = body
        self.continuation = continuation
    }

    func perform(_ db: Database) {
        do {
            var value: T?
            try db.inSavepoint {
                value = try body(db)
                return .commit
            }
            result = value.map { .success($0) }
        } catch {
            result = .failure(error)
        }
    }

    func finish(commitError: (any Error)?) {
        if let commitError {
            continuation.resume(throwing: commitError)
        } else if let result {
            continuation.resume(with: result)
        } else {
            continuation.resume(throwing: StoreError("a grouped write did not run"))
        }
    }
}
