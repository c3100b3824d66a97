import AyatAudit
import Foundation
import Testing

struct TLogProofTests {
    static let origin = "ayat.test/log"
    static let leaves = sampleLeaves(13)
    static let tree = MerkleTree(leaves.map { MerkleHash.leaf($0) })

    static func proof(index: UInt64, size: UInt64 = 13, extra: [UInt8]? = nil) throws -> TLogProof {
        let checkpoint = try Checkpoint(origin: origin, size: size, rootHash: tree.root(size: size))
        return TLogProof(
            index: index,
            inclusionProof: try tree.inclusionProof(index: index, size: size),
            checkpoint: try SignedCheckpoint(checkpoint: checkpoint, signers: [TestKeys.log]),
            extra: extra
        )
    }

    @Test func serializedLayoutFollowsTheSpec() throws {
        let proof = try Self.proof(index: 5, extra: Array("ctx".utf8))
        let text = proof.serialized
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "c2sp.org/tlog-proof@v1")
        #expect(lines[1] == "extra Y3R4")
        #expect(lines[2] == "index 5")
        #expect(Array(lines[3..<(3 + proof.inclusionProof.count)]) == proof.inclusionProof.map(\.base64))
        #expect(lines[3 + proof.inclusionProof.count] == "")
        #expect(text.hasSuffix("\n\n" + proof.checkpoint.serialized))
    }

    @Test func roundTripsAndVerifiesEveryLeaf() throws {
        for index in 0..<UInt64(13) {
            let proof = try Self.proof(index: index)
            let parsed = try TLogProof(parsing: proof.serialized)
            #expect(parsed == proof)
            #expect(parsed.extra == nil)
            let checkpoint = try parsed.verify(leafData: Self.leaves[Int(index)], verifiers: [TestKeys.log.verifier], origin: Self.origin)
            #expect(checkpoint.size == 13)
        }
    }

    @Test func singleLeafTreeHasNoProofLines() throws {
        let proof = try Self.proof(index: 0, size: 1)
        #expect(proof.serialized.hasPrefix("c2sp.org/tlog-proof@v1\nindex 0\n\n"))
        try TLogProof(parsing: proof.serialized).verify(leafData: Self.leaves[0], verifiers: [TestKeys.log.verifier])
    }

    @Test func wrongEntryWrongKeyWrongLogAreRefused() throws {
        let proof = try TLogProof(parsing: Self.proof(index: 4).serialized)
        expectAuditError(.rootMismatch) { try proof.verify(leafData: Self.leaves[5], verifiers: [TestKeys.log.verifier]) }
        expectAuditError(.noVerifiableSignatures) { try proof.verify(leafData: Self.leaves[4], verifiers: [TestKeys.other.verifier]) }
        expectAuditError(.originMismatch) {
            try proof.verify(leafData: Self.leaves[4], verifiers: [TestKeys.log.verifier], origin: "ayat.test/else")
        }
    }

    @Test func tamperedFilesAreRefused() throws {
        let text = try Self.proof(index: 4).serialized
        let proof = try TLogProof(parsing: text)
        let firstHash = proof.inclusionProof[0].base64
        let verify: (String) throws -> Void = { text in
            try TLogProof(parsing: text).verify(leafData: Self.leaves[4], verifiers: [TestKeys.log.verifier])
        }
        expectAuditError(.rootMismatch, "index changed") { try verify(text.replacingFirst("index 4\n", with: "index 6\n")) }
        expectAuditError(.rootMismatch, "proof hash changed") {
            try verify(text.replacingFirst(firstHash, with: proof.inclusionProof[1].base64))
        }
        expectAuditError(.wrongProofLength, "proof hash dropped") { try verify(text.replacingFirst(firstHash + "\n", with: "")) }
        expectAuditError(.invalidSignature, "checkpoint root rewritten") {
            try verify(text.replacingFirst(proof.checkpoint.checkpoint.rootHash.base64, with: MerkleHash.emptyRoot.base64))
        }
        expectAuditError(.leafIndexOutOfRange, "index beyond the tree") { try verify(text.replacingFirst("index 4\n", with: "index 13\n")) }
    }

    @Test(arguments: [
        ("wrong header", "tlog-proof@v1", "tlog-proof@v2"),
        ("leading zero index", "index 4", "index 04"),
        ("missing index", "index 4\n", ""),
        ("short hash", "index 4\n", "index 4\nAAAA\n"),
        ("non-base64 hash", "index 4\n", "index 4\n!!!!\n"),
        ("no blank line", "\n\n", "\n"),
        ("bad extra", "index 4\n", "extra ***\nindex 4\n"),
        ("CRLF", "index 4\n", "index 4\r\n"),
        ("checkpoint missing its signatures", "\n\n\u{2014}", "\n\u{2014}"),
    ])
    func malformedFilesAreRefused(_ label: String, _ target: String, _ replacement: String) throws {
        let text = try Self.proof(index: 4).serialized
        expectAuditError(.malformedProof, "\(label)") { try TLogProof(parsing: text.replacingFirst(target, with: replacement)) }
    }

    @Test func fileWithoutCheckpointIsRefused() throws {
        let text = try Self.proof(index: 4).serialized
        let head = String(text[..<text.range(of: "\n\n")!.upperBound])
        expectAuditError(.malformedProof) { try TLogProof(parsing: head) }
    }
}
