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

    /// Who holds leases on pending deliveries now.
    func leaseOwners() async throws -> [String]
    /// Makes a (crashed) owner's claims due again at once; returns how many.
    func releaseLeases(owner: String) async throws -> Int

    /// Stores a re-signed version of a delivery's message (audit leaf included) and sends that from now on.
    func replaceMessage(of delivery: MessageID, with message: StoredMessage, caseID: CaseID) async throws

    /// The order an outbound message belongs to, in one read (a bank's callback names only the message).
    func order(sentAs id: MessageID) async throws -> OrderRecord?

    /// When the earliest pending delivery becomes due (or its lease expires).
    func nextDeliveryDue() async throws -> Date?

    /// Records an attempt's outcome. Returns the order's state afterwards.
    @discardableResult
    func record(_ result: AttemptResult) async throws -> OrderState

    // MARK: Cases and events

    func caseFile(_ id: CaseID) async throws -> CaseFile?
    /// Registers or updates a case (its creation time is kept).
    func saveCase(_ file: CaseFile) async throws -> CaseFile
    func orders(inCase id: CaseID) async throws -> [OrderRecord]
    /// The feed: events after `sequence`, oldest first, optionally for one case.
    func events(after sequence: Int64, limit: Int, caseID: CaseID?) async throws -> [GatewayEvent]
    /// Records an event (and a timeline line for its order) that no state change carries.
    func recordEvent(type: String, caseID: CaseID, orderID: OrderID?, at: Date, state: OrderState?, detail: String?, timeline: TimelineEntry?) async throws
    /// How many events of each type the feed holds (escalations among them).
    func eventCounts() async throws -> [String: Int]
    func webhookCursor(endpoint: String) async throws -> Int64
    func setWebhookCursor(endpoint: String, after sequence: Int64) async throws

    // MARK: Chasing

    /// Executed freezes whose onward transfers are not chased yet.
    func pendingChases(limit: Int) async throws -> [OrderRecord]
    func finishChase(_ id: OrderID, timeline: TimelineEntry) async throws

    // MARK: Operators and watches

    func cancel(_ id: OrderID, reason: String, at now: Date) async throws -> OperatorOutcome
    /// Restarts a failed order; delivery continues until `until`.
    func retry(_ id: OrderID, reason: String, until: Date, at now: Date) async throws -> OperatorOutcome
    func takeDeadlineWarnings(now: Date, margin: TimeInterval) async throws -> [OrderRecord]
    /// `shortestHold` is the least any hold lasts from the report: orders reported more recently
    /// than that (less the notice) cannot need a warning and are not read.
    func takeHoldWarnings(
        now: Date, holdWindow: @escaping @Sendable (Order, CaseFile?) -> Date, shortestHold: TimeInterval, notice: TimeInterval
    ) async throws -> [HoldWarning]
}
