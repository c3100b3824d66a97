import Foundation
import Testing
import AyatCore
import AyatSandbox
import AyatServer

/// The auditor's pages, read by a real browser.
@Suite struct AuditPagesTests {
    @Test func auditPagesNeedTheAuditorsCredential() async throws {
        try await withDeployment { deployment in
            let page = try await get(deployment, "/audit")
            #expect(page.status == 401)
            #expect(page.headers["www-authenticate"]?.hasPrefix("Basic") == true)
        }
    }

    @Test func headlessChromiumShowsACasesMessagesWithTheirVerificationStatus() async throws {
        guard let chromium = ExternalTool.require("chromium") else { return }
        try await withDeployment { deployment in
            let caseID = "TH-CASE-2026-07777"
            let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON(caseID: caseID))
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
            try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
            let other = try await post(deployment, "/v1/orders", body: freezeOrderJSON(number: "1409912345", holder: "วิภาวดี ศรีสุข", caseID: "TH-CASE-OTHER"))
            let otherID = OrderID(rawValue: try #require(other.json["id"] as? String))
            try await waitFor(deployment, order: otherID) { record, _ in record.state.isTerminal }
            try await deployment.gateway.auditLog.checkpoint()

            let secret = try AuditorCredential.loadOrCreate(deployment.state).secret
            let url = "http://\(AuditorCredential.user):\(secret)@127.0.0.1:\(deployment.apiPort)/audit?case=\(caseID)"
            let run = try await ExternalTool.run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", url])
            #expect(run.status == 0)
            let dom = run.output
            let messages = try await deployment.gateway.store.messages(of: id)
            for message in messages {
                #expect(dom.contains(try #require(message.messageID?.rawValue)), "the page lists every message of the case")
            }
            #expect(dom.components(separatedBy: "signature verified").count - 1 == messages.count)
            #expect(!dom.contains(otherID.rawValue), "the search shows only the case asked for")
            #expect(dom.contains("Checkpoints"))
        }
    }
}
