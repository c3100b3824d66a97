import Foundation
import NIOSSL
import AyatPKI

/// TLS configurations for both ends of a bank link: TLS 1.2 at least, and a
/// certificate required from each side.
public enum MutualTLS {
    /// A client that presents `identity` and trusts only `trustRoots` for the server.
    public static func clientConfiguration(identity: TLSIdentity, trustRoots: URL) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateChain = identity.certificateChain.map { .certificate($0) }
        configuration.privateKey = .privateKey(identity.privateKey)
        configuration.trustRoots = .certificates(try certificates(trustRoots))
        configuration.certificateVerification = .fullVerification
        return configuration
    }

    /// A server that refuses any client without a certificate chaining to `clientTrustRoots`.
    public static func serverConfiguration(identity: TLSIdentity, clientTrustRoots: URL) throws -> TLSConfiguration {
        try serverConfiguration(identity: identity, clientTrustRoots: [clientTrustRoots])
    }

    /// A server that accepts clients from any of several CAs (the gateway's inbound endpoint, one CA per bank).
    public static func serverConfiguration(identity: TLSIdentity, clientTrustRoots: [URL]) throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfigurationWithMTLS(
            certificateChain: identity.certificateChain.map { .certificate($0) },
            privateKey: .privateKey(identity.privateKey),
            trustRoots: .certificates(try clientTrustRoots.flatMap { try certificates($0) })
        )
        configuration.minimumTLSVersion = .tlsv12
        // Clients are identified by their chain, not by a host name.
        configuration.certificateVerification = .noHostnameVerification
        return configuration
    }

    static func certificates(_ url: URL) throws -> [NIOSSLCertificate] {
        do {
            return try NIOSSLCertificate.fromPEMFile(url.path)
        } catch {
            throw PKIError(path: url.path, reason: "cannot read PEM certificates: \(error)")
        }
    }
}

/// A TLS certificate chain and its private key.
public struct TLSIdentity: Sendable {
    public let certificateChain: [NIOSSLCertificate]
    public let privateKey: NIOSSLPrivateKey

    /// Loads from PEM files; the key file must be owner-only.
    public init(certificate: URL, privateKey: URL) throws {
        certificateChain = try MutualTLS.certificates(certificate)
        let pem = try PEMFile.readPrivateKeyPEM(privateKey)
        do {
            self.privateKey = try NIOSSLPrivateKey(bytes: Array(pem.utf8), format: .pem)
        } catch {
            throw PKIError(path: privateKey.path, reason: "not a usable PEM private key")
        }
    }
}
