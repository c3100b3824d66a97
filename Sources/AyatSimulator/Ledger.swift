import Foundation
import AyatCore
import AyatDialects

/// One account in a simulated bank's books.
public struct LedgerAccount: Sendable, Hashable {
    public var number: AccountNumber
    public var holder: HolderName
    public var balance: Money
    public var held: Money
}

/// A simulated bank's books: accounts, holds, and every message it has
/// answered, so that a resent message gets the very same receipt and no
/// second hold (the effect happens once).
public actor Ledger {
    private var accounts: [AccountNumber: LedgerAccount]
    private var answered: [MessageID: [UInt8]] = [:]
    /// Resent messages absorbed without a second effect.
    public private(set) var duplicatesAbsorbed = 0

    public init(accounts: [LedgerAccount]) {
        self.accounts = Dictionary(accounts.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func account(_ number: AccountNumber) -> LedgerAccount? { accounts[number] }

    /// The receipt already given for this message id, counting the repeat.
    func previousAnswer(to messageID: MessageID) -> [UInt8]? {
        guard let answer = answered[messageID] else { return nil }
        duplicatesAbsorbed += 1
        return answer
    }

    /// What the bank would answer to a freeze now, without applying it.
    func decide(_ instruction: FreezeInstruction, bank: BankCode) -> Decision {
        guard instruction.bank == bank else {
            return .reject(code: "RC01", text: "addressed to bank \(instruction.bank), not \(bank)")
        }
        guard let account = accounts[instruction.account.number] else {
            return .reject(code: "AC01", text: "account does not exist at this bank")
        }
        guard account.holder == instruction.account.holderName else {
            return .reject(code: "BE01", text: "holder name does not match the account")
        }
        guard account.balance.currency == instruction.amount.currency else {
            return .reject(code: "AM03", text: "account is not held in \(instruction.amount.currency)")
        }
        let available = account.balance.minorUnits - account.held.minorUnits
        return .accept(hold: min(max(available, 0), instruction.amount.minorUnits))
    }

    /// Applies a decision and remembers its signed receipt in one step, so a
    /// message's effect and its answer can never part. Returns the receipt to
    /// send: the earlier one if this message was answered meanwhile, or nil if
    /// the books changed since `decision` was made (decide and sign again).
    func commit(_ instruction: FreezeInstruction, bank: BankCode, decision: Decision, receipt: [UInt8]) -> [UInt8]? {
        if let first = answered[instruction.messageID] { return first }
        guard decide(instruction, bank: bank) == decision else { return nil }
        if case .accept(let hold) = decision, var account = accounts[instruction.account.number] {
            account.held = Money(minorUnits: account.held.minorUnits + hold, currency: account.held.currency)
            accounts[account.number] = account
        }
        answered[instruction.messageID] = receipt
        return receipt
    }

    enum Decision: Sendable, Hashable {
        /// Hold this many minor units: the amount asked, or what is left if less.
        case accept(hold: Int64)
        case reject(code: String, text: String)
    }
}
