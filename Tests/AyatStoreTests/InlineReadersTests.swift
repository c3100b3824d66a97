import Foundation
import GRDB
import Testing
import AyatCore
@testable import AyatStore

/// The inline read connections never wait: with all of them in use a read is declined
/// (and the store falls back to its pool); they cannot write; and they see every commit.
@Suite struct InlineReadersTests {
    @Test func aReadWithEveryConnectionInUseIsDeclinedAtOnce() throws {
        let fixture = try StoreFixture()
        let readers = try InlineReaders(path: fixture.directory.appending(path: "ayat.sqlite").path, count: 1)
        let outer: Int?? = try readers.read { db in
            // The only connection is ours: a nested read must be declined, not wait for it.
            let inner = try readers.read { try Int.fetchOne($0, sql: "SELECT 2") }
            #expect(inner == nil)
            return try Int.fetchOne(db, sql: "SELECT 1")
        }
        #expect(outer == .some(.some(1)))
        // Given back afterwards: the next read gets it.
        #expect(try readers.read { try Int.fetchOne($0, sql: "SELECT 3") } == .some(.some(3)))
    }

    @Test func theyCannotWrite() throws {
        let fixture = try StoreFixture()
        let readers = try InlineReaders(path: fixture.directory.appending(path: "ayat.sqlite").path, count: 2)
        #expect(throws: DatabaseError.self) {
            try readers.read { try $0.execute(sql: "DELETE FROM orders") }
        }
    }

    @Test func theStoreReadsWhatWasJustCommitted() async throws {
        let fixture = try StoreFixture()
        for _ in 0..<20 {
            let submission = fixture.submission()
            #expect(try await fixture.store.accept(submission) == .created)
            // order(_:) and nextDeliveryDue() read inline: each commit is visible at once.
            #expect(try await fixture.store.order(submission.order.id)?.order == submission.order)
            #expect(try await fixture.store.nextDeliveryDue() != nil)
        }
    }
}
