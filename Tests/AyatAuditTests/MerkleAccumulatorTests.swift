import AyatAudit
import Testing

struct MerkleAccumulatorTests {
    @Test func rootEqualsTreeRootForEveryPrefix() throws {
        let leaves = (0..<600).map { MerkleHash.leaf(Array("message \($0)".utf8)) }
        let tree = MerkleTree(leaves)
        var accumulator = MerkleAccumulator()
        #expect(accumulator.root == MerkleHash.emptyRoot)
        for leaf in leaves {
            accumulator.append(leafHash: leaf)
            #expect(accumulator.root == (try tree.root(size: accumulator.size)), "size \(accumulator.size)")
            #expect(accumulator.hashes.count == accumulator.size.nonzeroBitCount)
        }
    }

    @Test func persistedStateResumes() throws {
        var accumulator = MerkleAccumulator()
        for index in 0..<37 { accumulator.append(leafData: Array("x\(index)".utf8)) }
        var restored = try MerkleAccumulator(size: accumulator.size, hashes: accumulator.hashes)
        accumulator.append(leafData: Array("next".utf8))
        restored.append(leafData: Array("next".utf8))
        #expect(restored == accumulator)
        #expect(restored.root == accumulator.root)
    }

    @Test func restoringWithWrongShapeFails() {
        let hash = MerkleHash.leaf([1])
        expectAuditError(.malformedCompactRange) { try MerkleAccumulator(size: 3, hashes: [hash]) }
        expectAuditError(.malformedCompactRange) { try MerkleAccumulator(size: 0, hashes: [hash]) }
    }

    @Test func leafAndNodeHashesAreDomainSeparated() {
        let a = MerkleHash.leaf([1])
        let b = MerkleHash.leaf([2])
        // A node is not the leaf hash of its children's concatenation.
        #expect(MerkleHash.node(a, b) != MerkleHash.leaf(a.bytes + b.bytes))
        #expect(MerkleHash.node(a, b) != MerkleHash.node(b, a))
    }
}
