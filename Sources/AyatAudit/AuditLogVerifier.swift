/// Re-checks a whole log from its leaves and its signed checkpoints, trusting nothing but the
/// configured verifier keys.
///
/// It knows nothing of messages or banks: the caller supplies each entry's canonical leaf bytes in
/// log order, optionally the leaf hashes recorded when each entry was appended (which lets a
/// changed entry be named exactly), and the checkpoints in the order they were issued. One pass
/// over the leaves, O(log n) memory besides the inputs.
///
/// What can be concluded, and how precisely:
/// - a leaf whose bytes no longer match its stored hash is named by index;
/// - a checkpoint whose root the leaves do not reproduce is named, with the leaf range that must
///   contain the change: from the largest smaller checkpoint that does match, up to its size;
/// - a checkpoint larger than the log shows leaves were removed;
/// - consecutive checkpoints that shrink, or give two roots for one size, prove the log forked.
public struct AuditLogVerifier: Sendable {
    public let verifiers: [NoteVerifier]
    /// The log's origin line; checkpoints naming another log are reported. Nil accepts any.
    public let origin: String?
    /// Caps per-leaf findings so a shifted log (every leaf after a deletion differs) stays readable.
    public let maximumLeafFindings: Int

    public init(verifiers: [NoteVerifier], origin: String? = nil, maximumLeafFindings: Int = 1000) {
        self.verifiers = verifiers
        self.origin = origin
        self.maximumLeafFindings = maximumLeafFindings
    }

    /// Verifies a log given its entries' leaf bytes.
    public func verify<Leaves: Sequence>(
        leaves: Leaves,
        storedLeafHashes: [MerkleDigest]? = nil,
        checkpoints: [String]
    ) -> AuditReport where Leaves.Element: Collection<UInt8> {
        verify(leafHashes: leaves.lazy.map { MerkleHash.leaf($0) }, storedLeafHashes: storedLeafHashes, checkpoints: checkpoints)
    }

