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
    /// One bank per acknowledgement mode: the sync reply is the result (014), the
    /// result comes by callback over mTLS (004), or by polling (006).
    @Test(arguments: [
        ("014", "1409912345", "วิภาวดี ศรีสุข", ["attempt"]),
        ("004", "0041237788", "กนกพร แก้วประเสริฐ", ["attempt", "callback"]),
        ("006", "0061122334", "อรุณี รุ่งเรือง", ["attempt", "poll"]),
    ])
    func freezeOrdersAreExecutedInEveryAcknowledgementMode(bank: String, number: String, holder: String, exchanges: [String]) async throws {
        try await withDeployment { deployment in
            let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON(bank: bank, number: number, holder: holder, amount: "1000.00"))
            #expect(reply.status == 202)
            #expect(reply.json["status"] as? String == "accepted")
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))

            try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
            let view = try await get(deployment, "/v1/orders/\(id)").json
            #expect(view["status"] as? String == "executed")
            let timeline = try #require(view["timeline"] as? [[String: Any]])
            let events = timeline.compactMap { $0["event"] as? String }
            #expect(events.filter { !["attempt", "poll", "callback"].contains($0) } == ["accepted", "sent", "acknowledged", "executed"])
            // Polls repeat until the result is ready; the other kinds of exchange happen once.
            let exchangeKinds = events.filter { ["attempt", "poll", "callback"].contains($0) }
            #expect(exchangeKinds.reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } } == exchanges)
            let attempt = try #require(timeline.first { $0["event"] as? String == "attempt" })
            #expect(attempt["httpStatus"] as? Int == 200)
            #expect((attempt["messageIds"] as? [String])?.count == 2)
            let execution = try #require(view["execution"] as? [String: Any])
            #expect((execution["amount"] as? [String: Any])?["value"] as? String == "1000.00")

            // The bank's ledger shows the hold, placed once.
            let ledger = try #require(deployment.simulators[BankCode(bank)!]).ledger
            #expect(await ledger.account(AccountNumber(number)!)?.held.minorUnits == 100_000)
        }
    }

    @Test func theStoredReceiptIsTheBanksSignedMessageByteForByte() async throws {
        try await withDeployment { deployment in
            let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON())
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
            try await waitFor(deployment, order: id) { record, _ in record.state == .executed }

            let messages = try await deployment.gateway.store.messages(of: id)
            #expect(messages.map(\.direction) == [.outbound, .inbound])
            #expect(messages.map(\.kind) == ["freeze-order", "execution-result"])
            let receipt = try #require(messages.last)
            // Verified again here, with the bank's certificate read from its PKI files.
            let bankCertificate = try PEMFile.readCertificate(deployment.state.pki.bank("014").signing.certificate)
            let verified = try XMLSignatureVerifier(pinned: [bankCertificate]).verify(receipt.bytes)
            #expect(verified.root.name == "ExecutionResult")
            #expect(verified.root.child("Result")?.child("Status")?.text == "EXEC")
            #expect(verified.root.child("Result")?.child("OriginalMsgId")?.text == messages.first?.messageID?.rawValue)
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
            let record = try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
            #expect(record.state == .executed)
            let outbound = try #require(try await deployment.gateway.store.messages(of: id).first)
            #expect(outbound.bytes.firstRange(of: Array(holder.utf8)) != nil)
            let api = try await get(deployment, "/v1/orders/\(id)").json
            #expect((api["account"] as? [String: Any])?["holderName"] as? String == holder)
        }
    }

    @Test func aFreezeReportsTheOnwardTransfersAndHoldsWhatIsLeft() async throws {
        try await withDeployment { deployment in
            // 014/1402339876 is a mule: of the money that arrived, 80,000 moved on to 004 and 006 and 20,000 is left.
            let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON(amount: "250000.00"))
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
            let record = try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
            #expect(record.state == .executed)
            let execution = try #require(record.execution)
            #expect(execution.amount?.minorUnits == 2_000_000, "less was left than asked: the hold is what was left")
            #expect(execution.onwardTransfers.map(\.to.rawValue) == ["004", "006"])
            #expect(execution.onwardTransfers.map(\.amount.minorUnits) == [5_000_000, 3_000_000])
            #expect(execution.onwardTransfers.first?.holderName?.rawValue == "ประเสริฐ มั่นคง")
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
            try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            let attempts = try await deployment.gateway.store.timeline(of: id).filter { $0.event == "attempt" }
            #expect(attempts.map(\.httpStatus) == [503, 503, 200])
            #expect(attempts.map(\.attempt) == [1, 2, 3])
            #expect(await bank.requestCount() == 3)
            // Every retry resent the same message: one outbound message is stored.
            #expect(try await deployment.gateway.store.messages(of: id).filter { $0.direction == .outbound }.count == 1)
        }
    }
}
