import AyatAudit
import Testing

/// Every proof the tree produces verifies, and any single flipped bit or off-by-one is refused.
struct MerkleProofPropertyTests {
    static let leafHashes: [MerkleDigest] = (0..<300).map { MerkleHash.leaf(Array("leaf \($0)".utf8)) }
    static let seeds: [UInt64] = [1, 2, 3, 4, 5, 6, 7, 8]

    @Test(arguments: seeds)
    func inclusionProofsVerifyAndResistTampering(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let tree = MerkleTree(Self.leafHashes)
        for _ in 0..<20 {
            let size = UInt64.random(in: 1...300, using: &random)
            let root = try tree.root(size: size)
            let index = UInt64.random(in: 0..<size, using: &random)
            let leaf = Self.leafHashes[Int(index)]
            let proof = try tree.inclusionProof(index: index, size: size)
            try MerkleProofVerifier.verifyInclusion(leafHash: leaf, index: index, treeSize: size, proof: proof, root: root)

            let bit = Int.random(in: 0..<256, using: &random)
            expectAuditError(.rootMismatch, "flipped leaf bit") {
                try MerkleProofVerifier.verifyInclusion(leafHash: leaf.flippingBit(bit), index: index, treeSize: size, proof: proof, root: root)
            }
            expectAuditError(.rootMismatch, "flipped root bit") {
                try MerkleProofVerifier.verifyInclusion(leafHash: leaf, index: index, treeSize: size, proof: proof, root: root.flippingBit(bit))
            }
            if !proof.isEmpty {
                var tampered = proof
                let position = Int.random(in: 0..<proof.count, using: &random)
                tampered[position] = tampered[position].flippingBit(bit)
                expectAuditError(.rootMismatch, "flipped proof bit") {
                    try MerkleProofVerifier.verifyInclusion(leafHash: leaf, index: index, treeSize: size, proof: tampered, root: root)
                }
                expectSomeAuditError("dropped last proof hash") {
                    try MerkleProofVerifier.verifyInclusion(leafHash: leaf, index: index, treeSize: size, proof: proof.dropLast(), root: root)
                }
            }
            expectSomeAuditError("extra proof hash") {
                try MerkleProofVerifier.verifyInclusion(leafHash: leaf, index: index, treeSize: size, proof: proof + [root], root: root)
            }
            if size > 1 {
                let otherIndex = (index + 1) % size
                expectSomeAuditError("wrong index") {
                    try MerkleProofVerifier.verifyInclusion(leafHash: leaf, index: otherIndex, treeSize: size, proof: proof, root: root)
                }
            }
            // A size is only meaningful with its own root (both come from one signed checkpoint):
            // the proof must not verify against any other size's true root.
            let otherSize = size ^ (1 << UInt64(Int.random(in: 0..<9, using: &random)))
            if otherSize > index, otherSize <= 300 {
                let otherRoot = try tree.root(size: otherSize)
                expectSomeAuditError("size \(size) flipped to \(otherSize)") {
                    try MerkleProofVerifier.verifyInclusion(leafHash: leaf, index: index, treeSize: otherSize, proof: proof, root: otherRoot)
                }
            }
        }
    }

