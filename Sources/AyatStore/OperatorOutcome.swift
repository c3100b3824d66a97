import Foundation
import AyatCore

/// What an operator's cancel or retry did.
public enum OperatorOutcome: Sendable, Hashable {
    case done(OrderState)
    /// The order's state does not allow it (cancel after execution, retry of an order that has not failed).
    case refused(OrderState)
    case notFound
}

/// A legal hold about to lapse, or lapsed, reported to the case system.
public struct HoldWarning: Sendable, Hashable {
    public var order: Order
    public var expiresAt: Date
    public var expired: Bool
}
