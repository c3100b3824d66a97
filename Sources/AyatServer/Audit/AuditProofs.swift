import Foundation
import AyatAudit
import AyatStore

/// Proofs over the stored log.
public enum AuditProofs {
    /// A C2SP tlog-proof for leaf `index` against `checkpoint`.
    public static func proof(index: UInt64, checkpoint: SignedCheckpoint, store: any AuditLogStore) async throws -> TLogProof {
        let size = checkpoint.checkpoint.size
        guard index < size else { throw AuditLogError("leaf \(index) is not covered by the checkpoint of size \(size)") }
        let tree = MerkleTree(try await store.auditLeafHashes(0..<size))
        return TLogProof(index: index, inclusionProof: try tree.inclusionProof(index: index, size: size), checkpoint: checkpoint)
    }

    /// The RFC 6962 consistency proof between two tree sizes of the stored log.
    public static func consistency(from oldSize: UInt64, to newSize: UInt64, store: any AuditLogStore) async throws -> [MerkleDigest] {
        guard oldSize <= newSize else { throw AuditLogError("the old size \(oldSize) is larger than the new size \(newSize)") }
        let tree = MerkleTree(try await store.auditLeafHashes(0..<newSize))
        return try tree.consistencyProof(from: oldSize, to: newSize)
    }
}
