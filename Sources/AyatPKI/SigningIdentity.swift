import Foundation
import X509
import Crypto
import _CryptoExtras
import AyatRSA

/// A message-signing private key with its certificate, loaded from PEM files.
public struct SigningIdentity: Sendable {
    public enum Key: Sendable {
        case rsa(RSASigningKey)
        case p256(P256.Signing.PrivateKey)
    }

    public let key: Key
    public let certificate: Certificate

    public init(key: Key, certificate: Certificate) {
        self.key = key
        self.certificate = certificate
    }

    /// Loads and checks that the key is the certificate's key.
    public init(certificate certificateURL: URL, privateKey keyURL: URL) throws {
        let certificate = try PEMFile.readCertificate(certificateURL)
        let pem = try PEMFile.readPrivateKeyPEM(keyURL)
        let key: Key
        if let rsa = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) {
            key = .rsa(try RSASigningKey(rsa))
        } else if let ec = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
            key = .p256(ec)
        } else {
            throw PKIError(path: keyURL.path, reason: "not an RSA or P-256 private key in PEM")
        }
        let publicKey: Certificate.PublicKey = switch key {
        case .rsa(let rsa): Certificate.PublicKey(rsa.publicKey)
        case .p256(let ec): Certificate.PublicKey(ec.publicKey)
        }
        guard publicKey == certificate.publicKey else {
            throw PKIError(path: keyURL.path, reason: "private key does not match certificate \(certificateURL.lastPathComponent)")
        }
        self.init(key: key, certificate: certificate)
    }
}
