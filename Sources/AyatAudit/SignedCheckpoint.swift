/// A checkpoint together with the signed note that carries it: what the log stores and hands out.
///
/// The checkpoint is parsed from the note's text, so the two can never disagree; `verify` must
/// succeed before the checkpoint's claims are acted on.
public struct SignedCheckpoint: Hashable, Sendable {
    public let checkpoint: Checkpoint
    public let note: SignedNote

    /// Signs `checkpoint.body` with each signer (the log key first, by convention).
    public init(checkpoint: Checkpoint, signers: [NoteSigner]) throws {
        self.checkpoint = checkpoint
        self.note = try SignedNote.sign(text: checkpoint.body, with: signers)
    }

    /// Wraps an already signed note whose text is a checkpoint.
    public init(note: SignedNote) throws {
        self.checkpoint = try Checkpoint(parsing: note.text)
        self.note = note
    }

    public init(parsing text: String) throws {
        try self.init(note: SignedNote(parsing: text))
    }

    public init<Bytes: Collection<UInt8>>(parsing bytes: Bytes) throws {
        try self.init(note: SignedNote(parsing: bytes))
    }

    /// The signed note text, as stored and published.
    public var serialized: String { note.serialized }

    /// Checks the signatures and, when given, that the checkpoint is from the expected log.
    @discardableResult
    public func verify(using verifiers: [NoteVerifier], origin: String? = nil) throws -> NoteVerification {
        if let origin, origin != checkpoint.origin {
            throw AuditError(.originMismatch, "checkpoint is from \"\(checkpoint.origin)\", expected \"\(origin)\"")
        }
        return try note.verify(using: verifiers)
    }
}
