import Foundation
import AyatCore
import GRDB

// MARK: - Operator actions and deadline watch

extension SQLiteStore {
    public func cancel(_ id: OrderID, reason: String, at now: Date) async throws -> OperatorOutcome {
        try await write { db in
            guard let row = try Row.fetchOne(db, cached: "SELECT state, case_id FROM orders WHERE id = ?", arguments: [id.rawValue]) else {
                return .notFound
            }
            let state = OrderState(rawValue: row["state"])
            guard !state.isTerminal else { return .refused(state) }
            try db.execute(cached: "UPDATE orders SET state = 'cancelled', updated_ms = ? WHERE id = ?", arguments: [now.milliseconds, id.rawValue])
            try db.execute(cached: "UPDATE deliveries SET state = 'done', lease_owner = NULL, lease_until_ms = NULL WHERE order_id = ?",
                           arguments: [id.rawValue])
            let note = state == .acknowledged
                ? "\(reason); the bank already holds the order, so a release may be needed if it executes"
                : reason
            try Self.insertTimeline(db, id, TimelineEntry(at: now, state: .cancelled, event: "cancelled", detail: note))
            try Self.appendEvent(db, type: "order.cancelled", caseID: CaseID(row["case_id"] as String)!, orderID: id, at: now,
                                 state: .cancelled, detail: note)
            return .done(.cancelled)
        }
    }

    public func retry(_ id: OrderID, reason: String, until: Date, at now: Date) async throws -> OperatorOutcome {
        try await write { db in
            guard let row = try Row.fetchOne(db, cached: "SELECT state, case_id FROM orders WHERE id = ?", arguments: [id.rawValue]) else {
                return .notFound
            }
            let state = OrderState(rawValue: row["state"])
            guard state == .failed else { return .refused(state) }
            // Back to the start of the happy path; the stored bytes and message id are sent again.
            try db.execute(cached: "UPDATE orders SET state = 'accepted', updated_ms = ? WHERE id = ?", arguments: [now.milliseconds, id.rawValue])
            try db.execute(
                cached: """
                    UPDATE deliveries SET state = 'pending', attempts = 0, due_ms = ?, lease_owner = NULL, lease_until_ms = NULL, give_up_ms = ?
                    WHERE message_id = (SELECT message_id FROM deliveries WHERE order_id = ? ORDER BY message_seq LIMIT 1)
                    """,
                arguments: [now.milliseconds, until.milliseconds, id.rawValue]
            )
            let detail = "\(reason); delivery restarts and continues until \(Timestamp.format(until))"
            try Self.insertTimeline(db, id, TimelineEntry(at: now, state: .accepted, event: "retried", detail: detail))
            try Self.appendEvent(db, type: "order.retried", caseID: CaseID(row["case_id"] as String)!, orderID: id, at: now,
                                 state: .accepted, detail: detail)
            return .done(.accepted)
        }
    }

    /// Open orders whose deadline is within `margin` of `now` and have not been warned about yet; marks them warned.
    public func takeDeadlineWarnings(now: Date, margin: TimeInterval) async throws -> [OrderRecord] {
        try await write { db in
            let rows = try Row.fetchAll(
                db,
                cached: """
                    SELECT id, body, state, updated_ms, execution, case_id FROM orders
                    WHERE state IN ('accepted', 'sent') AND deadline_ms <= ? AND instr(warnings, 'at-risk') = 0
                    """,
                arguments: [now.addingTimeInterval(margin).milliseconds]
            )
            return try rows.map { row in
                let record = try Self.orderRecord(row)
                let breached = now >= record.order.deadline
                let detail = breached
                    ? "deadline \(Timestamp.format(record.order.deadline)) passed before the bank acknowledged"
                    : "deadline \(Timestamp.format(record.order.deadline)) is near and the bank has not acknowledged"
                try db.execute(cached: "UPDATE orders SET warnings = warnings || ' at-risk' WHERE id = ?", arguments: [row["id"] as String])
                try Self.insertTimeline(db, record.order.id, TimelineEntry(at: now, state: record.state, event: "at-risk", detail: detail))
                try Self.appendEvent(db, type: "order.at-risk", caseID: record.order.caseID, orderID: record.order.id, at: now,
                                     state: record.state, detail: detail)
                return record
            }
        }
    }

    /// Executed freezes whose legal hold expires within `notice` (warned once) or has expired (reported once).
    public func takeHoldWarnings(
        now: Date, holdWindow: @escaping @Sendable (Order, CaseFile?) -> Date, shortestHold: TimeInterval, notice: TimeInterval
    ) async throws -> [HoldWarning] {
        let reportedBefore = now.addingTimeInterval(-(shortestHold - notice)).milliseconds
        return try await write { db in
            // One range of the orders_holds index: live holds old enough to need a word, however many orders are stored.
            let rows = try Row.fetchAll(
                db,
                cached: """
                    SELECT o.id, o.body, o.state, o.updated_ms, o.execution, o.warnings, c.body AS case_body FROM orders o
                    LEFT JOIN cases c ON c.id = o.case_id
                    WHERE o.kind = 'freeze' AND o.state = 'executed' AND instr(o.warnings, 'hold-expired') = 0 AND o.reported_ms <= ?
                    """,
                arguments: [reportedBefore]
            )
            var warnings = [HoldWarning]()
            for row in rows {
                let record = try Self.orderRecord(row)
                let file = try (row["case_body"] as Data?).map { try Codecs.decoder.decode(CaseFile.self, from: $0) }
                let expiry = holdWindow(record.order, file)
                let given: String = row["warnings"]
                let kind: String
                if now >= expiry {
                    kind = "hold-expired"
                } else if expiry.timeIntervalSince(now) <= notice, !given.contains("hold-expiring") {
                    kind = "hold-expiring"
                } else {
                    continue
                }
                // Released or refunded holds need no warning.
                let settled = try Bool.fetchOne(
                    db, cached: "SELECT 1 FROM orders WHERE related_order = ? AND kind IN ('release', 'refund') AND state = 'executed' LIMIT 1",
                    arguments: [record.order.id.rawValue]
                ) ?? false
                try db.execute(cached: "UPDATE orders SET warnings = warnings || ' ' || ? WHERE id = ?", arguments: [kind, record.order.id.rawValue])
                if settled { continue }
                let detail = kind == "hold-expired"
                    ? "the legal hold lapsed at \(Timestamp.format(expiry)); the bank may lift it now"
                    : "the legal hold lapses at \(Timestamp.format(expiry)): record a police complaint or a court order, or release it"
                try Self.insertTimeline(db, record.order.id, TimelineEntry(at: now, state: record.state, event: kind, detail: detail))
                try Self.appendEvent(db, type: kind == "hold-expired" ? "hold.expired" : "hold.expiring", caseID: record.order.caseID,
                                     orderID: record.order.id, at: now, state: record.state, detail: detail)
                warnings.append(HoldWarning(order: record.order, expiresAt: expiry, expired: kind == "hold-expired"))
            }
            return warnings
        }
    }

    static func insertTimeline(_ db: Database, _ id: OrderID, _ entry: TimelineEntry) throws {
        try db.execute(cached: "INSERT INTO timeline (order_id, at_ms, entry) VALUES (?, ?, ?)",
                       arguments: [id.rawValue, entry.at.milliseconds, StoredJSON.encode(entry)])
    }
}
