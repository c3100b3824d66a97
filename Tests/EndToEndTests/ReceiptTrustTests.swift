import Foundation
import Testing
import AyatCore
import AyatSandbox
import AyatSimulator

@Suite struct ReceiptTrustTests {
    @Test func aReceiptWithABrokenSignatureIsNotAnAcknowledgement() async throws {
        try await withDeployment { deployment in
            let bank = try #require(deployment.simulators[BankCode("014")!])
            await bank.setFaults(.init(corruptReceiptSignature: true))
            let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON())
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))

            let record = try await waitFor(deployment, order: id) { _, timeline in
                timeline.contains { $0.event == "attempt" && $0.outcome == "untrusted-reply" }
            }
            #expect(record.state == .sent, "a receipt that fails verification must not acknowledge the order")
            let attempt = try #require(try await deployment.gateway.store.timeline(of: id).first { $0.outcome == "untrusted-reply" })
            #expect(attempt.httpStatus == 200)
            #expect(attempt.detail?.contains("signature") == true)

            // Once the bank signs properly again, the retry is acknowledged by the same message id.
            await bank.setFaults(.init())
            try await waitFor(deployment, order: id) { record, _ in record.state == .acknowledged }
            #expect(await bank.ledger.duplicatesAbsorbed >= 1)
        }
    }
}
