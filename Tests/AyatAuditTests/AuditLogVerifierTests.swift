import AyatAudit
import Testing

/// Tamper tests: each kind of tampering is reported with the leaf and checkpoint it concerns,
/// and an untouched log verifies clean.
struct AuditLogVerifierTests {
    static let origin = "ayat.test/log"
    static let leaves = sampleLeaves(20)
    static let hashes = leaves.map { MerkleHash.leaf($0) }
    static let sizes: [UInt64] = [3, 8, 13, 20]

    static func checkpoint(size: UInt64, over leaves: [[UInt8]] = leaves, signer: NoteSigner = TestKeys.log) throws -> String {
        let tree = MerkleTree(leaves.map { MerkleHash.leaf($0) })
        let checkpoint = try Checkpoint(origin: origin, size: size, rootHash: tree.root(size: size))
        return try SignedCheckpoint(checkpoint: checkpoint, signers: [signer]).serialized
    }

    static func checkpoints() throws -> [String] { try sizes.map { try checkpoint(size: $0) } }

    static let verifier = AuditLogVerifier(verifiers: [TestKeys.log.verifier], origin: origin)

    @Test func untouchedLogVerifiesClean() throws {
        let report = Self.verifier.verify(leaves: Self.leaves, storedLeafHashes: Self.hashes, checkpoints: try Self.checkpoints())
        #expect(report.isClean, "\(report)")
        #expect(report.verifiedCheckpoints == [0, 1, 2, 3])
        #expect(report.leafCount == 20)
        #expect(report.rootHash == (try MerkleTree(Self.hashes).root(size: 20)))
    }

    @Test func emptyLogWithEmptyCheckpointVerifies() throws {
        let checkpoint = try SignedCheckpoint(
            checkpoint: Checkpoint(origin: Self.origin, size: 0, rootHash: MerkleHash.emptyRoot),
            signers: [TestKeys.log]
        )
        let report = Self.verifier.verify(leaves: [[UInt8]](), checkpoints: [checkpoint.serialized])
        #expect(report.isClean, "\(report)")
        #expect(report.verifiedCheckpoints == [0])
    }

    @Test func changedByteIsNamedByLeafAndCheckpoint() throws {
        var leaves = Self.leaves
        leaves[10][3] ^= 0x20
        let report = Self.verifier.verify(leaves: leaves, storedLeafHashes: Self.hashes, checkpoints: try Self.checkpoints())
        #expect(!report.isClean)
        let leafFindings = report.findings.filter { $0.kind == .leafHashMismatch }
        #expect(leafFindings.map(\.leafIndex) == [10])
        let rootFindings = report.findings.filter { $0.kind == .checkpointRootMismatch }
        #expect(rootFindings.map(\.checkpointIndex) == [2, 3], "checkpoints of size 13 and 20 cover leaf 10")
        #expect(rootFindings.first?.leafRange == 8..<13)
        #expect(rootFindings.first?.leafIndex == 10)
        #expect(report.verifiedCheckpoints == [0, 1])
    }

    @Test func changedByteWithoutStoredHashesIsLocatedToARange() throws {
        var leaves = Self.leaves
        leaves[10][3] ^= 0x20
        let report = Self.verifier.verify(leaves: leaves, checkpoints: try Self.checkpoints())
        let first = try #require(report.findings.first)
        #expect(first.kind == .checkpointRootMismatch)
        #expect(first.checkpointIndex == 2)
        #expect(first.leafRange == 8..<13)
        #expect(first.detail.contains("8..<13"))
    }

    @Test func deletedLeafIsReported() throws {
        var leaves = Self.leaves
        leaves.remove(at: 5)
        var stored = Self.hashes
        stored.remove(at: 5)
        let report = Self.verifier.verify(leaves: leaves, storedLeafHashes: stored, checkpoints: try Self.checkpoints())
        #expect(report.findings.contains { $0.kind == .checkpointBeyondLog && $0.checkpointIndex == 3 && $0.leafRange == 19..<20 })
        let mismatch = try #require(report.findings.first { $0.kind == .checkpointRootMismatch })
        #expect(mismatch.checkpointIndex == 1)
        #expect(mismatch.leafRange == 3..<8, "the deleted leaf 5 lies between checkpoints 0 and 1")
        #expect(report.verifiedCheckpoints == [0])
    }

    @Test func deletedLeafWithIntactStoredHashesNamesTheFirstShiftedLeaf() throws {
        var leaves = Self.leaves
        leaves.remove(at: 5)
        let report = Self.verifier.verify(leaves: leaves, storedLeafHashes: Self.hashes, checkpoints: try Self.checkpoints())
        #expect(report.findings.first?.kind == .leafHashMismatch)
        #expect(report.findings.first?.leafIndex == 5)
        #expect(report.findings.contains { $0.kind == .leafCountMismatch && $0.leafRange == 19..<20 })
    }

    @Test func swappedLeavesAreBothNamed() throws {
        var leaves = Self.leaves
        leaves.swapAt(4, 6)
        let report = Self.verifier.verify(leaves: leaves, storedLeafHashes: Self.hashes, checkpoints: try Self.checkpoints())
        #expect(report.findings.filter { $0.kind == .leafHashMismatch }.map(\.leafIndex) == [4, 6])
        #expect(report.findings.first { $0.kind == .checkpointRootMismatch }?.checkpointIndex == 1)
        // The same swap done to the stored hashes too is still caught by the checkpoints.
        var stored = Self.hashes
        stored.swapAt(4, 6)
        let rows = Self.verifier.verify(leaves: leaves, storedLeafHashes: stored, checkpoints: try Self.checkpoints())
        #expect(!rows.isClean)
        #expect(rows.findings.first?.kind == .checkpointRootMismatch)
        #expect(rows.findings.first?.leafRange == 3..<8)
    }

