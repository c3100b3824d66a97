/// An append-only RFC 6962 tree kept as its compact range: one hash per perfect subtree on the
/// left edge, i.e. one per set bit of the size.
///
/// The log appends leaves as messages arrive and may issue a checkpoint at any moment; this gives
/// the current root in O(log n) time and memory without re-reading the leaves. The state
/// (`size`, `hashes`) is small enough to persist next to each checkpoint.
public struct MerkleAccumulator: Hashable, Sendable {
    /// Number of leaves appended so far.
    public private(set) var size: UInt64
    /// Roots of the perfect subtrees covering `0..<size`, largest (leftmost) first.
    public private(set) var hashes: [MerkleDigest]

    /// An empty tree.
    public init() {
        size = 0
        hashes = []
    }

    /// Restores a persisted state; `hashes` must have one entry per set bit of `size`.
    public init(size: UInt64, hashes: [MerkleDigest]) throws {
        guard hashes.count == size.nonzeroBitCount else {
            throw AuditError(
                .malformedCompactRange,
                "a tree of \(size) leaves has \(size.nonzeroBitCount) perfect subtrees, not \(hashes.count)"
            )
        }
        self.size = size
        self.hashes = hashes
    }

    /// Appends a leaf hash (`MerkleHash.leaf(data)`), merging equal-sized subtrees as a binary
    /// counter carries.
    public mutating func append(leafHash: MerkleDigest) {
        var carried = leafHash
        var remaining = size
        while remaining & 1 == 1 {
            carried = MerkleHash.node(hashes.removeLast(), carried)
            remaining >>= 1
        }
        hashes.append(carried)
        size += 1
    }

    /// Hashes `data` as a leaf and appends it.
    public mutating func append<Bytes: Collection<UInt8>>(leafData data: Bytes) {
        append(leafHash: MerkleHash.leaf(data))
    }

    /// The RFC 6962 root of the leaves appended so far: the subtree roots folded from the right.
    public var root: MerkleDigest {
        guard var result = hashes.last else { return MerkleHash.emptyRoot }
        for hash in hashes.dropLast().reversed() {
            result = MerkleHash.node(hash, result)
        }
        return result
    }
}
