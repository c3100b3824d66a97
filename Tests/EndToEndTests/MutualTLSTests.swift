import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import Testing
import AyatCore
import AyatPKI
import AyatSandbox
import AyatTransport

@Suite struct MutualTLSTests {
    /// Posts a message to the simulated bank 014 with the given TLS configuration.
    func postToBank(_ deployment: LocalDeployment, tls: TLSConfiguration) async throws -> Int {
        let endpoint = try #require(deployment.gateway.banks[BankCode("014")!]?.profile.endpoint)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        do {
            var request = HTTPClientRequest(url: endpoint)
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: "<FreezeOrder/>"))
            let response = try await client.execute(request, timeout: .seconds(10))
            try await client.shutdown()
            return Int(response.status.code)
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    func bankTrust(_ deployment: LocalDeployment) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(deployment.state.pki.bank("014").ca.certificate.path))
        return tls
    }

    @Test func aClientWithoutACertificateIsRefused() async throws {
        try await withDeployment { deployment in
            let bank = try #require(deployment.simulators[BankCode("014")!])
            await #expect(throws: (any Error).self) { try await postToBank(deployment, tls: try bankTrust(deployment)) }
            #expect(await bank.requestCount() == 0)
        }
    }

    @Test func aClientCertificateFromAnotherCAIsRefused() async throws {
        try await withDeployment { deployment in
            let bank = try #require(deployment.simulators[BankCode("014")!])
            let stranger = FileManager.default.temporaryDirectory.appending(path: "ayat-stranger-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: stranger) }
            let strangerPKI = try DevPKI.generate(in: stranger, banks: [], signingKeys: .p256)
            var tls = try bankTrust(deployment)
            let identity = try TLSIdentity(certificate: strangerPKI.gatewayTLS.certificate, privateKey: strangerPKI.gatewayTLS.privateKey)
            tls.certificateChain = identity.certificateChain.map { .certificate($0) }
            tls.privateKey = .privateKey(identity.privateKey)
            await #expect(throws: (any Error).self) { try await postToBank(deployment, tls: tls) }
            #expect(await bank.requestCount() == 0)
        }
    }

    @Test func theGatewaysOwnIdentityIsAccepted() async throws {
        try await withDeployment { deployment in
            let pki = deployment.state.pki
            let tls = try MutualTLS.clientConfiguration(
                identity: TLSIdentity(certificate: pki.gatewayTLS.certificate, privateKey: pki.gatewayTLS.privateKey),
                trustRoots: pki.bank("014").ca.certificate
            )
            // The handshake succeeds; the unsigned body is then refused by the bank's verifier.
            #expect(try await postToBank(deployment, tls: tls) == 400)
        }
    }

    @Test func theGatewayRefusesABankWhoseCertificateIsNotFromItsPinnedCA() async throws {
        try await withDeployment { deployment in
            let pki = deployment.state.pki
            // Trusting bank 004's CA only, the gateway must not talk to bank 014.
            let tls = try MutualTLS.clientConfiguration(
                identity: TLSIdentity(certificate: pki.gatewayTLS.certificate, privateKey: pki.gatewayTLS.privateKey),
                trustRoots: pki.bank("004").ca.certificate
            )
            await #expect(throws: (any Error).self) { try await postToBank(deployment, tls: tls) }
        }
    }

    @Test func tlsBelowVersion12IsRefused() async throws {
        try await withDeployment { deployment in
            let pki = deployment.state.pki
            var tls = try MutualTLS.clientConfiguration(
                identity: TLSIdentity(certificate: pki.gatewayTLS.certificate, privateKey: pki.gatewayTLS.privateKey),
                trustRoots: pki.bank("014").ca.certificate
            )
            tls.minimumTLSVersion = .tlsv1
            tls.maximumTLSVersion = .tlsv11
            await #expect(throws: (any Error).self) { try await postToBank(deployment, tls: tls) }
        }
    }
}