    @Test(arguments: seeds)
    func consistencyProofsVerifyAndResistTampering(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let tree = MerkleTree(Self.leafHashes)
        for _ in 0..<20 {
            let newSize = UInt64.random(in: 1...300, using: &random)
            let oldSize = UInt64.random(in: 1...newSize, using: &random)
            let oldRoot = try tree.root(size: oldSize)
            let newRoot = try tree.root(size: newSize)
            let proof = try tree.consistencyProof(from: oldSize, to: newSize)
            try MerkleProofVerifier.verifyConsistency(oldSize: oldSize, newSize: newSize, proof: proof, oldRoot: oldRoot, newRoot: newRoot)

            let bit = Int.random(in: 0..<256, using: &random)
            expectAuditError(.rootMismatch, "flipped old root") {
                try MerkleProofVerifier.verifyConsistency(oldSize: oldSize, newSize: newSize, proof: proof, oldRoot: oldRoot.flippingBit(bit), newRoot: newRoot)
            }
            expectAuditError(.rootMismatch, "flipped new root") {
                try MerkleProofVerifier.verifyConsistency(oldSize: oldSize, newSize: newSize, proof: proof, oldRoot: oldRoot, newRoot: newRoot.flippingBit(bit))
            }
            if !proof.isEmpty {
                var tampered = proof
                let position = Int.random(in: 0..<proof.count, using: &random)
                tampered[position] = tampered[position].flippingBit(bit)
                expectAuditError(.rootMismatch, "flipped proof bit \(oldSize)→\(newSize) at \(position)") {
                    try MerkleProofVerifier.verifyConsistency(oldSize: oldSize, newSize: newSize, proof: tampered, oldRoot: oldRoot, newRoot: newRoot)
                }
            }
            expectAuditError(.wrongProofLength, "extra hash") {
                try MerkleProofVerifier.verifyConsistency(oldSize: oldSize, newSize: newSize, proof: proof + [newRoot], oldRoot: oldRoot, newRoot: newRoot)
            }
            let flip = UInt64(1) << UInt64(Int.random(in: 0..<9, using: &random))
            let otherNew = newSize ^ flip
            if otherNew >= oldSize, otherNew <= 300, otherNew != newSize {
                let otherRoot = try tree.root(size: otherNew)
                expectSomeAuditError("new size \(newSize) flipped to \(otherNew)") {
                    try MerkleProofVerifier.verifyConsistency(oldSize: oldSize, newSize: otherNew, proof: proof, oldRoot: oldRoot, newRoot: otherRoot)
                }
            }
            let otherOld = oldSize ^ flip
            if otherOld >= 1, otherOld <= newSize, otherOld != oldSize {
                let otherRoot = try tree.root(size: otherOld)
                expectSomeAuditError("old size \(oldSize) flipped to \(otherOld)") {
                    try MerkleProofVerifier.verifyConsistency(oldSize: otherOld, newSize: newSize, proof: proof, oldRoot: otherRoot, newRoot: newRoot)
                }
            }
        }
    }

    /// Exhaustive for small trees: every (index, size) and (old, new) pair up to 64 leaves.
    @Test func everyProofInSmallTreesVerifies() throws {
        let tree = MerkleTree(Array(Self.leafHashes.prefix(64)))
        let roots = try (0...64).map { try tree.root(size: UInt64($0)) }
        for size in UInt64(1)...64 {
            for index in 0..<size {
                let proof = try tree.inclusionProof(index: index, size: size)
                try MerkleProofVerifier.verifyInclusion(
                    leafHash: Self.leafHashes[Int(index)], index: index, treeSize: size, proof: proof, root: roots[Int(size)]
                )
            }
            for old in UInt64(1)...size {
                let proof = try tree.consistencyProof(from: old, to: size)
                try MerkleProofVerifier.verifyConsistency(
                    oldSize: old, newSize: size, proof: proof, oldRoot: roots[Int(old)], newRoot: roots[Int(size)]
                )
            }
        }
    }

    @Test func treeRefusesImpossibleRequests() {
        let tree = MerkleTree(Array(Self.leafHashes.prefix(10)))
        expectAuditError(.leafIndexOutOfRange) { try tree.inclusionProof(index: 10, size: 10) }
        expectAuditError(.invalidTreeSize) { try tree.consistencyProof(from: 0, to: 5) }
        expectAuditError(.invalidTreeSize) { try tree.consistencyProof(from: 6, to: 5) }
        expectAuditError(.leafSourceFailure) { try tree.root(size: 11) }
    }

    /// A source that hands out leaves in small chunks gives the same answers as an array.
    @Test func chunkedSourceGivesSameResults() throws {
        struct CountingSource: LeafHashSource {
            let hashes: [MerkleDigest]
            func leafHashes(_ range: Range<UInt64>) throws -> [MerkleDigest] {
                Array(hashes[Int(range.lowerBound)..<Int(range.upperBound)])
            }
        }
        let whole = MerkleTree(Self.leafHashes)
        let chunked = MerkleTree(CountingSource(hashes: Self.leafHashes), chunkSize: 7)
        #expect(try whole.root(size: 300) == chunked.root(size: 300))
        #expect(try whole.inclusionProof(index: 123, size: 299) == chunked.inclusionProof(index: 123, size: 299))
        #expect(try whole.consistencyProof(from: 77, to: 300) == chunked.consistencyProof(from: 77, to: 300))
    }
}
