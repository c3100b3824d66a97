import Crypto
import X509
import _CryptoExtras

/// A public key pinned for a peer. Only public keys exist here, which is why HMAC is refused.
public enum JWSVerificationKey: Sendable {
    case rsa(_RSA.Signing.PublicKey)
    case p256(P256.Signing.PublicKey)
    /// For ES512 (the RFC 7515 A.4 and RFC 7520 §4.3 vectors); not in the strict allow-list.
    case p521(P521.Signing.PublicKey)

    /// The key of a certificate, if it is of a kind this library verifies.
    public init?(_ key: Certificate.PublicKey) {
        if let rsa = _RSA.Signing.PublicKey(key) {
            self = .rsa(rsa)
        } else if let p256 = P256.Signing.PublicKey(key) {
            self = .p256(p256)
        } else if let p521 = P521.Signing.PublicKey(key) {
            self = .p521(p521)
        } else {
            return nil
        }
    }

    var kindName: String {
        switch self {
        case .rsa: "RSA"
        case .p256: "P-256"
        case .p521: "P-521"
        }
    }

    /// Why this key cannot check `algorithm`, or nil when it can.
    func mismatch(_ algorithm: JWSAlgorithm, minimumRSAKeyBits: Int) -> String? {
        switch (self, algorithm) {
        case (.rsa(let key), .rs256), (.rsa(let key), .ps256), (.rsa(let key), .ps384):
            return key.keySizeInBits >= minimumRSAKeyBits
                ? nil : "RSA key of \(key.keySizeInBits) bits is below the policy's \(minimumRSAKeyBits)"
        case (.p256, .es256), (.p521, .es512):
            return nil
        default:
            return "a \(kindName) key cannot check \(algorithm.name)"
        }
    }

    /// Checks the signature's shape first (so a DER or truncated ECDSA signature gets a precise
    /// reason), then the signature itself.
    func verify(_ signature: [UInt8], over input: [UInt8], algorithm: JWSAlgorithm) throws {
        let valid: Bool
        switch (self, algorithm) {
        case (.rsa(let key), .rs256), (.rsa(let key), .ps256), (.rsa(let key), .ps384):
            let expected = (key.keySizeInBits + 7) / 8
            guard signature.count == expected else {
                throw JWSError(
                    .signatureMalformed, "\(algorithm.name) signature is \(signature.count) bytes, the key needs \(expected)")
            }
            let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
            switch algorithm {
            case .rs256:
                valid = key.isValidSignature(rsaSignature, for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5)
            case .ps256:
                valid = key.isValidSignature(rsaSignature, for: SHA256.hash(data: input), padding: .PSS)
            default:
                valid = key.isValidSignature(rsaSignature, for: SHA384.hash(data: input), padding: .PSS)
            }
        case (.p256(let key), .es256):
            guard signature.count == 64, let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else {
                throw JWSError(.signatureMalformed, "ES256 signature must be r‖s of 64 bytes, got \(signature.count)")
            }
            valid = key.isValidSignature(parsed, for: SHA256.hash(data: input))
        case (.p521(let key), .es512):
            guard signature.count == 132, let parsed = try? P521.Signing.ECDSASignature(rawRepresentation: signature) else {
                throw JWSError(.signatureMalformed, "ES512 signature must be r‖s of 132 bytes, got \(signature.count)")
            }
            valid = key.isValidSignature(parsed, for: SHA512.hash(data: input))
        default:
            throw JWSError(.keyMismatch, "a \(kindName) key cannot check \(algorithm.name)")
        }
        guard valid else {
            throw JWSError(.signatureInvalid, "\(algorithm.name) signature does not verify with the pinned key")
        }
    }
}
