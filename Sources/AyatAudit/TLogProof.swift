/// A single entry's offline-verifiable proof file, c2sp.org/tlog-proof (`.tlog-proof`).
///
/// ```
/// c2sp.org/tlog-proof@v1
/// extra <base64>                    (optional, unauthenticated)
/// index <decimal, no leading zeros>
/// <base64 inclusion proof hash>     (zero or more, leaf's sibling first)
///
/// <signed checkpoint, verbatim>
/// ```
/// The entry itself is not in the file: the verifier hashes the record it holds (for Ayat, the
/// message's canonical leaf bytes) and the proof shows that hash sits at `index` under the root
/// the log signed. Parsing is strict (canonical base64, 32-byte hashes, no stray lines).
public struct TLogProof: Hashable, Sendable {
    public static let header = "c2sp.org/tlog-proof@v1"

    /// Opaque application data; not covered by any signature, so never trust it.
    public let extra: [UInt8]?
    /// Zero-based position of the entry in the log.
    public let index: UInt64
    /// PATH(index, D[0:checkpoint.size]), leaf's sibling first.
    public let inclusionProof: [MerkleDigest]
    public let checkpoint: SignedCheckpoint

    public init(index: UInt64, inclusionProof: [MerkleDigest], checkpoint: SignedCheckpoint, extra: [UInt8]? = nil) {
        self.extra = extra
        self.index = index
        self.inclusionProof = inclusionProof
        self.checkpoint = checkpoint
    }

    /// The file's text.
    public var serialized: String {
        var lines = [Self.header]
        if let extra { lines.append("extra \(Base64.encode(extra))") }
        lines.append("index \(index)")
        lines += inclusionProof.map(\.base64)
        return lines.map { $0 + "\n" }.joined() + "\n" + checkpoint.serialized
    }

    public init(parsing text: String) throws {
        try self.init(parsing: Array(text.utf8))
    }

    public init<Bytes: Collection<UInt8>>(parsing text: Bytes) throws {
        let bytes = Array(text)
        let lines = bytes.split(separator: NoteSyntax.newline, maxSplits: Int.max, omittingEmptySubsequences: false)
        var position = 0
        func nextLine() throws -> String {
            guard position < lines.count - 1 else {
                throw AuditError(.malformedProof, "proof ends before its checkpoint")
            }
            defer { position += 1 }
            guard NoteSyntax.isValidText(lines[position]) else {
                throw AuditError(.malformedProof, "line \(position + 1) is not UTF-8 text without control characters")
            }
            return NoteSyntax.string(lines[position])
        }

        guard try nextLine() == Self.header else {
            throw AuditError(.malformedProof, "first line must be \(Self.header)")
        }
        var line = try nextLine()
        var extra: [UInt8]?
        if line.hasPrefix("extra ") {
            guard let decoded = Base64.decode(line.dropFirst("extra ".count)) else {
                throw AuditError(.malformedProof, "extra data is not canonical base64")
            }
            extra = decoded
            line = try nextLine()
        }
        guard line.hasPrefix("index "), let index = Decimal.parse(line.dropFirst("index ".count)) else {
            throw AuditError(.malformedProof, "expected \"index N\" (decimal, no leading zeros), found \"\(line)\"")
        }
        var proof: [MerkleDigest] = []
        while true {
            line = try nextLine()
            if line.isEmpty { break }
            guard let bytes = Base64.decode(line) else {
                throw AuditError(.malformedProof, "inclusion proof line \(proof.count + 1) is not canonical base64")
            }
            guard let hash = MerkleDigest(bytes) else {
                throw AuditError(.malformedProof, "inclusion proof hash \(proof.count + 1) has \(bytes.count) bytes, not 32")
            }
            proof.append(hash)
        }
        // The checkpoint is everything after the blank line, verbatim.
        let consumed = lines[..<position].reduce(0) { $0 + $1.count + 1 }
        let checkpoint: SignedCheckpoint
        do {
            checkpoint = try SignedCheckpoint(parsing: bytes.dropFirst(consumed))
        } catch let error as AuditError {
            throw AuditError(.malformedProof, "embedded checkpoint: \(error.reason)")
        }
        self.init(index: index, inclusionProof: proof, checkpoint: checkpoint, extra: extra)
    }

    /// Verifies the proof for the entry whose leaf hash is `leafHash`: the checkpoint's signature
    /// (and origin, if given) first, since an unsigned checkpoint's root means nothing; then the
    /// inclusion of the leaf under that root. Returns the checkpoint it proved against.
    @discardableResult
    public func verify(leafHash: MerkleDigest, verifiers: [NoteVerifier], origin: String? = nil) throws -> Checkpoint {
        try checkpoint.verify(using: verifiers, origin: origin)
        let tree = checkpoint.checkpoint
        try MerkleProofVerifier.verifyInclusion(
            leafHash: leafHash,
            index: index,
            treeSize: tree.size,
            proof: inclusionProof,
            root: tree.rootHash
        )
        return tree
    }

    /// As `verify(leafHash:…)`, hashing the entry's leaf bytes first.
    @discardableResult
    public func verify<Bytes: Collection<UInt8>>(leafData: Bytes, verifiers: [NoteVerifier], origin: String? = nil) throws
        -> Checkpoint
    {
        try verify(leafHash: MerkleHash.leaf(leafData), verifiers: verifiers, origin: origin)
    }
}
