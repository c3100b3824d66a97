/// Checks RFC 9162 §2.1.3.2 inclusion and §2.1.4.2 consistency proofs.
///
/// Proof lengths are checked before any hashing: a proof of the wrong length is refused as such,
/// so a report can say "proof has 4 hashes, expected 3" rather than only "root mismatch", and
/// trailing or preceding garbage can never slip through.
public enum MerkleProofVerifier {
    /// Throws unless `proof` shows the leaf with hash `leafHash` at `index` in the tree of
    /// `treeSize` leaves whose root is `root`.
    ///
    /// `treeSize` and `root` must come together from one signed checkpoint: a root does not encode
    /// its size, so a proof can also fit another size with the same path shape.
    public static func verifyInclusion(
        leafHash: MerkleDigest,
        index: UInt64,
        treeSize: UInt64,
        proof: [MerkleDigest],
        root: MerkleDigest
    ) throws {
        let computed = try rootFromInclusionProof(leafHash: leafHash, index: index, treeSize: treeSize, proof: proof)
        guard computed == root else {
            throw AuditError(
                .rootMismatch,
                "inclusion proof for leaf \(index) of \(treeSize) leads to root \(computed.hex), not \(root.hex)"
            )
        }
    }

    /// The root an inclusion proof implies; what `verifyInclusion` compares.
    public static func rootFromInclusionProof(
        leafHash: MerkleDigest,
        index: UInt64,
        treeSize: UInt64,
        proof: [MerkleDigest]
    ) throws -> MerkleDigest {
        guard index < treeSize else {
            throw AuditError(.leafIndexOutOfRange, "leaf index \(index) is not below the tree size \(treeSize)")
        }
        let (inner, border) = inclusionShape(index: index, treeSize: treeSize)
        guard proof.count == inner + border else {
            throw AuditError(
                .wrongProofLength,
                "inclusion proof for leaf \(index) of \(treeSize) has \(proof.count) hashes, expected \(inner + border)"
            )
        }
        var hash = leafHash
        for level in 0..<inner {
            hash = (index >> UInt64(level)) & 1 == 0 ? MerkleHash.node(hash, proof[level]) : MerkleHash.node(proof[level], hash)
        }
        for sibling in proof[inner...] {
            hash = MerkleHash.node(sibling, hash)
        }
        return hash
    }

    /// Throws unless `proof` shows the tree of `newSize` leaves with `newRoot` extends the tree of
    /// `oldSize` leaves with `oldRoot` (append-only, nothing rewritten).
    ///
    /// An old size of 0 is refused even with an empty proof: every tree extends the empty one, so
    /// such a "proof" proves nothing, and accepting it hides a caller's mistake.
    public static func verifyConsistency(
        oldSize: UInt64,
        newSize: UInt64,
        proof: [MerkleDigest],
        oldRoot: MerkleDigest,
        newRoot: MerkleDigest
    ) throws {
        guard oldSize > 0 else {
            throw AuditError(.invalidTreeSize, "a consistency proof from the empty tree proves nothing")
        }
        guard oldSize <= newSize else {
            throw AuditError(.invalidTreeSize, "the new tree size \(newSize) is smaller than the old size \(oldSize)")
        }
        if oldSize == newSize {
            guard proof.isEmpty else {
                throw AuditError(.wrongProofLength, "equal tree sizes need an empty proof, got \(proof.count) hashes")
            }
            guard oldRoot == newRoot else {
                throw AuditError(.rootMismatch, "two different roots for the same tree size \(oldSize)")
            }
            return
        }

        // Skip the levels where the old tree's last leaf is a right child: those nodes are inside a
        // complete subtree of the old tree and appear in neither tree's path.
        let shift = UInt64(oldSize.trailingZeroBitCount)
        let oldIsPerfect = oldSize == 1 << shift
        let index = (oldSize - 1) >> shift
        let size = ((newSize - 1) >> shift) + 1
        let (inner, border) = inclusionShape(index: index, treeSize: size)
        let expected = (oldIsPerfect ? 0 : 1) + inner + border
        guard proof.count == expected else {
            throw AuditError(
                .wrongProofLength,
                "consistency proof \(oldSize) → \(newSize) has \(proof.count) hashes, expected \(expected)"
            )
        }

        // The seed is the old tree's largest right-edge subtree: the old root itself when the old
        // tree is perfect, otherwise the proof's first hash.
        let path = oldIsPerfect ? proof[...] : proof[1...]
        let seed = oldIsPerfect ? oldRoot : proof[0]
        var oldHash = seed
        var newHash = seed
        var position = path.startIndex
        for level in 0..<inner {
            let sibling = path[position]
            position += 1
            if (index >> UInt64(level)) & 1 == 1 {
                oldHash = MerkleHash.node(sibling, oldHash)
                newHash = MerkleHash.node(sibling, newHash)
            } else {
                newHash = MerkleHash.node(newHash, sibling)
            }
        }
        for sibling in path[position...] {
            oldHash = MerkleHash.node(sibling, oldHash)
            newHash = MerkleHash.node(sibling, newHash)
        }
        guard oldHash == oldRoot else {
            throw AuditError(
                .rootMismatch,
                "consistency proof \(oldSize) → \(newSize) does not lead to the old root \(oldRoot.hex)"
            )
        }
        guard newHash == newRoot else {
            throw AuditError(
                .rootMismatch,
                "consistency proof \(oldSize) → \(newSize) does not lead to the new root \(newRoot.hex)"
            )
        }
    }

