import Foundation
import AyatCore

/// Why a delivery exists: to send the order, or to ask the bank for its result.
public enum DeliveryPurpose: String, Sendable, Hashable {
    case send
    case poll
}

/// One outbound message claimed by one dispatcher for one attempt, under a lease.
public struct ClaimedDelivery: Sendable {
    public var purpose: DeliveryPurpose
    public var message: StoredMessage
    public var messageID: MessageID
    public var order: Order
    public var state: OrderState
    /// 1 for the first attempt.
    public var attempt: Int
    public var leaseOwner: String
    public var leaseUntil: Date
    /// Set by a manual retry: attempts go on until then, even past the order's deadline.
    public var giveUpAt: Date?

    public init(
        purpose: DeliveryPurpose, message: StoredMessage, messageID: MessageID, order: Order, state: OrderState, attempt: Int,
        leaseOwner: String, leaseUntil: Date, giveUpAt: Date?
    ) {
        self.purpose = purpose
        self.message = message
        self.messageID = messageID
        self.order = order
        self.state = state
        self.attempt = attempt
        self.leaseOwner = leaseOwner
        self.leaseUntil = leaseUntil
        self.giveUpAt = giveUpAt
    }
}

/// What an attempt established, recorded in one transaction.
public struct AttemptResult: Sendable {
    public enum Next: Sendable, Hashable {
        /// Nothing more to send for this message.
        case done
        /// Send the same bytes again at this time (or poll again, for a poll).
        case retry(at: Date)
        /// The bank has the order: ask for its result at this time.
        case poll(at: Date)
        /// Leave the delivery as it is (news that came by another way, such as a callback).
        case unchanged
        /// Not attempted (flow control held it back): due again then, and the attempt does not count.
        case deferred(until: Date)
    }

    public var messageID: MessageID
    public var orderID: OrderID
    public var leaseOwner: String
    /// The state the order moves to, if the attempt moved it.
    public var newState: OrderState?
    public var timeline: [TimelineEntry]
    public var inbound: [StoredMessage]
    public var next: Next
    /// What the bank reported carrying out, when it did.
    public var execution: ExecutionOutcome?

    public init(
        messageID: MessageID, orderID: OrderID, leaseOwner: String, newState: OrderState?,
        timeline: [TimelineEntry], inbound: [StoredMessage], next: Next, execution: ExecutionOutcome? = nil
    ) {
        self.messageID = messageID
        self.orderID = orderID
        self.leaseOwner = leaseOwner
        self.newState = newState
        self.timeline = timeline
        self.inbound = inbound
        self.next = next
        self.execution = execution
    }
}