    @Test func rewrittenCheckpointRootFailsItsSignature() throws {
        var checkpoints = try Self.checkpoints()
        let signed = try SignedCheckpoint(parsing: checkpoints[2])
        checkpoints[2] = checkpoints[2].replacingFirst(
            signed.checkpoint.rootHash.base64,
            with: MerkleHash.leaf(Array("forged".utf8)).base64
        )
        let report = Self.verifier.verify(leaves: Self.leaves, storedLeafHashes: Self.hashes, checkpoints: checkpoints)
        #expect(report.findings.count == 1, "\(report)")
        #expect(report.findings.first?.kind == .checkpointSignatureInvalid)
        #expect(report.findings.first?.checkpointIndex == 2)
        #expect(report.findings.first?.detail.contains("invalid signature") == true)
        #expect(report.verifiedCheckpoints == [0, 1, 3])
    }

    @Test func checkpointSignedByUnknownKeyIsReported() throws {
        var checkpoints = try Self.checkpoints()
        checkpoints[1] = try Self.checkpoint(size: 8, signer: TestKeys.other)
        let report = Self.verifier.verify(leaves: Self.leaves, checkpoints: checkpoints)
        #expect(report.findings.count == 1, "\(report)")
        #expect(report.findings.first?.kind == .checkpointSignatureInvalid)
        #expect(report.findings.first?.checkpointIndex == 1)
        #expect(report.findings.first?.detail.contains("no verifiable signatures") == true)
    }

    @Test func forkAtTheSameSizeIsReportedAsInconsistent() throws {
        var forked = Self.leaves
        forked[2] = Array("rewritten history".utf8)
        var checkpoints = try Self.checkpoints()
        checkpoints.insert(try Self.checkpoint(size: 8, over: forked), at: 2)
        let report = Self.verifier.verify(leaves: Self.leaves, checkpoints: checkpoints)
        let inconsistent = try #require(report.findings.first { $0.kind == .checkpointsInconsistent })
        #expect(inconsistent.checkpointIndex == 1)
        #expect(inconsistent.otherCheckpointIndex == 2)
        let mismatch = report.findings.filter { $0.kind == .checkpointRootMismatch }
        #expect(mismatch.map(\.checkpointIndex) == [2])
        // Leaves 0..<3 still match checkpoint 0, so the verifier can only bound the divergence
        // (leaf 2 was rewritten in the fork, which checkpoint 2 cannot extend from checkpoint 0).
        #expect(mismatch.first?.leafRange == 3..<8)
        #expect(mismatch.first?.detail.contains("does not extend checkpoint 0") == true)
    }

    @Test func forkAtALargerSizeIsReportedAgainstTheLastMatchingCheckpoint() throws {
        var forked = Self.leaves
        forked[9] = Array("other branch".utf8)
        let checkpoints = [try Self.checkpoint(size: 8), try Self.checkpoint(size: 13, over: forked)]
        let report = Self.verifier.verify(leaves: Self.leaves, checkpoints: checkpoints)
        #expect(report.findings.count == 1, "\(report)")
        let mismatch = try #require(report.findings.first)
        #expect(mismatch.kind == .checkpointRootMismatch)
        #expect(mismatch.checkpointIndex == 1)
        #expect(mismatch.leafRange == 8..<13)
        #expect(mismatch.detail.contains("does not extend checkpoint 0"))
    }

    @Test func shrinkingCheckpointsAreInconsistent() throws {
        let checkpoints = [try Self.checkpoint(size: 13), try Self.checkpoint(size: 8)]
        let report = Self.verifier.verify(leaves: Self.leaves, checkpoints: checkpoints)
        #expect(report.findings.map(\.kind) == [.checkpointsInconsistent])
        #expect(report.findings.first?.detail.contains("shrank") == true)
    }

    @Test func checkpointFromAnotherLogOrUnparsableIsReported() throws {
        let foreign = try SignedCheckpoint(
            checkpoint: Checkpoint(origin: "ayat.test/else", size: 3, rootHash: MerkleTree(Self.hashes).root(size: 3)),
            signers: [TestKeys.log]
        ).serialized
        let report = Self.verifier.verify(leaves: Self.leaves, checkpoints: [foreign, "garbage"])
        #expect(report.findings.map(\.kind) == [.checkpointOriginMismatch, .checkpointMalformed])
        #expect(report.findings.map(\.checkpointIndex) == [0, 1])
    }

    @Test func leafFindingsAreCapped() throws {
        let shifted = Array(Self.leaves.dropFirst())
        let verifier = AuditLogVerifier(verifiers: [TestKeys.log.verifier], maximumLeafFindings: 5)
        let report = verifier.verify(leaves: shifted, storedLeafHashes: Self.hashes, checkpoints: [])
        #expect(report.findings.filter { $0.kind == .leafHashMismatch }.count == 5)
        #expect(report.findings.contains { $0.kind == .findingsTruncated && $0.detail.hasPrefix("14 more") })
    }
}