    /// The expected proof length split in two: `inner` levels below the point where the leaf's path
    /// leaves the tree's right edge, then `border` left siblings along that edge.
    static func inclusionShape(index: UInt64, treeSize: UInt64) -> (inner: Int, border: Int) {
        let inner = 64 - (index ^ (treeSize - 1)).leadingZeroBitCount
        let border = (inner >= 64 ? 0 : index >> UInt64(inner)).nonzeroBitCount
        return (inner, border)
    }
}

extension MerkleProofVerifier {
    /// Byte-level entry point for proofs read from untrusted input: every hash must be 32 bytes.
    public static func verifyInclusion(
        leafHash: [UInt8],
        index: UInt64,
        treeSize: UInt64,
        proof: [[UInt8]],
        root: [UInt8]
    ) throws {
        try verifyInclusion(
            leafHash: digest(leafHash, "leaf hash"),
            index: index,
            treeSize: treeSize,
            proof: proof.enumerated().map { try digest($0.element, "proof hash \($0.offset)") },
            root: digest(root, "root")
        )
    }

    /// Byte-level entry point for proofs read from untrusted input: every hash must be 32 bytes,
    /// except that for equal sizes only byte equality of the two roots is asked (as in
    /// transparency-dev/merkle: the claim "same tree" needs no hashing, so no length rule).
    public static func verifyConsistency(
        oldSize: UInt64,
        newSize: UInt64,
        proof: [[UInt8]],
        oldRoot: [UInt8],
        newRoot: [UInt8]
    ) throws {
        if oldSize == newSize, oldSize > 0 {
            guard proof.isEmpty else {
                throw AuditError(.wrongProofLength, "equal tree sizes need an empty proof, got \(proof.count) hashes")
            }
            guard oldRoot == newRoot else {
                throw AuditError(.rootMismatch, "two different roots for the same tree size \(oldSize)")
            }
            return
        }
        try verifyConsistency(
            oldSize: oldSize,
            newSize: newSize,
            proof: proof.enumerated().map { try digest($0.element, "proof hash \($0.offset)") },
            oldRoot: digest(oldRoot, "old root"),
            newRoot: digest(newRoot, "new root")
        )
    }

    private static func digest(_ bytes: [UInt8], _ role: String) throws -> MerkleDigest {
        guard let digest = MerkleDigest(bytes) else {
            throw AuditError(.invalidHashLength, "\(role) has \(bytes.count) bytes, a SHA-256 hash has 32")
        }
        return digest
    }
}
