import Foundation
import Testing
import AyatCore
import AyatDialects
import AyatPKI
import AyatSandbox
import AyatServer
import AyatStore
import AyatXML

@Suite struct FreezeFlowTests {
    @Test func freezeOrdersTravelOverMutualTLSAndComeBackAcknowledged() async throws {
        try await withDeployment { deployment in
            var ids = [OrderID]()
            for (bank, number, holder) in [("014", "1402339876", "สมชาย ใจดี"), ("004", "0048812230", "ประเสริฐ มั่นคง")] {
                let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON(bank: bank, number: number, holder: holder))
                #expect(reply.status == 202)
                #expect(reply.json["status"] as? String == "accepted")
                ids.append(OrderID(rawValue: try #require(reply.json["id"] as? String)))
            }
            for id in ids {
                try await waitFor(deployment, order: id) { record, _ in record.state == .acknowledged }
                let view = try await get(deployment, "/v1/orders/\(id)").json
                #expect(view["status"] as? String == "acknowledged")
                let timeline = try #require(view["timeline"] as? [[String: Any]])
                #expect(timeline.compactMap { $0["event"] as? String }.filter { $0 != "attempt" } == ["accepted", "sent", "acknowledged"])
                let attempt = try #require(timeline.first { $0["event"] as? String == "attempt" })
                #expect(attempt["httpStatus"] as? Int == 200)
                #expect(attempt["outcome"] as? String == "acknowledged")
                #expect((attempt["messageIds"] as? [String])?.count == 2)
            }
        }
    }

    @Test func theStoredReceiptIsTheBanksSignedMessageByteForByte() async throws {
        try await withDeployment { deployment in
            let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON())
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
            try await waitFor(deployment, order: id) { record, _ in record.state == .acknowledged }

            let messages = try await deployment.gateway.store.messages(of: id)
            #expect(messages.map(\.direction) == [.outbound, .inbound])
            let receipt = try #require(messages.last)
            // Verified again here, with the bank's certificate read from its PKI files.
            let bankCertificate = try PEMFile.readCertificate(deployment.state.pki.bank("014").signing.certificate)
            let verified = try XMLSignatureVerifier(pinned: [bankCertificate]).verify(receipt.bytes)
            #expect(verified.root.name == "FreezeReceipt")
            #expect(verified.root.child("Receipt")?.child("Status")?.text == "ACCP")
            #expect(verified.root.child("Receipt")?.child("OriginalMsgId")?.text == messages.first?.messageID?.rawValue)
            // The gateway's own certificate must not verify the bank's receipt.
            let gatewayCertificate = try PEMFile.readCertificate(deployment.state.pki.gatewaySigning.certificate)
            #expect(throws: (any Error).self) { try XMLSignatureVerifier(pinned: [gatewayCertificate]).verify(receipt.bytes) }
        }
    }

    @Test func thaiHolderNamesSurviveEveryHopByteForByte() async throws {
        try await withDeployment { deployment in
            let holder = "วิภาวดี ศรีสุข"
            let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON(number: "1409912345", holder: holder))
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
            // The simulated bank compares names exactly: a mangled name would be rejected (BE01).
            let record = try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal || record.state == .acknowledged }
            #expect(record.state == .acknowledged)
            let outbound = try #require(try await deployment.gateway.store.messages(of: id).first)
            #expect(outbound.bytes.firstRange(of: Array(holder.utf8)) != nil)
            let api = try await get(deployment, "/v1/orders/\(id)").json
            #expect((api["account"] as? [String: Any])?["holderName"] as? String == holder)
        }
    }

    @Test func aBankRejectionIsSignedAndFinal() async throws {
        try await withDeployment { deployment in
            let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON(number: "1400000000", holder: "ไม่มี บัญชี"))
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
            let record = try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
            #expect(record.state == .rejected)
            let timeline = try await deployment.gateway.store.timeline(of: id)
            #expect(timeline.last?.detail?.hasPrefix("AC01") == true)
        }
    }

    @Test func unavailableBanksAreRetriedUntilTheyAcknowledge() async throws {
        try await withDeployment { deployment in
            let bank = try #require(deployment.simulators[BankCode("014")!])
            await bank.setFaults(.init(unavailableForRequests: 2))
            let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON())
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
            try await waitFor(deployment, order: id) { record, _ in record.state == .acknowledged }
            let attempts = try await deployment.gateway.store.timeline(of: id).filter { $0.event == "attempt" }
            #expect(attempts.map(\.httpStatus) == [503, 503, 200])
            #expect(attempts.map(\.attempt) == [1, 2, 3])
            #expect(await bank.requestCount() == 3)
            // Every retry resent the same message: one outbound message is stored.
            #expect(try await deployment.gateway.store.messages(of: id).filter { $0.direction == .outbound }.count == 1)
        }
    }
}
