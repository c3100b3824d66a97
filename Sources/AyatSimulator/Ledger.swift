import Foundation
import AyatCore
import AyatDialects

/// One account in a simulated bank's books.
public struct LedgerAccount: Sendable, Hashable {
    public var number: AccountNumber
    public var holder: HolderName
    public var balance: Money
    public var held: Money
    /// Money that left this account for accounts at other banks: the trail onward.
    public var outgoing: [OnwardTransfer] = []

    public var available: Int64 { balance.minorUnits - held.minorUnits }
}

/// A simulated bank's books: accounts, holds, transfers out, and every
/// message it has answered — so that a resent message gets the very same
/// answer and never a second effect.
public actor Ledger {
    private var accounts: [AccountNumber: LedgerAccount]
    private var answered: [MessageID: Answer] = [:]
    /// Resent messages absorbed without a second effect.
    public private(set) var duplicatesAbsorbed = 0
    /// What the bank did, in order: holds placed, lifted, money returned.
    public private(set) var history: [LedgerEntry] = []
    private var returnSequence = 0

    /// Holds placed (freezes carried out), however many times their messages came.
    public var holdsPlaced: Int { history.filter { $0.kind == .hold }.count }

    /// What the bank answered to one message: the signed reply sent back, and
    /// for asynchronous banks the execution result to deliver later.
    struct Answer: Sendable {
        /// What the bank said, to sign again for another request line (a poll, a callback).
        var said: BankReply
        var reply: RenderedMessage
        var result: ExecutionResult?
    }

    public init(accounts: [LedgerAccount]) {
        self.accounts = Dictionary(accounts.map { ($0.number, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func account(_ number: AccountNumber) -> LedgerAccount? { accounts[number] }
    public var allAccounts: [LedgerAccount] { accounts.values.sorted { $0.number.rawValue < $1.number.rawValue } }
    /// The ids of the messages the bank has acted on: each once, however often it was resent.
    public var answeredMessageIDs: Set<MessageID> { Set(answered.keys) }

    /// The answer already given for this message id, counting the repeat.
    func previousAnswer(to messageID: MessageID) -> Answer? {
        guard let answer = answered[messageID] else { return nil }
        duplicatesAbsorbed += 1
        return answer
    }

    func answer(to messageID: MessageID) -> Answer? { answered[messageID] }

    /// What the bank would do with an order now, without doing it.
    func decide(_ instruction: OrderInstruction, bank: BankCode) -> Decision {
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
        let asked = instruction.amount.minorUnits
        switch instruction.kind {
        case .freeze:
            let onward = account.outgoing.filter { $0.time >= instruction.reportedTransfer.time }
            return .execute(amount: min(max(account.available, 0), asked), onward: onward)
        case .release:
            return .execute(amount: min(account.held.minorUnits, asked), onward: [])
        case .refund:
            guard account.held.minorUnits >= asked else {
                return .reject(code: "AM04", text: "only \(Money(minorUnits: account.held.minorUnits, currency: account.held.currency)) is held")
            }
            return .execute(amount: asked, onward: [])
        default:
            return .reject(code: "NARR", text: "unknown order type \(instruction.kind)")
        }
    }

    /// Applies a decision and records the bank's answer in one step, so a
    /// message's effect and its answer can never part. Returns the answer to
    /// send: the earlier one if this message was answered meanwhile, or nil if
    /// the books changed since `decision` was made (decide and sign again).
    func commit(_ instruction: OrderInstruction, bank: BankCode, decision: Decision, answer: Answer) -> Answer? {
        if let first = answered[instruction.messageID] { return first }
        guard decide(instruction, bank: bank) == decision else { return nil }
        if case .execute(let amount, _) = decision, var account = accounts[instruction.account.number] {
            let currency = account.held.currency
            switch instruction.kind {
            case .freeze:
                account.held = Money(minorUnits: account.held.minorUnits + amount, currency: currency)
            case .release:
                account.held = Money(minorUnits: account.held.minorUnits - amount, currency: currency)
            case .refund:
                account.held = Money(minorUnits: account.held.minorUnits - amount, currency: currency)
                account.balance = Money(minorUnits: account.balance.minorUnits - amount, currency: currency)
                if let beneficiary = instruction.beneficiary, beneficiary.bank == bank,
                   var victim = accounts[beneficiary.account.number] {
                    victim.balance = Money(minorUnits: victim.balance.minorUnits + amount, currency: victim.balance.currency)
                    accounts[victim.number] = victim
                }
            default:
                break
            }
            accounts[account.number] = account
            history.append(LedgerEntry(
                kind: LedgerEntry.Kind(instruction.kind), account: account.number, amount: Money(minorUnits: amount, currency: currency),
                messageID: instruction.messageID, time: Date()
            ))
        }
        answered[instruction.messageID] = answer
        return answer
    }

    /// Credits an account: money arriving from another bank (a refund's return leg).
    public func credit(_ number: AccountNumber, _ amount: Money) -> Bool {
        guard var account = accounts[number], account.balance.currency == amount.currency else { return false }
        account.balance = Money(minorUnits: account.balance.minorUnits + amount.minorUnits, currency: amount.currency)
        accounts[number] = account
        return true
    }

    func nextReturnReference(bank: BankCode) -> String {
        returnSequence += 1
        return "RTN\(bank)\(String(format: "%08d", returnSequence))"
    }

    enum Decision: Sendable, Hashable {
        /// Carry it out on this many minor units (a hold on what is left if less was asked than available).
        case execute(amount: Int64, onward: [OnwardTransfer])
        case reject(code: String, text: String)
    }
}

/// One thing a simulated bank did to an account.
public struct LedgerEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case hold, release, refund, other
        init(_ kind: OrderKind) {
            switch kind {
            case .freeze: self = .hold
            case .release: self = .release
            case .refund: self = .refund
            default: self = .other
            }
        }
    }
    public var kind: Kind
    public var account: AccountNumber
    public var amount: Money
    /// The order message that asked for it.
    public var messageID: MessageID
    public var time: Date
}
