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
    }

    public var code: BankCode
    public var name: String
    public var dialect: DialectName
    public var accounts: [AccountEntry]

    public init(code: BankCode, name: String, dialect: DialectName, accounts: [AccountEntry]) {
        self.code = code
        self.name = name
        self.dialect = dialect
        self.accounts = accounts
    }

    /// Loads every `*.yaml` in a directory, sorted by bank code.
    public static func loadAll(from directory: URL) throws -> [SimulatedBankConfiguration] {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" || $0.pathExtension == "yml" }
        return try files.map { try YAMLFile.read(SimulatedBankConfiguration.self, from: $0) }.sorted { $0.code < $1.code }
    }

    /// The ledger's opening accounts, checked.
    func openingAccounts(file: String = "simulator") throws -> [LedgerAccount] {
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
            return LedgerAccount(number: number, holder: holder, balance: balance, held: Money(minorUnits: 0, currency: currency))
        }
    }
}

extension SimulatedBankConfiguration {
    /// The simulated banks shipped in `simulators/`, bundled with this module.
    public static var shippedDirectory: URL {
        Bundle.module.resourceURL!
    }
}
