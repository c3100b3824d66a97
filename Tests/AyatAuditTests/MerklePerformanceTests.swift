import AyatAudit
import Foundation
import Testing

/// A million-leaf log: roots, proofs and the accumulator agree, in bounded time and memory.
///
/// Debug builds (what `swift test` runs) use 100,000 leaves so the suite stays quick; release
/// builds (`swift test -c release`) use the full million and hold it to a time budget.
/// `AYAT_AUDIT_PERF_LEAVES` overrides the size.
struct MerklePerformanceTests {
    static let leafCount: UInt64 = {
        if let text = ProcessInfo.processInfo.environment["AYAT_AUDIT_PERF_LEAVES"], let value = UInt64(text) {
            return value
        }
        #if DEBUG
        return 100_000
        #else
        return 1_000_000
        #endif
    }()

    /// Hands out leaf hashes on demand, as the store would from disk, counting what is read.
    final class CountingSource: LeafHashSource, @unchecked Sendable {
        let hashes: [MerkleDigest]
        private(set) var leavesRead: UInt64 = 0
        init(_ hashes: [MerkleDigest]) { self.hashes = hashes }
        func leafHashes(_ range: Range<UInt64>) throws -> [MerkleDigest] {
            leavesRead += UInt64(range.count)
            return Array(hashes[Int(range.lowerBound)..<Int(range.upperBound)])
        }
    }

    @Test func largeTreeAgreesWithAccumulatorAndProofsVerify() throws {
        let size = Self.leafCount
        let clock = ContinuousClock()

        // Leaf hashing and appending: what the log does as messages arrive.
        var leafHashes: [MerkleDigest] = []
        leafHashes.reserveCapacity(Int(size))
        var accumulator = MerkleAccumulator()
        var data = [UInt8](repeating: 0x41, count: 200)
        let appended = clock.measure {
            for index in 0..<size {
                withUnsafeBytes(of: index.littleEndian) { data.replaceSubrange(0..<8, with: $0) }
                let hash = MerkleHash.leaf(data)
                leafHashes.append(hash)
                accumulator.append(leafHash: hash)
            }
        }
        #expect(accumulator.size == size)
        #expect(accumulator.hashes.count == size.nonzeroBitCount, "O(log n) state")

        // Recomputing from the store: the root, and the proofs an auditor asks for.
        let source = CountingSource(leafHashes)
        let tree = MerkleTree(source)
        var root = MerkleHash.emptyRoot
        let recomputed = try clock.measure { root = try tree.root(size: size) }
        #expect(root == accumulator.root)

        let index = size * 3 / 4 + 1
        let proof = try tree.inclusionProof(index: index, size: size)
        try MerkleProofVerifier.verifyInclusion(leafHash: leafHashes[Int(index)], index: index, treeSize: size, proof: proof, root: root)
        let oldSize = size - 1
        let consistency = try tree.consistencyProof(from: oldSize, to: size)
        try MerkleProofVerifier.verifyConsistency(
            oldSize: oldSize, newSize: size, proof: consistency, oldRoot: try tree.root(size: oldSize), newRoot: root
        )
        // Root, inclusion proof, old root and consistency proof: each reads every leaf about once.
        #expect(source.leavesRead <= 4 * size)
        print("\(size) leaves: hashed + appended in \(appended), root recomputed in \(recomputed)")
    }
}
