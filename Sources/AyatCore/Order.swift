import Foundation

/// The victim's transfer that brought the money to the account (for a
/// refund: the original transfer being returned, pacs.004's `OrgnlTxRef`).
public struct ReportedTransfer: Hashable, Sendable, Codable {
    public var reference: String
    public var time: Date
    public init(reference: String, time: Date) {
        self.reference = reference
        self.time = time
    }
}

/// A validated order, immutable once accepted (its state lives beside it in the store).
public struct Order: Hashable, Sendable, Codable {
    public var id: OrderID
    public var kind: OrderKind
    public var caseID: CaseID
    public var bank: BankCode
    /// The account at `bank` the order acts on (the held account, for releases and refunds).
    public var account: Account
    /// Freeze: the amount to hold. Release: the amount to release. Refund: the amount to return.
    public var amount: Money
    public var reportedTransfer: ReportedTransfer
    public var legalBasis: String
    public var requestedBy: String
    /// When the victim reported the scam: the one-hour clock starts here.
    public var reportedAt: Date
    public var deadline: Date
    public var acceptedAt: Date
    /// Refund: the victim's account the money goes back to.
    public var beneficiary: BankAccount?
    /// Release and refund: why (e.g. `legal-window-lapsed`, `court-order`; pacs.004 reason codes such as `FRAD`).
    public var reason: String?
    /// Release and refund: the freeze order whose hold they act on, when the case system names it.
    public var relatedOrder: OrderID?
    /// A freeze Ayat opened itself, chasing money that moved on from an earlier hop.
    public var chasedFrom: ChaseOrigin?

    public init(
        id: OrderID, kind: OrderKind, caseID: CaseID, bank: BankCode, account: Account, amount: Money,
        reportedTransfer: ReportedTransfer, legalBasis: String, requestedBy: String, reportedAt: Date, deadline: Date,
        acceptedAt: Date, beneficiary: BankAccount? = nil, reason: String? = nil, relatedOrder: OrderID? = nil,
        chasedFrom: ChaseOrigin? = nil
    ) {
        self.id = id
        self.kind = kind
        self.caseID = caseID
        self.bank = bank
        self.account = account
        self.amount = amount
        self.reportedTransfer = reportedTransfer
        self.legalBasis = legalBasis
        self.requestedBy = requestedBy
        self.reportedAt = reportedAt
        self.deadline = deadline
        self.acceptedAt = acceptedAt
        self.beneficiary = beneficiary
        self.reason = reason
        self.relatedOrder = relatedOrder
        self.chasedFrom = chasedFrom
    }

    /// The freeze deadline when the case system gives none: one hour after the victim's report.
    public static let defaultFreezeWindow: TimeInterval = 3600
    /// Releases and refunds are not a race against the scammer: a day, unless the case system says otherwise.
    public static let defaultSettlementWindow: TimeInterval = 24 * 3600
}
