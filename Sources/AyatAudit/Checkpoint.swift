/// A c2sp.org/tlog-checkpoint body: what the log commits to at a tree size.
///
/// ```
/// <origin>
/// <tree size, decimal, no leading zeros>
/// <root hash, base64>
/// [extension lines]
/// ```
/// Every line ends with a newline. Parsing refuses every other spelling (leading zeros, signs,
/// non-canonical base64, a root that is not 32 bytes, empty lines, a missing final newline) so a
/// signed checkpoint has exactly one meaning.
public struct Checkpoint: Hashable, Sendable {
    /// The log's identity; should be a schema-less URL and match the log's key name.
    public let origin: String
    /// Number of leaves in the tree.
    public let size: UInt64
    /// RFC 6962 root of the first `size` leaves.
    public let rootHash: MerkleDigest
    /// Opaque, non-empty lines after the root; not recommended by the spec, kept if present.
    public let extensionLines: [String]

    public init(origin: String, size: UInt64, rootHash: MerkleDigest, extensionLines: [String] = []) throws {
        guard Self.isValidLine(origin) else {
            throw AuditError(.malformedCheckpoint, "origin must be a non-empty line without control characters")
        }
        for line in extensionLines where !Self.isValidLine(line) {
            throw AuditError(.malformedCheckpoint, "extension lines must be non-empty and free of control characters")
        }
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
        self.extensionLines = extensionLines
    }

    /// The note text to sign: each line followed by a newline.
    public var body: String {
        ([origin, String(size), rootHash.base64] + extensionLines).map { $0 + "\n" }.joined()
    }

    public init(parsing body: String) throws {
        try self.init(parsing: Array(body.utf8))
    }

    public init<Bytes: Collection<UInt8>>(parsing text: Bytes) throws {
        let body = ArraySlice(text)
        guard NoteSyntax.isValidText(body) else {
            throw AuditError(.malformedCheckpoint, "checkpoint is not UTF-8 text without control characters")
        }
        guard let lines = NoteSyntax.lines(body) else {
            throw AuditError(.malformedCheckpoint, "checkpoint does not end with a newline")
        }
        guard lines.count >= 3 else {
            throw AuditError(.malformedCheckpoint, "checkpoint needs origin, size and root hash lines, found \(lines.count) lines")
        }
        guard !lines.contains(where: \.isEmpty) else {
            throw AuditError(.malformedCheckpoint, "checkpoint lines must not be empty")
        }
        let sizeLine = NoteSyntax.string(lines[1])
        guard let size = Decimal.parse(sizeLine) else {
            throw AuditError(.malformedCheckpoint, "tree size \"\(sizeLine)\" is not a decimal without leading zeros")
        }
        let rootLine = NoteSyntax.string(lines[2])
        guard let rootBytes = Base64.decode(rootLine) else {
            throw AuditError(.malformedCheckpoint, "root hash \"\(rootLine)\" is not canonical base64")
        }
        guard let root = MerkleDigest(rootBytes) else {
            throw AuditError(.malformedCheckpoint, "root hash has \(rootBytes.count) bytes, not 32")
        }
        try self.init(
            origin: NoteSyntax.string(lines[0]),
            size: size,
            rootHash: root,
            extensionLines: lines.dropFirst(3).map { NoteSyntax.string($0) }
        )
    }

    private static func isValidLine(_ line: String) -> Bool {
        !line.isEmpty && !line.utf8.contains { $0 < 0x20 }
    }
}
