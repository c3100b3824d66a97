import AyatAudit
import Testing

/// transparency-dev/merkle's verifier probes: every `wantErr` must be honoured.
@Suite("transparency-dev proof probes", .enabled(if: Vectors.merkleAvailable, "vectors folder absent: ../shared/vectors/merkle"))
struct MerkleProbeVectorTests {
    @Test func inclusionProbes() throws {
        let probes = try Vectors.load(InclusionProbes.self, "merkle/transparency-dev-inclusion-probes.json")
        #expect(probes.probes.count == 98)
        #expect(probes.probes.count == probes.count)
        var accepted = 0
        for entry in probes.probes {
            let probe = entry.probe
            let verify = {
                try MerkleProofVerifier.verifyInclusion(
                    leafHash: base64Bytes(probe.leafHash),
                    index: probe.leafIdx,
                    treeSize: probe.treeSize,
                    proof: (probe.proof ?? []).map(base64Bytes),
                    root: base64Bytes(probe.root)
                )
            }
            if probe.wantErr {
                expectSomeAuditError("\(entry.file) (\(probe.desc)) must be rejected", verify)
            } else {
                #expect(throws: Never.self, "\(entry.file) must be accepted") { try verify() }
                accepted += 1
            }
        }
        #expect(accepted == 6)
    }

    @Test func consistencyProbes() throws {
        let probes = try Vectors.load(ConsistencyProbes.self, "merkle/transparency-dev-consistency-probes.json")
        #expect(probes.probes.count == 98)
        var accepted = 0
        for entry in probes.probes {
            let probe = entry.probe
            let verify = {
                try MerkleProofVerifier.verifyConsistency(
                    oldSize: probe.size1,
                    newSize: probe.size2,
                    proof: (probe.proof ?? []).map(base64Bytes),
                    oldRoot: base64Bytes(probe.root1),
                    newRoot: base64Bytes(probe.root2)
                )
            }
            if probe.wantErr {
                expectSomeAuditError("\(entry.file) (\(probe.desc)) must be rejected", verify)
            } else {
                #expect(throws: Never.self, "\(entry.file) must be accepted") { try verify() }
                accepted += 1
            }
        }
        #expect(accepted == 6)
    }

    /// The rejections happen for the stated reason, not by accident of some other check.
    @Test func probeRejectionsCarryPreciseCodes() throws {
        let probes = try Vectors.load(InclusionProbes.self, "merkle/transparency-dev-inclusion-probes.json")
        func probe(_ suffix: String) throws -> InclusionProbes.Probe {
            try #require(probes.probes.first { $0.file.hasSuffix(suffix) }, "probe \(suffix) missing").probe
        }
        let cases: [(String, AuditError.Code)] = [
            ("inclusion/0/leafIdx-plus-@1.json", .leafIndexOutOfRange),
            ("inclusion/0/trailing-root.json", .wrongProofLength),
            ("inclusion/0/wrong-leaf.json", .invalidHashLength),
            ("inclusion/0/random-root.json", .rootMismatch),
        ]
        for (file, code) in cases {
            let p = try probe(file)
            expectAuditError(code, "\(file)") {
                try MerkleProofVerifier.verifyInclusion(
                    leafHash: base64Bytes(p.leafHash),
                    index: p.leafIdx,
                    treeSize: p.treeSize,
                    proof: (p.proof ?? []).map(base64Bytes),
                    root: base64Bytes(p.root)
                )
            }
        }
    }
}
