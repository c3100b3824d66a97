import Foundation
import Testing
import AyatCore
import AyatSandbox

/// xmlsec1, an independent XMLDSig implementation, must accept what the gateway
/// actually sends, so that a bug shared by our signer and our verifier still fails.
@Suite struct XMLSecInteropTests {
    @Test func xmlsec1VerifiesTheGatewaysSignedOrderAndTheBanksSignedResult() async throws {
        guard let xmlsec1 = ExternalTool.require("xmlsec1") else { return }
        try await withDeployment { deployment in
            let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON())
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
            try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            let messages = try await deployment.gateway.store.messages(of: id)
            let pki = deployment.state.pki
            let directory = deployment.state.url.appending(path: "interop")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

            for (message, certificate) in zip(messages, [pki.gatewaySigning.certificate, pki.bank("014").signing.certificate]) {
                let file = directory.appending(path: "\(message.kind).xml")
                try Data(message.bytes).write(to: file)
                let good = try await ExternalTool.run(xmlsec1, ["--verify", "--pubkey-cert-pem", certificate.path, "--id-attr:Id", "KeyInfo", file.path])
                #expect(good.status == 0, "xmlsec1 refused our \(message.kind): \(good.output)")

                // The same check must fail with the other party's certificate.
                let other = certificate == pki.gatewaySigning.certificate ? pki.bank("014").signing.certificate : pki.gatewaySigning.certificate
                let wrong = try await ExternalTool.run(xmlsec1, ["--verify", "--pubkey-cert-pem", other.path, "--id-attr:Id", "KeyInfo", file.path])
                #expect(wrong.status != 0)
            }
        }
    }
}
