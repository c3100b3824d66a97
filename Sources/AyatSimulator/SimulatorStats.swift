import Foundation
import AyatCore

/// What a simulated bank did: served at `GET /stats`, and read by tests.
public struct SimulatorStats: Sendable, Hashable, Codable {
    public var bank: String
    /// Requests that reached the bank (after the TLS handshake): orders and polls.
    public var requests: Int
    /// Of which polls for a result.
    public var polls: Int
    /// Faults injected, by kind: `latency`, `unavailable`, `down`, `drop`, `reset`, `hang`,
    /// `error-503` (one per status), `broken-signature`, `empty-signature`,
    /// `pretty-printed`, `malformed`, `callback-late`, `callback-duplicate`,
    /// `callback-before-receipt`, `callback-broken-signature`, ….
    public var faultsInjected: [String: Int]
    /// Resent order messages answered again without a second effect.
    public var duplicatesAbsorbed: Int
    public var holdsPlaced: Int
    /// Callback POSTs made (including resends and duplicates), and how many the gateway accepted or refused.
    public var callbacksSent: Int
    public var callbacksAccepted: Int
    public var callbacksRefused: Int
    /// When a `down.seconds` outage ends, if one is in force or was.
    public var downUntil: String?

    public func injected(_ kind: String) -> Int { faultsInjected[kind] ?? 0 }
}

/// The ledger as the control API shows it (`GET /ledger`): the bank's own
/// books, so account numbers and names are shown in full.
public struct LedgerView: Sendable, Hashable, Codable {
    public struct Account: Sendable, Hashable, Codable {
        public var number: String
        public var holder: String
        public var currency: String
        public var balance: String
        public var held: String
        public var available: String
        public var transfers: [Transfer]
    }
    public struct Transfer: Sendable, Hashable, Codable {
        public var toBank: String
        public var toAccount: String
        public var amount: String
        public var reference: String
        public var time: String
    }
    public struct Entry: Sendable, Hashable, Codable {
        public var kind: String
        public var account: String
        public var amount: String
        public var messageId: String
        public var time: String
    }

    public var bank: String
    public var accounts: [Account]
    /// Holds placed, lifted, and money returned, in order.
    public var history: [Entry]
}

extension Ledger {
    public func view(bank: BankCode) -> LedgerView {
        LedgerView(
            bank: bank.rawValue,
            accounts: allAccounts.map { account in
                LedgerView.Account(
                    number: account.number.rawValue, holder: account.holder.rawValue, currency: account.balance.currency.code,
                    balance: account.balance.decimalString, held: account.held.decimalString,
                    available: Money(minorUnits: account.available, currency: account.balance.currency).decimalString,
                    transfers: account.outgoing.map {
                        LedgerView.Transfer(toBank: $0.to.rawValue, toAccount: $0.account.rawValue, amount: $0.amount.decimalString,
                                            reference: $0.reference, time: Timestamp.formatSeconds($0.time))
                    }
                )
            },
            history: history.map {
                LedgerView.Entry(kind: $0.kind.rawValue, account: $0.account.rawValue, amount: $0.amount.decimalString,
                                 messageId: $0.messageID.rawValue, time: Timestamp.format($0.time))
            }
        )
    }
}
