/// An account at one bank, with its holder's name.
public struct Account: Hashable, Sendable, Codable {
    public var number: AccountNumber
    public var holderName: HolderName
    public init(number: AccountNumber, holderName: HolderName) {
        self.number = number
        self.holderName = holderName
    }
}

/// An account together with the bank that keeps it (a refund's victim, an onward transfer's receiver).
public struct BankAccount: Hashable, Sendable, Codable {
    public var bank: BankCode
    public var account: Account
    public init(bank: BankCode, account: Account) {
        self.bank = bank
        self.account = account
    }
}
