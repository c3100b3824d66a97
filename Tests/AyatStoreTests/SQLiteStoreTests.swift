import Foundation
import Testing
import AyatCore
@testable import AyatStore

/// Each test gets its own SQLite file in a fresh temporary directory, removed with the fixture
/// at the end of the test (the store may still hold the file open: Linux lets it be unlinked).
final class StoreFixture: Sendable {
    let directory: URL
    let store: SQLiteStore

    init() throws {
        directory = FileManager.default.temporaryDirectory.appending(path: "ayat-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        store = try SQLiteStore(path: directory.appending(path: "ayat.sqlite").path)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func submission(key: String? = nil, hash: String = "h1", acceptedAt: Date = Date()) -> OrderSubmission {
        let order = Order(
            id: .generate(), kind: .freeze, caseID: CaseID("CASE-1")!, bank: BankCode("014")!,
            account: Account(number: AccountNumber("1402339876")!, holderName: HolderName("สมชาย ใจดี")!),
            amount: Money(minorUnits: 1_500_000, currency: Currency("THB")!),
            reportedTransfer: ReportedTransfer(reference: "TRX1", time: acceptedAt.addingTimeInterval(-600)),
            legalBasis: "Decree s.6", requestedBy: "officer:1", reportedAt: acceptedAt,
            deadline: acceptedAt.addingTimeInterval(3600), acceptedAt: acceptedAt
        )
        let message = StoredMessage(
            messageID: .generate(), orderID: order.id, direction: .outbound, bank: order.bank, dialect: "xml-enveloped",
            kind: "freeze-order", contentType: "application/xml", recordedAt: acceptedAt,
            bytes: Array("<FreezeOrder>สมชาย ใจดี</FreezeOrder>".utf8)
        )
        return OrderSubmission(
            order: order, outbound: message,
            idempotency: key.map { IdempotencyRecord(key: $0, requestHash: hash, status: 202, body: Array("{\"id\":\"\(order.id)\"}".utf8)) }
        )
    }
}

@Suite struct SQLiteStoreTests {
    /// A 202 promises the order survives a power cut: every commit must fsync the WAL
    /// (`synchronous = FULL`, 2), which GRDB's WAL set-up would otherwise leave at NORMAL (1).
    @Test func theWritingConnectionSyncsEveryCommit() async throws {
        let fixture = try StoreFixture()
        let level = try await fixture.store.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") }
        #expect(level == 2)
        let reopened = try SQLiteStore(path: fixture.store.pool.path)
        #expect(try await reopened.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
    }

    /// Group commit's savepoints keep their undo pages in memory (`temp_store = MEMORY`, 2): at the
    /// default, SQLite spills them to a temporary file, over a hundred pwrite(2)s per order under load.
    @Test func savepointUndoPagesStayInMemoryOnEveryConnection() async throws {
        let fixture = try StoreFixture()
        #expect(try await fixture.store.pool.write { try Int.fetchOne($0, sql: "PRAGMA temp_store") } == 2)
        #expect(try await fixture.store.pool.read { try Int.fetchOne($0, sql: "PRAGMA temp_store") } == 2)
    }

    @Test func acceptedOrdersSurviveReopeningTheFileByteForByte() async throws {
        let fixture = try StoreFixture()
        let submission = fixture.submission()
        #expect(try await fixture.store.accept(submission) == .created)

        let reopened = try SQLiteStore(path: fixture.directory.appending(path: "ayat.sqlite").path)
        let record = try #require(try await reopened.order(submission.order.id))
        #expect(record.order == submission.order)
        #expect(record.state == .accepted)
        let messages = try await reopened.messages(of: submission.order.id)
        #expect(messages.map(\.bytes) == [submission.outbound.bytes])
        #expect(try await reopened.timeline(of: submission.order.id).map(\.event) == ["accepted"])
    }

    @Test func theSameIdempotencyKeyReplaysAndADifferentBodyConflicts() async throws {
        let fixture = try StoreFixture()
        let first = fixture.submission(key: "k-1", hash: "aaa")
        #expect(try await fixture.store.accept(first) == .created)

        let repeat_ = fixture.submission(key: "k-1", hash: "aaa")
        guard case .replayed(let record) = try await fixture.store.accept(repeat_) else {
            Issue.record("expected a replay")
            return
        }
        #expect(record.body == first.idempotency?.body)
        #expect(try await fixture.store.order(repeat_.order.id) == nil, "a replay must not store a second order")

        #expect(try await fixture.store.accept(fixture.submission(key: "k-1", hash: "bbb")) == .conflict)
        #expect(try await fixture.store.orders(limit: 10).count == 1)
    }

