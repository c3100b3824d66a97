/// Where an order stands. A growable set: a struct of static members, not an enum.
public struct OrderState: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Durably stored with its signed outbound message; not yet on the wire.
    public static let accepted = OrderState(rawValue: "accepted")
    /// Reached the bank at least once; no verified receipt yet.
    public static let sent = OrderState(rawValue: "sent")
    /// The bank's signed receipt was verified: the bank has the order.
    public static let acknowledged = OrderState(rawValue: "acknowledged")
    /// The bank reported the order carried out.
    public static let executed = OrderState(rawValue: "executed")
    /// The bank refused the order in a signed reply: permanent.
    public static let rejected = OrderState(rawValue: "rejected")
    /// Deadline or attempts exhausted: escalated, retryable by hand.
    public static let failed = OrderState(rawValue: "failed")
    public static let cancelled = OrderState(rawValue: "cancelled")

    /// States from which the dispatcher never moves on by itself.
    public var isTerminal: Bool { [.executed, .rejected, .failed, .cancelled].contains(self) }

    /// Whether a delivery outcome may move an order from `self` to `next`.
    /// Late or duplicate news never moves an order backwards.
    public func canMove(to next: OrderState) -> Bool {
        guard self != next, !isTerminal else { return false }
        return next.rank >= rank
    }

    /// How far along the happy path a state is; terminal states share the last rank.
    public var rank: Int {
        switch self {
        case .accepted: 0
        case .sent: 1
        case .acknowledged: 2
        default: 3
        }
    }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
