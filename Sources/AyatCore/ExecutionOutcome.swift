import Foundation

/// What a bank reports once it has carried out (or failed to carry out) an order.
public struct ExecutionOutcome: Hashable, Sendable, Codable {
    public var executedAt: Date
    /// Freeze: the amount actually held (less than asked if less was left).
    /// Release: the amount released. Refund: the amount returned.
    public var amount: Money?
    /// Freeze: money that had already moved on, hop by hop.
    public var onwardTransfers: [OnwardTransfer]
    /// Refund: the bank's reference for the return transfer.
    public var returnReference: String?

    public init(executedAt: Date, amount: Money?, onwardTransfers: [OnwardTransfer] = [], returnReference: String? = nil) {
        self.executedAt = executedAt
        self.amount = amount
        self.onwardTransfers = onwardTransfers
        self.returnReference = returnReference
    }
}
