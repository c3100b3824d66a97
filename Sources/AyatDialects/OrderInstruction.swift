import Foundation
import AyatCore

/// An order as a bank receives it: the order's fields plus the envelope
/// (message id, creation time, sender and receiver).
public struct OrderInstruction: Sendable, Hashable {
    public var messageID: MessageID
    public var createdAt: Date
    /// The operation centre's identifier as the bank knows it.
    public var sender: String
    public var bank: BankCode
    public var kind: OrderKind
    public var orderID: OrderID
    public var caseID: CaseID
    public var account: Account
    public var amount: Money
    public var reportedTransfer: ReportedTransfer
    public var legalBasis: String
    public var requestedBy: String
    public var reportedAt: Date
    public var deadline: Date
    public var beneficiary: BankAccount?
    public var reason: String?
    public var relatedOrder: OrderID?

    public init(order: Order, messageID: MessageID, createdAt: Date, sender: String) {
        self.messageID = messageID
        self.createdAt = createdAt
        self.sender = sender
        self.bank = order.bank
        self.kind = order.kind
        self.orderID = order.id
        self.caseID = order.caseID
        self.account = order.account
        self.amount = order.amount
        self.reportedTransfer = order.reportedTransfer
        self.legalBasis = order.legalBasis
        self.requestedBy = order.requestedBy
        self.reportedAt = order.reportedAt
        self.deadline = order.deadline
        self.beneficiary = order.beneficiary
        self.reason = order.reason
        self.relatedOrder = order.relatedOrder
    }

    public init(
        messageID: MessageID, createdAt: Date, sender: String, bank: BankCode, kind: OrderKind, orderID: OrderID,
        caseID: CaseID, account: Account, amount: Money, reportedTransfer: ReportedTransfer, legalBasis: String,
        requestedBy: String, reportedAt: Date, deadline: Date, beneficiary: BankAccount? = nil, reason: String? = nil,
        relatedOrder: OrderID? = nil
    ) {
        self.messageID = messageID
        self.createdAt = createdAt
        self.sender = sender
        self.bank = bank
        self.kind = kind
        self.orderID = orderID
        self.caseID = caseID
        self.account = account
        self.amount = amount
        self.reportedTransfer = reportedTransfer
        self.legalBasis = legalBasis
        self.requestedBy = requestedBy
        self.reportedAt = reportedAt
        self.deadline = deadline
        self.beneficiary = beneficiary
        self.reason = reason
        self.relatedOrder = relatedOrder
    }
}
