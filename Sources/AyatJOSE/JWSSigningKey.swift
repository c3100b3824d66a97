import Crypto
import AyatRSA

/// A private key a ``JWSSigner`` signs with.
public enum JWSSigningKey: Sendable {
    case rsa(RSASigningKey)
    case p256(P256.Signing.PrivateKey)

    /// Why this key cannot sign `algorithm`, or nil when it can.
    func mismatch(_ algorithm: JWSAlgorithm) -> String? {
        switch (self, algorithm.family) {
        case (.rsa(let key), .rsaPKCS1v15), (.rsa(let key), .rsaPSS):
            return key.keySizeInBits >= 2048 ? nil : "RSA key of \(key.keySizeInBits) bits is below 2048"
        case (.p256, .ecdsa) where algorithm == .es256:
            return nil
        default:
            return "a \(kindName) key cannot sign \(algorithm.name)"
        }
    }

    var kindName: String {
        switch self {
        case .rsa: "RSA"
        case .p256: "P-256"
        }
    }

    func sign(_ input: [UInt8], algorithm: JWSAlgorithm) throws -> [UInt8] {
        do {
            switch (self, algorithm) {
            case (.rsa(let key), .rs256):
                return try key.signature(for: SHA256.hash(data: input), padding: .pkcs1v15)
            case (.rsa(let key), .ps256):
                // MGF1 with the digest's hash and a salt as long as the digest: RFC 7518 §3.5.
                return try key.signature(for: SHA256.hash(data: input), padding: .pss)
            case (.rsa(let key), .ps384):
                return try key.signature(for: SHA384.hash(data: input), padding: .pss)
            case (.p256(let key), .es256):
                return Array(try key.signature(for: SHA256.hash(data: input)).rawRepresentation)
            default:
                throw JWSError(.keyMismatch, "a \(kindName) key cannot sign \(algorithm.name)")
            }
        } catch let error as JWSError {
            throw error
        } catch {
            throw JWSError(.internalFailure, "\(algorithm.name) signing failed")
        }
    }
}
