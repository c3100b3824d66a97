import AyatAudit
import Foundation
import Testing

/// What our Swift code writes is checked by an independent Python implementation.
@Suite(
    "Independent check with Python cryptography",
    .enabled(if: PythonChecker.shouldRun, "python3 with the cryptography package not found; skipped (a failure when CI=true)")
)
struct PythonInteropTests {
    static let leaves = sampleLeaves(37, tag: "python")

    /// Writes leaves/NNNNNN.bin, checkpoint, log.vkey and entry.tlog-proof into a fresh directory.
    static func writeExport(proofIndex: UInt64) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ayat-audit-py-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("leaves"), withIntermediateDirectories: true)
        var accumulator = MerkleAccumulator()
        for (index, leaf) in leaves.enumerated() {
            try Data(leaf).write(to: directory.appendingPathComponent("leaves/\(String(format: "%06d", index)).bin"))
            accumulator.append(leafData: leaf)
        }
        let checkpoint = try SignedCheckpoint(
            checkpoint: Checkpoint(origin: "ayat.test/log", size: accumulator.size, rootHash: accumulator.root),
            signers: [TestKeys.log, TestKeys.other]
        )
        try Data(checkpoint.serialized.utf8).write(to: directory.appendingPathComponent("checkpoint"))
        try Data((TestKeys.log.verifier.verifierKey + "\n").utf8).write(to: directory.appendingPathComponent("log.vkey"))
        let tree = MerkleTree(leaves.map { MerkleHash.leaf($0) })
        let proof = TLogProof(
            index: proofIndex,
            inclusionProof: try tree.inclusionProof(index: proofIndex, size: accumulator.size),
            checkpoint: checkpoint,
            extra: Array("message 17".utf8)
        )
        try Data(proof.serialized.utf8).write(to: directory.appendingPathComponent("entry.tlog-proof"))
        return directory
    }

    @Test func pythonAcceptsOurRootSignatureAndProof() throws {
        try #require(PythonChecker.isAvailable, "CI=true but python3 with the cryptography package is missing")
        let directory = try Self.writeExport(proofIndex: 17)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try PythonChecker.check(directory)
        #expect(result.status == 0, "\(result.output)")
        let root = try MerkleTree(Self.leaves.map { MerkleHash.leaf($0) }).root(size: 37)
        #expect(result.output.contains("OK ayat.test/log 37 \(root.hex) index 17"), "\(result.output)")
    }

    /// The Python check can fail: a changed leaf file, a changed proof index or a forged signature.
    @Test func pythonRejectsTampering() throws {
        try #require(PythonChecker.isAvailable, "CI=true but python3 with the cryptography package is missing")
        let directory = try Self.writeExport(proofIndex: 17)
        defer { try? FileManager.default.removeItem(at: directory) }

        let leaf = directory.appendingPathComponent("leaves/000010.bin")
        let original = try Data(contentsOf: leaf)
        try Data(original + [0x20]).write(to: leaf)
        let changedLeaf = try PythonChecker.check(directory)
        #expect(changedLeaf.status != 0)
        #expect(changedLeaf.output.contains("root mismatch"), "\(changedLeaf.output)")
        try original.write(to: leaf)

        let proofURL = directory.appendingPathComponent("entry.tlog-proof")
        let proofText = try String(contentsOf: proofURL, encoding: .utf8)
        try Data(proofText.replacingFirst("index 17\n", with: "index 18\n").utf8).write(to: proofURL)
        let movedIndex = try PythonChecker.check(directory)
        #expect(movedIndex.status != 0)
        #expect(movedIndex.output.contains("inclusion proof"), "\(movedIndex.output)")
        try Data(proofText.utf8).write(to: proofURL)

        let checkpointURL = directory.appendingPathComponent("checkpoint")
        let checkpointText = try String(contentsOf: checkpointURL, encoding: .utf8)
        try Data(checkpointText.replacingFirst("\n37\n", with: "\n36\n").utf8).write(to: checkpointURL)
        let forged = try PythonChecker.check(directory)
        #expect(forged.status != 0)
        #expect(forged.output.contains("InvalidSignature"), "\(forged.output)")
    }
}
