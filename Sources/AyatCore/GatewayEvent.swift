import Foundation

/// Something the case system is told about: an order or case changing. The
/// same event (same id) reaches webhooks and the `GET /v1/events` feed.
public struct GatewayEvent: Hashable, Sendable, Codable {
    /// `evt_` + 32 hex digits; the webhook-id of its deliveries.
    public var id: String
    /// Position in the feed: strictly increasing, the feed's cursor.
    public var sequence: Int64
    /// `order.accepted`, `order.executed`, `order.escalated`, `case.hop-opened`, `hold.expiring`, ...
    public var type: String
    public var caseID: CaseID
    public var orderID: OrderID?
    public var at: Date
    /// The order's state after the event, for order events.
    public var state: OrderState?
    public var detail: String?

    public init(id: String, sequence: Int64, type: String, caseID: CaseID, orderID: OrderID?, at: Date, state: OrderState?, detail: String?) {
        self.id = id
        self.sequence = sequence
        self.type = type
        self.caseID = caseID
        self.orderID = orderID
        self.at = at
        self.state = state
        self.detail = detail
    }

    public static func newID() -> String { "evt_" + RandomHex.timeOrdered(digits: 32) }
}