    @Test func aClaimIsLeasedAndComesBackOnlyAfterTheLeaseExpires() async throws {
        let fixture = try StoreFixture()
        let now = Date()
        let submission = fixture.submission(acceptedAt: now)
        _ = try await fixture.store.accept(submission)

        let first = try await fixture.store.claimDueDeliveries(now: now, limit: 10, leaseDuration: 30, owner: "a")
        #expect(first.map(\.messageID) == [submission.outbound.messageID])
        #expect(first.first?.attempt == 1)
        #expect(first.first?.message.bytes == submission.outbound.bytes)

        let whileLeased = try await fixture.store.claimDueDeliveries(now: now.addingTimeInterval(10), limit: 10, leaseDuration: 30, owner: "b")
        #expect(whileLeased.isEmpty)

        // Worker "a" crashed: after its lease, "b" gets the same bytes as attempt 2.
        let afterExpiry = try await fixture.store.claimDueDeliveries(now: now.addingTimeInterval(31), limit: 10, leaseDuration: 30, owner: "b")
        #expect(afterExpiry.map(\.messageID) == [submission.outbound.messageID])
        #expect(afterExpiry.first?.attempt == 2)
    }

    @Test func recordingMovesStateForwardAndFinishesTheDelivery() async throws {
        let fixture = try StoreFixture()
        let now = Date()
        let submission = fixture.submission(acceptedAt: now)
        _ = try await fixture.store.accept(submission)
        let claim = try #require(try await fixture.store.claimDueDeliveries(now: now, limit: 1, leaseDuration: 30, owner: "a").first)

        let receipt = StoredMessage(
            messageID: MessageID(rawValue: "B014RECEIPT"), orderID: claim.order.id, direction: .inbound, bank: claim.order.bank,
            dialect: "xml-enveloped", kind: "receipt", contentType: "application/xml", recordedAt: now, bytes: [1, 2, 3]
        )
        let state = try await fixture.store.record(AttemptResult(
            messageID: claim.messageID, orderID: claim.order.id, leaseOwner: "a", newState: .acknowledged,
            timeline: [TimelineEntry(at: now, state: .acknowledged, event: "acknowledged")], inbound: [receipt], next: .done
        ))
        #expect(state == .acknowledged)
        #expect(try await fixture.store.messages(of: claim.order.id).map(\.direction) == [.outbound, .inbound])
        #expect(try await fixture.store.claimDueDeliveries(now: now.addingTimeInterval(3600), limit: 10, leaseDuration: 30, owner: "b").isEmpty)
        #expect(try await fixture.store.nextDeliveryDue() == nil)

        // Late news never moves an order backwards.
        let after = try await fixture.store.record(AttemptResult(
            messageID: claim.messageID, orderID: claim.order.id, leaseOwner: "a", newState: .sent,
            timeline: [], inbound: [], next: .done
        ))
        #expect(after == .acknowledged)
    }

    @Test func aRetryIsDueAgainAtItsTime() async throws {
        let fixture = try StoreFixture()
        let now = Date()
        _ = try await fixture.store.accept(fixture.submission(acceptedAt: now))
        let claim = try #require(try await fixture.store.claimDueDeliveries(now: now, limit: 1, leaseDuration: 30, owner: "a").first)
        try await fixture.store.record(AttemptResult(
            messageID: claim.messageID, orderID: claim.order.id, leaseOwner: "a", newState: .sent,
            timeline: [], inbound: [], next: .retry(at: now.addingTimeInterval(5))
        ))
        #expect(try await fixture.store.claimDueDeliveries(now: now.addingTimeInterval(4), limit: 1, leaseDuration: 30, owner: "a").isEmpty)
        let retry = try await fixture.store.claimDueDeliveries(now: now.addingTimeInterval(5), limit: 1, leaseDuration: 30, owner: "a")
        #expect(retry.first?.attempt == 2)
        #expect(retry.first?.state == .sent)
    }

    @Test func aClaimedDeliveryIsNextDueWhenItsLeaseRunsOutAndAReleasedOneAtOnce() async throws {
        let fixture = try StoreFixture()
        let now = Date(milliseconds: Date().milliseconds)
        _ = try await fixture.store.accept(fixture.submission(acceptedAt: now))
        #expect(try await fixture.store.nextDeliveryDue() == now)

        _ = try await fixture.store.claimDueDeliveries(now: now, limit: 1, leaseDuration: 30, owner: "a")
        #expect(try await fixture.store.nextDeliveryDue() == now.addingTimeInterval(30))

        // A crashed owner's claim is released: due again now, not when its lease would have ended.
        #expect(try await fixture.store.releaseLeases(owner: "a") == 1)
        let due = try #require(try await fixture.store.nextDeliveryDue())
        #expect(due <= Date())
        #expect(try await fixture.store.claimDueDeliveries(now: Date(), limit: 1, leaseDuration: 30, owner: "b").count == 1)
    }

