import Foundation
import AyatAudit
import AyatCore

/// One leaf of the audit log: its position, its recorded hash, and the stored
/// message it was made from (nil if that row has gone missing).
public struct AuditEntry: Sendable {
    public var index: UInt64
    public var leafHash: MerkleDigest
    public var message: StoredMessage?
    public var caseID: String?

    /// The leaf bytes rebuilt from the stored message, as an auditor would.
    public var leaf: AuditLeaf? {
        guard let message, let caseID else { return nil }
        return AuditLeaf(message: message, caseID: caseID)
    }
}

/// A signed checkpoint as the log issued it.
public struct StoredCheckpoint: Sendable, Hashable {
    public var size: UInt64
    /// The C2SP signed note, verbatim.
    public var note: String
    public var issuedAt: Date

    public init(size: UInt64, note: String, issuedAt: Date) {
        self.size = size
        self.note = note
        self.issuedAt = issuedAt
    }
}

/// The tamper-evident log's storage: every stored message appends one leaf in
/// the same transaction, and signed checkpoints are kept as issued.
public protocol AuditLogStore: Sendable {
    func auditSize() async throws -> UInt64
    func auditLeafHashes(_ range: Range<UInt64>) async throws -> [MerkleDigest]
    func auditEntries(_ range: Range<UInt64>) async throws -> [AuditEntry]
    func auditIndex(ofMessage id: MessageID) async throws -> UInt64?
    func appendCheckpoint(_ checkpoint: StoredCheckpoint) async throws
    func checkpoints() async throws -> [StoredCheckpoint]
}
