import Foundation
import AyatCore

/// A freeze order as a bank receives it: the order's fields plus the envelope
/// (message id, creation time, sender and receiver).
public struct FreezeInstruction: Sendable, Hashable {
    public var messageID: MessageID
    public var createdAt: Date
    /// The operation centre's identifier as the bank knows it.
    public var sender: String
    public var bank: BankCode
    public var orderID: OrderID
    public var caseID: CaseID
    public var account: Account
    public var amount: Money
    public var reportedTransfer: ReportedTransfer
    public var legalBasis: String
    public var requestedBy: String
    public var reportedAt: Date
    public var deadline: Date

    public init(order: Order, messageID: MessageID, createdAt: Date, sender: String) {
        self.messageID = messageID
        self.createdAt = createdAt
        self.sender = sender
        self.bank = order.bank
        self.orderID = order.id
        self.caseID = order.caseID
        self.account = order.account
        self.amount = order.amount
        self.reportedTransfer = order.reportedTransfer
        self.legalBasis = order.legalBasis
        self.requestedBy = order.requestedBy
        self.reportedAt = order.reportedAt
        self.deadline = order.deadline
    }

    public init(
        messageID: MessageID, createdAt: Date, sender: String, bank: BankCode, orderID: OrderID, caseID: CaseID,
        account: Account, amount: Money, reportedTransfer: ReportedTransfer, legalBasis: String,
        requestedBy: String, reportedAt: Date, deadline: Date
    ) {
        self.messageID = messageID
        self.createdAt = createdAt
        self.sender = sender
        self.bank = bank
        self.orderID = orderID
        self.caseID = caseID
        self.account = account
        self.amount = amount
        self.reportedTransfer = reportedTransfer
        self.legalBasis = legalBasis
        self.requestedBy = requestedBy
        self.reportedAt = reportedAt
        self.deadline = deadline
    }
}
