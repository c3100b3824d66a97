import Foundation
import Testing
import AyatCore
import AyatDelivery
import AyatDialects
import AyatSandbox
import AyatSimulator

/// Every dialect in every acknowledgement mode, end to end: a bank added by
/// configuration alone reaches `executed`, with the hold in its ledger.
@Suite struct DialectMatrixTests {
    @Test func everyDialectReachesExecutedInEveryAckMode() async throws {
        var matrix = [SimulatedBankConfiguration]()
        var code = 100
        for dialect in DialectRegistry.known {
            for mode in BankProfile.Acknowledgement.modes {
                code += 1
                matrix.append(SimulatedBankConfiguration(
                    code: BankCode(String(code))!, name: "Matrix \(dialect) \(mode)", dialect: dialect,
                    ack: .init(mode: mode, executionDelay: 0.1),
                    accounts: [.init(number: "\(code)0000001", holder: "ทดสอบ \(mode)", balance: "5000.00")]
                ))
            }
        }
        let banks = matrix
        var settings = AyatDelivery.Dispatcher.Settings()
        settings.idlePoll = .milliseconds(100)
        try await LocalDeployment.run(state: temporaryState(), banks: banks, logger: testLogger, dispatcherSettings: settings) { deployment in
            var orders = [(OrderID, SimulatedBankConfiguration)]()
            for bank in banks {
                let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON(
                    bank: bank.code.rawValue, number: bank.accounts[0].number, holder: bank.accounts[0].holder, amount: "1234.00"))
                #expect(reply.status == 202, "\(bank.name): \(reply.json)")
                orders.append((OrderID(rawValue: try #require(reply.json["id"] as? String)), bank))
            }
            for (id, bank) in orders {
                let record = try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
                #expect(record.state == .executed, "\(bank.name) ended \(record.state)")
                let ledger = try #require(deployment.simulators[bank.code]).ledger
                #expect(await ledger.account(AccountNumber(bank.accounts[0].number)!)?.held.minorUnits == 123_400, "\(bank.name)")
            }
        }
    }
}
