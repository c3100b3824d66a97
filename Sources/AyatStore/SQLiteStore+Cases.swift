import Foundation
import AyatCore
import GRDB

// MARK: - Cases, events and chasing

extension SQLiteStore {
    /// Every order's case exists as a row: one the case system registered, or one opened by its first order.
    static func openCaseIfNew(_ order: Order, _ db: Database) throws {
        guard try Bool.fetchOne(db, cached: "SELECT 1 FROM cases WHERE id = ?", arguments: [order.caseID.rawValue]) == nil else { return }
        let file = CaseFile(id: order.caseID, victim: nil, reportedAt: order.reportedAt, chasing: nil, policeComplaintAt: nil,
                            createdAt: order.acceptedAt, updatedAt: order.acceptedAt)
        try db.execute(cached: "INSERT INTO cases (id, body, updated_ms) VALUES (?, ?, ?)",
                       arguments: [file.id.rawValue, StoredJSON.encode(file), file.updatedAt.milliseconds])
    }

    /// Appends an event to the feed, in the caller's transaction: events exist exactly when what they report does.
    static func appendEvent(
        _ db: Database, type: String, caseID: CaseID, orderID: OrderID?, at: Date, state: OrderState?, detail: String?
    ) throws {
        let id = GatewayEvent.newID()
        let event = GatewayEvent(id: id, sequence: 0, type: type, caseID: caseID, orderID: orderID, at: at, state: state, detail: detail)
        try db.execute(
            cached: "INSERT INTO events (id, type, case_id, order_id, at_ms, body) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [id, type, caseID.rawValue, orderID?.rawValue, at.milliseconds, StoredJSON.encode(event)]
        )
    }

    public func events(after sequence: Int64, limit: Int, caseID: CaseID?) async throws -> [GatewayEvent] {
        try await pool.read { db in
            var sql = "SELECT seq, body FROM events WHERE seq > ?"
            var arguments: StatementArguments = [sequence]
            if let caseID {
                sql += " AND case_id = ?"
                arguments += [caseID.rawValue]
            }
            sql += " ORDER BY seq LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, cached: sql, arguments: arguments).map { row in
                try StoredJSON.event([UInt8](row["body"] as Data), sequence: row["seq"])
            }
        }
    }

    public func recordEvent(type: String, caseID: CaseID, orderID: OrderID?, at: Date, state: OrderState?, detail: String?, timeline: TimelineEntry?) async throws {
        let entry = timeline.map(StoredJSON.encode)
        try await write { db in
            try Self.appendEvent(db, type: type, caseID: caseID, orderID: orderID, at: at, state: state, detail: detail)
            if let entry, let orderID {
                try db.execute(cached: "INSERT INTO timeline (order_id, at_ms, entry) VALUES (?, ?, ?)",
                               arguments: [orderID.rawValue, at.milliseconds, entry])
            }
        }
    }

    public func eventCounts() async throws -> [String: Int] {
        try await pool.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, cached: "SELECT type, COUNT(*) AS n FROM events GROUP BY type").map {
                ($0["type"] as String, $0["n"] as Int)
            })
        }
    }

    public func webhookCursor(endpoint: String) async throws -> Int64 {
        try await pool.read { db in
            try Int64.fetchOne(db, cached: "SELECT after_seq FROM webhook_cursors WHERE endpoint = ?", arguments: [endpoint]) ?? 0
        }
    }

    public func setWebhookCursor(endpoint: String, after sequence: Int64) async throws {
        try await write { db in
            try db.execute(
                cached: "INSERT INTO webhook_cursors (endpoint, after_seq) VALUES (?, ?) ON CONFLICT(endpoint) DO UPDATE SET after_seq = MAX(after_seq, excluded.after_seq)",
                arguments: [endpoint, sequence]
            )
        }
    }

    public func caseFile(_ id: CaseID) async throws -> CaseFile? {
        try await pool.read { db in
            try (Data.fetchOne(db, cached: "SELECT body FROM cases WHERE id = ?", arguments: [id.rawValue]))
                .map { try Codecs.decoder.decode(CaseFile.self, from: $0) }
        }
    }

    public func saveCase(_ file: CaseFile) async throws -> CaseFile {
        try await write { db in
            var file = file
            if let existing = try Data.fetchOne(db, cached: "SELECT body FROM cases WHERE id = ?", arguments: [file.id.rawValue]) {
                file.createdAt = try Codecs.decoder.decode(CaseFile.self, from: existing).createdAt
            }
            try db.execute(
                cached: "INSERT INTO cases (id, body, updated_ms) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET body = excluded.body, updated_ms = excluded.updated_ms",
                arguments: [file.id.rawValue, StoredJSON.encode(file), file.updatedAt.milliseconds]
            )
            try Self.appendEvent(db, type: "case.updated", caseID: file.id, orderID: nil, at: file.updatedAt, state: nil,
                                 detail: file.policeComplaintAt.map { "police complaint recorded \(Timestamp.format($0))" })
            return file
        }
    }

    public func orders(inCase id: CaseID) async throws -> [OrderRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, cached: "SELECT body, state, updated_ms, execution FROM orders WHERE case_id = ? ORDER BY accepted_ms, id",
                             arguments: [id.rawValue]).map(Self.orderRecord)
        }
    }

    public func pendingChases(limit: Int) async throws -> [OrderRecord] {
        try await pool.read { db in
            try Row.fetchAll(db, cached: "SELECT body, state, updated_ms, execution FROM orders WHERE chase_state = 'pending' ORDER BY updated_ms LIMIT ?",
                             arguments: [limit]).map(Self.orderRecord)
        }
    }

    public func finishChase(_ id: OrderID, timeline: TimelineEntry) async throws {
        let entry = StoredJSON.encode(timeline)
        try await write { db in
            try db.execute(cached: "UPDATE orders SET chase_state = 'done' WHERE id = ?", arguments: [id.rawValue])
            try db.execute(cached: "INSERT INTO timeline (order_id, at_ms, entry) VALUES (?, ?, ?)",
                           arguments: [id.rawValue, timeline.at.milliseconds, entry])
        }
    }
}
