import AyatAudit
import Testing

/// Proof generation and verification against rfc6962-proofs.json.
@Suite("RFC 6962 proof vectors", .enabled(if: Vectors.merkleAvailable, "vectors folder absent: ../shared/vectors/merkle"))
struct MerkleProofVectorTests {
    let vectors: ProofVectors
    let tree: MerkleTree<[MerkleDigest]>

    init() throws {
        vectors = try Vectors.load(ProofVectors.self, "merkle/rfc6962-proofs.json")
        let leaves = try Vectors.load(TreeVectors.self, "merkle/rfc6962-tree.json").leaf_inputs
        tree = MerkleTree(leaves.map { MerkleHash.leaf(bytes(hex: $0)) })
    }

    @Test func inclusionProofsAreGeneratedExactlyAndVerify() throws {
        #expect(vectors.inclusion.count == 5)
        for vector in vectors.inclusion {
            #expect(vector.expected == "valid")
            let proof = try tree.inclusionProof(index: vector.leaf_index, size: vector.tree_size)
            #expect(proof.map(\.hex) == vector.proof, "leaf \(vector.leaf_index) of \(vector.tree_size)")
            #expect(MerkleHash.leaf(bytes(hex: vector.leaf_input)).hex == vector.leaf_hash)
            try MerkleProofVerifier.verifyInclusion(
                leafHash: MerkleDigest(testHex: vector.leaf_hash),
                index: vector.leaf_index,
                treeSize: vector.tree_size,
                proof: vector.proof.map { MerkleDigest(testHex: $0) },
                root: MerkleDigest(testHex: vector.root)
            )
        }
    }

    @Test func consistencyProofsAreGeneratedExactlyAndVerify() throws {
        #expect(vectors.consistency.count == 5)
        for vector in vectors.consistency {
            #expect(vector.expected == "valid")
            let proof = try tree.consistencyProof(from: vector.size1, to: vector.size2)
            #expect(proof.map(\.hex) == vector.proof, "\(vector.size1) → \(vector.size2)")
            try MerkleProofVerifier.verifyConsistency(
                oldSize: vector.size1,
                newSize: vector.size2,
                proof: vector.proof.map { MerkleDigest(testHex: $0) },
                oldRoot: MerkleDigest(testHex: vector.root1),
                newRoot: MerkleDigest(testHex: vector.root2)
            )
        }
    }
}
