import Foundation
import AyatCore

/// The answer given to the first request with an `Idempotency-Key`, replayed to every repeat.
public struct IdempotencyRecord: Sendable, Hashable {
    public var key: String
    /// SHA-256 of the request body, to tell a true repeat from a reused key.
    public var requestHash: String
    public var status: Int
    public var body: [UInt8]
    public init(key: String, requestHash: String, status: Int, body: [UInt8]) {
        self.key = key
        self.requestHash = requestHash
        self.status = status
        self.body = body
    }
}

/// Everything intake makes durable in one transaction: the order, its first
/// signed message (whose bytes every retry resends), and the idempotent answer.
public struct OrderSubmission: Sendable {
    public var order: Order
    public var outbound: StoredMessage
    public var idempotency: IdempotencyRecord?
    /// Set when a running dispatcher takes the first attempt at once: the delivery is stored
    /// already claimed by it, as if it had claimed it in a transaction of its own.
    public var lease: Lease?

    public struct Lease: Sendable, Hashable {
        public var owner: String
        public var until: Date
        public init(owner: String, until: Date) {
            self.owner = owner
            self.until = until
        }
    }

    public init(order: Order, outbound: StoredMessage, idempotency: IdempotencyRecord?, lease: Lease? = nil) {
        self.order = order
        self.outbound = outbound
        self.idempotency = idempotency
        self.lease = lease
    }
}

public enum IntakeOutcome: Sendable, Hashable {
    /// Stored and durable.
    case created
    /// The key was seen with the same body: here is the first answer.
    case replayed(IdempotencyRecord)
    /// The key was seen with a different body.
    case conflict
}

/// An order with where it stands now.
public struct OrderRecord: Sendable, Hashable {
    public var order: Order
    public var state: OrderState
    public var updatedAt: Date
    /// What the bank reported carrying out, once it has.
    public var execution: ExecutionOutcome?
    public init(order: Order, state: OrderState, updatedAt: Date, execution: ExecutionOutcome? = nil) {
        self.order = order
        self.state = state
        self.updatedAt = updatedAt
        self.execution = execution
    }
}
