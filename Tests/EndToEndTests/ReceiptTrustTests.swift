import Foundation
import Testing
import AyatCore
import AyatSandbox
import AyatServer
import AyatSimulator
import AyatTransport

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
            try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            #expect(await bank.ledger.duplicatesAbsorbed >= 1)
            #expect(await bank.ledger.account(AccountNumber("1402339876")!)?.held.minorUnits == 1_500_000, "one hold, however many resends")
        }
    }

    @Test func aCallbackWithABrokenSignatureIsRefusedAndTheOrderStaysOpen() async throws {
        try await withDeployment { deployment in
            let bank = try #require(deployment.simulators[BankCode("004")!])
            await bank.setFaults(.init(corruptCallbackSignature: true))
            let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON(bank: "004", number: "0048812230", holder: "ประเสริฐ มั่นคง"))
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))

            await bank.waitForCallbackRefusals(2)
            let open = try #require(try await deployment.gateway.store.order(id))
            #expect(open.state == .acknowledged, "a forged result must not execute the order")
            #expect(try await deployment.gateway.store.timeline(of: id).allSatisfy { $0.event != "callback" })

            // The bank keeps retrying; once it signs properly again, the result lands.
            await bank.setFaults(.init())
            let record = try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
            #expect(record.state == .executed)
            #expect(try await deployment.gateway.store.timeline(of: id).filter { $0.event == "callback" }.count == 1)
        }
    }
}

/// The inbound listener accepts client certificates from every bank's CA, but a
/// bank may only post results for itself.
@Suite struct CallbackClientCertificateTests {
    @Test func aBankCannotPostResultsForAnotherBank() async throws {
        try await withDeployment { deployment in
            let pki = deployment.state.pki
            func client(_ bank: String) throws -> BankClient {
                let identity = try TLSIdentity(certificate: pki.bank(bank).tls.certificate, privateKey: pki.bank(bank).tls.privateKey)
                return BankClient(tls: try MutualTLS.clientConfiguration(identity: identity, trustRoots: pki.centreCA.certificate))
            }
            let url = "https://127.0.0.1:\(deployment.inboundPort)\(InboundAPI.resultsPath(for: BankCode("004")!))"
            let intruder = try client("006")
            let refused = try await intruder.post(url, body: Array("<x/>".utf8), contentType: "application/xml")
            #expect(refused.status == 403)
            #expect(String(decoding: refused.body, as: UTF8.self).contains("wrong-client-certificate"))
            // Its own bank's certificate gets past TLS binding to the signature check (which this body fails).
            let owner = try client("004")
            let unsigned = try await owner.post(url, body: Array("<x/>".utf8), contentType: "application/xml")
            #expect(unsigned.status == 400)
            // Issuers are remembered per certificate: with both seen, each is still judged as its own.
            #expect(try await intruder.post(url, body: Array("<x/>".utf8), contentType: "application/xml").status == 403)
            #expect(try await owner.post(url, body: Array("<x/>".utf8), contentType: "application/xml").status == 400)
            try await intruder.shutdown()
            try await owner.shutdown()
        }
    }
}
