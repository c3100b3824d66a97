/// A c2sp.org/signed-note: text ending in a newline, a blank line, then one or more signature
/// lines.
///
/// Parsing is strict (valid UTF-8, no control characters but newline, final newline present,
/// every signature line well formed, at most `maximumSignatures`), because the note's text is
/// what the log vouches for and must have exactly one reading.
public struct SignedNote: Hashable, Sendable {
    /// More than any real checkpoint carries (C2SP requires accepting at least 16); bounds the work
    /// an attacker can cause with one note.
    public static let maximumSignatures = 100

    /// The signed text, including its final newline.
    public let text: String
    public let signatures: [NoteSignature]

    /// Assembles a note; `text` must be valid note text ending in a newline, and there must be at
    /// least one signature.
    public init(text: String, signatures: [NoteSignature]) throws {
        try Self.validate(text: text)
        guard !signatures.isEmpty else {
            throw AuditError(.malformedNote, "a signed note needs at least one signature")
        }
        guard signatures.count <= Self.maximumSignatures else {
            throw AuditError(.malformedNote, "\(signatures.count) signatures, at most \(Self.maximumSignatures) are accepted")
        }
        self.text = text
        self.signatures = signatures
    }

    /// Signs `text` with each signer, in order.
    public static func sign(text: String, with signers: [NoteSigner]) throws -> SignedNote {
        try validate(text: text)
        return try SignedNote(text: text, signatures: signers.map { try $0.sign(text) })
    }

    /// The same note with one more signature (e.g. a witness cosigning, or a second log key during rotation).
    public func addingSignature(by signer: NoteSigner) throws -> SignedNote {
        try SignedNote(text: text, signatures: signatures + [signer.sign(text)])
    }

    /// The note as transmitted: text, blank line, signature lines.
    public var serialized: String {
        text + "\n" + signatures.map(\.line).joined()
    }

    public init(parsing note: String) throws {
        try self.init(parsing: Array(note.utf8))
    }

    public init<Bytes: Collection<UInt8>>(parsing note: Bytes) throws {
        let bytes = ArraySlice(note)
        guard NoteSyntax.isValidText(bytes) else {
            throw AuditError(.malformedNote, "note is not valid UTF-8 or contains a control character other than newline")
        }
        // The text ends at the last empty line; signature lines never contain one.
        guard let separator = bytes.lastRange(of: [NoteSyntax.newline, NoteSyntax.newline]) else {
            throw AuditError(.malformedNote, "note has no blank line before its signatures")
        }
        let text = bytes[..<bytes.index(after: separator.lowerBound)]
        let block = bytes[separator.upperBound...]
        guard !block.isEmpty else {
            throw AuditError(.malformedNote, "note has no signature lines")
        }
        guard let lines = NoteSyntax.lines(block) else {
            throw AuditError(.malformedNote, "the last signature line does not end with a newline")
        }
        guard lines.count <= Self.maximumSignatures else {
            throw AuditError(.malformedNote, "\(lines.count) signatures, at most \(Self.maximumSignatures) are accepted")
        }
        let signatures = try lines.map { try NoteSignature(parsingLine: $0) }
        try self.init(text: NoteSyntax.string(text), signatures: signatures)
    }

    /// Verifies the note against the keys the caller trusts.
    ///
    /// Per c2sp.org/signed-note: a signature whose (name, key ID) pair matches no known key is
    /// ignored (listed as unverified); a known key's signature that fails rejects the whole note;
    /// a note with no verified signature is rejected.
    public func verify(using verifiers: [NoteVerifier]) throws -> NoteVerification {
        let message = Array(text.utf8)
        var verified: [NoteSignature] = []
        var unverified: [NoteSignature] = []
        for signature in signatures {
            guard let verifier = verifiers.first(where: { $0.name == signature.keyName && $0.keyID == signature.keyID }) else {
                if !unverified.contains(signature) { unverified.append(signature) }
                continue
            }
            guard verifier.isValidSignature(signature.signature, for: message) else {
                throw AuditError(.invalidSignature, "invalid signature for key \(signature.keyLabel)")
            }
            if !verified.contains(where: { $0.keyName == signature.keyName && $0.keyID == signature.keyID }) {
                verified.append(signature)
            }
        }
        guard !verified.isEmpty else {
            throw AuditError(
                .noVerifiableSignatures,
                "note has no verifiable signatures (signed by \(signatures.map(\.keyLabel).joined(separator: ", ")); known keys: \(verifiers.map(\.keyLabel).joined(separator: ", ")))"
            )
        }
        return NoteVerification(verified: verified, unverified: unverified)
    }

    static func validate(text: String) throws {
        let bytes = Array(text.utf8)
        guard bytes.last == NoteSyntax.newline else {
            throw AuditError(.malformedNote, "note text must end with a newline")
        }
        guard NoteSyntax.isValidText(bytes) else {
            throw AuditError(.malformedNote, "note text contains a control character other than newline")
        }
    }
}
