/// One thing wrong with a log, located as precisely as the evidence allows.
public struct AuditFinding: Hashable, Sendable, CustomStringConvertible {
    /// What is wrong. A growable set: compare with `==`, do not switch exhaustively.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Backing: String, Hashable, Sendable {
            case leafHashMismatch
            case leafCountMismatch
            case checkpointMalformed
            case checkpointSignatureInvalid
            case checkpointOriginMismatch
            case checkpointBeyondLog
            case checkpointRootMismatch
            case checkpointsInconsistent
            case findingsTruncated
        }

        private let backing: Backing
        private init(_ backing: Backing) { self.backing = backing }

        /// A leaf's bytes no longer hash to the leaf hash stored when it was appended.
        public static let leafHashMismatch = Self(.leafHashMismatch)
        /// There are not as many stored leaf hashes as leaves (a leaf, or a hash, was added or removed).
        public static let leafCountMismatch = Self(.leafCountMismatch)
        /// A checkpoint could not be parsed as a signed checkpoint note.
        public static let checkpointMalformed = Self(.checkpointMalformed)
        /// A checkpoint's signature is invalid, or it carries none by a trusted key.
        public static let checkpointSignatureInvalid = Self(.checkpointSignatureInvalid)
        /// A checkpoint names another log.
        public static let checkpointOriginMismatch = Self(.checkpointOriginMismatch)
        /// A checkpoint covers more leaves than the log holds: leaves were removed.
        public static let checkpointBeyondLog = Self(.checkpointBeyondLog)
        /// The leaves do not hash to a checkpoint's root: some leaf in `leafRange` changed.
        public static let checkpointRootMismatch = Self(.checkpointRootMismatch)
        /// Two checkpoints that cannot both be honest views of one append-only log.
        public static let checkpointsInconsistent = Self(.checkpointsInconsistent)
        /// More leaf findings than the verifier's limit; the rest were not listed.
        public static let findingsTruncated = Self(.findingsTruncated)

        public var description: String { backing.rawValue }
    }

    public let kind: Kind
    /// The leaf concerned, when one leaf can be named.
    public let leafIndex: UInt64?
    /// Where a change must lie, when it cannot be narrowed to one leaf.
    public let leafRange: Range<UInt64>?
    /// Position in the checkpoint list given to the verifier.
    public let checkpointIndex: Int?
    /// The other checkpoint of an inconsistent pair.
    public let otherCheckpointIndex: Int?
    /// A sentence for the report.
    public let detail: String

    public init(
        kind: Kind,
        leafIndex: UInt64? = nil,
        leafRange: Range<UInt64>? = nil,
        checkpointIndex: Int? = nil,
        otherCheckpointIndex: Int? = nil,
        detail: String
    ) {
        self.kind = kind
        self.leafIndex = leafIndex
        self.leafRange = leafRange
        self.checkpointIndex = checkpointIndex
        self.otherCheckpointIndex = otherCheckpointIndex
        self.detail = detail
    }

    public var description: String { "\(kind): \(detail)" }
}
