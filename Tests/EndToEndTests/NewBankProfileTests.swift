import Foundation
import Testing
import AyatCore
import AyatPKI
import AyatSandbox
import AyatServer
import AyatSimulator

/// A bank joins by files alone: a simulator scenario and a gateway profile
/// for a dialect Ayat already speaks, and no code.
@Suite struct NewBankProfileTests {
    @Test func aBankAddedByAProfileFileReachesExecuted() async throws {
        let state = temporaryState()
        let scenario = state.url.appending(path: "scenarios/031-mekong.yaml")
        try FileManager.default.createDirectory(at: scenario.deletingLastPathComponent(), withIntermediateDirectories: true)
        try """
            code: "031"
            name: Mekong Simulated Bank
            dialect: jws-detached
            ack:
              mode: poll
              executionDelay: 0.2
            accounts:
              - number: "0317654321"
                holder: สุดารัตน์ ริมโขง
                balance: "48000.00"
                transfers:
                  - { toBank: "014", toAccount: "1409912345", toHolder: วิภาวดี ศรีสุข, amount: "12000.00", reference: "TRX031000001" }
            """.write(to: scenario, atomically: true, encoding: .utf8)
        let configuration = try SimulatedBankConfiguration.load(from: scenario)
        let shipped = try LocalDeployment.shippedBanks()
        try state.create()
        try DevPKI.generate(in: state.pki.directory, banks: (shipped + [configuration]).map(\.code.rawValue))
        let bank = try SimulatedBank(configuration: configuration, pki: state.pki, logger: testLogger)

        try await SimulatorHost.run(banks: [bank], logger: testLogger) { endpoints in
            let port = endpoints[0].port
            try FileManager.default.createDirectory(at: state.banksDirectory, withIntermediateDirectories: true)
            // The profile a bank integration team would write: nothing here is code.
            try """
                code: "031"
                name: Mekong Bank
                endpoint: https://127.0.0.1:\(port)/ayat/v1/messages
                dialect: jws-detached
                signing:
                  certificates: [pki/banks/031/signing.pem]
                tls:
                  trustRoots: pki/banks/031/ca.pem
                ack:
                  mode: poll
                  pollInterval: 0.2
                  statusEndpoint: https://127.0.0.1:\(port)/ayat/v1/messages/{messageId}/result
                retry: { initialDelay: 0.2, maxDelay: 2 }
                timeouts: { connect: 2, request: 5 }
                """.write(to: state.banksDirectory.appending(path: "031.yaml"), atomically: true, encoding: .utf8)

            try await LocalDeployment.run(state: state, banks: shipped, logger: testLogger, dispatcherSettings: fastSettings) { deployment in
                let checked = await BankCheck.run(state: state)
                let line = try #require(checked.first { $0.file == "banks/031.yaml" })
                #expect(line.ok, "\(line.text)")
                #expect(line.text.contains("jws-detached"))

                let id = try await submitFreeze(deployment, bank: "031", number: "0317654321", holder: "สุดารัตน์ ริมโขง")
                let record = try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
                #expect(record.state == .executed)
                #expect(record.execution?.amount?.minorUnits == 1_500_000)
                #expect(record.execution?.onwardTransfers.first?.to == BankCode("014"))
                let timeline = try await deployment.gateway.store.timeline(of: id)
                #expect(timeline.contains { $0.event == "attempt" && $0.outcome == "acknowledged" }, "a poll bank acknowledges first")

                let ledger = await bank.ledger.view(bank: configuration.code)
                let account = try #require(ledger.accounts.first { $0.number == "0317654321" })
                #expect(account.held == "15000.00")
                #expect(account.available == "33000.00")
                #expect(ledger.history.map(\.kind) == ["hold"])
            }
        }
    }
}
