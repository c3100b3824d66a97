import Crypto
import Foundation

/// The log's Ed25519 signing key with its note key name.
///
/// Ed25519 (as implemented by BoringSSL on Linux) is deterministic, so the same text signed twice
/// gives the same note, which lets tests compare signed checkpoints byte for byte.
public struct NoteSigner: Sendable {
    public let name: String
    public let keyID: UInt32
    private let privateKey: Curve25519.Signing.PrivateKey

    public init(name: String, privateKey: Curve25519.Signing.PrivateKey) throws {
        guard NoteSyntax.isValidKeyName(name) else {
            throw AuditError(.invalidKeyName, "key name \"\(name)\" is empty or contains a space or a plus sign")
        }
        self.name = name
        self.privateKey = privateKey
        self.keyID = NoteVerifier.keyID(
            name: name,
            signatureType: NoteVerifier.ed25519SignatureType,
            publicKey: Array(privateKey.publicKey.rawRepresentation)
        )
    }

    /// Parses the signer key string `PRIVATE+KEY+name+hexkeyid+base64(0x01 || 32-byte seed)`
    /// (the golang.org/x/mod/sumdb/note format), checking the key ID against the derived public key.
    public init(signerKey: String) throws {
        let prefix = "PRIVATE+KEY+"
        guard signerKey.hasPrefix(prefix) else {
            throw AuditError(.malformedKey, "signer key must start with PRIVATE+KEY+")
        }
        let parts = signerKey.dropFirst(prefix.count).split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw AuditError(.malformedKey, "signer key must be PRIVATE+KEY+name+keyid+key")
        }
        guard let keyID = KeyIDFormat.parse(parts[1]) else {
            throw AuditError(.malformedKey, "signer key ID \"\(parts[1])\" is not 8 hex digits")
        }
        guard let typedSeed = Base64.decode(parts[2]), typedSeed.first == NoteVerifier.ed25519SignatureType,
            typedSeed.count == 33
        else {
            throw AuditError(.malformedKey, "signer key is not base64 of 0x01 and a 32-byte Ed25519 seed")
        }
        let privateKey: Curve25519.Signing.PrivateKey
        do {
            privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: typedSeed.dropFirst())
        } catch {
            throw AuditError(.malformedKey, "not an Ed25519 seed: \(error)")
        }
        do {
            try self.init(name: String(parts[0]), privateKey: privateKey)
        } catch let error as AuditError {
            throw AuditError(.malformedKey, error.reason)
        }
        guard self.keyID == keyID else {
            throw AuditError(.malformedKey, "signer key ID \(parts[1]) does not match the name and key")
        }
    }

    /// A fresh random key, for tests and first-time log setup.
    public static func generate(name: String) throws -> NoteSigner {
        try NoteSigner(name: name, privateKey: Curve25519.Signing.PrivateKey())
    }

    /// The signer key string; a secret, to be stored like any private key.
    public var signerKey: String {
        "PRIVATE+KEY+\(name)+\(KeyIDFormat.hex(keyID))+\(Base64.encode([NoteVerifier.ed25519SignatureType] + Array(privateKey.rawRepresentation)))"
    }

    /// The matching public verifier.
    public var verifier: NoteVerifier {
        // Same name, already validated.
        try! NoteVerifier(name: name, publicKey: privateKey.publicKey)
    }

    /// Signs note text (which must end with a newline and contain no control characters).
    public func sign(_ text: String) throws -> NoteSignature {
        try SignedNote.validate(text: text)
        let signature: Data
        do {
            signature = try privateKey.signature(for: Array(text.utf8))
        } catch {
            throw AuditError(.signingFailed, "Ed25519 signing failed: \(error)")
        }
        return try NoteSignature(keyName: name, keyID: keyID, signature: Array(signature))
    }
}
