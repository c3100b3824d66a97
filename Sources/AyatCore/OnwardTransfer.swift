import Foundation

/// Money that had already left the frozen account when the hold was placed:
/// the next hop of the trail, which Ayat can chase at the receiving bank.
public struct OnwardTransfer: Hashable, Sendable, Codable {
    public var to: BankCode
    public var account: AccountNumber
    /// The receiver's name as the sending bank knows it, if it does.
    public var holderName: HolderName?
    public var amount: Money
    public var reference: String
    public var time: Date

    public init(to: BankCode, account: AccountNumber, holderName: HolderName?, amount: Money, reference: String, time: Date) {
        self.to = to
        self.account = account
        self.holderName = holderName
        self.amount = amount
        self.reference = reference
        self.time = time
    }
}
