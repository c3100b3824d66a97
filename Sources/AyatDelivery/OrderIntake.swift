import Foundation
import AyatCore
import AyatDialects
import AyatStore

/// Turns a validated order into its bank's signed message and stores both
/// durably, with the delivery that will send it: the one path by which an
/// order enters the gateway, whether the case system sent it or a chase opened it.
public struct OrderIntake: Sendable {
    let store: any GatewayStore
    let banks: BankDirectory
    let centreID: String
    /// Where new deliveries go at once, when a dispatcher is running.
    let handoff: DeliveryHandoff?
    /// Where new orders are announced, so that held event-feed requests answer at once.
    let feed: OrderStateFeed?

    public init(store: any GatewayStore, banks: BankDirectory, centreID: String, handoff: DeliveryHandoff? = nil, feed: OrderStateFeed? = nil) {
        self.store = store
        self.banks = banks
        self.centreID = centreID
        self.handoff = handoff
        self.feed = feed
    }

    /// Why an order could not be taken in.
    public enum Refusal: Error, Sendable {
        case unknownBank(BankCode)
        case renderFailed(dialect: DialectName, reason: String)
    }

    /// The order's message signed again now, with the same message id (so the bank still
    /// deduplicates): for dialects whose signatures age, when the stored one is too old to be accepted.
    public func resign(_ order: Order, messageID: MessageID, now: Date) throws -> StoredMessage? {
        guard let link = banks[order.bank] else { return nil }
        return try message(for: order, messageID: messageID, now: now, over: link)
    }

    /// An order turned into its bank's signed message, not yet stored.
    public struct Prepared: Sendable {
        public let order: Order
        public let messageID: MessageID
        let outbound: StoredMessage
    }

    /// Renders and signs the order's message for its bank. Nothing is stored: this is the
    /// expensive half of intake, run before the store checks the idempotency key.
    public func prepare(_ order: Order, now: Date) throws -> Prepared {
        guard let link = banks[order.bank] else { throw Refusal.unknownBank(order.bank) }
        let messageID = MessageID.generate()
        let outbound: StoredMessage
        do {
            outbound = try message(for: order, messageID: messageID, now: now, over: link)
        } catch {
            throw Refusal.renderFailed(dialect: link.codec.dialect, reason: "\(error)")
        }
        return Prepared(order: order, messageID: messageID, outbound: outbound)
    }

    /// The answer `respond` builds for the new order is stored with it, so that a
    /// repeat of the same idempotency key gets the very same answer.
    public func submit(
        _ order: Order, idempotencyKey: String?, requestHash: String, now: Date,
        respond: (Order, MessageID) throws -> (status: Int, body: [UInt8])
    ) async throws -> (outcome: IntakeOutcome, answer: [UInt8]) {
        try await store(prepare(order, now: now), idempotencyKey: idempotencyKey, requestHash: requestHash, respond: respond)
    }

    /// Stores a prepared order with its message, its first delivery and the answer `respond`
    /// builds; when the order is new, hands the delivery to the dispatcher and announces the order.
    public func store(
        _ prepared: Prepared, idempotencyKey: String?, requestHash: String,
        respond: (Order, MessageID) throws -> (status: Int, body: [UInt8])
    ) async throws -> (outcome: IntakeOutcome, answer: [UInt8]) {
        let order = prepared.order
        let answer = try respond(order, prepared.messageID)
        let lease = handoff?.lease(now: Date())
        let outcome = try await store.accept(OrderSubmission(
            order: order, outbound: prepared.outbound,
            idempotency: idempotencyKey.map { IdempotencyRecord(key: $0, requestHash: requestHash, status: answer.status, body: answer.body) },
            lease: lease
        ))
        guard outcome == .created else { return (outcome, answer.body) }
        if let lease, let handoff {
            handoff.hand(ClaimedDelivery(
                purpose: .send, message: prepared.outbound, messageID: prepared.messageID, order: order, state: .accepted, attempt: 1,
                leaseOwner: lease.owner, leaseUntil: lease.until, giveUpAt: nil
            ))
        }
        await feed?.publish(.init(orderID: order.id, state: .accepted))
        return (outcome, answer.body)
    }

    /// The order's message for its bank, signed now, as the store keeps it.
    private func message(for order: Order, messageID: MessageID, now: Date, over link: BankLink) throws -> StoredMessage {
        let rendered = try link.codec.renderOrder(
            OrderInstruction(order: order, messageID: messageID, createdAt: now, sender: centreID), request: link.orderRequest
        )
        return StoredMessage(
            messageID: messageID, orderID: order.id, direction: .outbound, bank: order.bank,
            dialect: link.codec.dialect.rawValue, kind: "\(order.kind)-order", contentType: rendered.contentType,
            recordedAt: now, bytes: rendered.bytes, headers: rendered.headers, requestLine: link.orderRequest.description
        )
    }
}
