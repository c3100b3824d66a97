import Foundation
import GRDB
import Synchronization

/// A few read-only connections for the small reads every order makes (a page of events, the
/// next due time, an order), run on the calling thread.
///
/// An awaited `DatabasePool.read` hops to GRDB's pool-waiting queue, then to a reader's queue,
/// then back to the caller: three thread wake-ups for a read of tens of microseconds. A
/// connection taken from this free list is used at once, on the caller's thread, and put
/// back. When none is free the caller is told so and uses the pool: a connection is never
/// waited for, so no thread of the task executor can block on one that another task holds
/// (a synchronous `pool.read` can, and did: see BENCHMARKS.md). SQLite's own busy wait, in
/// the rare moments a WAL reader must wait, depends on the writer's thread, not on ours.
final class InlineReaders: Sendable {
    private let free: Mutex<[DatabaseQueue]>

    init(path: String, count: Int) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        free = Mutex(try (0..<count).map { _ in try DatabaseQueue(path: path, configuration: configuration) })
    }

    /// The value `body` reads in one statement, or nil when every connection is in use.
    func read<T>(_ body: (Database) throws -> T) throws -> T? {
        guard let connection = free.withLock({ $0.popLast() }) else { return nil }
        defer { free.withLock { $0.append(connection) } }
        // Uncontended (we hold the connection alone), so GRDB's queue runs this on our thread.
        return try connection.read(body)
    }
}
