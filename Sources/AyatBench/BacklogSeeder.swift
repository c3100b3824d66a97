import AyatServer
import Foundation
import GRDB

/// Fills a gateway's SQLite file with many copies of one real order, in bulk SQL, far faster
/// than the API could: every row the order owns (the order, its signed messages, their audit
/// leaves, deliveries, timeline) is copied with fresh ids; a copied message keeps only the
/// first 64 bytes of its body. Columns are read from the schema, so
/// the copy follows the store as it grows; only the id and link columns are rewritten.
///
/// Copies are either *stored* (in the template's final state, as months of finished orders) or
/// *pending* (accepted, their delivery scheduled an hour ahead, as after a long bank outage):
/// pending rows the dispatcher must pass over on every claim, without being drained by the run.
public struct BacklogSeeder: Sendable {
    public enum Kind: String, Sendable {
        case stored = "s"
        case pending = "p"
    }

    public let database: URL

    public init(state: StateDirectory) {
        database = state.database
    }

    /// Adds `count` copies of the store's oldest order; calls `progress` between batches.
    public func seed(_ count: Int, kind: Kind, batch: Int = 100_000, progress: (@Sendable (Int) -> Void)? = nil) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        let queue = try DatabaseQueue(path: database.path, configuration: configuration)
        defer { try? queue.close() }
        // Bulk load: no journal and no fsync while copying (a crash only loses the bench's scratch
        // file), then back to WAL as the gateway expects.
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = OFF")
            try db.execute(sql: "PRAGMA journal_mode = OFF")
        }
        defer { try? queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") } }
        var done = 0
        while done < count {
            let size = min(batch, count - done)
            let first = done
            try queue.inTransaction { db in
                try copy(db, kind: kind, from: first + 1, through: first + size)
                return .commit
            }
            done += size
            progress?(done)
        }
        // The copy ran without fsync: put it on disk now, or the gateway's first fsync in the
        // measured run would pay for flushing gigabytes of the seeder's writes.
        let file = try FileHandle(forWritingTo: database)
        defer { try? file.close() }
        try file.synchronize()
    }

    private func copy(_ db: Database, kind: Kind, from first: Int, through last: Int) throws {
        guard let template = try String.fetchOne(db, sql: "SELECT id FROM orders ORDER BY accepted_ms, id LIMIT 1") else {
            throw BaselineSkipped("no order in \(database.path) to copy")
        }
        // A pending copy has only the order as sent; a stored one every message the order exchanged.
        let messageSeqs = try Int64.fetchAll(db, sql: "SELECT seq FROM messages WHERE order_id = ? ORDER BY seq", arguments: [template])
            .prefix(kind == .pending ? 1 : Int.max)
        let perOrder = Int64(messageSeqs.count)
        let seqBase = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(seq), 0) + 1 FROM messages") ?? 1
        let leafBase = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(leaf_index), -1) + 1 FROM audit_log") ?? 0
        let counter = "WITH RECURSIVE c(n) AS (SELECT \(first) UNION ALL SELECT n + 1 FROM c WHERE n < \(last)) "
        let suffix = "'-\(kind.rawValue)' || c.n"
        let quotedTemplate = "'\(template.replacingOccurrences(of: "'", with: "''"))'"
        let dueLater = Int64((Date().timeIntervalSince1970 + 3600) * 1000)

        // The order itself.
        var orderOverrides = ["id": "id || \(suffix)"]
        if kind == .pending {
            orderOverrides["state"] = "'accepted'"
            orderOverrides["execution"] = "NULL"
        }
        orderOverrides["chase_state"] = "NULL"
        try insertCopy(db, table: "orders", overrides: orderOverrides, counter: counter, filter: "id = \(quotedTemplate)")

        // Its messages, at seqs laid out per copy so deliveries and leaves can point at them.
        for (index, seq) in messageSeqs.enumerated() {
            let newSeq = "\(seqBase + Int64(index)) + (c.n - \(first)) * \(perOrder)"
            // The bytes are cut to a 64-byte stub: the run never sends or reads a copy's message,
            // and 1,000,000 orders' real messages (~12 GB) would take the disk longer than the run.
            try insertCopy(db, table: "messages", overrides: [
                "seq": newSeq, "order_id": "order_id || \(suffix)", "message_id": "message_id || \(suffix)",
                "bytes": "substr(bytes, 1, 64)",
            ], counter: counter, filter: "seq = \(seq)")
            try insertCopy(db, table: "audit_log", overrides: [
                "leaf_index": "\(leafBase + Int64(index)) + (c.n - \(first)) * \(perOrder)",
                "message_seq": newSeq, "leaf_hash": "randomblob(32)",
            ], counter: counter, filter: "message_seq = \(seq)")
            var deliveryOverrides = [
                "message_id": "message_id || \(suffix)", "order_id": "order_id || \(suffix)", "message_seq": newSeq,
                "lease_owner": "NULL", "lease_until_ms": "NULL",
            ]
            if kind == .pending {
                deliveryOverrides["state"] = "'pending'"
                deliveryOverrides["attempts"] = "0"
                deliveryOverrides["due_ms"] = "\(dueLater)"
            }
            try insertCopy(db, table: "deliveries", overrides: deliveryOverrides, counter: counter, filter: "message_seq = \(seq)")
        }
        // A pending copy has only its first entry: accepted.
        let timeline = ["seq": "NULL", "order_id": "order_id || \(suffix)"]
        let timelineFilter = kind == .pending
            ? "seq = (SELECT MIN(seq) FROM timeline WHERE order_id = \(quotedTemplate))"
            : "order_id = \(quotedTemplate)"
        try insertCopy(db, table: "timeline", overrides: timeline, counter: counter, filter: timelineFilter)
    }

    /// `INSERT INTO table (every column) SELECT (column or its override) FROM table, c WHERE filter`.
    private func insertCopy(_ db: Database, table: String, overrides: [String: String], counter: String, filter: String) throws {
        let columns = try db.columns(in: table).map(\.name)
        let expressions = columns.map { column in overrides[column] ?? "\(table).\(column)" }
        let sql = counter + "INSERT INTO \(table) (\(columns.joined(separator: ", "))) SELECT \(expressions.joined(separator: ", ")) FROM \(table), c WHERE \(filter)"
        try db.execute(sql: sql)
    }
}
