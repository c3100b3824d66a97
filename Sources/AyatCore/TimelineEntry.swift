import Foundation

/// One line of an order's history: a state change or a delivery attempt.
public struct TimelineEntry: Hashable, Sendable, Codable {
    public var at: Date
    public var state: OrderState
    public var event: String
    public var attempt: Int?
    public var outcome: String?
    public var httpStatus: Int?
    public var messageIDs: [MessageID]
    public var detail: String?

    public init(
        at: Date, state: OrderState, event: String, attempt: Int? = nil, outcome: String? = nil,
        httpStatus: Int? = nil, messageIDs: [MessageID] = [], detail: String? = nil
    ) {
        self.at = at
        self.state = state
        self.event = event
        self.attempt = attempt
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.messageIDs = messageIDs
        self.detail = detail
    }
}
