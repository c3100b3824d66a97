import Foundation
import AyatCore
import AyatDialects

/// A simulated bank as described in `simulators/*.yaml`: who it is, what it
/// speaks, and the accounts in its ledger.
public struct SimulatedBankConfiguration: Sendable, Hashable, Codable {
    public struct AccountEntry: Sendable, Hashable, Codable {
        public var number: String
        public var holder: String
        public var balance: String
        public var currency: String?
        /// Transfers already made from this account to other banks: the scam's trail onward.
        public var transfers: [TransferEntry]?

        public init(number: String, holder: String, balance: String, currency: String? = nil, transfers: [TransferEntry]? = nil) {
            self.number = number
            self.holder = holder
            self.balance = balance
            self.currency = currency
            self.transfers = transfers
        }
    }

    public struct TransferEntry: Sendable, Hashable, Codable {
        public var toBank: String
        public var toAccount: String
        public var toHolder: String?
        public var amount: String
        public var reference: String
        /// Minutes after the simulator started (the victim's transfer is assumed earlier).
        public var minutesAfterStart: Double?

        public init(toBank: String, toAccount: String, toHolder: String?, amount: String, reference: String, minutesAfterStart: Double? = nil) {
            self.toBank = toBank
            self.toAccount = toAccount
            self.toHolder = toHolder
            self.amount = amount
            self.reference = reference
            self.minutesAfterStart = minutesAfterStart
        }
    }

    /// How the bank acknowledges and reports execution.
    public struct Acknowledgement: Sendable, Hashable, Codable {
        /// `sync`: the reply is the signed execution result. `callback`: a signed
        /// receipt now, the result POSTed to the gateway later. `poll`: a signed
        /// receipt now, the result served at the status endpoint later.
        public var mode: String
        /// Seconds between the receipt and the execution (callback and poll).
        public var executionDelay: Double?

        public init(mode: String = "sync", executionDelay: Double? = nil) {
            self.mode = mode
            self.executionDelay = executionDelay
        }
    }

    public var code: BankCode
    public var name: String
    public var dialect: DialectName
    public var ack: Acknowledgement?
    public var accounts: [AccountEntry]
    /// The bad days it starts with (changeable later through the control API).
    public var faults: SimulatorFaults?
    /// Where `ayat simulate` listens: the bank's mTLS port and its control port (0 or absent: chosen by the system).
    public var port: Int?
    public var controlPort: Int?

    public init(
        code: BankCode, name: String, dialect: DialectName, ack: Acknowledgement? = nil, accounts: [AccountEntry],
        faults: SimulatorFaults? = nil, port: Int? = nil, controlPort: Int? = nil
    ) {
        self.code = code
        self.name = name
        self.dialect = dialect
        self.ack = ack
        self.accounts = accounts
        self.faults = faults
        self.port = port
        self.controlPort = controlPort
    }

    public var acknowledgement: Acknowledgement { ack ?? Acknowledgement() }

    /// Loads every `*.yaml` in a directory, sorted by bank code.
    public static func loadAll(from directory: URL) throws -> [SimulatedBankConfiguration] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" || $0.pathExtension == "yml" }
        return try files.map { try load(from: $0) }.sorted { $0.code < $1.code }
    }

    /// Loads and checks one file: a bad field is reported by file, field and reason.
    public static func load(from file: URL) throws -> SimulatedBankConfiguration {
        let configuration = try YAMLFile.read(SimulatedBankConfiguration.self, from: file)
        guard ["sync", "callback", "poll"].contains(configuration.acknowledgement.mode) else {
            throw ConfigurationError(file: file.path, field: "ack.mode", reason: "must be sync, callback or poll")
        }
        _ = try configuration.openingAccounts(file: file.path)
        return configuration
    }

    /// The ledger's opening accounts, checked.
    func openingAccounts(file: String = "simulator", startedAt: Date = Date()) throws -> [LedgerAccount] {
        try accounts.enumerated().map { index, entry in
            let field = "accounts[\(index)]"
            guard let number = AccountNumber(entry.number) else {
                throw ConfigurationError(file: file, field: "\(field).number", reason: "must be 6 to 20 digits")
            }
            guard let holder = HolderName(entry.holder) else {
                throw ConfigurationError(file: file, field: "\(field).holder", reason: "is not a valid name")
            }
            guard let currency = Currency(entry.currency ?? "THB"), let balance = Money(decimal: entry.balance, currency: currency) else {
                throw ConfigurationError(file: file, field: "\(field).balance", reason: "must be a decimal amount")
            }
            let outgoing = try (entry.transfers ?? []).enumerated().map { offset, transfer in
                let field = "\(field).transfers[\(offset)]"
                guard let bank = BankCode(transfer.toBank) else {
                    throw ConfigurationError(file: file, field: "\(field).toBank", reason: "must be a three-digit bank code")
                }
                guard let account = AccountNumber(transfer.toAccount) else {
                    throw ConfigurationError(file: file, field: "\(field).toAccount", reason: "must be 6 to 20 digits")
                }
                guard let amount = Money(decimal: transfer.amount, currency: currency) else {
                    throw ConfigurationError(file: file, field: "\(field).amount", reason: "must be a decimal amount")
                }
                return OnwardTransfer(
                    to: bank, account: account, holderName: transfer.toHolder.flatMap(HolderName.init), amount: amount,
                    reference: transfer.reference, time: startedAt.addingTimeInterval((transfer.minutesAfterStart ?? 0) * 60)
                )
            }
            return LedgerAccount(number: number, holder: holder, balance: balance, held: Money(minorUnits: 0, currency: currency), outgoing: outgoing)
        }
    }
}

extension SimulatedBankConfiguration {
    /// The simulated banks shipped in `simulators/`, bundled with this module.
    public static var shippedDirectory: URL {
        Bundle.module.resourceURL!
    }
}
