import AyatCore

/// The interbank settlement between simulated banks: a refund's return leg
/// credits the victim's account at the victim's own (simulated) bank.
public actor SimulatedClearing {
    private var ledgers: [BankCode: Ledger] = [:]
    /// Return legs that found no account to credit, for tests and `ayat simulate` to report.
    public private(set) var undeliverable = 0

    public init() {}

    /// Connects the banks: each can now pay the others.
    public func join(_ banks: [SimulatedBank]) async {
        for bank in banks {
            ledgers[bank.configuration.code] = bank.ledger
            await bank.clearingSlot.connect(self)
        }
    }

    /// Credits `amount` to `account` at `bank`; false if no such bank or account is in the clearing.
    @discardableResult
    public func credit(bank: BankCode, account: AccountNumber, amount: Money) async -> Bool {
        guard let ledger = ledgers[bank], await ledger.credit(account, amount) else {
            undeliverable += 1
            return false
        }
        return true
    }
}

/// Where a simulated bank finds the clearing it belongs to, once it has joined one.
actor ClearingSlot {
    private var clearing: SimulatedClearing?

    func connect(_ clearing: SimulatedClearing) { self.clearing = clearing }

    func pay(bank: BankCode, account: AccountNumber, amount: Money) async {
        await clearing?.credit(bank: bank, account: account, amount: amount)
    }
}
