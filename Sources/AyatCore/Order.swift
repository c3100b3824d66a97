import Foundation

/// What the case system asks a bank to do.
public struct OrderKind: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let freeze = OrderKind(rawValue: "freeze")
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The account an order is about, at the target bank.
public struct Account: Hashable, Sendable, Codable {
    public var number: AccountNumber
    public var holderName: HolderName
    public init(number: AccountNumber, holderName: HolderName) {
        self.number = number
        self.holderName = holderName
    }
}

/// The victim's transfer that brought the money to the account.
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
    public var account: Account
    public var amount: Money
    public var reportedTransfer: ReportedTransfer
    public var legalBasis: String
    public var requestedBy: String
    /// When the victim reported the scam: the one-hour clock starts here.
    public var reportedAt: Date
    public var deadline: Date
    public var acceptedAt: Date

    public init(
        id: OrderID, kind: OrderKind, caseID: CaseID, bank: BankCode, account: Account, amount: Money,
        reportedTransfer: ReportedTransfer, legalBasis: String, requestedBy: String, reportedAt: Date, deadline: Date, acceptedAt: Date
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
    }

    /// The freeze deadline when the case system gives none: one hour after the victim's report.
    public static let defaultFreezeWindow: TimeInterval = 3600
}
