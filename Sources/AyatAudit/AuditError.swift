/// The one error type of the audit module.
///
/// A struct rather than an enum so that new failure kinds can be added without breaking callers;
/// equality compares only `code`, so tests and callers can match a failure exactly while the
/// `reason` stays free to say, for a human, what was wrong and where.
public struct AuditError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure this is. Grows over time; switch on it with `==`, not exhaustively.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case invalidHashLength
            case leafIndexOutOfRange
            case invalidTreeSize
            case wrongProofLength
            case rootMismatch
            case leafSourceFailure
            case malformedCompactRange
            case malformedCheckpoint
            case malformedNote
            case malformedKey
            case invalidKeyName
            case invalidSignature
            case noVerifiableSignatures
            case malformedProof
            case originMismatch
            case signingFailed
        }

        private let backing: Backing

        private init(_ backing: Backing) { self.backing = backing }

        /// A hash was not exactly 32 bytes (SHA-256).
        public static let invalidHashLength = Self(.invalidHashLength)
        /// A leaf index is not below the tree size it is claimed to be in.
        public static let leafIndexOutOfRange = Self(.leafIndexOutOfRange)
        /// Tree sizes that cannot describe the request (e.g. a consistency proof from 0, or backwards).
        public static let invalidTreeSize = Self(.invalidTreeSize)
        /// A proof has more or fewer hashes than its index and sizes imply.
        public static let wrongProofLength = Self(.wrongProofLength)
        /// A proof, or a set of leaves, leads to a different root than the one claimed.
        public static let rootMismatch = Self(.rootMismatch)
        /// The caller's leaf hash source failed or returned the wrong number of hashes.
        public static let leafSourceFailure = Self(.leafSourceFailure)
        /// A stored compact range does not have the shape its size requires.
        public static let malformedCompactRange = Self(.malformedCompactRange)
        /// A checkpoint body does not follow c2sp.org/tlog-checkpoint.
        public static let malformedCheckpoint = Self(.malformedCheckpoint)
        /// A signed note does not follow c2sp.org/signed-note.
        public static let malformedNote = Self(.malformedNote)
        /// A verifier or signer key string is malformed, of an unsupported type, or inconsistent.
        public static let malformedKey = Self(.malformedKey)
        /// A key name is empty or contains a space or a plus sign.
        public static let invalidKeyName = Self(.invalidKeyName)
        /// A signature by a known key does not verify.
        public static let invalidSignature = Self(.invalidSignature)
        /// No signature from a known key is present.
        public static let noVerifiableSignatures = Self(.noVerifiableSignatures)
        /// A proof file does not follow c2sp.org/tlog-proof.
        public static let malformedProof = Self(.malformedProof)
        /// A checkpoint is from a different log than expected.
        public static let originMismatch = Self(.originMismatch)
        /// The signing key failed to sign.
        public static let signingFailed = Self(.signingFailed)

        public var description: String { backing.rawValue }
    }

    /// What kind of failure; the only part compared by `==`.
    public let code: Code
    /// A sentence a person can act on.
    public let reason: String
    /// Where the error was raised, for bug reports.
    public let fileID: String
    public let line: UInt

    public init(_ code: Code, _ reason: String, fileID: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.fileID = fileID
        self.line = line
    }

    public static func == (lhs: AuditError, rhs: AuditError) -> Bool { lhs.code == rhs.code }

    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public var description: String { "AuditError.\(code): \(reason)" }
}
