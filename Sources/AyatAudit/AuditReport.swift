/// The outcome of `AuditLogVerifier.verify`: clean, or a list of findings.
public struct AuditReport: Hashable, Sendable, CustomStringConvertible {
    /// Leaves read from the log.
    public let leafCount: UInt64
    /// Root of all leaves read, recomputed.
    public let rootHash: MerkleDigest
    /// Positions of checkpoints whose signature verified and whose root matches the leaves.
    public let verifiedCheckpoints: [Int]
    /// Everything wrong, leaf findings first (by index), then checkpoint findings (by position).
    public let findings: [AuditFinding]

    public var isClean: Bool { findings.isEmpty }

    public var description: String {
        let head = "\(leafCount) leaves, root \(rootHash.hex), \(verifiedCheckpoints.count) checkpoints verified"
        if isClean { return head + ": OK" }
        return ([head + ": \(findings.count) problem(s)"] + findings.map { "  - \($0)" }).joined(separator: "\n")
    }
}
