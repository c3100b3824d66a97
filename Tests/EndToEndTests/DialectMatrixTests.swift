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
                    accounts: [.init(number: "\(code)0000001", holder: "ทดสอบ \(mode)", balance: "5000.00"),
                               .init(number: "\(code)0000002", holder: "ผู้เสียหาย \(mode)", balance: "10.00")]
                ))
            }
        }
        let banks = matrix
        try await withDeployment(banks: banks) { deployment in
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

            // Then part of each hold is released and the rest refunded to the victim's account: both tracked to
            // completion in every dialect and acknowledgement mode.
            var settlements = [(OrderID, SimulatedBankConfiguration)]()
            for (freeze, bank) in orders {
                for (type, amount) in [("release", "234.00"), ("refund", "1000.00")] {
                    let reply = try await post(deployment, "/v1/orders", body: Self.settlement(
                        type: type, bank: bank, amount: amount, relatedOrder: freeze))
                    #expect(reply.status == 202, "\(bank.name) \(type): \(reply.json)")
                    let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
                    // One at a time per bank: the refund must find the release done.
                    let record = try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
                    #expect(record.state == .executed, "\(bank.name) \(type) ended \(record.state)")
                    settlements.append((id, bank))
                }
                let ledger = try #require(deployment.simulators[bank.code]).ledger
                #expect(await ledger.account(AccountNumber(bank.accounts[0].number)!)?.held.minorUnits == 0, "\(bank.name)")
                #expect(await ledger.account(AccountNumber(bank.accounts[1].number)!)?.balance.minorUnits == 101_000, "\(bank.name)")
            }
            #expect(settlements.count == banks.count * 2)
        }
    }

    static func settlement(type: String, bank: SimulatedBankConfiguration, amount: String, relatedOrder: OrderID) -> String {
        let victim = type == "refund"
            ? #","beneficiary":{"bank":"\#(bank.code)","number":"\#(bank.accounts[1].number)","holderName":"\#(bank.accounts[1].holder)"}"#
            : ""
        return """
            {"type":"\(type)","caseId":"TH-CASE-MATRIX","bank":"\(bank.code)",
             "account":{"number":"\(bank.accounts[0].number)","holderName":"\(bank.accounts[0].holder)"},
             "amount":{"value":"\(amount)","currency":"THB"},
             "reportedTransfer":{"reference":"TRX2026112900001","time":"\(Timestamp.formatSeconds(Date().addingTimeInterval(-900)))"},
             "reportedAt":"\(Timestamp.formatSeconds(Date().addingTimeInterval(-300)))",
             "reason":"\(type == "refund" ? "FRAD" : "legal-window-lapsed")","relatedOrderId":"\(relatedOrder)"\(victim),
             "legalBasis":"Emergency Decree on Technology Crime B.E. 2566, s. 6","requestedBy":"officer:AOC-0042"}
            """
    }
}
