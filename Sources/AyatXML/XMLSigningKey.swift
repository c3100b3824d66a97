import Crypto
import X509
import _CryptoExtras
import AyatRSA

/// A private key XMLSigner can use. A protocol-based signer (HSM) can be added as a new case.
public enum XMLSigningKey: Sendable {
    case rsa(RSASigningKey)
    case p256(P256.Signing.PrivateKey)

    /// The public half, in the form certificates carry.
    var certificatePublicKey: Certificate.PublicKey {
        switch self {
        case .rsa(let key): Certificate.PublicKey(key.publicKey)
        case .p256(let key): Certificate.PublicKey(key.publicKey)
        }
    }

    func fits(_ algorithm: XMLSignatureAlgorithm) -> Bool {
        switch (self, algorithm.family) {
        case (.rsa, .rsaPKCS1v15SHA256), (.rsa, .rsaPSSSHA256), (.p256, .ecdsaP256SHA256): true
        default: false
        }
    }

    /// The SignatureValue bytes over already-canonicalised SignedInfo.
    func sign(_ bytes: UnsafeRawBufferPointer, algorithm: XMLSignatureAlgorithm) throws -> [UInt8] {
        switch (self, algorithm.family) {
        case (.rsa(let key), .rsaPKCS1v15SHA256):
            return try key.signature(for: SHA256.hash(data: bytes), padding: .pkcs1v15)
        case (.rsa(let key), .rsaPSSSHA256):
            return try key.signature(for: SHA256.hash(data: bytes), padding: .pss)
        case (.p256(let key), .ecdsaP256SHA256):
            return Array(try key.signature(for: SHA256.hash(data: bytes)).rawRepresentation)
        default:
            throw XMLSignatureError(.keyMismatch, "the key cannot produce \(algorithm.uri)")
        }
    }
}
