import Foundation
import AyatCore

/// Everything the gateway keeps. Shaped for more than one implementation
/// (SQLite now, PostgreSQL next): claims are leases in the store, and no
/// method relies on state held in this process.
public protocol GatewayStore: AuditLogStore {
    /// The recorded answer for an idempotency key, if any.
    func idempotencyRecord(key: String) async throws -> IdempotencyRecord?

    /// Stores an order, its signed outbound message, its delivery and its
    /// idempotent answer atomically; returns only once durable.
    func accept(_ submission: OrderSubmission) async throws -> IntakeOutcome

    func order(_ id: OrderID) async throws -> OrderRecord?
    func orders(limit: Int) async throws -> [OrderRecord]
    func timeline(of id: OrderID) async throws -> [TimelineEntry]
    func messages(of id: OrderID) async throws -> [StoredMessage]

    /// Leases up to `limit` deliveries that are due, for `leaseDuration`.
    /// An expired lease (a crashed worker's) makes its delivery claimable again.
    func claimDueDeliveries(now: Date, limit: Int, leaseDuration: TimeInterval, owner: String) async throws -> [ClaimedDelivery]

    /// The order an outbound message belongs to.
    func orderID(forMessage id: MessageID) async throws -> OrderID?

    /// When the earliest pending delivery becomes due (or its lease expires).
    func nextDeliveryDue() async throws -> Date?

    /// Records an attempt's outcome. Returns the order's state afterwards.
    @discardableResult
    func record(_ result: AttemptResult) async throws -> OrderState
}
