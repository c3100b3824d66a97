import AyatAudit
import Testing

/// RFC 6962 hashing and tree roots against ../shared/vectors/merkle/rfc6962-tree.json.
@Suite("RFC 6962 tree vectors", .enabled(if: Vectors.merkleAvailable, "vectors folder absent: ../shared/vectors/merkle"))
struct MerkleHashVectorTests {
    let vectors: TreeVectors
    let leafHashes: [MerkleDigest]

    init() throws {
        vectors = try Vectors.load(TreeVectors.self, "merkle/rfc6962-tree.json")
        leafHashes = vectors.leaf_inputs.map { MerkleHash.leaf(bytes(hex: $0)) }
    }

    @Test func leafHashesMatchPublishedValues() {
        #expect(leafHashes.count == 8)
        #expect(leafHashes.map(\.hex) == vectors.leaf_hashes)
    }

    @Test func everyCompleteSubtreeHashMatches() {
        var level = leafHashes
        for expected in vectors.node_hashes_by_level.levels {
            #expect(level.map(\.hex) == expected)
            level = stride(from: 0, to: level.count - 1, by: 2).map { MerkleHash.node(level[$0], level[$0 + 1]) }
        }
    }

    @Test func rootOfEveryPrefixMatches() throws {
        let tree = MerkleTree(leafHashes)
        #expect(vectors.root_hashes_by_tree_size.count == 9)
        for (size, root) in vectors.root_hashes_by_tree_size {
            #expect(try tree.root(size: UInt64(size)!).hex == root, "size \(size)")
        }
    }

    @Test func accumulatorRootOfEveryPrefixMatches() {
        var accumulator = MerkleAccumulator()
        #expect(accumulator.root.hex == vectors.root_hashes_by_tree_size["0"])
        for input in vectors.leaf_inputs {
            accumulator.append(leafData: bytes(hex: input))
            #expect(accumulator.root.hex == vectors.root_hashes_by_tree_size[String(accumulator.size)])
        }
    }

    @Test func emptyTreeRootIsHashOfEmptyString() {
        #expect(MerkleHash.emptyRoot.hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(MerkleHash.emptyRoot.hex == vectors.root_hashes_by_tree_size["0"])
    }
}
