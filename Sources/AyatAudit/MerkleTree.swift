/// RFC 6962 / RFC 9162 §2.1 tree computations over leaf hashes the caller keeps.
///
/// Every computation reads only the leaves it needs, in chunks of `chunkSize`, and folds them
/// through a `MerkleAccumulator`; memory stays O(chunk + log n) whatever the tree size, and a
/// proof costs one pass over at most `size` leaves.
public struct MerkleTree<Source: LeafHashSource> {
    public let source: Source
    /// How many leaf hashes to request from `source` at once.
    public let chunkSize: UInt64

    public init(_ source: Source, chunkSize: UInt64 = 65_536) {
        self.source = source
        self.chunkSize = max(1, chunkSize)
    }

    /// MTH(D[0:size]): the root a checkpoint of this size must carry.
    public func root(size: UInt64) throws -> MerkleDigest {
        try subtreeRoot(0..<size)
    }

    /// PATH(index, D[0:size]) (RFC 9162 §2.1.3.1): sibling hashes from the leaf's level up to the
    /// root's children.
    public func inclusionProof(index: UInt64, size: UInt64) throws -> [MerkleDigest] {
        guard index < size else {
            throw AuditError(.leafIndexOutOfRange, "leaf index \(index) is not below the tree size \(size)")
        }
        var proof: [MerkleDigest] = []
        try appendPath(index: index, range: 0..<size, to: &proof)
        return proof
    }

    /// PROOF(oldSize, D[0:newSize]) (RFC 9162 §2.1.4.1): what a verifier holding the old root needs
    /// to accept the new one as an extension of it.
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64) throws -> [MerkleDigest] {
        guard oldSize <= newSize else {
            throw AuditError(.invalidTreeSize, "cannot prove size \(oldSize) consistent with the smaller size \(newSize)")
        }
        guard oldSize > 0 else {
            throw AuditError(.invalidTreeSize, "a consistency proof from the empty tree is meaningless")
        }
        var proof: [MerkleDigest] = []
        try appendSubproof(oldSize: oldSize, range: 0..<newSize, oldIsWholeSubtree: true, to: &proof)
        return proof
    }

    /// MTH of the leaves in `range`, read in chunks.
    public func subtreeRoot(_ range: Range<UInt64>) throws -> MerkleDigest {
        var accumulator = MerkleAccumulator()
        var start = range.lowerBound
        while start < range.upperBound {
            let end = start + min(chunkSize, range.upperBound - start)
            let chunk = try source.leafHashes(start..<end)
            guard UInt64(chunk.count) == end - start else {
                throw AuditError(
                    .leafSourceFailure,
                    "asked for \(end - start) leaf hashes at \(start), the source returned \(chunk.count)"
                )
            }
            for hash in chunk { accumulator.append(leafHash: hash) }
            start = end
        }
        return accumulator.root
    }

    private func appendPath(index: UInt64, range: Range<UInt64>, to proof: inout [MerkleDigest]) throws {
        let count = range.upperBound - range.lowerBound
        guard count > 1 else { return }
        let split = range.lowerBound + largestPowerOfTwo(below: count)
        if index < split {
            try appendPath(index: index, range: range.lowerBound..<split, to: &proof)
            proof.append(try subtreeRoot(split..<range.upperBound))
        } else {
            try appendPath(index: index, range: split..<range.upperBound, to: &proof)
            proof.append(try subtreeRoot(range.lowerBound..<split))
        }
    }

    /// SUBPROOF(m, D[range], b); `oldSize` is relative to `range.lowerBound`.
    private func appendSubproof(
        oldSize: UInt64,
        range: Range<UInt64>,
        oldIsWholeSubtree: Bool,
        to proof: inout [MerkleDigest]
    ) throws {
        let count = range.upperBound - range.lowerBound
        if oldSize == count {
            if !oldIsWholeSubtree { proof.append(try subtreeRoot(range)) }
            return
        }
        let half = largestPowerOfTwo(below: count)
        let split = range.lowerBound + half
        if oldSize <= half {
            try appendSubproof(oldSize: oldSize, range: range.lowerBound..<split, oldIsWholeSubtree: oldIsWholeSubtree, to: &proof)
            proof.append(try subtreeRoot(split..<range.upperBound))
        } else {
            try appendSubproof(oldSize: oldSize - half, range: split..<range.upperBound, oldIsWholeSubtree: false, to: &proof)
            proof.append(try subtreeRoot(range.lowerBound..<split))
        }
    }
}

extension MerkleTree: Sendable where Source: Sendable {}

/// The largest power of two strictly less than `n` (n ≥ 2): where RFC 6962 splits a tree.
func largestPowerOfTwo(below n: UInt64) -> UInt64 {
    precondition(n >= 2)
    return 1 << (63 - (n - 1).leadingZeroBitCount)
}