    @Test func concurrentWritesAllLandWholeAndAFailingOneRollsBackAlone() async throws {
        let fixture = try StoreFixture()
        let submissions = (0..<200).map { _ in fixture.submission() }
        // One submission reuses another's order id: its whole write must fail and leave nothing behind.
        var clash = fixture.submission()
        clash.order.id = submissions[17].order.id
        clash.outbound.orderID = clash.order.id
        let outcomes = await withTaskGroup(of: Bool.self, returning: [Bool].self) { group in
            for submission in submissions + [clash] {
                group.addTask { (try? await fixture.store.accept(submission)) == .created }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 200)
        #expect(outcomes.filter { !$0 }.count == 1)
        // Every accepted order is stored whole, with its message, delivery and timeline; the clash left no message.
        let stored = try await fixture.store.orders(limit: 1000)
        #expect(stored.count == 200)
        for submission in submissions.prefix(20) {
            #expect(try await fixture.store.messages(of: submission.order.id).count == 1)
            #expect(try await fixture.store.timeline(of: submission.order.id).map(\.event) == ["accepted"])
            #expect(try await fixture.store.order(sentAs: try #require(submission.outbound.messageID))?.order == submission.order)
        }
        #expect(try await fixture.store.order(sentAs: try #require(clash.outbound.messageID)) == nil)
        #expect(try await fixture.store.auditSize() == 200)
        #expect(try await fixture.store.claimDueDeliveries(now: Date(), limit: 1000, leaseDuration: 30, owner: "a").count == 200)
    }

    @Test func anOrderAcceptedUnderALeaseIsClaimedAlreadyAndReclaimableLikeAnyClaim() async throws {
        let fixture = try StoreFixture()
        let now = Date(milliseconds: Date().milliseconds)
        var submission = fixture.submission(acceptedAt: now)
        submission.lease = .init(owner: "dispatcher/a", until: now.addingTimeInterval(60))
        #expect(try await fixture.store.accept(submission) == .created)

        // Nobody else may claim it while the lease runs; it is next due when the lease ends.
        #expect(try await fixture.store.claimDueDeliveries(now: now.addingTimeInterval(59), limit: 10, leaseDuration: 30, owner: "b").isEmpty)
        #expect(try await fixture.store.nextDeliveryDue() == now.addingTimeInterval(60))
        #expect(try await fixture.store.leaseOwners() == ["dispatcher/a"])

        // Its owner died: released, it is claimed as the second attempt (the first counted when it was stored).
        #expect(try await fixture.store.releaseLeases(owner: "dispatcher/a") == 1)
        let reclaimed = try await fixture.store.claimDueDeliveries(now: Date(), limit: 10, leaseDuration: 30, owner: "b")
        #expect(reclaimed.map(\.messageID) == [submission.outbound.messageID])
        #expect(reclaimed.first?.attempt == 2)
    }

    /// A hold is settled by a release or refund that names it as its related order, and by
    /// nothing else: an executed release whose free text merely mentions a freeze does not
    /// silence that freeze's hold warnings.
    @Test func onlyAnExecutedReleaseNamingTheFreezeSettlesItsHold() async throws {
        let fixture = try StoreFixture()
        let now = Date(milliseconds: Date().milliseconds)
        let reported = now.addingTimeInterval(-30 * 24 * 3600)
        func accept(_ kind: OrderKind, reason: String? = nil, related: OrderID? = nil) async throws -> OrderID {
            var submission = fixture.submission(acceptedAt: reported)
            submission.order.kind = kind
            submission.order.reason = reason
            submission.order.relatedOrder = related
            #expect(try await fixture.store.accept(submission) == .created)
            let id = submission.order.id
            try await fixture.store.pool.write { db in
                try db.execute(sql: "UPDATE orders SET state = 'executed' WHERE id = ?", arguments: [id.rawValue])
            }
            return id
        }
        let mentioned = try await accept(.freeze)
        let released = try await accept(.freeze)
        _ = try await accept(.release, reason: "not related to \(mentioned), only mentions it")
        _ = try await accept(.release, reason: "settled", related: released)

        let warnings = try await fixture.store.takeHoldWarnings(
            now: now, holdWindow: { order, _ in order.reportedAt.addingTimeInterval(7 * 24 * 3600) }, shortestHold: 7 * 24 * 3600, notice: 3600
        )
        #expect(warnings.map(\.order.id) == [mentioned])
        #expect(warnings.first?.expired == true)
        // Both were looked at once: neither is read again.
        #expect(try await fixture.store.takeHoldWarnings(
            now: now, holdWindow: { order, _ in order.reportedAt.addingTimeInterval(7 * 24 * 3600) }, shortestHold: 7 * 24 * 3600, notice: 3600
        ).isEmpty)
    }
}
