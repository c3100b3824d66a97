import Dispatch
import Foundation
import GRDB
import Synchronization
import Testing
@testable import AyatStore

/// Counts the transactions a database commits.
private final class CommitCounter: TransactionObserver, Sendable {
    private let count = Mutex(0)
    var commits: Int { count.withLock { $0 } }
    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { count.withLock { $0 += 1 } }
    func databaseDidRollback(_ db: Database) {}
}

@Suite struct GroupCommitTests {
    /// A first write (inserting 0) that holds the writer inside its transaction until released,
    /// so that the writes a test queues next wait for one commit together.
    struct HeldWrite {
        let gate: DispatchSemaphore
        let write: Task<Void, any Error>

        /// Lets the held write finish, and waits for its commit.
        func release() async throws {
            gate.signal()
            try await write.value
        }
    }

    static func holdingTheWriter(_ commits: GroupCommit) async -> HeldWrite {
        let gate = DispatchSemaphore(value: 0)
        let (started, startedSignal) = AsyncStream.makeStream(of: Void.self)
        let write = Task {
            try await commits.write { db in
                startedSignal.yield()
                gate.wait()
                try db.execute(sql: "INSERT INTO t (n) VALUES (0)")
            }
        }
        for await _ in started { break }
        return HeldWrite(gate: gate, write: write)
    }

    @Test func writesThatArriveDuringACommitShareTheNextTransaction() async throws {
        let database = try DatabaseQueue()
        try await database.write { try $0.execute(sql: "CREATE TABLE t (n INTEGER NOT NULL)") }
        let counter = CommitCounter()
        database.add(transactionObserver: counter, extent: .databaseLifetime)
        let commits = GroupCommit(writer: database)

        // The first write holds the writer until fifty more are queued behind it.
        let first = await Self.holdingTheWriter(commits)
        let rest = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 1...50 {
                    group.addTask { try await commits.write { db in try db.execute(sql: "INSERT INTO t (n) VALUES (?)", arguments: [n]) } }
                }
                try await group.waitForAll()
            }
        }
        while commits.waitingCount < 50 { await Task.yield() }
        try await first.release()
        try await rest.value

        #expect(try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM t") } == 51)
        #expect(counter.commits == 2, "the fifty queued writes share one transaction")
    }

    @Test func aWriteThatThrowsIsRolledBackAloneAndItsNeighboursCommit() async throws {
        let database = try DatabaseQueue()
        try await database.write { try $0.execute(sql: "CREATE TABLE t (n INTEGER NOT NULL UNIQUE)") }
        let commits = GroupCommit(writer: database)
        let first = await Self.holdingTheWriter(commits)
        // In one batch: a good write, one that inserts a row and then fails, another good write.
        let before = Task { try await commits.write { db in try db.execute(sql: "INSERT INTO t (n) VALUES (1)") } }
        while commits.waitingCount < 1 { await Task.yield() }
        let failing = Task {
            try await commits.write { db in
                try db.execute(sql: "INSERT INTO t (n) VALUES (2)")
                try db.execute(sql: "INSERT INTO t (n) VALUES (1)")
            }
        }
        while commits.waitingCount < 2 { await Task.yield() }
        let after = Task { try await commits.write { db in try db.execute(sql: "INSERT INTO t (n) VALUES (3)") } }
        while commits.waitingCount < 3 { await Task.yield() }
        try await first.release()
        try await before.value
        await #expect(throws: DatabaseError.self) { try await failing.value }
        try await after.value

        #expect(try await database.read { try Int.fetchAll($0, sql: "SELECT n FROM t ORDER BY n") } == [0, 1, 3])
    }
}
