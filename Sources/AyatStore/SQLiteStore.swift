import Foundation
import AyatCore
import AyatAudit
import GRDB

/// The embedded store: one SQLite file in WAL mode through GRDB.
///
/// Writes are serialised by SQLite's single writer; `synchronous = FULL` makes
/// a returned commit survive power loss, which is what a 202 promises.
public final class SQLiteStore: GatewayStore {
    let pool: DatabasePool
    private let commits: GroupCommit

    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Group commit runs each write in a savepoint, and SQLite keeps a savepoint's undo
            // pages in a sub-journal that spills to a temporary file past 64 KiB: two pwrite(2)s
            // per page, over a hundred per order under load. In memory they are a memcpy.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB turns WAL on with `synchronous = NORMAL` (a commit that can be lost with the
        // machine's power) after any prepareDatabase hook has run; so FULL is set here, on the
        // one connection that writes.
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        try Self.migrator.migrate(pool)
        commits = GroupCommit(writer: pool)
    }

    /// Every write goes through group commit: concurrent writers share one fsync.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await commits.write(body)
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE orders (
                    id TEXT PRIMARY KEY,
                    case_id TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    bank TEXT NOT NULL,
                    state TEXT NOT NULL,
                    deadline_ms INTEGER NOT NULL,
                    accepted_ms INTEGER NOT NULL,
                    updated_ms INTEGER NOT NULL,
                    body BLOB NOT NULL
                );
                CREATE INDEX orders_case ON orders(case_id);
                CREATE INDEX orders_state ON orders(state, deadline_ms);

                CREATE TABLE messages (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    message_id TEXT,
                    order_id TEXT NOT NULL REFERENCES orders(id),
                    direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
                    bank TEXT NOT NULL,
                    dialect TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    content_type TEXT NOT NULL,
                    recorded_ms INTEGER NOT NULL,
                    headers TEXT NOT NULL,
                    bytes BLOB NOT NULL
                );
                CREATE INDEX messages_order ON messages(order_id, seq);
                CREATE INDEX messages_id ON messages(message_id);

                CREATE TABLE deliveries (
                    message_id TEXT PRIMARY KEY,
                    order_id TEXT NOT NULL REFERENCES orders(id),
                    message_seq INTEGER NOT NULL REFERENCES messages(seq),
                    state TEXT NOT NULL CHECK (state IN ('pending', 'done')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    due_ms INTEGER NOT NULL,
                    lease_owner TEXT,
                    lease_until_ms INTEGER
                );
                CREATE INDEX deliveries_due ON deliveries(state, due_ms);

                CREATE TABLE timeline (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    order_id TEXT NOT NULL REFERENCES orders(id),
                    at_ms INTEGER NOT NULL,
                    entry BLOB NOT NULL
                );
                CREATE INDEX timeline_order ON timeline(order_id, seq);

                CREATE TABLE idempotency (
                    key TEXT PRIMARY KEY,
                    request_hash TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    body BLOB NOT NULL,
                    created_ms INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2-execution-and-polls") { db in
            try db.execute(sql: """
                ALTER TABLE orders ADD COLUMN execution BLOB;
                ALTER TABLE deliveries ADD COLUMN purpose TEXT NOT NULL DEFAULT 'send';
                """)
        }
        migrator.registerMigration("v3-audit-log") { db in
            try db.execute(sql: """
                ALTER TABLE messages ADD COLUMN request_line TEXT;
                CREATE TABLE audit_log (
                    leaf_index INTEGER PRIMARY KEY,
                    message_seq INTEGER NOT NULL UNIQUE REFERENCES messages(seq),
                    leaf_hash BLOB NOT NULL
                );
                CREATE TABLE checkpoints (
                    tree_size INTEGER PRIMARY KEY,
                    note TEXT NOT NULL,
                    issued_ms INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v4-cases-events-chasing") { db in
            try db.execute(sql: """
                CREATE TABLE cases (
                    id TEXT PRIMARY KEY,
                    body BLOB NOT NULL,
                    updated_ms INTEGER NOT NULL
                );
                CREATE TABLE events (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    type TEXT NOT NULL,
                    case_id TEXT NOT NULL,
                    order_id TEXT,
                    at_ms INTEGER NOT NULL,
                    body BLOB NOT NULL
                );
                CREATE TABLE webhook_cursors (
                    endpoint TEXT PRIMARY KEY,
                    after_seq INTEGER NOT NULL
                );
                -- 'pending' once a freeze's result reports money moving on; 'done' once chased (or reported).
                ALTER TABLE orders ADD COLUMN chase_state TEXT;
                -- Set by a manual retry: keep trying until then even past the deadline.
                ALTER TABLE deliveries ADD COLUMN give_up_ms INTEGER;
                -- Deadline and legal-hold warnings already given, so each is given once.
                ALTER TABLE orders ADD COLUMN warnings TEXT NOT NULL DEFAULT '';
                CREATE INDEX deliveries_order ON deliveries(order_id);
                CREATE INDEX orders_chase ON orders(chase_state) WHERE chase_state = 'pending';
                """)
        }
        migrator.registerMigration("v5-due-covers-lease") { db in
            // A claimed delivery is next due when its lease runs out, so the earliest due
            // delivery is one index probe however many are pending.
            try db.execute(sql: """
                UPDATE deliveries SET due_ms = MAX(due_ms, lease_until_ms)
                WHERE state = 'pending' AND lease_until_ms IS NOT NULL;
                -- Start-up asks who holds leases: few rows do, so index only those.
                CREATE INDEX deliveries_leased ON deliveries(lease_owner) WHERE lease_owner IS NOT NULL;
                -- When the victim reported (legal holds run from it), so the hold watch reads one index range.
                ALTER TABLE orders ADD COLUMN reported_ms INTEGER NOT NULL DEFAULT 0;
                UPDATE orders SET reported_ms = CAST(ROUND((json_extract(body, '$.reportedAt') + 978307200) * 1000) AS INTEGER);
                CREATE INDEX orders_holds ON orders(reported_ms)
                    WHERE kind = 'freeze' AND state = 'executed' AND instr(warnings, 'hold-expired') = 0;
                """)
        }
        migrator.registerMigration("v6-related-order") { db in
            // A release or refund names the freeze it settles; the hold watch asks for it by that id.
            try db.execute(sql: """
                ALTER TABLE orders ADD COLUMN related_order TEXT;
                UPDATE orders SET related_order = json_extract(body, '$.relatedOrder') WHERE json_extract(body, '$.relatedOrder') IS NOT NULL;
                CREATE INDEX orders_related ON orders(related_order) WHERE related_order IS NOT NULL;
                """)
        }
        return migrator
    }

    // MARK: Intake

    public func idempotencyRecord(key: String) async throws -> IdempotencyRecord? {
        try await pool.read { db in try Self.idempotencyRecord(db, key: key) }
    }

    static func idempotencyRecord(_ db: Database, key: String) throws -> IdempotencyRecord? {
        guard let row = try Row.fetchOne(db, cached: "SELECT request_hash, status, body FROM idempotency WHERE key = ?", arguments: [key]) else {
            return nil
        }
        return IdempotencyRecord(key: key, requestHash: row["request_hash"], status: row["status"], body: [UInt8](row["body"] as Data))
    }

    public func accept(_ submission: OrderSubmission) async throws -> IntakeOutcome {
        let order = submission.order
        let orderBody = StoredJSON.encode(order)
        let entry = StoredJSON.encode(TimelineEntry(
            at: order.acceptedAt, state: .accepted, event: "accepted",
            messageIDs: [submission.outbound.messageID].compactMap { $0 },
            detail: "stored with its signed \(submission.outbound.dialect) message"
        ))
        return try await write { db in
            if let idempotency = submission.idempotency, let existing = try Self.idempotencyRecord(db, key: idempotency.key) {
                return existing.requestHash == idempotency.requestHash ? .replayed(existing) : .conflict
            }
            let accepted = order.acceptedAt.milliseconds
            try db.execute(
                cached: """
                    INSERT INTO orders (id, case_id, kind, bank, state, deadline_ms, accepted_ms, updated_ms, reported_ms, related_order, body)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [order.id.rawValue, order.caseID.rawValue, order.kind.rawValue, order.bank.rawValue,
                            OrderState.accepted.rawValue, order.deadline.milliseconds, accepted, accepted,
                            order.reportedAt.milliseconds, order.relatedOrder?.rawValue, orderBody]
            )
            let seq = try Self.insert(submission.outbound, caseID: order.caseID.rawValue, db)
            guard let messageID = submission.outbound.messageID else {
                throw StoreError("an outbound message needs a message id")
            }
            // A leased delivery is next due when its lease runs out, as after any claim.
            let lease = submission.lease
            try db.execute(
                cached: """
                    INSERT INTO deliveries (message_id, order_id, message_seq, state, due_ms, lease_owner, lease_until_ms, attempts)
                    VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)
                    """,
                arguments: [messageID.rawValue, order.id.rawValue, seq, lease?.until.milliseconds ?? accepted,
                            lease?.owner, lease?.until.milliseconds, lease == nil ? 0 : 1]
            )
            try db.execute(
                cached: "INSERT INTO timeline (order_id, at_ms, entry) VALUES (?, ?, ?)",
                arguments: [order.id.rawValue, accepted, entry]
            )
            try Self.openCaseIfNew(order, db)
            try Self.appendEvent(db, type: "order.accepted", caseID: order.caseID, orderID: order.id, at: order.acceptedAt,
                                 state: .accepted, detail: order.chasedFrom.map { "chasing transfer \($0.transferReference) from \($0.parentOrder)" })
            if let idempotency = submission.idempotency {
                try db.execute(
                    cached: "INSERT INTO idempotency (key, request_hash, status, body, created_ms) VALUES (?, ?, ?, ?, ?)",
                    arguments: [idempotency.key, idempotency.requestHash, idempotency.status, Data(idempotency.body), accepted]
                )
            }
            return .created
        }
    }

    /// Stores a message and appends its leaf to the audit log, in the caller's transaction.
    static func insert(_ message: StoredMessage, caseID: String, _ db: Database) throws -> Int64 {
        let headers = String(decoding: StoredJSON.encode(message.headers), as: UTF8.self)
        // The stored time is what the leaf records: keep it at the column's precision.
        var message = message
        message.recordedAt = Date(milliseconds: message.recordedAt.milliseconds)
        try db.execute(
            cached: """
                INSERT INTO messages (message_id, order_id, direction, bank, dialect, kind, content_type, recorded_ms, headers, bytes, request_line)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [message.messageID?.rawValue, message.orderID.rawValue, message.direction.rawValue,
                        message.bank.rawValue, message.dialect, message.kind, message.contentType,
                        message.recordedAt.milliseconds, headers, Data(message.bytes), message.requestLine]
        )
        let seq = db.lastInsertedRowID
        let leafHash = AuditLeaf(message: message, caseID: caseID).leafHash
        try db.execute(
            cached: "INSERT INTO audit_log (leaf_index, message_seq, leaf_hash) VALUES ((SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM audit_log), ?, ?)",
            arguments: [seq, Data(leafHash.bytes)]
        )
        return seq
    }

    // MARK: Reading

    public func order(_ id: OrderID) async throws -> OrderRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, cached: "SELECT body, state, updated_ms, execution FROM orders WHERE id = ?", arguments: [id.rawValue])
                .map(Self.orderRecord)
        }
    }

    public func orders(limit: Int) async throws -> [OrderRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, cached: "SELECT body, state, updated_ms, execution FROM orders ORDER BY accepted_ms DESC, id LIMIT ?", arguments: [limit])
                .map(Self.orderRecord)
        }
    }

    static func orderRecord(_ row: Row) throws -> OrderRecord {
        OrderRecord(
            order: try StoredJSON.order([UInt8](row["body"] as Data)),
            state: OrderState(rawValue: row["state"]),
            updatedAt: Date(milliseconds: row["updated_ms"]),
            execution: try (row["execution"] as Data?).map { try StoredJSON.execution([UInt8]($0)) }
        )
    }

    public func timeline(of id: OrderID) async throws -> [TimelineEntry] {
        try await pool.read { db in
            try Row.fetchAll(db, cached: "SELECT entry FROM timeline WHERE order_id = ? ORDER BY seq", arguments: [id.rawValue])
                .map { try Codecs.decoder.decode(TimelineEntry.self, from: $0["entry"] as Data) }
        }
    }

    public func messages(of id: OrderID) async throws -> [StoredMessage] {
        try await pool.read { db in
            try Row.fetchAll(db, cached: "SELECT * FROM messages WHERE order_id = ? ORDER BY seq", arguments: [id.rawValue])
                .map(Self.message)
        }
    }

    static func message(_ row: Row) throws -> StoredMessage {
        let headersText: String = row["headers"]
        return StoredMessage(
            messageID: (row["message_id"] as String?).map(MessageID.init(rawValue:)),
            orderID: OrderID(rawValue: row["order_id"]),
            direction: MessageDirection(rawValue: row["direction"]) ?? .inbound,
            bank: BankCode(row["bank"])!,
            dialect: row["dialect"],
            kind: row["kind"],
            contentType: row["content_type"],
            recordedAt: Date(milliseconds: row["recorded_ms"]),
            bytes: [UInt8](row["bytes"] as Data),
            headers: try Codecs.decoder.decode([String: String].self, from: Data(headersText.utf8)),
            requestLine: row["request_line"]
        )
    }

    // MARK: Delivery

    public func claimDueDeliveries(now: Date, limit: Int, leaseDuration: TimeInterval, owner: String) async throws -> [ClaimedDelivery] {
        let nowMS = now.milliseconds
        let leaseUntil = now.addingTimeInterval(leaseDuration)
        return try await write { db in
            let claimed = try Row.fetchAll(
                db,
                cached: """
                    UPDATE deliveries SET lease_owner = ?, lease_until_ms = ?, due_ms = ?, attempts = attempts + 1
                    WHERE message_id IN (
                        SELECT message_id FROM deliveries
                        WHERE state = 'pending' AND due_ms <= ? AND (lease_until_ms IS NULL OR lease_until_ms <= ?)
                        ORDER BY due_ms LIMIT ?)
                    RETURNING message_id, message_seq, order_id, attempts, purpose, give_up_ms
                    """,
                arguments: [owner, leaseUntil.milliseconds, leaseUntil.milliseconds, nowMS, nowMS, limit]
            )
            return try claimed.map { row in
                let seq: Int64 = row["message_seq"]
                guard let messageRow = try Row.fetchOne(db, cached: "SELECT * FROM messages WHERE seq = ?", arguments: [seq]),
                      let orderRow = try Row.fetchOne(db, cached: "SELECT body, state, updated_ms, execution FROM orders WHERE id = ?", arguments: [row["order_id"] as String])
                else { throw StoreError("delivery \(row["message_id"] as String) lost its message or order") }
                let record = try Self.orderRecord(orderRow)
                return ClaimedDelivery(
                    purpose: DeliveryPurpose(rawValue: row["purpose"]) ?? .send,
                    message: try Self.message(messageRow), messageID: MessageID(rawValue: row["message_id"]),
                    order: record.order, state: record.state, attempt: row["attempts"],
                    leaseOwner: owner, leaseUntil: leaseUntil,
                    giveUpAt: (row["give_up_ms"] as Int64?).map(Date.init(milliseconds:))
                )
            }
        }
    }

    public func replaceMessage(of delivery: MessageID, with message: StoredMessage, caseID: CaseID) async throws {
        try await write { db in
            let seq = try Self.insert(message, caseID: caseID.rawValue, db)
            try db.execute(cached: "UPDATE deliveries SET message_seq = ? WHERE message_id = ?", arguments: [seq, delivery.rawValue])
        }
    }

    public func leaseOwners() async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, cached: "SELECT DISTINCT lease_owner FROM deliveries INDEXED BY deliveries_leased WHERE lease_owner IS NOT NULL AND state = 'pending'")
        }
    }

    public func releaseLeases(owner: String) async throws -> Int {
        try await write { db in
            try db.execute(
                cached: "UPDATE deliveries SET lease_owner = NULL, lease_until_ms = NULL, due_ms = MIN(due_ms, ?) WHERE state = 'pending' AND lease_owner = ?",
                arguments: [Date().milliseconds, owner]
            )
            return db.changesCount
        }
    }

    public func nextDeliveryDue() async throws -> Date? {
        try await pool.read { db in
            // Claiming moves due_ms to the lease's end, so this is one probe of deliveries_due.
            let due = try Int64.fetchOne(db, cached: "SELECT MIN(due_ms) FROM deliveries WHERE state = 'pending'")
            return due.map(Date.init(milliseconds:))
        }
    }

    public func order(sentAs id: MessageID) async throws -> OrderRecord? {
        try await pool.read { db in
            try Row.fetchOne(db, cached: """
                SELECT o.body, o.state, o.updated_ms, o.execution FROM deliveries d JOIN orders o ON o.id = d.order_id
                WHERE d.message_id = ?
                """, arguments: [id.rawValue])
                .map(Self.orderRecord)
        }
    }

    public func record(_ result: AttemptResult) async throws -> OrderState {
        let entries = result.timeline.map { ($0.at.milliseconds, StoredJSON.encode($0)) }
        let execution = result.execution.map(StoredJSON.encode)
        return try await write { db in
            guard let row = try Row.fetchOne(db, cached: "SELECT state, case_id, kind FROM orders WHERE id = ?", arguments: [result.orderID.rawValue]) else {
                throw StoreError("no order \(result.orderID)")
            }
            let current = OrderState(rawValue: row["state"])
            let caseID = CaseID(row["case_id"] as String)!
            for message in result.inbound { _ = try Self.insert(message, caseID: row["case_id"], db) }
            var state = current
            if let next = result.newState, current.canMove(to: next) {
                state = next
                try db.execute(
                    cached: "UPDATE orders SET state = ?, updated_ms = ?, execution = COALESCE(?, execution) WHERE id = ?",
                    arguments: [next.rawValue, Date().milliseconds, execution, result.orderID.rawValue]
                )
            }
            for (at, entry) in entries {
                try db.execute(cached: "INSERT INTO timeline (order_id, at_ms, entry) VALUES (?, ?, ?)",
                               arguments: [result.orderID.rawValue, at, entry])
            }
            // One event per state the order really moved through, in order.
            var announced = current
            for entry in result.timeline where entry.event == entry.state.rawValue && announced.canMove(to: entry.state) && entry.state.rank <= state.rank {
                announced = entry.state
                try Self.appendEvent(db, type: "order.\(entry.state)", caseID: caseID, orderID: result.orderID, at: entry.at,
                                     state: entry.state, detail: entry.detail)
            }
            if state != current, state == .failed, row["kind"] as String == OrderKind.freeze.rawValue {
                try Self.appendEvent(db, type: "order.escalated", caseID: caseID, orderID: result.orderID, at: Date(), state: state,
                                     detail: "freeze could not be delivered: \(result.timeline.last?.detail ?? "no detail"); operator action needed")
            }
            if state != current, state == .executed, let outcome = result.execution, !outcome.onwardTransfers.isEmpty {
                try db.execute(cached: "UPDATE orders SET chase_state = 'pending' WHERE id = ? AND chase_state IS NULL", arguments: [result.orderID.rawValue])
            }
            // Only the lease holder reschedules; a worker whose lease expired reports facts, not plans.
            switch result.next {
            case .done:
                try db.execute(
                    cached: "UPDATE deliveries SET state = 'done', lease_owner = NULL, lease_until_ms = NULL WHERE message_id = ? AND lease_owner = ?",
                    arguments: [result.messageID.rawValue, result.leaseOwner]
                )
            case .retry(let at):
                try db.execute(
                    cached: "UPDATE deliveries SET due_ms = ?, lease_owner = NULL, lease_until_ms = NULL WHERE message_id = ? AND lease_owner = ?",
                    arguments: [at.milliseconds, result.messageID.rawValue, result.leaseOwner]
                )
            case .poll(let at):
                try db.execute(
                    cached: """
                        UPDATE deliveries SET purpose = 'poll', attempts = 0, due_ms = ?, lease_owner = NULL, lease_until_ms = NULL
                        WHERE message_id = ? AND lease_owner = ?
                        """,
                    arguments: [at.milliseconds, result.messageID.rawValue, result.leaseOwner]
                )
            case .deferred(let until):
                try db.execute(
                    cached: "UPDATE deliveries SET due_ms = ?, attempts = MAX(attempts - 1, 0), lease_owner = NULL, lease_until_ms = NULL WHERE message_id = ? AND lease_owner = ?",
                    arguments: [until.milliseconds, result.messageID.rawValue, result.leaseOwner]
                )
            case .unchanged:
                break
            }
            // Once executed (or refused for good), nothing more is sent or polled for this order.
            if state.isTerminal {
                try db.execute(
                    cached: "UPDATE deliveries SET state = 'done' WHERE order_id = ? AND (lease_owner IS NULL OR lease_owner = ?)",
                    arguments: [result.orderID.rawValue, result.leaseOwner]
                )
            }
            return state
        }
    }
}

// MARK: - Audit log

extension SQLiteStore {
    public func auditSize() async throws -> UInt64 {
        try await pool.read { db in
            UInt64(try Int64.fetchOne(db, cached: "SELECT COALESCE(MAX(leaf_index) + 1, 0) FROM audit_log") ?? 0)
        }
    }

    public func auditLeafHashes(_ range: Range<UInt64>) async throws -> [MerkleDigest] {
        // Read through a cursor, straight from SQLite's buffer into each digest: a log of
        // millions of leaves is read in full at start-up, and a Row and a Data per leaf made
        // that the largest allocation of a run.
        try await pool.read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT leaf_hash FROM audit_log WHERE leaf_index >= ? AND leaf_index < ? ORDER BY leaf_index")
            let rows = try Row.fetchCursor(statement, arguments: [Int64(range.lowerBound), Int64(range.upperBound)])
            var digests: [MerkleDigest] = []
            digests.reserveCapacity(Int(clamping: range.count))
            while let row = try rows.next() {
                guard let bytes = row.dataNoCopy(atIndex: 0), let digest = MerkleDigest(bytes) else {
                    throw StoreError("a stored leaf hash is not 32 bytes")
                }
                digests.append(digest)
            }
            return digests
        }
    }

    public func auditEntries(_ range: Range<UInt64>) async throws -> [AuditEntry] {
        try await pool.read { db in
            try Row.fetchAll(
                db,
                cached: """
                    SELECT a.leaf_index, a.leaf_hash, m.*, o.case_id AS audit_case_id
                    FROM audit_log a LEFT JOIN messages m ON m.seq = a.message_seq LEFT JOIN orders o ON o.id = m.order_id
                    WHERE a.leaf_index >= ? AND a.leaf_index < ? ORDER BY a.leaf_index
                    """,
                arguments: [Int64(range.lowerBound), Int64(range.upperBound)]
            ).map { row in
                let hash = MerkleDigest([UInt8](row["leaf_hash"] as Data)) ?? MerkleHash.emptyRoot
                let hasMessage = (row["seq"] as Int64?) != nil
                return AuditEntry(
                    index: UInt64(row["leaf_index"] as Int64), leafHash: hash,
                    message: hasMessage ? try Self.message(row) : nil, caseID: row["audit_case_id"]
                )
            }
        }
    }

    public func auditIndex(ofMessage id: MessageID) async throws -> UInt64? {
        try await pool.read { db in
            try Int64.fetchOne(
                db, cached: "SELECT a.leaf_index FROM audit_log a JOIN messages m ON m.seq = a.message_seq WHERE m.message_id = ? ORDER BY a.leaf_index LIMIT 1",
                arguments: [id.rawValue]
            ).map(UInt64.init)
        }
    }

    public func appendCheckpoint(_ checkpoint: StoredCheckpoint) async throws {
        try await write { db in
            try db.execute(
                cached: "INSERT INTO checkpoints (tree_size, note, issued_ms) VALUES (?, ?, ?)",
                arguments: [Int64(checkpoint.size), checkpoint.note, checkpoint.issuedAt.milliseconds]
            )
        }
    }

    public func checkpoints() async throws -> [StoredCheckpoint] {
        try await pool.read { db in
            try Row.fetchAll(db, cached: "SELECT tree_size, note, issued_ms FROM checkpoints ORDER BY tree_size").map {
                StoredCheckpoint(size: UInt64($0["tree_size"] as Int64), note: $0["note"], issuedAt: Date(milliseconds: $0["issued_ms"]))
            }
        }
    }
}

/// A store invariant that does not hold.
public struct StoreError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Reads the stored JSON that `StoredJSONReader` does not (timeline entries, message headers,
/// case files): what `StoredJSON` writes, and what Foundation's encoder wrote before it. Dates
/// keep their full precision, so a stored value reads back equal.
enum Codecs {
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .deferredToDate
        return decoder
    }()
}

extension Date {
    var milliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
    init(milliseconds: Int64) { self.init(timeIntervalSince1970: TimeInterval(milliseconds) / 1000) }
}
