import Foundation
import AyatCore
import AyatDialects
import AyatSimulator

/// Simulated banks made for a run: all speak one dialect and acknowledge one way,
/// and hold accounts deep enough that no freeze ever runs dry (so every order is
/// decided the same way and none waits on another's hold).
public enum BenchBanks {
    public static let accountsPerBank = 8
    static let holder = "สมชาย ใจดี"

    public static func make(count: Int, dialect: DialectName, ackMode: String) -> [SimulatedBankConfiguration] {
        (0..<count).map { index in
            let code = BankCode(String(format: "%03d", 101 + index))!
            let accounts = (0..<accountsPerBank).map { account in
                SimulatedBankConfiguration.AccountEntry(number: accountNumber(bank: index, account: account), holder: holder, balance: "900000000.00")
            }
            return SimulatedBankConfiguration(
                code: code, name: "Bench Bank \(code)", dialect: dialect,
                ack: .init(mode: ackMode, executionDelay: ackMode == "sync" ? nil : 0),
                accounts: accounts
            )
        }
    }

    static func accountNumber(bank: Int, account: Int) -> String {
        String(format: "%03d%07d", 101 + bank, 1000 + account)
    }

    /// The JSON body of the `sequence`-th order, spread over every bank and account.
    public static func orderBody(sequence: Int, banks: Int, now: Date) -> String {
        let bank = sequence % banks
        let account = (sequence / banks) % accountsPerBank
        let reported = Timestamp.formatSeconds(now.addingTimeInterval(-600))
        return """
            {"type":"freeze","caseId":"TH-CASE-2026-\(String(format: "%05d", sequence % 100_000))","bank":"\(String(format: "%03d", 101 + bank))",\
            "account":{"number":"\(accountNumber(bank: bank, account: account))","holderName":"\(holder)"},\
            "amount":{"value":"15000.00","currency":"THB"},\
            "reportedTransfer":{"reference":"TRX\(String(format: "%012d", sequence))","time":"\(reported)"},\
            "reportedAt":"\(reported)",\
            "legalBasis":"Emergency Decree on Technology Crime B.E. 2566, s. 6","requestedBy":"officer:AOC-0042"}
            """
    }
}