    /// Verifies a log given the leaf hashes recomputed from its entries.
    public func verify<Hashes: Sequence<MerkleDigest>>(
        leafHashes: Hashes,
        storedLeafHashes: [MerkleDigest]? = nil,
        checkpoints: [String]
    ) -> AuditReport {
        var findings: [AuditFinding] = []

        // 1. Which checkpoints are signed claims about this log.
        var signed: [Int: Checkpoint] = [:]
        var checkpointFindings: [AuditFinding] = []
        for (position, text) in checkpoints.enumerated() {
            let parsed: SignedCheckpoint
            do {
                parsed = try SignedCheckpoint(parsing: text)
            } catch {
                checkpointFindings.append(
                    AuditFinding(kind: .checkpointMalformed, checkpointIndex: position, detail: "checkpoint \(position): \(reason(error))")
                )
                continue
            }
            if let origin, parsed.checkpoint.origin != origin {
                checkpointFindings.append(
                    AuditFinding(
                        kind: .checkpointOriginMismatch,
                        checkpointIndex: position,
                        detail: "checkpoint \(position) is for log \"\(parsed.checkpoint.origin)\", not \"\(origin)\""
                    )
                )
                continue
            }
            do {
                try parsed.verify(using: verifiers)
            } catch {
                checkpointFindings.append(
                    AuditFinding(
                        kind: .checkpointSignatureInvalid,
                        checkpointIndex: position,
                        detail: "checkpoint \(position) (size \(parsed.checkpoint.size)): \(reason(error))"
                    )
                )
                continue
            }
            signed[position] = parsed.checkpoint
        }

        // 2. One pass over the leaves: compare with stored hashes, note the root at each signed size.
        let wantedSizes = Set(signed.values.map(\.size)).sorted()
        var nextWanted = wantedSizes.startIndex
        var roots: [UInt64: MerkleDigest] = [:]
        if wantedSizes.first == 0 {
            roots[0] = MerkleHash.emptyRoot
            nextWanted += 1
        }
        var accumulator = MerkleAccumulator()
        var mismatchedLeaves: [UInt64] = []
        var truncatedLeafFindings = 0
        for hash in leafHashes {
            let index = accumulator.size
            if let stored = storedLeafHashes, index < UInt64(stored.count), stored[Int(index)] != hash {
                mismatchedLeaves.append(index)
                if findings.count < maximumLeafFindings {
                    findings.append(
                        AuditFinding(
                            kind: .leafHashMismatch,
                            leafIndex: index,
                            detail: "leaf \(index) hashes to \(hash.hex), but \(stored[Int(index)].hex) was recorded when it was appended"
                        )
                    )
                } else {
                    truncatedLeafFindings += 1
                }
            }
            accumulator.append(leafHash: hash)
            if nextWanted < wantedSizes.endIndex, wantedSizes[nextWanted] == accumulator.size {
                roots[accumulator.size] = accumulator.root
                nextWanted += 1
            }
        }
        let leafCount = accumulator.size
        if truncatedLeafFindings > 0 {
            findings.append(
                AuditFinding(kind: .findingsTruncated, detail: "\(truncatedLeafFindings) more leaves differ from their stored hashes")
            )
        }
        if let stored = storedLeafHashes, UInt64(stored.count) != leafCount {
            let low = min(UInt64(stored.count), leafCount)
            let high = max(UInt64(stored.count), leafCount)
            findings.append(
                AuditFinding(
                    kind: .leafCountMismatch,
                    leafRange: low..<high,
                    detail: "\(stored.count) leaf hashes were recorded but the log holds \(leafCount) leaves"
                )
            )
        }

        // 3. Each signed checkpoint against the leaves.
        var matching: [Int: Checkpoint] = [:]
        for (position, checkpoint) in signed where checkpoint.size <= leafCount && roots[checkpoint.size] == checkpoint.rootHash {
            matching[position] = checkpoint
        }
        for position in signed.keys.sorted() {
            let checkpoint = signed[position]!
            if checkpoint.size > leafCount {
                checkpointFindings.append(
                    AuditFinding(
                        kind: .checkpointBeyondLog,
                        leafRange: leafCount..<checkpoint.size,
                        checkpointIndex: position,
                        detail: "checkpoint \(position) commits to \(checkpoint.size) leaves but the log holds \(leafCount): leaves were removed"
                    )
                )
            } else if matching[position] == nil {
                let anchor = matching.filter { $0.value.size < checkpoint.size }.max { $0.value.size < $1.value.size }
                let lower = anchor?.value.size ?? 0
                let range = lower..<checkpoint.size
                let changed = mismatchedLeaves.first { range.contains($0) }
                var detail = "the leaves do not hash to checkpoint \(position)'s root at size \(checkpoint.size)"
                if let anchor {
                    detail += "; they do match checkpoint \(anchor.key) at size \(lower), so a leaf in \(lower)..<\(checkpoint.size) changed or checkpoint \(position) does not extend checkpoint \(anchor.key)"
                } else {
                    detail += "; a leaf in 0..<\(checkpoint.size) changed"
                }
                if let changed { detail += " (leaf \(changed) differs from its stored hash)" }
                checkpointFindings.append(
                    AuditFinding(
                        kind: .checkpointRootMismatch,
                        leafIndex: changed,
                        leafRange: range,
                        checkpointIndex: position,
                        detail: detail
                    )
                )
            }
        }

        // 4. Consecutive signed checkpoints must describe one growing tree.
        let order = signed.keys.sorted()
        for (earlier, later) in zip(order, order.dropFirst()) {
            let old = signed[earlier]!
            let new = signed[later]!
            if new.size < old.size {
                checkpointFindings.append(
                    AuditFinding(
                        kind: .checkpointsInconsistent,
                        checkpointIndex: earlier,
                        otherCheckpointIndex: later,
                        detail: "checkpoint \(later) (size \(new.size)) follows checkpoint \(earlier) (size \(old.size)): the log shrank"
                    )
                )
            } else if new.size == old.size, new.rootHash != old.rootHash {
                checkpointFindings.append(
                    AuditFinding(
                        kind: .checkpointsInconsistent,
                        checkpointIndex: earlier,
                        otherCheckpointIndex: later,
                        detail: "checkpoints \(earlier) and \(later) both sign size \(old.size) with different roots: the log forked"
                    )
                )
            }
        }

        return AuditReport(
            leafCount: leafCount,
            rootHash: accumulator.root,
            verifiedCheckpoints: matching.keys.sorted(),
            findings: findings + checkpointFindings.sorted { ($0.checkpointIndex ?? 0) < ($1.checkpointIndex ?? 0) }
        )
    }

    private func reason(_ error: any Error) -> String {
        (error as? AuditError)?.reason ?? String(describing: error)
    }
}
