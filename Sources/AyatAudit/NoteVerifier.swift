import Crypto
import Foundation

/// A public Ed25519 key with its note key name: what an auditor configures to trust the log.
///
/// Its text form, the verifier key `name+hexkeyid+base64(0x01 || public key)`, is what the log
/// publishes; parsing it checks that the key ID really derives from the name and the key, so a
/// mistyped key cannot silently verify nothing.
public struct NoteVerifier: Hashable, Sendable {
    /// Signature type byte for Ed25519 in c2sp.org/signed-note.
    public static let ed25519SignatureType: UInt8 = 0x01

    public let name: String
    public let keyID: UInt32
    /// The 32-byte Ed25519 public key.
    public let publicKeyBytes: [UInt8]

    public init(name: String, publicKey: Curve25519.Signing.PublicKey) throws {
        guard NoteSyntax.isValidKeyName(name) else {
            throw AuditError(.invalidKeyName, "key name \"\(name)\" is empty or contains a space or a plus sign")
        }
        self.name = name
        self.publicKeyBytes = Array(publicKey.rawRepresentation)
        self.keyID = Self.keyID(name: name, signatureType: Self.ed25519SignatureType, publicKey: publicKeyBytes)
    }

    /// Parses `name+hexkeyid+base64(0x01 || 32-byte key)`, splitting at the first two `+` only (the
    /// base64 may contain more).
    public init(verifierKey: String) throws {
        let parts = verifierKey.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw AuditError(.malformedKey, "verifier key must be name+keyid+key")
        }
        let name = String(parts[0])
        guard NoteSyntax.isValidKeyName(name) else {
            throw AuditError(.malformedKey, "verifier key name \"\(name)\" is empty or contains a space")
        }
        guard let keyID = KeyIDFormat.parse(parts[1]) else {
            throw AuditError(.malformedKey, "verifier key ID \"\(parts[1])\" is not 8 hex digits")
        }
        guard let typedKey = Base64.decode(parts[2]), let type = typedKey.first else {
            throw AuditError(.malformedKey, "verifier key is not canonical base64")
        }
        guard Self.keyID(name: name, signatureType: type, publicKey: Array(typedKey.dropFirst())) == keyID else {
            throw AuditError(.malformedKey, "verifier key ID \(parts[1]) does not match the name and key")
        }
        guard type == Self.ed25519SignatureType else {
            throw AuditError(.malformedKey, "unsupported signature type 0x\(Hex.encode([type])); only Ed25519 (0x01) is supported")
        }
        guard typedKey.count == 33 else {
            throw AuditError(.malformedKey, "Ed25519 public key has \(typedKey.count - 1) bytes, not 32")
        }
        let publicKey: Curve25519.Signing.PublicKey
        do {
            publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: typedKey.dropFirst())
        } catch {
            throw AuditError(.malformedKey, "not an Ed25519 public key: \(error)")
        }
        try self.init(name: name, publicKey: publicKey)
    }

    public var publicKey: Curve25519.Signing.PublicKey {
        // The bytes were accepted by this initializer when the verifier was made.
        try! Curve25519.Signing.PublicKey(rawRepresentation: publicKeyBytes)
    }

    /// The verifier key string the log publishes.
    public var verifierKey: String {
        "\(name)+\(KeyIDFormat.hex(keyID))+\(Base64.encode([Self.ed25519SignatureType] + publicKeyBytes))"
    }

    /// `name+hexkeyid`, for reports.
    public var keyLabel: String { "\(name)+\(KeyIDFormat.hex(keyID))" }

    /// Ed25519 (RFC 8032) over the note text bytes.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64 else { return false }
        return publicKey.isValidSignature(signature, for: message)
    }

    /// SHA-256(name || 0x0A || type || public key)[:4] as a big-endian uint32 (c2sp.org/signed-note).
    public static func keyID(name: String, signatureType: UInt8, publicKey: [UInt8]) -> UInt32 {
        var hasher = SHA256()
        hasher.update(data: Array(name.utf8) + [0x0A, signatureType] + publicKey)
        return hasher.finalize().prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }
}
