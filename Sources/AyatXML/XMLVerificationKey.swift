import Crypto
import X509
import _CryptoExtras

/// A public key a signature may be checked against. Built from pinned certificates by
/// ``XMLSignatureVerifier``, or given directly to ``XMLPublicKeyVerifier``.
public enum XMLVerificationKey: Sendable {
    case rsa(_RSA.Signing.PublicKey)
    case p256(P256.Signing.PublicKey)

    /// The key of a certificate, if it is of a kind this library verifies.
    public init?(_ key: Certificate.PublicKey) {
        if let rsa = _RSA.Signing.PublicKey(key) {
            self = .rsa(rsa)
        } else if let p256 = P256.Signing.PublicKey(key) {
            self = .p256(p256)
        } else {
            return nil
        }
    }

    /// Whether this key can check `algorithm` under `policy` (family and RSA strength).
    func fits(_ algorithm: XMLSignatureAlgorithm, policy: XMLVerificationPolicy) -> Bool {
        switch (self, algorithm.family) {
        case (.rsa(let key), .rsaPKCS1v15SHA256), (.rsa(let key), .rsaPSSSHA256):
            return key.keySizeInBits >= policy.minimumRSAKeyBits
        case (.p256, .ecdsaP256SHA256):
            return true
        default:
            return false
        }
    }

    func isValidSignature(_ signature: [UInt8], over bytes: UnsafeRawBufferPointer, algorithm: XMLSignatureAlgorithm)
        -> Bool
    {
        switch (self, algorithm.family) {
        case (.rsa(let key), .rsaPKCS1v15SHA256):
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: bytes),
                padding: .insecurePKCS1v1_5)
        case (.rsa(let key), .rsaPSSSHA256):
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: bytes),
                padding: .PSS)
        case (.p256(let key), .ecdsaP256SHA256):
            guard signature.count == 64,
                let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
            else { return false }
            return key.isValidSignature(parsed, for: SHA256.hash(data: bytes))
        default:
            return false
        }
    }
}
